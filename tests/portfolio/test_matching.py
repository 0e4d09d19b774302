"""Identity across runs, as pure set arithmetic: which proposal is which portfolio (Jaccard, the
documented threshold), what a split, a merge and a new group look like, and what pins and
exclusions keep."""

from __future__ import annotations

from portfolio.matching import Existing, changes_between, jaccard, proposals_match

THRESHOLD = 0.3


def live(pk, members, pinned=(), excluded=()):
    return Existing(
        id=pk, live=True, members=frozenset(members), pinned=frozenset(pinned), excluded=frozenset(excluded)
    )


def test_jaccard_is_the_shared_share_of_the_union():
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 2 / 4
    assert jaccard(set(), set()) == 0.0


def test_a_proposal_overlapping_a_portfolio_above_the_threshold_keeps_its_identity():
    result = proposals_match([[1, 2, 3, 4, 9]], [live(10, [1, 2, 3, 4, 5])], threshold=THRESHOLD)
    assert result.matched == {0: 10}
    assert result.kept == {10: {1, 2, 3, 4, 9}}
    assert result.new == {}


def test_below_the_threshold_the_proposal_is_new_and_the_old_proposal_is_superseded():
    # 1 shared of 6 in the union: 0.17 < 0.3
    result = proposals_match([[1, 7, 8]], [live(10, [1, 2, 3, 4])], threshold=THRESHOLD, proposed_ids={10})
    assert result.matched == {}
    assert result.new == {0: {1, 7, 8}}
    assert result.superseded == [10]


def test_an_adopted_portfolio_that_no_proposal_matches_is_kept_with_its_pinned_members():
    result = proposals_match([[1, 7, 8]], [live(10, [1, 2, 3, 4], pinned=[2])], threshold=THRESHOLD)
    assert result.unmatched == [10]
    assert result.kept[10] == {2}
    assert result.superseded == []


def test_pairs_are_taken_highest_overlap_first_each_side_once():
    # Both proposals overlap portfolio 10; the closer one gets its identity, the other is new.
    result = proposals_match(
        [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7, 8]], [live(10, [1, 2, 3, 4, 5, 6])], threshold=THRESHOLD
    )
    assert result.matched == {0: 10}
    assert result.new == {1: {1, 2, 3, 4, 5, 6, 7, 8}}


def test_a_pinned_member_stays_in_its_portfolio_whatever_the_proposal_says():
    result = proposals_match(
        [[1, 2, 3], [4, 5, 6, 9]], [live(10, [1, 2, 3, 9], pinned=[9]), live(11, [4, 5, 6])], threshold=THRESHOLD
    )
    assert result.kept[10] == {1, 2, 3, 9}
    assert result.kept[11] == {4, 5, 6}  # 9 was in its proposal, but is pinned to 10


def test_a_use_case_the_committee_took_out_is_not_put_back():
    result = proposals_match([[1, 2, 3, 4]], [live(10, [1, 2, 3], excluded=[4])], threshold=THRESHOLD)
    assert result.kept[10] == {1, 2, 3}


def test_a_group_the_committee_dismissed_is_not_proposed_again():
    dismissed = Existing(id=10, live=False, members=frozenset([1, 2, 3, 4]))
    result = proposals_match([[1, 2, 3, 4, 5]], [dismissed], threshold=THRESHOLD)
    assert result.suppressed == {0: 10}
    assert result.new == {} and result.kept == {}


def test_a_split_names_the_portfolios_it_went_to_and_a_merge_the_ones_it_came_from():
    before = {10: {1, 2, 3, 4, 5, 6}, 11: {7, 8, 9}, 12: {20, 21, 22}}
    after = {10: {1, 2, 3}, ("new", 0): {4, 5, 6}, 11: {7, 8, 9, 20, 21, 22}}
    changes = changes_between(before, after)
    assert changes["splits"] == [{"portfolio": 10, "into": sorted([10, ("new", 0)], key=str)}]
    assert changes["merges"] == [{"portfolio": 11, "from": [11, 12]}]
    assert changes["joined"] == {("new", 0): [4, 5, 6], 11: [20, 21, 22]}
    assert changes["left"] == {10: [4, 5, 6], 12: [20, 21, 22]}
    assert changes["moved"] == 6


def test_the_overlaps_are_found_through_the_members_not_by_comparing_every_pair():
    # 2,000 disjoint portfolios and proposals: each matches its own, linear work.
    existing = [live(pk, range(pk * 10, pk * 10 + 10)) for pk in range(2000)]
    proposals = [list(range(pk * 10, pk * 10 + 10)) for pk in range(2000)]
    result = proposals_match(proposals, existing, threshold=THRESHOLD)
    assert result.matched == {pk: pk for pk in range(2000)}
