"""What a portfolio is made of, computed from the graph: its metrics, each member's ties to it, and
the data of its one-line "why" (portfolio.explain turns it into a sentence).

Used by a clustering run for every portfolio it places, and by the committee's edits for the one they
change, so a portfolio reads the same whoever last touched it. Reads are a fixed number of flat
queries whatever the number of portfolios."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from domains.choices import Ambition
from domains.models import BusinessFunction, Domain, Foundation, UseCase
from domains.selectors import is_shared

from .graph import PortfolioGraph

# The metric columns of Portfolio that PortfolioFacts.model_fields() fills.
METRIC_FIELDS = (
    "member_count",
    "internal_weight",
    "cohesion",
    "total_benefit",
    "total_cost",
    "transformation_share",
    "domains",
    "functions",
    "shared_foundations",
    "explanation",
)
# How many ties each member keeps for its explanation, strongest first.
TIES_KEPT = 5


@dataclass
class MemberFacts:
    strength: float
    ties: list[dict]


@dataclass
class PortfolioFacts:
    member_count: int
    internal_weight: float
    cohesion: float | None
    total_benefit: Decimal | None
    total_cost: Decimal | None
    transformation_share: float | None
    domains: list[str]
    functions: list[str]
    shared_foundations: list[dict]
    explanation: dict
    generated_name: str
    members: dict[int, MemberFacts] = field(default_factory=dict)

    def model_fields(self) -> dict:
        return {
            "member_count": self.member_count,
            "internal_weight": round(self.internal_weight, 6),
            "cohesion": None if self.cohesion is None else round(self.cohesion, 6),
            "total_benefit": self.total_benefit,
            "total_cost": self.total_cost,
            "transformation_share": None if self.transformation_share is None else round(self.transformation_share, 6),
            "domains": self.domains,
            "functions": self.functions,
            "shared_foundations": self.shared_foundations,
            "explanation": self.explanation,
        }


def portfolio_facts(graph: PortfolioGraph, groups: dict[Hashable, list[int]]) -> dict[Hashable, PortfolioFacts]:
    """Facts of each group of use-case ids (a portfolio's final members). Members the graph does not
    cover (a pinned use case since retired, say) count as members without ties."""
    group_of: dict[int, Hashable] = {pk: key for key, members in groups.items() for pk in members}
    position_group = [group_of.get(pk) for pk in graph.use_case_ids]
    ids = graph.use_case_ids

    total = defaultdict(float)  # use-case id -> weight of all its ties
    inside = defaultdict(float)
    link_ties: dict[int, list[tuple[float, str, int]]] = defaultdict(list)
    internal_weight = defaultdict(float)
    kind_weight: dict[Hashable, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for i, j, kind, weight in graph.links:
        a, b = ids[i], ids[j]
        total[a] += weight
        total[b] += weight
        group = position_group[i]
        if group is not None and group == position_group[j]:
            inside[a] += weight
            inside[b] += weight
            link_ties[a].append((weight, kind, b))
            link_ties[b].append((weight, kind, a))
            internal_weight[group] += weight
            kind_weight[group][kind] += weight

    # Foundations shared inside a group: used by at least two of its members.
    users_in_group: dict[tuple[Hashable, int], int] = defaultdict(int)
    for position, foundation_id, _weight in graph.uses:
        group = position_group[position]
        if group is not None:
            users_in_group[(group, foundation_id)] += 1
    foundation_ties: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for position, foundation_id, weight in graph.uses:
        pk = ids[position]
        total[pk] += weight
        group = position_group[position]
        shared_with = users_in_group.get((group, foundation_id), 0) - 1 if group is not None else 0
        if shared_with > 0:
            inside[pk] += weight
            foundation_ties[pk].append((weight, foundation_id, shared_with))

    attributes, functions_of = _member_attributes(graph, sorted(group_of))
    domain_names = dict(Domain.objects.values_list("pk", "name"))
    function_names = dict(BusinessFunction.objects.values_list("pk", "name"))
    foundation_ids = sorted({fid for (_group, fid), count in users_in_group.items() if count >= 2})
    foundations = (
        {
            pk: (name, kind)
            for pk, name, kind in Foundation.objects.filter(pk__in=foundation_ids).values_list("pk", "name", "kind")
        }
        if foundation_ids
        else {}
    )

    shared_by_group: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for (group, fid), count in users_in_group.items():
        if count >= 2:
            shared_by_group[group].append((fid, count))

    facts: dict[Hashable, PortfolioFacts] = {}
    for key, group_members in groups.items():
        rows = [attributes[pk] for pk in group_members if pk in attributes]
        shares = [inside[pk] / total[pk] for pk in group_members if total[pk] > 0]
        benefits = [row[4] for row in rows if row[4] is not None]
        costs = [row[5] for row in rows if row[5] is not None]
        with_ambition = [row[3] for row in rows if row[3]]
        domain_count: dict[int, int] = defaultdict(int)
        for row in rows:
            domain_count[row[2]] += 1
        domains = [
            domain_names[d]
            for d, _n in sorted(domain_count.items(), key=lambda item: (-item[1], domain_names[item[0]]))
        ]
        function_count: dict[int, int] = defaultdict(int)
        for pk in group_members:
            for function_id in functions_of.get(pk, ()):
                function_count[function_id] += 1
        functions = [
            function_names[f]
            for f, _n in sorted(function_count.items(), key=lambda item: (-item[1], function_names[item[0]]))
        ]
        shared = sorted(
            (
                {"id": fid, "name": foundations[fid][0], "kind": foundations[fid][1], "members": count}
                for fid, count in shared_by_group.get(key, ())
                if fid in foundations
            ),
            key=lambda item: (-item["members"], item["name"]),
        )
        member_facts = {
            pk: MemberFacts(
                strength=round(inside[pk], 6), ties=_ties(pk, link_ties, foundation_ties, attributes, foundations)
            )
            for pk in group_members
        }
        # The member that holds the group together names it: one anyone may see (never a draft's
        # title in a name or sentence read by other teams and BI), unless the group has none.
        shown = [pk for pk in group_members if pk in attributes and is_shared(attributes[pk][6])] or group_members
        hub = max(shown, key=lambda pk: (inside[pk], -pk)) if shown else None
        kinds = kind_weight.get(key, {})
        explanation = {
            "count": len(group_members),
            "foundation": shared[0]["name"] if shared else "",
            "foundation_members": shared[0]["members"] if shared else 0,
            "kind": max(sorted(kinds), key=lambda kind: kinds[kind]) if kinds else "",
            "hub": attributes[hub][1] if hub in attributes else "",
            "hub_reference": attributes[hub][0] if hub in attributes else "",
            "domains": domains,
        }
        facts[key] = PortfolioFacts(
            member_count=len(group_members),
            internal_weight=internal_weight.get(key, 0.0),
            cohesion=(sum(shares) / len(shares)) if shares else None,
            total_benefit=sum(benefits, Decimal(0)) if benefits else None,
            total_cost=sum(costs, Decimal(0)) if costs else None,
            transformation_share=(
                sum(1 for ambition in with_ambition if ambition == Ambition.TRANSFORMATION) / len(rows)
                if rows
                else None
            ),
            domains=domains,
            functions=functions,
            shared_foundations=shared,
            explanation=explanation,
            generated_name=_generated_name(explanation),
            members=member_facts,
        )
    return facts


ATTRIBUTE_COLUMNS = (
    "pk",
    "reference",
    "title",
    "domain_id",
    "ambition",
    "estimated_annual_benefit",
    "estimated_annual_cost",
    "status",
)


def _member_attributes(graph: PortfolioGraph, members: list[int]):
    """(reference, title, domain id, ambition, benefit, cost) and the function ids of each member.
    Members the graph covers are read with the graph's own filter (no list of ids sent), the few
    others (pinned, since left the run's statuses) by id."""
    if not members:
        return {}, defaultdict(set)
    covered = UseCase.objects.filter(status__in=graph.options.statuses)
    if graph.options.domains:
        covered = covered.filter(domain__slug__in=graph.options.domains)
    wanted = set(members)
    attributes = {pk: row for pk, *row in covered.order_by().values_list(*ATTRIBUTE_COLUMNS) if pk in wanted}
    others = [pk for pk in members if pk not in attributes]
    if others:
        attributes.update(
            {pk: row for pk, *row in UseCase.objects.filter(pk__in=others).order_by().values_list(*ATTRIBUTE_COLUMNS)}
        )
    links = UseCase.functions.through.objects.filter(usecase__in=covered.values("pk"))
    if others:
        links = links | UseCase.functions.through.objects.filter(usecase_id__in=others)
    functions_of: dict[int, set[int]] = defaultdict(set)
    for use_case_id, function_id in links.values_list("usecase_id", "businessfunction_id"):
        if use_case_id in wanted:
            functions_of[use_case_id].add(function_id)
    return attributes, functions_of


def _ties(pk, link_ties, foundation_ties, attributes, foundations) -> list[dict]:
    """The member's strongest ties inside its portfolio, as dicts (only the kept ones are built)."""
    candidates = [(weight, 0, other, kind) for weight, kind, other in link_ties.get(pk, ())]
    candidates += [(weight, 1, fid, shared_with) for weight, fid, shared_with in foundation_ties.get(pk, ())]
    strongest = heapq.nsmallest(TIES_KEPT, candidates, key=lambda item: (-item[0], item[1], item[2]))
    ties = []
    for weight, order, other, extra in strongest:
        if order == 0:
            reference, title = attributes[other][:2] if other in attributes else ("", "")
            ties.append(
                {
                    "type": "link",
                    "kind": extra,
                    "use_case": other,
                    "reference": reference,
                    "title": title,
                    "weight": round(weight, 6),
                }
            )
        else:
            ties.append(
                {
                    "type": "foundation",
                    "foundation": other,
                    "name": foundations.get(other, ("",))[0],
                    "shared_with": extra,
                    "weight": round(weight, 6),
                }
            )
    return ties


def _generated_name(explanation: dict) -> str:
    """A working name until the committee gives one: its first domain and the member that holds it
    together, e.g. "Customer service: Adviser assist"."""
    hub = explanation.get("hub") or ""
    domains = explanation.get("domains") or []
    name = f"{domains[0]}: {hub}" if domains and hub else hub or (domains[0] if domains else "")
    return name[:200]
