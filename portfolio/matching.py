"""Which proposal is which portfolio: a run's groups matched with the portfolios that exist, so a
portfolio keeps its identity (its reference, name, owner, adoption) across runs.

A proposal and a portfolio match when their Jaccard overlap |A ∩ B| / |A ∪ B| is at least the
threshold (PORTFOLIO_MATCH_THRESHOLD, 0.3 by default: a third of the union in common). Pairs are
taken greedily, highest overlap first, each side at most once. Pure functions over sets of use-case
ids: no database, so the rules are tested directly.

- A proposal matching a live portfolio (proposed or adopted) becomes its new membership, less the use
  cases pinned elsewhere and those the committee took out of it; its pinned members stay.
- A proposal matching a dismissed or archived portfolio is not proposed again (the committee has
  already said no, or closed it): its use cases stay unplaced.
- A proposal matching nothing is a new portfolio.
- A live portfolio matching nothing keeps its pinned members only; a proposed one left empty is
  archived as superseded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

# A portfolio counts as split when at least two of the groups it went to each took this share of its
# members (and at least two of them); merged when at least two portfolios each gave it this share.
SPLIT_SHARE = 0.25
MERGE_SHARE = 0.5


@dataclass(frozen=True)
class Existing:
    id: int
    live: bool
    members: frozenset[int]  # current members (live) or remembered ones (dismissed, archived)
    pinned: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()


@dataclass
class Matching:
    # Final members of each live portfolio that keeps or gets members, by portfolio id; new ones by
    # the position of their proposal.
    kept: dict[int, set[int]] = field(default_factory=dict)
    new: dict[int, set[int]] = field(default_factory=dict)
    matched: dict[int, int] = field(default_factory=dict)  # proposal position -> portfolio id
    overlap: dict[int, float] = field(default_factory=dict)  # proposal position -> its Jaccard
    suppressed: dict[int, int] = field(default_factory=dict)  # proposal position -> dead portfolio id
    unmatched: list[int] = field(default_factory=list)  # live portfolios no proposal matched
    superseded: list[int] = field(default_factory=list)  # proposed portfolios left empty: archive them


def jaccard(first: set[int] | frozenset[int], second: set[int] | frozenset[int]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def proposals_match(
    proposals: list[list[int]], existing: list[Existing], *, threshold: float, proposed_ids: set[int] = frozenset()
) -> Matching:
    """Match `proposals` (use-case ids of each group) with `existing` portfolios. `proposed_ids` are
    the live portfolios still only proposed (those left empty are superseded)."""
    sets = [frozenset(group) for group in proposals]
    holders: dict[int, list[int]] = defaultdict(list)  # use case -> existing positions holding it
    for position, portfolio in enumerate(existing):
        for pk in portfolio.members:
            holders[pk].append(position)

    # Overlaps only where there is one: linear in the members, not proposals x portfolios.
    common: dict[tuple[int, int], int] = defaultdict(int)
    for proposal, members in enumerate(sets):
        for pk in members:
            for position in holders.get(pk, ()):
                common[(proposal, position)] += 1
    candidates = []
    for (proposal, position), shared in common.items():
        portfolio = existing[position]
        score = shared / (len(sets[proposal]) + len(portfolio.members) - shared)
        if score >= threshold:
            candidates.append((-score, not portfolio.live, portfolio.id, proposal, position, score))
    candidates.sort()

    result = Matching()
    taken_proposals: set[int] = set()
    taken_portfolios: set[int] = set()
    for _neg, _dead, _id, proposal, position, score in candidates:
        if proposal in taken_proposals or position in taken_portfolios:
            continue
        taken_proposals.add(proposal)
        taken_portfolios.add(position)
        portfolio = existing[position]
        result.overlap[proposal] = score
        if portfolio.live:
            result.matched[proposal] = portfolio.id
        else:
            result.suppressed[proposal] = portfolio.id

    pinned_to: dict[int, int] = {pk: p.id for p in existing if p.live for pk in p.pinned}
    live = [p for p in existing if p.live]
    by_id = {p.id: p for p in live}
    for proposal, members in enumerate(sets):
        if proposal in result.suppressed:
            continue
        free = {pk for pk in members if pk not in pinned_to}
        if proposal in result.matched:
            portfolio = by_id[result.matched[proposal]]
            result.kept[portfolio.id] = (free - portfolio.excluded) | set(portfolio.pinned)
        else:
            result.new[proposal] = free
    for portfolio in live:
        if portfolio.id not in result.kept:
            result.unmatched.append(portfolio.id)
            result.kept[portfolio.id] = set(portfolio.pinned)
            if not portfolio.pinned and portfolio.id in proposed_ids:
                result.superseded.append(portfolio.id)
                del result.kept[portfolio.id]
    result.new = {proposal: members for proposal, members in result.new.items() if members}
    return result


def changes_between(before: dict[int, set[int]], after: dict[object, set[int]]) -> dict:
    """What moved between two assignments of use cases to portfolios (keys: portfolio ids, or any
    key for new ones): who joined and left each, which portfolios split and which merged."""
    where_before = {pk: key for key, members in before.items() for pk in members}
    where_after = {pk: key for key, members in after.items() for pk in members}
    joined: dict[object, list[int]] = defaultdict(list)
    left: dict[object, list[int]] = defaultdict(list)
    for pk in sorted(set(where_before) | set(where_after)):
        old, new = where_before.get(pk), where_after.get(pk)
        if old == new:
            continue
        if old is not None:
            left[old].append(pk)
        if new is not None:
            joined[new].append(pk)

    splits, merges = [], []
    for key, members in before.items():
        if len(members) < 2:
            continue
        went: dict[object, int] = defaultdict(int)
        for pk in members:
            if pk in where_after:
                went[where_after[pk]] += 1
        large = sorted((k for k, n in went.items() if n >= 2 and n >= SPLIT_SHARE * len(members)), key=str)
        if len(large) >= 2:
            splits.append({"portfolio": key, "into": large})
    for key, members in after.items():
        came: dict[int, int] = defaultdict(int)
        for pk in members:
            if pk in where_before:
                came[where_before[pk]] += 1
        large = sorted(k for k, n in came.items() if n >= 2 and n >= MERGE_SHARE * len(before[k]))
        if len(large) >= 2:
            merges.append({"portfolio": key, "from": large})
    moved = sum(1 for pk in set(where_before) | set(where_after) if where_before.get(pk) != where_after.get(pk))
    return {"joined": dict(joined), "left": dict(left), "splits": splits, "merges": merges, "moved": moved}
