"""Reads of the portfolio app for the admin, the team site and the API. Each takes the actor and
applies use-case visibility (domains.selectors): a membership of a use case the actor may not see
(another team's draft placed by the committee) is not shown to them."""

from __future__ import annotations

import colorsys
import math

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from core.models import AuditEvent
from domains.choices import Status
from domains.models import Domain, Foundation, UseCase
from domains.selectors import use_case_visibility_filter
from domains.translation import localized

from .choices import LIVE_PORTFOLIO_STATUSES, LinkKind, PortfolioStatus, RunStatus
from .graph import GraphOptions, graph_build
from .layout import layout
from .models import ClusteringRun, Portfolio, PortfolioMembership
from .priorities import Priority, WhatIf, current_table, what_if

# The states in which a use case can be relied on by those that depend on it: the committee approved it
# and it is not stopped. Anything else (not yet approved, on hold, rejected, retired) blocks the gate.
DEPENDABLE_STATUSES = frozenset({Status.APPROVED, Status.IN_DELIVERY, Status.SCALED})


def dependencies_not_ready(*, use_case: UseCase) -> list[UseCase]:
    """The use cases `use_case` depends on (its depends_on targets) that are not approved, in
    delivery or scaled, by reference: what the dependency gate names. One query."""
    return list(
        UseCase.objects.filter(incoming_links__source_id=use_case.pk, incoming_links__kind=LinkKind.DEPENDS_ON)
        .exclude(status__in=DEPENDABLE_STATUSES)
        .order_by("reference")
        .distinct()
    )


def _visible_members(actor, queryset: QuerySet[PortfolioMembership]) -> QuerySet[PortfolioMembership]:
    visibility = use_case_visibility_filter(actor)
    if visibility is None:
        return queryset
    return queryset.filter(use_case__in=UseCase.objects.filter(visibility).values("pk"))


def portfolio_list(*, actor, statuses=None) -> QuerySet[Portfolio]:
    """Portfolios, with their owner; `statuses` limits them (e.g. adopted only for the team site)."""
    queryset = Portfolio.objects.select_related("owner", "proposed_by_run", "last_run")
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return queryset.order_by("reference")


def adopted_portfolios(*, actor) -> QuerySet[Portfolio]:
    """What the team site shows: adopted portfolios, each with its visible members (use case,
    domain, team) prefetched, in two queries whatever their number."""
    members = _visible_members(
        actor, PortfolioMembership.objects.select_related("use_case__domain", "use_case__team")
    ).order_by("-strength", "use_case__reference")
    return portfolio_list(actor=actor, statuses=[PortfolioStatus.ADOPTED]).prefetch_related(
        Prefetch("memberships", queryset=members, to_attr="visible_members")
    )


def membership_list(*, actor, queryset: QuerySet[PortfolioMembership] | None = None) -> QuerySet[PortfolioMembership]:
    queryset = PortfolioMembership.objects.all() if queryset is None else queryset
    return _visible_members(actor, queryset.select_related("portfolio", "use_case", "added_by"))


def portfolio_members(*, actor, portfolio: Portfolio) -> QuerySet[PortfolioMembership]:
    return (
        membership_list(actor=actor, queryset=PortfolioMembership.objects.filter(portfolio=portfolio))
        .select_related("use_case__domain", "use_case__team")
        .order_by("-strength", "use_case__reference")
    )


def use_case_portfolio(*, actor, use_case: UseCase) -> PortfolioMembership | None:
    """The live portfolio a use case belongs to (one at most), with its ties, or None."""
    return (
        PortfolioMembership.objects.select_related("portfolio")
        .filter(use_case=use_case, portfolio__status__in=LIVE_PORTFOLIO_STATUSES)
        .first()
    )


def clustering_run_list(*, actor) -> QuerySet[ClusteringRun]:
    return ClusteringRun.objects.select_related("started_by").order_by("-created_at", "-id")


def latest_succeeded_run(*, actor) -> ClusteringRun | None:
    return ClusteringRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-finished_at", "-id").first()


def isolated_use_cases(*, actor, run: ClusteringRun | None = None) -> QuerySet[UseCase]:
    """The use cases the latest run (or `run`) found with no link and no shared foundation: the
    scattered pilots the committee should connect or question."""
    run = run or latest_succeeded_run(actor=actor)
    if run is None or not run.isolated:
        return UseCase.objects.none()
    queryset = UseCase.objects.filter(pk__in=run.isolated)
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        queryset = queryset.filter(visibility)
    return queryset.select_related("domain", "team").order_by("reference")


def portfolio_audit_events(*, actor, portfolio: Portfolio) -> QuerySet[AuditEvent]:
    """What happened to a portfolio, newest first: its own events (adopted, changed, dismissed,
    archived) and its members' (placed, taken out, pinned; a membership's event names its portfolio by
    reference, and outlives the membership). Events about a use case the actor may not see are left out."""
    own = Q(target_type=ContentType.objects.get_for_model(Portfolio), target_id=str(portfolio.pk))
    members = Q(target_type=ContentType.objects.get_for_model(PortfolioMembership), data__portfolio=portfolio.reference)
    events = AuditEvent.objects.filter(own | members)
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        events = events.filter(
            Q(use_case__isnull=True) | Q(use_case__in=UseCase.objects.filter(visibility).values("pk"))
        )
    return events.select_related("use_case").order_by("-created_at", "-id")


# The network map -----------------------------------------------------------------------------------

# Colours of the live portfolios, given in the order of their references so that a portfolio keeps
# its colour whatever the map is filtered on (Okabe-Ito first, then Tableau: told apart by most
# readers, colour-blind ones included); past them, hues a golden angle apart.
MAP_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#8C564B",
    "#17BECF",
    "#BCBD22",
    "#9467BD",
    "#F0C419",
    "#1B9E77",
)
MAP_NO_PORTFOLIO = "#C3C8D0"
# Node diameters (px at zoom 1): by estimated annual benefit, square root so that area tells value.
MAP_NODE_MIN = 16.0
MAP_NODE_MAX = 52.0


def map_colour(position: int) -> str:
    if position < len(MAP_PALETTE):
        return MAP_PALETTE[position]
    hue = (position * 137.508) % 360 / 360
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42 if position % 2 else 0.58, 0.65)
    return f"#{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"


def _node_size(benefit, value, largest) -> float:
    """Benefit against the largest shown; without an estimate, business value (1 to 5) on the lower
    half of the scale, so that a guess never outweighs a figure."""
    if benefit is not None and largest:
        share = float(benefit) / largest
    elif value is not None:
        share = value / 5 * 0.5
    else:
        share = 0.0
    return round(MAP_NODE_MIN + (MAP_NODE_MAX - MAP_NODE_MIN) * math.sqrt(max(share, 0.0)), 1)


def network_map(*, actor, domains=None, portfolios=None, foundations: bool = False) -> dict:
    """The use-case graph as the admin's network map draws it: the use cases a default run covers
    that the actor may see (in `domains`, slugs, when given; with `portfolios`, references, only the
    members of those), their links, the shared foundations when asked, the live portfolios with their
    colours, and every node's position (portfolio.layout, computed here so the browser only draws).

    A fixed number of queries whatever the size: the graph's (portfolio.graph_build), the use cases'
    facts, the live portfolios, their memberships, and the foundations' names when they are shown."""
    options = GraphOptions.from_settings(domains=domains)
    graph = graph_build(options)
    rows = UseCase.objects.filter(status__in=options.statuses)
    if options.domains:
        rows = rows.filter(domain__slug__in=options.domains)
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        rows = rows.filter(visibility)
    facts = {
        row[0]: row[1:]
        for row in rows.annotate(domain_name=localized("domain__name")).values_list(
            "pk", "reference", "title", "status", "domain_name", "estimated_annual_benefit", "business_value"
        )
    }
    live = list(
        Portfolio.objects.filter(status__in=LIVE_PORTFOLIO_STATUSES)
        .order_by("reference")
        .values_list("pk", "reference", "name", "status")
    )
    colour = {pk: map_colour(position) for position, (pk, *_rest) in enumerate(live)}
    member_of = {
        use_case_id: (portfolio_id, pinned)
        for use_case_id, portfolio_id, pinned in PortfolioMembership.objects.filter(
            portfolio__status__in=LIVE_PORTFOLIO_STATUSES
        ).values_list("use_case_id", "portfolio_id", "pinned")
    }
    chosen = {pk for pk, reference, _name, _status in live if reference in set(portfolios)} if portfolios else None

    n = graph.node_count
    shown = [
        position
        for position, pk in enumerate(graph.use_case_ids)
        if pk in facts and (chosen is None or member_of.get(pk, (None,))[0] in chosen)
    ]
    local = {position: index for index, position in enumerate(shown)}
    graph_edges, graph_weights = graph.edges, graph.weights  # each built from the arrays once
    tied = {vertex for edge in graph_edges for vertex in edge if vertex < n}
    hub_users: dict[int, int] = {}
    for a, b in graph_edges:
        if b >= n and a in local:
            hub_users[b] = hub_users.get(b, 0) + 1
    hubs = sorted(hub for hub, users in hub_users.items() if users >= 2)
    for offset, hub in enumerate(hubs):
        local[hub] = len(shown) + offset
    edges, weights = [], []
    for (a, b), weight in zip(graph_edges, graph_weights, strict=True):
        if a in local and b in local:
            edges.append((local[a], local[b]))
            weights.append(weight)
    isolated = [local[position] for position in shown if position not in tied]
    benefits = [facts[graph.use_case_ids[p]][4] for p in shown]
    largest = max((float(b) for b in benefits if b is not None), default=0.0)
    sizes = [_node_size(facts[graph.use_case_ids[p]][4], facts[graph.use_case_ids[p]][5], largest) for p in shown]
    radii = [size / 2 for size in sizes] + [0.0] * len(hubs)
    # Laid out by portfolio: each is a disc of its members, the discs placed by the ties between them.
    groups = [member_of.get(graph.use_case_ids[p], (None,))[0] for p in shown] + [None] * len(hubs)
    positions = layout(len(local), edges, weights, isolated, radii, groups)
    nodes = []
    for position in shown:
        pk = graph.use_case_ids[position]
        reference, title, status, domain, benefit, value = facts[pk]
        portfolio_id, pinned = member_of.get(pk, (None, False))
        x, y = positions[local[position]]
        nodes.append(
            {
                "id": f"u{pk}",
                "pk": pk,
                "reference": reference,
                "title": title,
                "status": status,
                "domain": domain,
                "benefit": None if benefit is None else float(benefit),
                "value": value,
                "portfolio": portfolio_id,
                "pinned": pinned,
                "isolated": position not in tied,
                "colour": colour.get(portfolio_id, MAP_NO_PORTFOLIO),
                "size": sizes[local[position]],
                "x": x,
                "y": y,
            }
        )
    links = [
        {"source": graph.use_case_ids[i], "target": graph.use_case_ids[j], "kind": kind, "weight": round(weight, 3)}
        for i, j, kind, weight in graph.links
        if i in local and j in local
    ]
    links += [
        {"source": graph.use_case_ids[i], "target": graph.use_case_ids[j], "kind": LinkKind.CONFLICTS_WITH.value}
        for i, j in graph.conflicts
        if i in local and j in local
    ]
    foundation_nodes, ties = [], []
    if foundations:
        shown_hubs = {graph.hubs[hub - n][1]: hub for hub in hubs if graph.hubs[hub - n][0] == "foundation"}
        names = {
            pk: (name, kind)
            for pk, name, kind in Foundation.objects.filter(pk__in=list(shown_hubs)).values_list("pk", "name", "kind")
        }
        for foundation_id, hub in sorted(shown_hubs.items()):
            x, y = positions[local[hub]]
            name, kind = names.get(foundation_id, ("", ""))
            foundation_nodes.append(
                {
                    "id": f"f{foundation_id}",
                    "pk": foundation_id,
                    "name": name,
                    "kind": kind,
                    "users": hub_users[hub],
                    "x": x,
                    "y": y,
                }
            )
        ties = [
            {"source": graph.use_case_ids[position], "foundation": foundation_id, "weight": round(weight, 3)}
            for position, foundation_id, weight in graph.uses
            if position in local and foundation_id in shown_hubs
        ]
    shown_counts: dict[int, int] = {}
    for node in nodes:
        if node["portfolio"] is not None:
            shown_counts[node["portfolio"]] = shown_counts.get(node["portfolio"], 0) + 1
    return {
        "nodes": nodes,
        "links": links,
        "foundations": foundation_nodes,
        "ties": ties,
        "portfolios": [
            {
                "id": pk,
                "reference": reference,
                "name": name,
                "status": status,
                "colour": colour[pk],
                "shown": shown_counts.get(pk, 0),
            }
            for pk, reference, name, status in live
        ],
        "counts": {
            "use_cases": len(nodes),
            "links": len(links),
            "isolated": len(isolated),
            "in_portfolios": sum(shown_counts.values()),
        },
    }


# Priorities, keystones, what-if (portfolio.priorities) ------------------------------------------------


def priority_ranking(*, actor, domain: Domain | None = None, portfolio: Portfolio | None = None) -> list[Priority]:
    """The use cases under consideration (submitted to scaled), highest priority first, ranked among
    the domain's or the portfolio's when one is given. Every row is one anyone signed in may see (no
    draft), so the actor does not narrow it."""
    return current_table().ranking(
        domain_id=domain.pk if domain else None, portfolio_id=portfolio.pk if portfolio else None
    )


def use_case_priority(*, actor, use_case: UseCase) -> Priority | None:
    """The use case's priority (rank, scores, the sentence, keystone), or None outside the ranking."""
    return current_table().rows.get(use_case.pk)


def what_if_stopping(*, actor, use_cases: list[UseCase]) -> WhatIf:
    """What stopping these use cases would do: dependencies lost, synergy lost, portfolios weakened or
    split. Reads only."""
    result = what_if(current_table(), [use_case.pk for use_case in use_cases])
    visibility = use_case_visibility_filter(actor)
    if visibility is not None and result.losing_dependency:
        # Another team's draft that depends on them is counted, never named.
        shown = set(
            UseCase.objects.filter(
                visibility, reference__in=[row["reference"] for row in result.losing_dependency]
            ).values_list("reference", flat=True)
        )
        hidden = [row for row in result.losing_dependency if row["reference"] not in shown]
        result.losing_dependency = [row for row in result.losing_dependency if row["reference"] in shown]
        result.hidden_dependants = len(hidden)
    return result


def use_cases_by_references(*, actor, text: str) -> tuple[list[UseCase], list[str]]:
    """The use cases the actor may see named in `text` (references such as UC-0012, separated by
    commas, spaces or new lines, in any case), and the words that name none."""
    words = [word.strip().upper() for word in text.replace(",", " ").split() if word.strip()]
    words = list(dict.fromkeys(words))
    visibility = use_case_visibility_filter(actor)
    found = UseCase.objects.filter(reference__in=words)
    if visibility is not None:
        found = found.filter(visibility)
    by_reference = {use_case.reference: use_case for use_case in found.order_by("reference")}
    return list(by_reference.values()), [word for word in words if word not in by_reference]


def priority_weights() -> dict[str, float]:
    """The weights the priorities use now (the committee's, else the settings' defaults)."""
    from .models import PriorityWeights

    return PriorityWeights.current().as_dict()


def keystones_by_portfolio(*, actor) -> dict[int, frozenset[int]]:
    """Live portfolio id -> the ids of its keystone members."""
    found: dict[int, set[int]] = {}
    for row in current_table().rows.values():
        if row.keystone and row.portfolio_id is not None:
            found.setdefault(row.portfolio_id, set()).add(row.use_case_id)
    return {portfolio_id: frozenset(ids) for portfolio_id, ids in found.items()}


# Duplicates at intake (portfolio.duplicates) ------------------------------------------------------------


def similar_use_cases(
    *,
    actor,
    title: str,
    problem: str = "",
    domain_id: int | None = None,
    foundation_ids=(),
    exclude_id: int | None = None,
    limit: int = 5,
) -> list:
    """Existing use cases that look like the same idea, best first, those the actor may see only, and
    never a pair the committee said is not a duplicate (nor one already merged)."""
    from .duplicates import current_index, suggest
    from .models import DuplicatePair

    excluded: set[int] = set()
    if exclude_id is not None:
        excluded.add(exclude_id)
        for first, second in DuplicatePair.objects.filter(Q(first_id=exclude_id) | Q(second_id=exclude_id)).values_list(
            "first_id", "second_id"
        ):
            excluded.add(second if first == exclude_id else first)
    found = suggest(
        current_index(),
        title=title,
        problem=problem,
        domain_id=domain_id,
        foundation_ids=foundation_ids,
        exclude=excluded,
        limit=limit * 10,  # others' drafts are in the index: enough left once they are filtered out
    )
    visibility = use_case_visibility_filter(actor)
    if visibility is not None and found:
        visible = set(
            UseCase.objects.filter(visibility, pk__in=[s.use_case_id for s in found]).values_list("pk", flat=True)
        )
        found = [s for s in found if s.use_case_id in visible]
    return found[:limit]
