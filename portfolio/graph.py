"""Graph reads over use-case links: the dependency walk the ORM cannot express in one query, and the
weighted graph the clustering runs on (`graph_build`)."""

from __future__ import annotations

import hashlib
import json
from array import array
from collections import deque
from dataclasses import dataclass, field

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


@dataclass
class PortfolioGraph:
    """Use cases (vertices 0..n-1) and the hubs they share (foundations, then domains when the
    same-domain bonus is on: vertices n..), with summed weights. `links` keeps the explicit links
    (i, j, kind, weight) and `uses` each use case's foundation ties (i, foundation id, weight), for
    the metrics and explanations; conflicts are in `conflicts` only."""

    use_case_ids: list[int]
    index: dict[int, int]
    hubs: list[tuple[str, int]]  # ("foundation", id) or ("domain", id), vertex n + position
    edges: list[tuple[int, int]]
    weights: list[float]
    links: list[tuple[int, int, str, float]]
    uses: list[tuple[int, int, float]]
    conflicts: list[tuple[int, int]]
    foundation_users: dict[int, int]
    options: GraphOptions

    @property
    def node_count(self) -> int:
        return len(self.use_case_ids)

    @property
    def vertex_count(self) -> int:
        return len(self.use_case_ids) + len(self.hubs)

    def fingerprint(self) -> str:
        """Equal for the same vertices, weighted edges and options, whatever the order they were read in."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self.options.as_dict(), sort_keys=True).encode())
        digest.update(array("q", self.use_case_ids).tobytes())
        digest.update(repr(self.hubs).encode())
        digest.update(array("q", [v for edge in self.edges for v in edge]).tobytes())
        digest.update(array("d", self.weights).tobytes())
        return digest.hexdigest()

    def to_igraph(self):
        """The weighted, undirected graph, parallel edges summed (a pair linked twice, or by two kinds,
        pulls with both weights)."""
        import igraph

        graph = igraph.Graph(n=self.vertex_count, edges=self.edges, directed=False)
        graph.es["weight"] = self.weights
        graph.simplify(multiple=True, loops=True, combine_edges="sum")
        return graph


def graph_build(options: GraphOptions) -> PortfolioGraph:
    """Read the graph of the use cases `options` covers: four queries of flat rows (use cases,
    links, foundation uses, foundation kinds), whatever the size, and edges linear in links plus
    foundation uses."""
    covered = UseCase.objects.filter(status__in=options.statuses)
    if options.domains:
        covered = covered.filter(domain__slug__in=options.domains)
    nodes = list(covered.order_by("pk").values_list("pk", "domain_id"))
    use_case_ids = [pk for pk, _domain in nodes]
    index = {pk: position for position, pk in enumerate(use_case_ids)}

    links: list[tuple[int, int, str, float]] = []
    conflicts: list[tuple[int, int]] = []
    link_rows = UseCaseLink.objects.filter(source__status__in=options.statuses, target__status__in=options.statuses)
    if options.domains:
        link_rows = link_rows.filter(source__domain__slug__in=options.domains, target__domain__slug__in=options.domains)
    weight_of = {
        (kind, strength): options.link_weight(kind, strength) for kind in LinkKind.values for strength in (1, 2, 3)
    }
    for source, target, kind, strength in link_rows.order_by("pk").values_list(
        "source_id", "target_id", "kind", "strength"
    ):
        i, j = index.get(source), index.get(target)
        if i is None or j is None:
            continue
        if kind == LinkKind.CONFLICTS_WITH:  # whatever its configured weight, a conflict never pulls
            conflicts.append((i, j))
            continue
        weight = weight_of.get((kind, strength), 0.0)
        if weight > 0:
            links.append((i, j, kind, weight))

    usage_rows = UseCaseFoundation.objects.filter(use_case__status__in=options.statuses)
    if options.domains:
        usage_rows = usage_rows.filter(use_case__domain__slug__in=options.domains)
    by_foundation: dict[int, list[int]] = {}
    for use_case_id, foundation_id in usage_rows.order_by("foundation_id", "use_case_id").values_list(
        "use_case_id", "foundation_id"
    ):
        position = index.get(use_case_id)
        if position is not None:
            by_foundation.setdefault(foundation_id, []).append(position)
    shared = {fid: users for fid, users in by_foundation.items() if len(users) >= 2}
    kinds = dict(Foundation.objects.filter(pk__in=list(shared)).values_list("pk", "kind")) if shared else {}

    n = len(use_case_ids)
    edges = [(i, j) for i, j, _kind, _weight in links]
    weights = [weight for _i, _j, _kind, weight in links]
    hubs: list[tuple[str, int]] = []
    uses: list[tuple[int, int, float]] = []
    for foundation_id in sorted(shared):
        users = shared[foundation_id]
        base = options.foundation_weights.get(kinds.get(foundation_id, ""), 0.0)
        if base <= 0:
            continue
        weight = options.hub_weight(base, len(users))
        hub = n + len(hubs)
        hubs.append(("foundation", foundation_id))
        for position in users:
            edges.append((position, hub))
            weights.append(weight)
            uses.append((position, foundation_id, weight))
    if options.same_domain_weight > 0:
        by_domain: dict[int, list[int]] = {}
        for position, (_pk, domain_id) in enumerate(nodes):
            by_domain.setdefault(domain_id, []).append(position)
        for domain_id in sorted(by_domain):
            members = by_domain[domain_id]
            if len(members) < 2:
                continue
            weight = options.hub_weight(options.same_domain_weight, len(members))
            hub = n + len(hubs)
            hubs.append(("domain", domain_id))
            for position in members:
                edges.append((position, hub))
                weights.append(weight)
    return PortfolioGraph(
        use_case_ids=use_case_ids,
        index=index,
        hubs=hubs,
        edges=edges,
        weights=weights,
        links=links,
        uses=uses,
        conflicts=conflicts,
        foundation_users={fid: len(users) for fid, users in shared.items()},
        options=options,
    )
