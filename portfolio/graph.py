"""Graph reads over use-case links: the dependency walk the ORM cannot express in one query, and the
weighted graph the clustering runs on (`graph_build`)."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection

from domains.choices import Status
from domains.models import Foundation, UseCase, UseCaseFoundation

from .choices import LinkKind
from .models import UseCaseLink

# Every use case reachable from %(start)s through depends_on links, in one query. UNION (not UNION
# ALL) makes the walk terminate even if a cycle slipped in, and keeps it linear in the edges.
_REACHABLE_SQL = """
WITH RECURSIVE reach(node) AS (
    SELECT CAST(%s AS BIGINT)
    UNION
    SELECT l.target_id FROM {table} l JOIN reach r ON l.source_id = r.node
    WHERE l.kind = %s AND l.id <> %s
)
SELECT l.source_id, l.target_id FROM {table} l
WHERE l.kind = %s AND l.id <> %s AND l.source_id IN (SELECT node FROM reach)
"""


def dependency_cycle(*, source_id: int, target_id: int, exclude_link_id: int | None = None) -> list[str]:
    """The cycle that `source depends_on target` would close, as references from source back to
    source (e.g. ["UC-0001", "UC-0002", "UC-0001"]), or [] if none. Two queries at most."""
    exclude = exclude_link_id or 0
    sql = _REACHABLE_SQL.format(table=connection.ops.quote_name(UseCaseLink._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [target_id, LinkKind.DEPENDS_ON, exclude, LinkKind.DEPENDS_ON, exclude])
        edges = cursor.fetchall()
    path = _shortest_path(edges, start=target_id, goal=source_id)
    if path is None:
        return []
    ids = [source_id, *path]
    references = dict(UseCase.objects.filter(pk__in=ids).values_list("pk", "reference"))
    return [references.get(pk, str(pk)) for pk in ids]


def _shortest_path(edges: list[tuple[int, int]], *, start: int, goal: int) -> list[int] | None:
    if start == goal:
        return [start]
    successors: dict[int, list[int]] = {}
    for source, target in edges:
        successors.setdefault(source, []).append(target)
    previous: dict[int, int] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors.get(node, ()):
            if nxt in previous:
                continue
            previous[nxt] = node
            if nxt == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return None


# The graph the clustering runs on --------------------------------------------------------------------

DEFAULT_STATUSES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    Status.ON_HOLD,
    Status.IN_DELIVERY,
    Status.SCALED,
)
# Work that is alive (drafts too): what a ripple alert or a what-if names, unlike discarded, rejected
# or retired use cases.
LIVE_STATUSES = (Status.DRAFT, *DEFAULT_STATUSES)


@dataclass(frozen=True)
class GraphOptions:
    """What a run covers and how it weighs ties. Everything a run's result depends on is here, so
    that it can be recorded with the run and hashed into its fingerprint."""

    statuses: tuple[str, ...] = DEFAULT_STATUSES
    domains: tuple[str, ...] = ()  # slugs; empty: every domain
    link_weights: dict = field(default_factory=dict)
    strength_factors: dict = field(default_factory=dict)
    foundation_weights: dict = field(default_factory=dict)
    foundation_damping: float = 1.0
    same_domain_weight: float = 0.0

    @classmethod
    def from_settings(cls, *, statuses=None, domains=None) -> GraphOptions:
        return cls(
            statuses=tuple(sorted(statuses)) if statuses else DEFAULT_STATUSES,
            domains=tuple(sorted(domains or ())),
            link_weights={str(k): float(v) for k, v in settings.PORTFOLIO_LINK_WEIGHTS.items()},
            strength_factors={int(k): float(v) for k, v in settings.PORTFOLIO_STRENGTH_FACTORS.items()},
            foundation_weights={str(k): float(v) for k, v in settings.PORTFOLIO_FOUNDATION_WEIGHTS.items()},
            foundation_damping=float(settings.PORTFOLIO_FOUNDATION_DAMPING),
            same_domain_weight=float(settings.PORTFOLIO_SAME_DOMAIN_WEIGHT),
        )

    def as_dict(self) -> dict:
        return {
            "statuses": list(self.statuses),
            "domains": list(self.domains),
            "link_weights": dict(sorted(self.link_weights.items())),
            "strength_factors": {str(k): v for k, v in sorted(self.strength_factors.items())},
            "foundation_weights": dict(sorted(self.foundation_weights.items())),
            "foundation_damping": self.foundation_damping,
            "same_domain_weight": self.same_domain_weight,
        }

    def link_weight(self, kind: str, strength: int) -> float:
        return self.link_weights.get(kind, 0.0) * self.strength_factors.get(strength, 1.0)

    def hub_weight(self, base: float, users: int) -> float:
        """The weight of one use case's tie to a hub (a foundation, a domain) that `users` covered
        use cases share."""
        return base * (2.0 / users) ** self.foundation_damping


# A link's kind as a small integer in the graph's arrays: its position here.
LINK_KINDS: tuple[str, ...] = tuple(LinkKind.values)


@dataclass
class PortfolioGraph:
    """Use cases (vertices 0..n-1, in id order) and the hubs they share (foundations, then domains
    when the same-domain bonus is on: vertices n..), as numpy arrays so that a million links cost
    milliseconds to sum. The explicit links are `link_source`, `link_target` (vertices),
    `link_kind` (position in LINK_KINDS) and `link_weight`; each use case's foundation ties are
    `use_position`, `use_foundation` (foundation id) and `use_weight`; the hub ties `hub_position`,
    `hub_vertex`, `hub_weight`. Conflicts are in `conflict_source`, `conflict_target` only: they never
    pull. Every array is in a canonical order (by vertex), so the same graph read in any order is
    the same graph. `links`, `uses`, `edges`, `weights` and `conflicts` give the same as Python lists."""

    use_case_ids: list[int]
    index: dict[int, int]
    hubs: list[tuple[str, int]]  # ("foundation", id) or ("domain", id), vertex n + position
    link_source: np.ndarray
    link_target: np.ndarray
    link_kind: np.ndarray
    link_weight: np.ndarray
    use_position: np.ndarray
    use_foundation: np.ndarray
    use_weight: np.ndarray
    hub_position: np.ndarray
    hub_vertex: np.ndarray
    hub_weight: np.ndarray
    conflict_source: np.ndarray
    conflict_target: np.ndarray
    foundation_users: dict[int, int]
    options: GraphOptions

    @property
    def node_count(self) -> int:
        return len(self.use_case_ids)

    @property
    def vertex_count(self) -> int:
        return len(self.use_case_ids) + len(self.hubs)

    @property
    def links(self) -> list[tuple[int, int, str, float]]:
        return [
            (i, j, LINK_KINDS[kind], weight)
            for i, j, kind, weight in zip(
                self.link_source.tolist(),
                self.link_target.tolist(),
                self.link_kind.tolist(),
                self.link_weight.tolist(),
                strict=True,
            )
        ]

    @property
    def uses(self) -> list[tuple[int, int, float]]:
        return list(
            zip(self.use_position.tolist(), self.use_foundation.tolist(), self.use_weight.tolist(), strict=True)
        )

    @property
    def conflicts(self) -> list[tuple[int, int]]:
        return list(zip(self.conflict_source.tolist(), self.conflict_target.tolist(), strict=True))

    def edge_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every edge of the clustering graph: explicit links, then ties to hubs."""
        return (
            np.concatenate([self.link_source, self.hub_position]),
            np.concatenate([self.link_target, self.hub_vertex]),
            np.concatenate([self.link_weight, self.hub_weight]),
        )

    @property
    def edges(self) -> list[tuple[int, int]]:
        first, second, _weights = self.edge_arrays()
        return list(zip(first.tolist(), second.tolist(), strict=True))

    @property
    def weights(self) -> list[float]:
        return self.edge_arrays()[2].tolist()

    def fingerprint(self) -> str:
        """Equal for the same vertices, weighted edges and options, whatever the order they were read in."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self.options.as_dict(), sort_keys=True).encode())
        digest.update(np.asarray(self.use_case_ids, dtype=np.int64).tobytes())
        digest.update(repr(self.hubs).encode())
        for values in self.edge_arrays():
            digest.update(np.ascontiguousarray(values).tobytes())
        return digest.hexdigest()

    def to_igraph(self):
        """The weighted, undirected graph, parallel edges summed (a pair linked twice, or by two kinds,
        pulls with both weights)."""
        import igraph

        first, second, weights = self.edge_arrays()
        low, high = np.minimum(first, second), np.maximum(first, second)
        keep = low != high  # a use case linked to itself pulls nothing
        vertices = max(self.vertex_count, 1)
        pairs, where = np.unique(low[keep] * vertices + high[keep], return_inverse=True)
        summed = np.bincount(where.reshape(-1), weights[keep], len(pairs))
        # Two flat lists zipped: a third of the time of an (m, 2) array's tolist().
        edges = list(zip((pairs // vertices).tolist(), (pairs % vertices).tolist(), strict=True))
        graph = igraph.Graph(n=self.vertex_count, edges=edges, directed=False)
        graph.es["weight"] = summed.tolist()
        return graph


def _link_columns(options: GraphOptions):
    """(kind, strength, source ids, target ids) of every link between use cases `options` covers:
    one row per kind and strength. On PostgreSQL the ids come as arrays (one query, no join: the
    covered set is applied in memory); elsewhere through the ORM."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(UseCaseLink._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, strength, array_agg(source_id), array_agg(target_id) "
                f"FROM {table} GROUP BY kind, strength"
            )
            return cursor.fetchall()
    grouped: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    rows = UseCaseLink.objects.filter(source__status__in=options.statuses, target__status__in=options.statuses)
    for kind, strength, source, target in rows.values_list("kind", "strength", "source_id", "target_id"):
        sources, targets = grouped.setdefault((kind, strength), ([], []))
        sources.append(source)
        targets.append(target)
    return [(kind, strength, sources, targets) for (kind, strength), (sources, targets) in grouped.items()]


def _use_columns(options: GraphOptions) -> tuple[list[int], list[int]]:
    """Use-case ids and foundation ids of every foundation use (filtered to the covered set later)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(UseCaseFoundation._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT array_agg(use_case_id), array_agg(foundation_id) FROM {table}")
            use_cases, foundations = cursor.fetchone()
        return use_cases or [], foundations or []
    rows = UseCaseFoundation.objects.filter(use_case__status__in=options.statuses).values_list(
        "use_case_id", "foundation_id"
    )
    pairs = list(rows)
    return [u for u, _f in pairs], [f for _u, f in pairs]


def _positions(sorted_ids: np.ndarray, pks) -> tuple[np.ndarray, np.ndarray]:
    """The vertex of each id in `pks`, and whether it is covered at all."""
    pks = np.asarray(pks, dtype=np.int64)
    if not len(sorted_ids):
        return np.zeros(len(pks), dtype=np.int64), np.zeros(len(pks), dtype=bool)
    where = np.searchsorted(sorted_ids, pks)
    where[where == len(sorted_ids)] = 0
    return where, sorted_ids[where] == pks


def _hub_ties(groups: np.ndarray, positions: np.ndarray, first_vertex: int, weight_of) -> tuple:
    """Ties of use cases to the hubs their `groups` value (a foundation, a domain) makes, for the
    groups of at least two covered use cases whose `weight_of(group, users)` is positive; vertices
    from `first_vertex` in group order. (hub keys, positions, hub vertices, weights, users per key)"""
    order = np.lexsort((positions, groups))
    groups, positions = groups[order], positions[order]
    keys, starts, counts = np.unique(groups, return_index=True, return_counts=True)
    kept_keys, tie_positions, tie_vertices, tie_weights, users = [], [], [], [], {}
    for key, start, count in zip(keys.tolist(), starts.tolist(), counts.tolist(), strict=True):
        if count < 2:
            continue
        weight = weight_of(key, count)
        if weight <= 0:
            continue
        vertex = first_vertex + len(kept_keys)
        kept_keys.append(key)
        users[key] = count
        members = positions[start : start + count]
        tie_positions.append(members)
        tie_vertices.append(np.full(count, vertex, dtype=np.int64))
        tie_weights.append(np.full(count, weight, dtype=np.float64))
    if not kept_keys:
        empty = np.zeros(0, dtype=np.int64)
        return [], empty, empty, np.zeros(0, dtype=np.float64), users
    return kept_keys, np.concatenate(tie_positions), np.concatenate(tie_vertices), np.concatenate(tie_weights), users


def graph_build(options: GraphOptions) -> PortfolioGraph:
    """Read the graph of the use cases `options` covers: a few queries of flat rows whatever the
    size (use cases, links, foundation uses, foundation kinds), summed in numpy, and edges linear in
    links plus foundation uses."""
    covered = UseCase.objects.filter(status__in=options.statuses)
    if options.domains:
        covered = covered.filter(domain__slug__in=options.domains)
    nodes = list(covered.order_by("pk").values_list("pk", "domain_id"))
    use_case_ids = [pk for pk, _domain in nodes]
    index = {pk: position for position, pk in enumerate(use_case_ids)}
    ids = np.asarray(use_case_ids, dtype=np.int64)
    n = len(use_case_ids)

    sources, targets, kinds, weights = [], [], [], []
    conflict_sources, conflict_targets = [], []
    for kind, strength, source_ids, target_ids in _link_columns(options):
        i, i_ok = _positions(ids, source_ids)
        j, j_ok = _positions(ids, target_ids)
        inside = i_ok & j_ok
        i, j = i[inside], j[inside]
        if kind == LinkKind.CONFLICTS_WITH:  # whatever its configured weight, a conflict never pulls
            conflict_sources.append(i)
            conflict_targets.append(j)
            continue
        weight = options.link_weight(kind, strength)
        if weight <= 0 or kind not in LINK_KINDS:
            continue
        sources.append(i)
        targets.append(j)
        kinds.append(np.full(len(i), LINK_KINDS.index(kind), dtype=np.int8))
        weights.append(np.full(len(i), weight, dtype=np.float64))
    link_source, link_target, link_kind, link_weight = _canonical(sources, targets, kinds, weights)
    conflict_source, conflict_target, _k, _w = _canonical(conflict_sources, conflict_targets, [], [])

    use_case_column, foundation_column = _use_columns(options)
    positions, covered_use = _positions(ids, use_case_column)
    foundation_ids = np.asarray(foundation_column, dtype=np.int64)[covered_use]
    positions = positions[covered_use]
    users_of = np.unique(foundation_ids, return_counts=True)
    shared_ids = users_of[0][users_of[1] >= 2].tolist()
    kinds_of = dict(Foundation.objects.filter(pk__in=shared_ids).values_list("pk", "kind")) if shared_ids else {}

    def foundation_weight(foundation_id: int, users: int) -> float:
        base = options.foundation_weights.get(kinds_of.get(foundation_id, ""), 0.0)
        return options.hub_weight(base, users) if base > 0 else 0.0

    foundations, use_position, hub_vertex, use_weight, foundation_users = _hub_ties(
        foundation_ids, positions, n, foundation_weight
    )
    use_foundation = np.asarray(foundations, dtype=np.int64)[hub_vertex - n] if foundations else hub_vertex.copy()
    hubs = [("foundation", foundation_id) for foundation_id in foundations]
    hub_position, hub_vertices, hub_weights = [use_position], [hub_vertex], [use_weight]
    if options.same_domain_weight > 0 and n:
        domains = np.asarray([domain_id for _pk, domain_id in nodes], dtype=np.int64)
        domain_keys, members, vertices, domain_weights, _users = _hub_ties(
            domains,
            np.arange(n, dtype=np.int64),
            n + len(hubs),
            lambda _domain, users: options.hub_weight(options.same_domain_weight, users),
        )
        hubs += [("domain", domain_id) for domain_id in domain_keys]
        hub_position.append(members)
        hub_vertices.append(vertices)
        hub_weights.append(domain_weights)
    return PortfolioGraph(
        use_case_ids=use_case_ids,
        index=index,
        hubs=hubs,
        link_source=link_source,
        link_target=link_target,
        link_kind=link_kind,
        link_weight=link_weight,
        use_position=use_position,
        use_foundation=use_foundation,
        use_weight=use_weight,
        hub_position=np.concatenate(hub_position),
        hub_vertex=np.concatenate(hub_vertices),
        hub_weight=np.concatenate(hub_weights),
        conflict_source=conflict_source,
        conflict_target=conflict_target,
        foundation_users=foundation_users,
        options=options,
    )


def _canonical(sources: list, targets: list, kinds: list, weights: list) -> tuple:
    """The pieces joined and sorted by (source, target, kind): the same graph whatever the read order.
    Pieces may be empty (a kind whose links all touch use cases the run does not cover)."""
    if not sum(len(piece) for piece in sources):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.float64)
    source, target = np.concatenate(sources), np.concatenate(targets)
    kind = np.concatenate(kinds) if kinds else np.zeros(len(source), dtype=np.int8)
    weight = np.concatenate(weights) if weights else np.zeros(len(source), dtype=np.float64)
    # One sort on a combined key (source, target, kind): a third of lexsort's time on three keys.
    span = int(max(source.max(), target.max())) + 1
    order = np.argsort((source * span + target) * len(LINK_KINDS) + kind, kind="stable")
    return source[order], target[order], kind[order], weight[order]
