"""Positions for the network map, computed on the server with igraph so that the browser only draws
(Cytoscape's `preset` layout).

The map is about groups, so the layout is in two levels. Each group (a portfolio) is laid out on its
own, force-directed, into a disc; then the groups, and the vertices in no group (use cases outside
any portfolio, shared foundations), are laid out as one vertex each on the graph of the ties between
them, the discs pushed apart until none overlaps. Components are packed in rows, largest first, and
the vertices with no tie at all (the scattered pilots) set out in a grid of their own. Everything is
seeded: the same graph gives the same picture.

2,000 use cases in 40 portfolios lay out in a fraction of a second; the result is cached by the
graph's own hash (the same vertices, edges, weights, sizes and groups give the same positions)."""

from __future__ import annotations

import hashlib
import math
import random
import threading
from array import array
from collections.abc import Hashable

from django.core.cache import cache

# Pixels between neighbouring vertices (the map's nodes are 16 to 52 px wide).
SPACING = 70.0
# Room kept around each drawn node for its label, and the rounds of pushing overlapping discs apart.
LABEL_GAP = 9.0
SEPARATION_ROUNDS = 30
# Iterations of Fruchterman-Reingold. Above GRID_ABOVE vertices igraph's grid variant is used
# (repulsion from nearby cells only: linear cost).
ITERATIONS = 300
GRID_ABOVE = 800
# How strongly a group's members are held around its centre while the group is laid out (a link
# weighs 0.25 to 1.8): enough to keep members only tied through foundations in the disc.
GROUP_PULL = 0.6
LAYOUT_SEED = 2026
CACHE_SECONDS = 24 * 3600
_CACHE_PREFIX = "portfolio:map-layout:v2:"

# igraph draws its random numbers from one process-wide generator: lay out one graph at a time, from
# a generator of our own, so that two requests never share (and reorder) a sequence.
_IGRAPH_RNG = threading.Lock()

Point = tuple[float, float]


def layout(
    vertex_count: int,
    edges: list[tuple[int, int]],
    weights: list[float],
    loose: list[int],
    radii: list[float] | None = None,
    groups: list[Hashable | None] | None = None,
) -> list[Point]:
    """Positions (x, y) of a weighted, undirected graph's vertices 0..n-1. `loose`: untied vertices
    to set out in the grid; `radii`: each vertex's drawn radius (0: not drawn); `groups`: each
    vertex's group (None: none). Deterministic, and cached."""
    radii = list(radii) if radii is not None else [0.0] * vertex_count
    groups = list(groups) if groups is not None else [None] * vertex_count
    key = _key(vertex_count, edges, weights, loose, radii, groups)
    cached = cache.get(key)
    if cached is not None:
        return cached
    with _IGRAPH_RNG:
        import igraph

        igraph.set_random_number_generator(random.Random(LAYOUT_SEED))
        try:
            positions = _compute(vertex_count, edges, weights, set(loose), radii, groups)
        finally:
            igraph.set_random_number_generator(random)
    cache.set(key, positions, CACHE_SECONDS)
    return positions


def _key(vertex_count, edges, weights, loose, radii, groups) -> str:
    digest = hashlib.sha256()
    digest.update(str(vertex_count).encode())
    digest.update(array("q", [v for edge in edges for v in edge]).tobytes())
    digest.update(array("d", weights).tobytes())
    digest.update(array("q", sorted(loose)).tobytes())
    digest.update(array("d", radii).tobytes())
    digest.update(repr(groups).encode())
    return _CACHE_PREFIX + digest.hexdigest()


def _force_layout(vertex_count: int, edges: list[tuple[int, int]], weights: list[float]) -> list[Point]:
    import igraph

    if vertex_count == 1:
        return [(0.0, 0.0)]
    graph = igraph.Graph(n=vertex_count, edges=edges, directed=False)
    graph.es["weight"] = weights
    seed = graph.layout_circle().coords
    return [
        (x, y)
        for x, y in graph.layout_fruchterman_reingold(
            weights="weight" if edges else None, seed=seed, niter=ITERATIONS, grid=vertex_count > GRID_ABOVE
        ).coords
    ]


def _normalised(coords: list[Point], size: int) -> list[Point]:
    """Centred on 0, scaled so that the root-mean-square distance from the centre grows with the
    square root of the vertex count: about SPACING² of area per vertex."""
    cx = sum(x for x, _y in coords) / len(coords)
    cy = sum(y for _x, y in coords) / len(coords)
    rms = math.sqrt(sum((x - cx) ** 2 + (y - cy) ** 2 for x, y in coords) / len(coords)) or 1.0
    scale = SPACING * math.sqrt(size) / 2.0 / rms
    return [((x - cx) * scale, (y - cy) * scale) for x, y in coords]


def _separated(coords: list[Point], reach: list[float]) -> list[Point]:
    """Push apart the discs of radius `reach` that overlap, a few rounds, comparing each disc only
    with those in the neighbouring cells of a grid (linear in the discs). A reach of 0 neither
    pushes nor moves; the smaller of two discs moves more (a group is not shoved about by a
    foundation)."""
    xs = [x for x, _y in coords]
    ys = [y for _x, y in coords]
    cell = 2 * max(reach, default=0.0)
    movable = [index for index, r in enumerate(reach) if r > 0]
    if cell <= 0 or len(movable) < 2:
        return coords
    hypot = math.hypot
    for _round in range(SEPARATION_ROUNDS):
        grid: dict[tuple[int, int], list[int]] = {}
        for index in movable:
            grid.setdefault((int(xs[index] // cell), int(ys[index] // cell)), []).append(index)
        moved = False
        for (gx, gy), indexes in grid.items():
            near = []
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    near.extend(grid.get((gx + dx, gy + dy), ()))
            for i in indexes:
                xi, yi, ri = xs[i], ys[i], reach[i]
                for j in near:
                    if j <= i:
                        continue
                    dx, dy = xs[j] - xi, ys[j] - yi
                    limit = ri + reach[j]
                    if dx >= limit or -dx >= limit or dy >= limit or -dy >= limit:
                        continue
                    distance = hypot(dx, dy)
                    overlap = limit - distance
                    if overlap <= 0:
                        continue
                    if distance < 1e-6:  # the same point: part them along a fixed direction
                        dx, dy, distance = 1.0, 0.5, hypot(1.0, 0.5)
                    share = reach[j] / limit
                    step_x, step_y = dx / distance * overlap, dy / distance * overlap
                    xi -= step_x * share
                    yi -= step_y * share
                    xs[j] += step_x * (1 - share)
                    ys[j] += step_y * (1 - share)
                    moved = True
                xs[i], ys[i] = xi, yi
        if not moved:
            break
    return list(zip(xs, ys, strict=True))


def _group_layout(members: list[int], inner: list[tuple[int, int, float]], radii: list[float]) -> list[Point]:
    """One group's members around their centre (a vertex of the layout only, tied to each)."""
    if len(members) == 1:
        return [(0.0, 0.0)]
    index = {vertex: position for position, vertex in enumerate(members)}
    centre = len(members)
    edges = [(index[a], index[b]) for a, b, _w in inner] + [(position, centre) for position in range(len(members))]
    weights = [w for _a, _b, w in inner] + [GROUP_PULL] * len(members)
    coords = _force_layout(len(members) + 1, edges, weights)[: len(members)]
    coords = _normalised(coords, len(members))
    return _separated(coords, [radii[v] + LABEL_GAP if radii[v] > 0 else 0.0 for v in members])


def _compute(vertex_count, edges, weights, loose: set[int], radii, groups) -> list[Point]:
    positions: list[Point] = [(0.0, 0.0)] * vertex_count
    if vertex_count == 0:
        return positions
    tied = {v for edge in edges for v in edge if edge[0] != edge[1]}
    grid_vertices = sorted(v for v in loose if v not in tied)
    gridded = set(grid_vertices)

    # The units of the upper level: one per group, one per vertex in no group.
    unit_of: list[int | None] = []
    units: dict[tuple, int] = {}
    for vertex in range(vertex_count):
        if vertex in gridded:
            unit_of.append(None)
            continue
        key = ("group", groups[vertex]) if groups[vertex] is not None else ("vertex", vertex)
        unit_of.append(units.setdefault(key, len(units)))
    members: list[list[int]] = [[] for _ in units]
    for vertex, unit in enumerate(unit_of):
        if unit is not None:
            members[unit].append(vertex)

    inner: list[list[tuple[int, int, float]]] = [[] for _ in units]
    between: dict[tuple[int, int], float] = {}
    for (a, b), weight in zip(edges, weights, strict=True):
        ua, ub = unit_of[a], unit_of[b]
        if ua is None or ub is None or a == b:
            continue
        if ua == ub:
            inner[ua].append((a, b, weight))
        else:
            pair = (min(ua, ub), max(ua, ub))
            between[pair] = between.get(pair, 0.0) + weight

    local = [_group_layout(members[unit], inner[unit], radii) for unit in range(len(units))]
    reach = []
    for unit, coords in enumerate(local):
        extent = max(
            (math.hypot(x, y) + radii[v] for v, (x, y) in zip(members[unit], coords, strict=True)), default=0.0
        )
        reach.append(extent + LABEL_GAP if extent > 0 else (SPACING / 4 if radii[members[unit][0]] == 0 else 0.0))

    centres = _upper_level(len(units), between, reach)

    boxes, placed = [], []
    for component, points in centres:
        xs = [points[u][0] - reach[u] for u in component] + [points[u][0] + reach[u] for u in component]
        ys = [points[u][1] - reach[u] for u in component] + [points[u][1] + reach[u] for u in component]
        boxes.append((max(xs) - min(xs), max(ys) - min(ys)))
        placed.append((component, points, min(xs), min(ys)))
    columns = max(1, math.ceil(math.sqrt(len(grid_vertices)))) if grid_vertices else 0
    if grid_vertices:
        rows = math.ceil(len(grid_vertices) / columns)
        boxes.append(((columns - 1) * SPACING, (rows - 1) * SPACING))
    total_area = sum((w + SPACING) * (h + SPACING) for w, h in boxes)
    width = max([math.sqrt(total_area) * 1.3, *(w for w, _h in boxes), SPACING * 4])
    corners = _pack(boxes, width)

    for (component, points, ox, oy), (cx, cy) in zip(placed, corners, strict=False):
        for unit in component:
            ux, uy = points[unit][0] - ox + cx, points[unit][1] - oy + cy
            for vertex, (x, y) in zip(members[unit], local[unit], strict=True):
                positions[vertex] = (ux + x, uy + y)
    if grid_vertices:
        cx, cy = corners[-1]
        for index, vertex in enumerate(grid_vertices):
            row, column = divmod(index, columns)
            positions[vertex] = (cx + column * SPACING, cy + row * SPACING)
    return [(round(x), round(y)) for x, y in positions]


def _upper_level(unit_count: int, between: dict[tuple[int, int], float], reach: list[float]):
    """The units' centres, per connected component of the ties between them, largest first:
    [(units, {unit: (x, y)})]. Each component is laid out, scaled so that tied units sit about
    their two radii apart, and its discs are pushed apart."""
    import igraph

    graph = igraph.Graph(n=unit_count, edges=list(between), directed=False)
    components = sorted(
        (sorted(component) for component in graph.connected_components()),
        key=lambda component: (-sum(reach[u] ** 2 for u in component), component[0]),
    )
    component_of = {unit: position for position, component in enumerate(components) for unit in component}
    pairs_of: list[list[tuple[tuple[int, int], float]]] = [[] for _ in components]
    for pair, weight in sorted(between.items()):
        pairs_of[component_of[pair[0]]].append((pair, weight))
    laid_out = []
    for component, pairs in zip(components, pairs_of, strict=True):
        index = {unit: position for position, unit in enumerate(component)}
        # Summed ties between two groups can be many links' worth: their logarithm keeps one heavy
        # pair of groups from crushing the rest of the picture.
        coords = _force_layout(
            len(component), [(index[a], index[b]) for (a, b), _w in pairs], [math.log1p(w) for _pair, w in pairs]
        )
        lengths = [
            (reach[a] + reach[b] + SPACING / 2) / (math.dist(coords[index[a]], coords[index[b]]) or 1.0)
            for (a, b), _w in pairs
        ]
        scale = sorted(lengths)[len(lengths) // 2] if lengths else 1.0
        coords = [(x * scale, y * scale) for x, y in coords]
        coords = _separated(coords, [reach[u] for u in component])
        laid_out.append((component, {unit: coords[index[unit]] for unit in component}))
    return laid_out


def _pack(boxes: list[tuple[float, float]], width: float) -> list[Point]:
    """Top-left corners of boxes (w, h) placed in rows no wider than `width`, in the given order."""
    corners, x, y, row_height = [], 0.0, 0.0, 0.0
    for w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + SPACING, 0.0
        corners.append((x, y))
        x += w + SPACING
        row_height = max(row_height, h)
    return corners
