"""What a portfolio is made of, computed from the graph: its metrics, each member's ties to it, and
the data of its one-line "why" (portfolio.explain turns it into a sentence).

Used by a clustering run for every portfolio it places, and by the committee's edits for the one they
change, so a portfolio reads the same whoever last touched it. Reads are a fixed number of flat
queries whatever the number of portfolios."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
import orjson

from domains.choices import Ambition
from domains.models import BusinessFunction, Domain, Foundation, UseCase
from domains.selectors import is_shared
from domains.translation import default_name_field

from .graph import LINK_KINDS, PortfolioGraph

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

    @cached_property
    def ties_json(self) -> str:
        """The ties as JSON text, made once for the digest and the write."""
        return orjson.dumps(self.ties).decode()

    @cached_property
    def digest(self) -> str:
        """Equal for equal strength and ties (PortfolioMembership.ties_digest)."""
        return hashlib.blake2b(f"{self.strength!r} {self.ties_json}".encode(), digest_size=16).hexdigest()


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
    cover (a pinned use case since retired, say) count as members without ties. The sums over links
    and foundation uses are numpy's; Python only walks the members."""
    ids = graph.use_case_ids
    n = graph.node_count
    keys = list(groups)
    group_of = {pk: number for number, key in enumerate(keys) for pk in groups[key]}
    # The group number of each vertex, -1 outside every group.
    position_group = np.fromiter((group_of.get(pk, -1) for pk in ids), dtype=np.int64, count=n)
    group_count = len(keys)

    source, target, weight = graph.link_source, graph.link_target, graph.link_weight
    # As floats even with no link at all (an imported inventory's first run): bincount of nothing counts
    # in integers, to which the foundations' float weights cannot be added in place.
    total = (np.bincount(source, weight, n) + np.bincount(target, weight, n)).astype(np.float64)
    link_group = position_group[source]
    internal = (link_group >= 0) & (link_group == position_group[target])
    inside_weight = weight[internal]
    inside_source, inside_target = source[internal], target[internal]
    inside_group = link_group[internal]
    inside = (np.bincount(inside_source, inside_weight, n) + np.bincount(inside_target, inside_weight, n)).astype(
        np.float64
    )
    internal_weight = np.bincount(inside_group, inside_weight, group_count)
    kind_count = len(LINK_KINDS)
    kind_weight = np.bincount(
        inside_group * kind_count + graph.link_kind[internal], inside_weight, group_count * kind_count
    ).reshape(group_count, kind_count)

    # Foundations shared inside a group: used by at least two of its members.
    use_position, use_foundation, use_weight = graph.use_position, graph.use_foundation, graph.use_weight
    total += np.bincount(use_position, use_weight, n)
    use_group = position_group[use_position]
    grouped = use_group >= 0
    # (group, foundation) pairs as one integer key: np.unique on rows (axis=0) is several times slower.
    span = int(use_foundation.max()) + 1 if len(use_foundation) else 1
    pair_keys = use_group[grouped] * span + use_foundation[grouped]
    pair_codes, pair_of, pair_users = np.unique(pair_keys, return_inverse=True, return_counts=True)
    pairs = np.stack([pair_codes // span, pair_codes % span], axis=1)
    shared_with = np.zeros(len(use_position), dtype=np.int64)
    shared_with[grouped] = pair_users[pair_of.reshape(-1)] - 1
    sharing = shared_with > 0
    inside += np.bincount(use_position[sharing], use_weight[sharing], n)

    member_ids = sorted(group_of)
    attributes, functions_of = _member_attributes(graph, member_ids)
    # Snapshots keep names in the default language, whatever language the run started in: pages show
    # them in the reader's (domains.translation.names_in_current_language).
    column = default_name_field()
    domain_names = dict(Domain.objects.values_list("pk", column))
    function_names = dict(BusinessFunction.objects.values_list("pk", column))
    shared_pairs = [
        (group, foundation_id, users)
        for (group, foundation_id), users in zip(pairs.tolist(), pair_users.tolist(), strict=True)
        if users >= 2
    ]
    foundation_ids = sorted({foundation_id for _group, foundation_id, _users in shared_pairs})
    foundations = (
        {
            pk: (name, kind)
            for pk, name, kind in Foundation.objects.filter(pk__in=foundation_ids).values_list("pk", column, "kind")
        }
        if foundation_ids
        else {}
    )
    shared_by_group: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for group, foundation_id, users in shared_pairs:
        shared_by_group[group].append((foundation_id, users))

    ties_of = _member_ties(graph, internal, sharing, shared_with, attributes, foundations)
    inside_of = dict(zip(ids, inside.tolist(), strict=True))
    total_of = dict(zip(ids, total.tolist(), strict=True))
    internal_weights = internal_weight.tolist()
    kind_weights = kind_weight.tolist()

    facts: dict[Hashable, PortfolioFacts] = {}
    for number, key in enumerate(keys):
        group_members = groups[key]
        rows = [attributes[pk] for pk in group_members if pk in attributes]
        shares = [inside_of[pk] / total_of[pk] for pk in group_members if total_of.get(pk, 0.0) > 0]
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
                for fid, count in shared_by_group.get(number, ())
                if fid in foundations
            ),
            key=lambda item: (-item["members"], item["name"]),
        )
        member_facts = {
            pk: MemberFacts(strength=round(inside_of.get(pk, 0.0), 6), ties=ties_of.get(pk, [])) for pk in group_members
        }
        # The member that holds the group together names it: one anyone may see (never a draft's
        # title in a name or sentence read by other teams and BI), unless the group has none.
        shown = [pk for pk in group_members if pk in attributes and is_shared(attributes[pk][6])] or group_members
        hub = max(shown, key=lambda pk: (inside_of.get(pk, 0.0), -pk)) if shown else None
        kinds = {LINK_KINDS[k]: w for k, w in enumerate(kind_weights[number]) if w > 0}
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
            internal_weight=internal_weights[number],
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


def _member_ties(graph: PortfolioGraph, internal, sharing, shared_with, attributes, foundations) -> dict[int, list]:
    """Each member's TIES_KEPT strongest ties inside its group, strongest first (ties: links before
    foundations, then the lower id), as dicts: the links inside (seen from both ends) and the
    foundations it shares with other members. Sorted in numpy; only the kept ties become dicts."""
    ids = np.asarray(graph.use_case_ids, dtype=np.int64)
    source, target = graph.link_source[internal], graph.link_target[internal]
    link_weight, link_kind = graph.link_weight[internal], graph.link_kind[internal]
    owner = np.concatenate([source, target, graph.use_position[sharing]])
    weight = np.concatenate([link_weight, link_weight, graph.use_weight[sharing]])
    order = np.concatenate(
        [np.zeros(2 * len(source), dtype=np.int64), np.ones(int(sharing.sum()), dtype=np.int64)]
    )  # 0: a link, 1: a foundation
    other = np.concatenate([ids[target], ids[source], graph.use_foundation[sharing]])
    extra = np.concatenate([link_kind, link_kind, shared_with[sharing]]).astype(np.int64)
    if not len(owner):
        return {}
    ranked = np.lexsort((other, order, -weight, owner))
    owner, weight, order, other, extra = (values[ranked] for values in (owner, weight, order, other, extra))
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    rank = np.arange(len(owner)) - np.repeat(starts, np.diff(np.r_[starts, len(owner)]))
    kept = rank < TIES_KEPT
    ties: dict[int, list] = defaultdict(list)
    use_case_ids = graph.use_case_ids
    for position, tie_weight, is_foundation, other_id, extra_value in zip(
        owner[kept].tolist(),
        np.round(weight[kept], 6).tolist(),
        order[kept].tolist(),
        other[kept].tolist(),
        extra[kept].tolist(),
        strict=True,
    ):
        if is_foundation:
            tie = {
                "type": "foundation",
                "foundation": other_id,
                "name": foundations.get(other_id, ("",))[0],
                "shared_with": extra_value,
                "weight": tie_weight,
            }
        else:
            reference, title = attributes[other_id][:2] if other_id in attributes else ("", "")
            tie = {
                "type": "link",
                "kind": LINK_KINDS[extra_value],
                "use_case": other_id,
                "reference": reference,
                "title": title,
                "weight": tie_weight,
            }
        ties[use_case_ids[position]].append(tie)
    return ties


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


def _generated_name(explanation: dict) -> str:
    """A working name until the committee gives one: its first domain and the member that holds it
    together, e.g. "Customer service: Adviser assist"."""
    hub = explanation.get("hub") or ""
    domains = explanation.get("domains") or []
    name = f"{domains[0]}: {hub}" if domains and hub else hub or (domains[0] if domains else "")
    return name[:200]
