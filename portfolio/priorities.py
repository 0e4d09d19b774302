"""Synergy-aware priorities, keystones and "what if we stop these", computed over the graph the
clustering runs on (portfolio.graph.graph_build): a few flat queries and numpy sums whatever the
number of use cases, never a query per use case.

- The **standalone score** of a use case is the weighted mean, on the 1-5 scale, of the criteria it
  has: business value, feasibility, data readiness, and its risk tier read as a score (minimal 5,
  limited 4, high 2, prohibited 0; not yet assessed is left out). Weights: PriorityWeights.
- Its **synergy** is what it gains from the others: for each `reinforces`, `shares_data` or
  `shares_platform` link, the link's clustering weight (kind x strength) times the other's standalone
  score / 5; for each foundation it shares, its tie weight to the foundation (which falls as more use
  cases share it) times the sum of the other users' standalone scores / 5; less, for each
  `conflicts_with` link, the conflict cost x strength factor x the other's score / 5. All times the
  synergy weight. The **priority** is standalone + synergy, explained in one sentence.
- A **keystone** is a member of a live portfolio whose removal splits it: other members lose every
  tie (direct or through a shared foundation) to the rest. `cut_off` says how many.
- **What if** a set of use cases stops: who loses a dependency, how much synergy the others lose,
  and which portfolios lose cohesion or split."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from domains.choices import RiskTier
from domains.models import Foundation, UseCase

from .choices import LIVE_PORTFOLIO_STATUSES, LinkKind
from .graph import LINK_KINDS, LIVE_STATUSES, GraphOptions, PortfolioGraph, graph_build
from .models import Portfolio, PortfolioMembership, PriorityWeights

RISK_SCORES = {RiskTier.MINIMAL: 5.0, RiskTier.LIMITED: 4.0, RiskTier.HIGH: 2.0, RiskTier.PROHIBITED: 0.0}
SYNERGY_KINDS = (LinkKind.REINFORCES, LinkKind.SHARES_DATA, LinkKind.SHARES_PLATFORM)
# How many contributors a sentence names.
NAMED = 2


@dataclass
class Contribution:
    """One thing a use case's synergy comes from: a link to another use case, or a shared foundation."""

    kind: str  # a link kind, or "foundation"
    amount: float
    reference: str = ""  # the other use case (a link)
    name: str = ""  # the foundation
    shared_with: int = 0


@dataclass
class Priority:
    use_case_id: int
    reference: str
    title: str
    domain_id: int
    standalone: float | None
    criteria_used: int
    synergy: float
    priority: float
    rank: int = 0
    of: int = 0
    contributions: list[Contribution] = field(default_factory=list)
    portfolio_id: int | None = None
    portfolio_reference: str = ""
    keystone: bool = False
    cut_off: int = 0

    def sentence(self) -> str:
        """ "ranked 4th of 52: standalone 3.2, +1.1 from reinforcing UC-0012 and UC-0031"."""
        head = _("ranked %(rank)s of %(total)d") % {"rank": ordinal(self.rank), "total": self.of}
        standalone = (
            _("standalone %(score)s") % {"score": f"{self.standalone:.1f}"}
            if self.standalone is not None
            else _("not scored yet")
        )
        parts = [standalone]
        gains = [c for c in self.contributions if c.amount > 0][:NAMED]
        costs = [c for c in self.contributions if c.amount < 0][:NAMED]
        gained = sum(c.amount for c in self.contributions if c.amount > 0)
        lost = sum(c.amount for c in self.contributions if c.amount < 0)
        if gains and round(gained, 1):
            parts.append(
                _("+%(amount)s from %(what)s")
                % {"amount": f"{gained:.1f}", "what": _describe(gains, self.contributions)}
            )
        if costs and round(lost, 1):
            parts.append(
                _("%(amount)s from %(what)s") % {"amount": f"{lost:.1f}", "what": _describe(costs, self.contributions)}
            )
        text = head + ": " + ", ".join(parts)
        if self.keystone:
            text += "; " + ngettext(
                "keystone: without it %(count)d use case of its portfolio is cut off",
                "keystone: without it %(count)d use cases of its portfolio are cut off",
                self.cut_off,
            ) % {"count": self.cut_off}
        return text


def ordinal(number: int) -> str:
    """1st, 2nd... in the reader's language (django.contrib.humanize's, translated), as plain text
    (its French is 4<sup>e</sup>: the sentence also goes to CSV and the API)."""
    from django.contrib.humanize.templatetags.humanize import ordinal as humanize_ordinal
    from django.utils.html import strip_tags

    return strip_tags(humanize_ordinal(number)) if number else "-"


def _verb(kind: str) -> str:
    return {
        LinkKind.REINFORCES: _("reinforcing"),
        LinkKind.SHARES_DATA: _("sharing data with"),
        LinkKind.SHARES_PLATFORM: _("sharing a platform with"),
        LinkKind.CONFLICTS_WITH: _("conflicting with"),
        "foundation": _("sharing"),
    }[kind]


def _describe(named: list[Contribution], every: list[Contribution]) -> str:
    """ "reinforcing UC-0012 and UC-0031", "sharing Customer 360 and reinforcing UC-0004", with "and 3
    more" when the contributions of that sign are more than those named."""
    by_verb: dict[str, list[str]] = {}
    for contribution in named:
        target = contribution.name if contribution.kind == "foundation" else contribution.reference
        by_verb.setdefault(contribution.kind, []).append(target)
    phrases = [f"{_verb(kind)} {_(' and ').join(targets)}" for kind, targets in by_verb.items()]
    text = _(" and ").join(phrases) if len(phrases) <= 2 else ", ".join(phrases)
    same_sign = [c for c in every if (c.amount > 0) == (named[0].amount > 0) and c.amount]
    if len(same_sign) > len(named):
        text += " " + _("(and %(count)d more)") % {"count": len(same_sign) - len(named)}
    return text


# The computation --------------------------------------------------------------------------------------


@dataclass
class PriorityTable:
    """Every covered use case's priority, ranked; keystones flagged; the graph kept for what-if."""

    graph: PortfolioGraph
    weights: dict[str, float]
    standalone: np.ndarray  # by vertex; nan: not scored
    synergy: np.ndarray
    rows: dict[int, Priority]  # by use-case id
    ranked: list[int]  # use-case ids, highest priority first
    portfolio_of: dict[int, int]  # use-case id -> live portfolio id
    portfolio_names: dict[int, tuple[str, str]]  # portfolio id -> (reference, name)

    def ranking(self, *, domain_id: int | None = None, portfolio_id: int | None = None) -> list[Priority]:
        """The ranked rows of a domain or a portfolio, ranked again among themselves."""
        rows = [
            self.rows[pk]
            for pk in self.ranked
            if (domain_id is None or self.rows[pk].domain_id == domain_id)
            and (portfolio_id is None or self.portfolio_of.get(pk) == portfolio_id)
        ]
        if domain_id is None and portfolio_id is None:
            return rows
        local = []
        for position, row in enumerate(rows, start=1):
            local.append(replace(row, rank=position, of=len(rows)))
        return local


def standalone_scores(attributes: np.ndarray, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The weighted mean of the criteria each row has (columns value, feasibility, data readiness,
    risk score; nan where missing), and how many criteria it used."""
    w = np.array([weights["business_value"], weights["feasibility"], weights["data_readiness"], weights["risk"]])
    present = ~np.isnan(attributes)
    used_weight = (present * w).sum(axis=1)
    total = np.where(present, attributes, 0.0) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(used_weight > 0, total / used_weight, np.nan)
    return scores, (present & (w > 0)).sum(axis=1)


def priority_table(options: GraphOptions | None = None) -> PriorityTable:
    graph = graph_build(options or GraphOptions.from_settings())
    weights = PriorityWeights.current().as_dict()
    ids = graph.use_case_ids
    n = graph.node_count
    rows = (
        {
            pk: (reference, title, domain_id, value, feasibility, readiness, risk)
            for pk, reference, title, domain_id, value, feasibility, readiness, risk in UseCase.objects.filter(
                pk__in=ids
            ).values_list(
                "pk", "reference", "title", "domain_id", "business_value", "feasibility", "data_readiness", "risk_tier"
            )
        }
        if n
        else {}
    )
    attributes = np.full((n, 4), np.nan)
    for position, pk in enumerate(ids):
        # A use case deleted between the graph's read and this one: a row of its own, unscored.
        _ref, _title, _domain, value, feasibility, readiness, risk = rows.setdefault(
            pk, (str(pk), "", 0, None, None, None, RiskTier.NOT_ASSESSED)
        )
        attributes[position] = [
            np.nan if value is None else value,
            np.nan if feasibility is None else feasibility,
            np.nan if readiness is None else readiness,
            RISK_SCORES.get(risk, np.nan),
        ]
    standalone, criteria = standalone_scores(attributes, weights) if n else (np.zeros(0), np.zeros(0, dtype=int))
    worth = np.nan_to_num(standalone, nan=0.0) / 5.0  # what a use case brings its neighbours

    contributions = _contributions(graph, worth, weights)
    synergy = np.zeros(n)
    for position, amount in zip(contributions["at"], contributions["amount"], strict=True):
        synergy[position] += amount
    priority = np.nan_to_num(standalone, nan=0.0) + synergy
    # Highest priority first; ties by reference (stable, readable).
    references = [rows[pk][0] for pk in ids]
    order = sorted(range(n), key=lambda p: (-round(float(priority[p]), 9), references[p]))

    foundation_names = _foundation_names(contributions)
    by_position: dict[int, list[Contribution]] = defaultdict(list)
    for at, kind, other, amount, shared in zip(
        contributions["at"],
        contributions["kind"],
        contributions["other"],
        contributions["amount"],
        contributions["shared"],
        strict=True,
    ):
        if kind == "foundation":
            by_position[at].append(
                Contribution("foundation", amount, name=foundation_names.get(other, ""), shared_with=shared)
            )
        else:
            by_position[at].append(Contribution(kind, amount, reference=references[other]))
    for listed in by_position.values():
        listed.sort(key=lambda c: (-abs(c.amount), c.reference or c.name))

    portfolio_of = dict(
        PortfolioMembership.objects.filter(portfolio__status__in=LIVE_PORTFOLIO_STATUSES).values_list(
            "use_case_id", "portfolio_id"
        )
    )
    portfolio_names = {
        pk: (reference, name)
        for pk, reference, name in Portfolio.objects.filter(status__in=LIVE_PORTFOLIO_STATUSES).values_list(
            "pk", "reference", "name"
        )
    }
    cut_offs = keystones(graph, portfolio_of)
    table: dict[int, Priority] = {}
    for rank, position in enumerate(order, start=1):
        pk = ids[position]
        reference, title, domain_id, *_rest = rows[pk]
        score = None if np.isnan(standalone[position]) else round(float(standalone[position]), 4)
        table[pk] = Priority(
            use_case_id=pk,
            reference=reference,
            title=title,
            domain_id=domain_id,
            standalone=score,
            criteria_used=int(criteria[position]),
            synergy=round(float(synergy[position]), 4),
            priority=round(float(priority[position]), 4),
            rank=rank,
            of=n,
            contributions=by_position.get(position, []),
            portfolio_id=portfolio_of.get(pk),
            portfolio_reference=portfolio_names.get(portfolio_of.get(pk), ("", ""))[0],
            keystone=cut_offs.get(pk, 0) > 0,
            cut_off=cut_offs.get(pk, 0),
        )
    return PriorityTable(
        graph=graph,
        weights=weights,
        standalone=standalone,
        synergy=synergy,
        rows=table,
        ranked=[ids[p] for p in order],
        portfolio_of=portfolio_of,
        portfolio_names=portfolio_names,
    )


def _contributions(
    graph: PortfolioGraph, worth: np.ndarray, weights: dict[str, float], removed: np.ndarray | None = None
) -> dict[str, list]:
    """Every contribution to a vertex's synergy, as parallel lists: `at` (the vertex gaining or
    losing), `kind`, `other` (the other vertex, or the foundation id), `amount`, `shared` (users of
    the foundation). Numpy does the sums; the lists are as long as links plus foundation uses.
    `removed` (a mask of vertices): as if those use cases were stopped: their links gone, and their
    foundations shared by fewer (each remaining user's tie weighed for the new number of users)."""
    factor = weights["synergy"]
    kept = np.ones(graph.node_count, dtype=bool) if removed is None else ~removed
    at: list[np.ndarray] = []
    kinds: list[str] = []
    kind_runs: list[tuple[str, int]] = []
    other: list[np.ndarray] = []
    amount: list[np.ndarray] = []
    shared: list[np.ndarray] = []

    def add(kind: str, where: np.ndarray, others: np.ndarray, values: np.ndarray, users: np.ndarray | None = None):
        if not len(where):
            return
        at.append(where)
        other.append(others)
        amount.append(values)
        shared.append(users if users is not None else np.zeros(len(where), dtype=np.int64))
        kind_runs.append((kind, len(where)))

    wanted = np.isin(graph.link_kind, [LINK_KINDS.index(kind) for kind in SYNERGY_KINDS])
    wanted &= kept[graph.link_source] & kept[graph.link_target]
    source, target = graph.link_source[wanted], graph.link_target[wanted]
    kind_codes, link_weight = graph.link_kind[wanted], graph.link_weight[wanted]
    for code in np.unique(kind_codes).tolist():
        chosen = kind_codes == code
        s, t, w = source[chosen], target[chosen], link_weight[chosen]
        kind = LINK_KINDS[code]
        add(kind, np.concatenate([s, t]), np.concatenate([t, s]), factor * np.concatenate([w * worth[t], w * worth[s]]))

    # Foundations: each user gains its tie weight times the others' worth on that foundation.
    use_position, use_foundation, use_weight = graph.use_position, graph.use_foundation, graph.use_weight
    if removed is not None and len(use_position):
        # A tie's weight is base x (2 / users) ** damping: the same base, for the users left.
        _codes, first_inverse, first_users = np.unique(use_foundation, return_inverse=True, return_counts=True)
        staying = kept[use_position]
        base = use_weight / np.array([graph.options.hub_weight(1.0, int(u)) for u in first_users])[first_inverse]
        use_position, use_foundation, base = use_position[staying], use_foundation[staying], base[staying]
        _codes, inverse, users = np.unique(use_foundation, return_inverse=True, return_counts=True)
        factors = np.array([graph.options.hub_weight(1.0, int(u)) if u >= 2 else 0.0 for u in users])
        use_weight = base * factors[inverse.reshape(-1)]
    if len(use_position):
        codes, inverse, users = np.unique(use_foundation, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        worth_sum = np.bincount(inverse, worth[use_position], len(codes))
        others_worth = worth_sum[inverse] - worth[use_position]
        add("foundation", use_position, use_foundation, factor * use_weight * others_worth, users[inverse])

    # Conflicts cost, whatever their clustering weight (0: a conflict never pulls).
    if len(graph.conflict_source):
        staying = kept[graph.conflict_source] & kept[graph.conflict_target]
        strengths = _conflict_strengths(graph)[staying]
        s, t = graph.conflict_source[staying], graph.conflict_target[staying]
        cost = weights["conflict"] * strengths
        add(
            LinkKind.CONFLICTS_WITH,
            np.concatenate([s, t]),
            np.concatenate([t, s]),
            -factor * np.concatenate([cost * worth[t], cost * worth[s]]),
        )
    for kind, count in kind_runs:
        kinds.extend([kind] * count)
    if not at:
        return {"at": [], "kind": [], "other": [], "amount": [], "shared": []}
    return {
        "at": np.concatenate(at).tolist(),
        "kind": kinds,
        "other": np.concatenate(other).tolist(),
        "amount": np.concatenate(amount).tolist(),
        "shared": np.concatenate(shared).tolist(),
    }


def _conflict_strengths(graph: PortfolioGraph) -> np.ndarray:
    """The strength factor of each conflict of the graph (the graph keeps only their ends)."""
    from .models import UseCaseLink

    factors = graph.options.strength_factors
    strength_of = {
        (graph.index[s], graph.index[t]): factors.get(strength, 1.0)
        for s, t, strength in UseCaseLink.objects.filter(kind=LinkKind.CONFLICTS_WITH).values_list(
            "source_id", "target_id", "strength"
        )
        if s in graph.index and t in graph.index
    }
    return np.asarray(
        [
            strength_of.get((s, t), 1.0)
            for s, t in zip(graph.conflict_source.tolist(), graph.conflict_target.tolist(), strict=True)
        ],
        dtype=np.float64,
    )


def _foundation_names(contributions: dict[str, list]) -> dict[int, str]:
    from domains.translation import localized

    ids = {
        other for kind, other in zip(contributions["kind"], contributions["other"], strict=True) if kind == "foundation"
    }
    if not ids:
        return {}
    return dict(Foundation.objects.filter(pk__in=ids).values_list("pk", localized("name")))


# Keystones --------------------------------------------------------------------------------------------


def _portfolio_graphs(graph: PortfolioGraph, portfolio_of: dict[int, int], removed: frozenset[int] = frozenset()):
    """For each live portfolio: its members' vertices and the undirected igraph of their ties (links
    between members, and ties to the foundations two or more of them share), `removed` left out."""
    import igraph

    members: dict[int, list[int]] = defaultdict(list)
    for pk, portfolio_id in portfolio_of.items():
        if pk in graph.index and pk not in removed:
            members[portfolio_id].append(graph.index[pk])
    group = np.full(graph.vertex_count, -1, dtype=np.int64)
    for portfolio_id, vertices in members.items():
        group[vertices] = portfolio_id
    first, second, _weights = graph.edge_arrays()
    result = {}
    inside_links = (
        (group[first] >= 0) & (group[first] == group[second]) & (first < graph.node_count) & (second < graph.node_count)
    )
    foundation_hubs = np.zeros(graph.vertex_count, dtype=bool)
    for position, (kind, _hub_id) in enumerate(graph.hubs):
        foundation_hubs[graph.node_count + position] = kind == "foundation"
    hub_ties = foundation_hubs[second]  # a shared domain is no tie that holds a portfolio together
    by_portfolio_links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in zip(first[inside_links].tolist(), second[inside_links].tolist(), strict=True):
        by_portfolio_links[int(group[a])].append((a, b))
    hub_users: dict[tuple[int, int], list[int]] = defaultdict(list)
    tie_group = group[first[hub_ties]]
    for a, hub, portfolio_id in zip(
        first[hub_ties].tolist(), second[hub_ties].tolist(), tie_group.tolist(), strict=True
    ):
        if portfolio_id >= 0:
            hub_users[(portfolio_id, hub)].append(a)
    hubs_of: dict[int, list[list[int]]] = defaultdict(list)
    for (portfolio_id, _hub), users in hub_users.items():
        if len(users) >= 2:
            hubs_of[portfolio_id].append(users)
    for portfolio_id, vertices in members.items():
        local = {vertex: position for position, vertex in enumerate(sorted(vertices))}
        edges = [(local[a], local[b]) for a, b in by_portfolio_links.get(portfolio_id, [])]
        hubs = hubs_of.get(portfolio_id, [])
        for number, users in enumerate(hubs):
            hub_vertex = len(local) + number
            edges.extend((local[user], hub_vertex) for user in users)
        result[portfolio_id] = (
            sorted(vertices),
            igraph.Graph(n=len(local) + len(hubs), edges=edges, directed=False),
        )
    return result


def _cut_off(g, member_count: int, vertex: int | None = None) -> tuple[int, int]:
    """(members outside the largest remaining group of members, number of groups of members) once
    `vertex` (a member) is removed from `g`. Members are g's first vertices, hubs after them."""
    if vertex is not None:
        g = g.copy()
        g.delete_vertices([vertex])
        member_count -= 1
    sizes = Counter(g.connected_components().membership[:member_count])
    if not sizes:
        return 0, 0
    return member_count - max(sizes.values()), len(sizes)


def keystones(graph: PortfolioGraph, portfolio_of: dict[int, int]) -> dict[int, int]:
    """Use-case id -> how many other members of its portfolio its removal cuts off from the rest
    (only the keystones: removal cuts at least one off). Articulation points first: no other member
    can cut anything off."""
    found: dict[int, int] = {}
    ids = graph.use_case_ids
    for _portfolio_id, (vertices, g) in _portfolio_graphs(graph, portfolio_of).items():
        count = len(vertices)
        if count < 3:
            continue
        apart_before, groups_before = _cut_off(g, count)
        for local in g.articulation_points():
            if local >= count:
                continue  # a shared foundation, not a use case
            apart, groups = _cut_off(g, count, local)
            if groups > groups_before:  # members apart beyond those already apart before
                found[ids[vertices[local]]] = max(apart - apart_before, 1)
    return found


# The table, kept while nothing it reads has changed -----------------------------------------------------

_cached: dict[str, tuple[tuple, PriorityTable]] = {}
_cache_lock = threading.Lock()


def data_version() -> tuple:
    """What the table reads, summed up in a few indexed aggregates: it changes when a use case, link,
    foundation use, membership or the weights change (added, edited or removed)."""
    from django.db.models import Count, Max

    from domains.models import UseCaseFoundation

    from .models import UseCaseLink

    def stamp(queryset, field):
        row = queryset.aggregate(count=Count("pk"), last=Max(field))
        return row["count"], row["last"]

    return (
        stamp(UseCase.objects.all(), "updated_at"),
        stamp(UseCaseLink.objects.all(), "updated_at"),
        stamp(UseCaseFoundation.objects.all(), "pk"),
        stamp(PortfolioMembership.objects.all(), "updated_at"),
        stamp(PriorityWeights.objects.all(), "updated_at"),
    )


def current_table() -> PriorityTable:
    """The priority table of the portfolio as it is now: computed once per change of the data, per
    process (a page, the API and the CSV read the same table)."""
    version = data_version()
    language = translation.get_language() or ""  # the sentences' foundation names are in it
    with _cache_lock:
        kept = _cached.get(language)
        if kept is not None and kept[0] == version:
            return kept[1]
    table = priority_table()
    with _cache_lock:
        _cached[language] = (version, table)
    return table


def forget_table() -> None:
    with _cache_lock:
        _cached.clear()


# What if we stop these --------------------------------------------------------------------------------


@dataclass
class WhatIf:
    stopped: list[Priority]
    not_covered: list[str]  # references of chosen use cases outside the table (drafts, retired...)
    losing_dependency: list[dict]  # {reference, title, loses: [references]}
    synergy_lost: float
    most_affected: list[dict]  # {reference, title, before, after, lost}
    portfolios: list[dict]  # {reference, name, members, stopped, internal_weight_before/after, groups_before/after}
    hidden_dependants: int = 0  # dependants the reader may not see (another team's drafts): counted only


def what_if(table: PriorityTable, use_case_ids: list[int]) -> WhatIf:
    """What stopping these use cases would do to the others; writes nothing. Synergy is recomputed
    without them (their links gone, their foundations shared by fewer), the portfolios' ties counted
    without them, and the depends_on links read once."""
    from .models import UseCaseLink

    graph = table.graph
    chosen = sorted(set(use_case_ids))
    stopped_positions = [graph.index[pk] for pk in chosen if pk in graph.index]
    not_covered = list(
        UseCase.objects.filter(pk__in=[pk for pk in chosen if pk not in graph.index])
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    removed = np.zeros(graph.node_count, dtype=bool)
    removed[stopped_positions] = True

    worth = np.nan_to_num(table.standalone, nan=0.0) / 5.0
    after = np.zeros(graph.node_count)
    contributions = _contributions(graph, worth, table.weights, removed=removed)
    for position, amount in zip(contributions["at"], contributions["amount"], strict=True):
        after[position] += amount
    lost = np.where(removed, 0.0, table.synergy - after)
    ids = graph.use_case_ids
    affected = [p for p in np.argsort(-lost, kind="stable").tolist() if lost[p] > 1e-9][:20]
    most_affected = [
        {
            "reference": table.rows[ids[p]].reference,
            "title": table.rows[ids[p]].title,
            "synergy_before": round(float(table.synergy[p]), 4),
            "synergy_after": round(float(after[p]), 4),
            "lost": round(float(lost[p]), 4),
        }
        for p in affected
    ]

    losing: dict[int, list[str]] = defaultdict(list)
    dependants = (
        UseCaseLink.objects.filter(kind=LinkKind.DEPENDS_ON, target_id__in=chosen, source__status__in=LIVE_STATUSES)
        .exclude(source_id__in=chosen)
        .values_list("source_id", "source__reference", "source__title", "target__reference")
        .order_by("source__reference", "target__reference")
    )
    names: dict[int, tuple[str, str]] = {}
    for source_id, reference, title, target_reference in dependants:
        losing[source_id].append(target_reference)
        names[source_id] = (reference, title)
    losing_dependency = [
        {"reference": names[pk][0], "title": names[pk][1], "loses": targets} for pk, targets in losing.items()
    ]

    portfolios = []
    touched = {table.portfolio_of[pk] for pk in chosen if pk in table.portfolio_of}
    if touched:
        before_graphs = _portfolio_graphs(graph, {pk: p for pk, p in table.portfolio_of.items() if p in touched})
        after_graphs = _portfolio_graphs(
            graph, {pk: p for pk, p in table.portfolio_of.items() if p in touched}, removed=frozenset(chosen)
        )
        link_weight = _internal_link_weight(graph, table.portfolio_of, touched, frozenset())
        link_weight_after = _internal_link_weight(graph, table.portfolio_of, touched, frozenset(chosen))
        for portfolio_id in sorted(touched, key=lambda p: table.portfolio_names.get(p, ("", ""))[0]):
            reference, name = table.portfolio_names.get(portfolio_id, ("", ""))
            vertices, g = before_graphs.get(portfolio_id, ([], None))
            remaining, g_after = after_graphs.get(portfolio_id, ([], None))
            groups_before = _cut_off(g, len(vertices))[1] if g is not None else 0
            groups_after = _cut_off(g_after, len(remaining))[1] if g_after is not None else 0
            before_weight = link_weight.get(portfolio_id, 0.0)
            after_weight = link_weight_after.get(portfolio_id, 0.0)
            portfolios.append(
                {
                    "reference": reference,
                    "name": name,
                    "members": len(vertices),
                    "stopped": sum(1 for pk in chosen if table.portfolio_of.get(pk) == portfolio_id),
                    "internal_weight_before": round(before_weight, 4),
                    "internal_weight_after": round(after_weight, 4),
                    "cohesion_lost": round(1 - after_weight / before_weight, 4) if before_weight else 0.0,
                    "groups_before": groups_before,
                    "groups_after": groups_after,
                    "splits": groups_after > groups_before,
                }
            )
    return WhatIf(
        stopped=[table.rows[pk] for pk in chosen if pk in table.rows],
        not_covered=not_covered,
        losing_dependency=losing_dependency,
        synergy_lost=round(float(lost.sum()), 4),
        most_affected=most_affected,
        portfolios=portfolios,
    )


def _internal_link_weight(graph, portfolio_of, portfolio_ids, removed: frozenset[int]) -> dict[int, float]:
    """Each portfolio's internal link weight (Portfolio.internal_weight) without the `removed` use cases."""
    group = np.full(graph.node_count, -1, dtype=np.int64)
    for pk, portfolio_id in portfolio_of.items():
        if portfolio_id in portfolio_ids and pk in graph.index and pk not in removed:
            group[graph.index[pk]] = portfolio_id
    source, target = graph.link_source, graph.link_target
    inside = (group[source] >= 0) & (group[source] == group[target])
    sums: dict[int, float] = defaultdict(float)
    for portfolio_id, weight in zip(group[source][inside].tolist(), graph.link_weight[inside].tolist(), strict=True):
        sums[portfolio_id] += weight
    return sums
