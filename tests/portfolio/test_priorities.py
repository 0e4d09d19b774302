"""Synergy-aware priorities, keystones and what-if on small hand-built graphs where the right answer
can be worked out by hand (the weights are the settings' defaults: value 0.4, feasibility 0.25, data
readiness 0.2, risk 0.15; synergy 0.5; conflict 1.0; link weights reinforces 1.2, shares_data 1.0,
shares_platform 0.8 at medium strength; a data source shared by two: 0.8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from portfolio.models import Portfolio, PortfolioMembership, PriorityWeights
from portfolio.priorities import current_table, priority_table, what_if
from portfolio.services import priority_weights_update
from tests.factories import CommitteeFactory, CommitteeMembershipFactory, UserFactory, function

pytestmark = pytest.mark.django_db

# value 4, feasibility 3, data readiness 3, minimal risk (5): (1.6 + 0.75 + 0.6 + 0.75) / 1.0
STANDALONE = 3.7


def scored(graph, count: int, **fields):
    return graph.use_cases(count, business_value=4, feasibility=3, data_readiness=3, risk_tier="minimal", **fields)


def portfolio(members, reference: str = "PF-001") -> Portfolio:
    placed = Portfolio.objects.create(reference=reference, name=f"Portfolio {reference}", status="adopted")
    for use_case in members:
        PortfolioMembership.objects.create(portfolio=placed, use_case=use_case)
    return placed


def test_the_standalone_score_is_the_weighted_mean_of_the_criteria_a_use_case_has(graph):
    [full] = scored(graph, 1)
    [partial] = graph.use_cases(1, business_value=5, feasibility=None, data_readiness=None, risk_tier="not_assessed")
    [high_risk] = graph.use_cases(1, business_value=4, feasibility=3, data_readiness=3, risk_tier="high")

    rows = priority_table().rows

    assert rows[full.pk].standalone == pytest.approx(STANDALONE)
    assert (rows[partial.pk].standalone, rows[partial.pk].criteria_used) == (pytest.approx(5.0), 1)
    assert rows[high_risk.pk].standalone == pytest.approx((1.6 + 0.75 + 0.6 + 0.15 * 2) / 1.0)


def test_a_use_case_with_no_scores_is_ranked_but_says_it_is_not_scored(graph):
    [blank] = graph.use_cases(1, business_value=None, feasibility=None, data_readiness=None, risk_tier="not_assessed")

    row = priority_table().rows[blank.pk]

    assert row.standalone is None and row.priority == 0
    assert row.sentence() == "ranked 1st of 1: not scored yet"


def test_reinforcing_links_add_the_others_value_both_ways(graph):
    a, b = scored(graph, 2)
    graph.link(a, b, "reinforces", strength=2)

    rows = priority_table().rows

    gain = 0.5 * 1.2 * STANDALONE / 5
    assert rows[a.pk].synergy == pytest.approx(gain) and rows[b.pk].synergy == pytest.approx(gain)
    assert rows[a.pk].priority == pytest.approx(STANDALONE + gain)


def test_a_depends_on_link_adds_no_synergy(graph):
    a, b = scored(graph, 2)
    graph.link(a, b, "depends_on", strength=2)

    assert priority_table().rows[a.pk].synergy == 0


def test_a_conflict_costs_what_the_other_is_worth(graph):
    a, b, c = scored(graph, 3)
    graph.link(a, b, "reinforces", strength=2)
    graph.link(a, c, "conflicts_with", strength=3)  # strong: factor 1.5

    rows = priority_table().rows

    gain, cost = 0.5 * 1.2 * STANDALONE / 5, 0.5 * 1.0 * 1.5 * STANDALONE / 5
    assert rows[a.pk].synergy == pytest.approx(gain - cost)
    assert rows[c.pk].synergy == pytest.approx(-cost)


def test_a_shared_foundation_adds_the_other_users_value(graph):
    a, b = scored(graph, 2)
    graph.foundation([a, b], name="Customer 360", kind="data_source")

    rows = priority_table().rows

    assert rows[a.pk].synergy == pytest.approx(0.5 * 0.8 * STANDALONE / 5)
    assert rows[a.pk].contributions[0].name == "Customer 360"


def test_the_ranking_and_its_sentence_name_what_lifts_a_use_case(graph):
    hub, first, second, alone = scored(graph, 4)
    graph.link(hub, first, "reinforces", strength=2)
    graph.link(hub, second, "reinforces", strength=2)

    table = priority_table()
    row = table.rows[hub.pk]

    gain = 2 * 0.5 * 1.2 * STANDALONE / 5
    assert table.ranked[0] == hub.pk and row.rank == 1 and row.of == 4
    assert table.rows[alone.pk].rank == 4
    references = " and ".join(sorted([first.reference, second.reference]))
    assert row.sentence() == f"ranked 1st of 4: standalone 3.7, +{gain:.1f} from reinforcing {references}"


def test_a_sentence_says_how_many_more_and_what_costs(graph):
    target, *others = scored(graph, 4)
    rival = others.pop()
    for other in others:
        graph.link(target, other, "shares_data", strength=2)
    graph.foundation([target, others[0]], name="Data lake", kind="data_source")
    graph.link(target, rival, "conflicts_with", strength=2)

    sentence = priority_table().rows[target.pk].sentence()

    assert "(and 1 more)" in sentence
    assert f"from conflicting with {rival.reference}" in sentence


def test_rankings_per_domain_and_per_portfolio_rank_among_themselves(graph):
    from tests.factories import DomainFactory

    a, b = scored(graph, 2)
    [c] = graph.use_cases(
        1, domain=DomainFactory(name="Finance", slug="finance"), business_value=5, feasibility=5, data_readiness=5
    )
    placed = portfolio([a, b])

    table = priority_table()

    assert [(r.use_case_id, r.rank, r.of) for r in table.ranking(domain_id=c.domain_id)] == [(c.pk, 1, 1)]
    assert [r.of for r in table.ranking(portfolio_id=placed.pk)] == [2, 2]
    assert table.rows[c.pk].rank == 1  # the global rank is kept on the table


def test_drafts_retired_and_rejected_use_cases_are_not_ranked(graph):
    [draft] = scored(graph, 1, status="draft")
    [retired] = scored(graph, 1, status="retired")
    [live] = scored(graph, 1)

    assert set(priority_table().rows) == {live.pk}
    assert draft.pk and retired.pk


# Keystones ---------------------------------------------------------------------------------------------


def test_the_middle_of_a_chain_is_the_keystone(graph):
    a, b, c = scored(graph, 3)
    graph.link(a, b)
    graph.link(b, c)
    portfolio([a, b, c])

    rows = priority_table().rows

    assert [pk for pk, row in rows.items() if row.keystone] == [b.pk]
    assert rows[b.pk].cut_off == 1
    assert rows[b.pk].sentence().endswith("keystone: without it 1 use case of its portfolio is cut off")


def test_the_centre_of_a_star_cuts_off_all_but_one(graph):
    centre, *leaves = scored(graph, 5)
    for leaf in leaves:
        graph.link(centre, leaf)
    portfolio([centre, *leaves])

    row = priority_table().rows[centre.pk]

    assert row.keystone and row.cut_off == 3


def test_a_group_held_by_a_shared_foundation_has_no_keystone(graph):
    a, b, c = scored(graph, 3)
    graph.link(a, b)
    graph.link(b, c)
    graph.foundation([a, b, c], name="Feature store", kind="platform")
    portfolio([a, b, c])

    assert not any(row.keystone for row in priority_table().rows.values())


def test_a_use_case_outside_portfolios_is_no_keystone(graph):
    a, b, c = scored(graph, 3)
    graph.link(a, b)
    graph.link(b, c)

    assert not any(row.keystone for row in priority_table().rows.values())


# What if ------------------------------------------------------------------------------------------------


def test_stopping_a_use_case_names_who_loses_a_dependency_and_the_synergy_lost(graph):
    platform, pilot, partner, stranger = scored(graph, 4)
    graph.link(pilot, platform, "depends_on", strength=2)
    graph.link(partner, platform, "reinforces", strength=2)
    table = priority_table()

    result = what_if(table, [platform.pk])

    assert result.losing_dependency == [
        {"reference": pilot.reference, "title": pilot.title, "loses": [platform.reference]}
    ]
    lost = 0.5 * 1.2 * STANDALONE / 5
    assert result.synergy_lost == pytest.approx(lost)
    assert [row["reference"] for row in result.most_affected] == [partner.reference]
    assert result.most_affected[0]["synergy_after"] == 0
    assert stranger.pk not in [row.use_case_id for row in result.stopped]


def test_stopping_one_of_three_on_a_foundation_reweighs_the_others_ties(graph):
    a, b, c = scored(graph, 3)
    graph.foundation([a, b, c], name="Data lake", kind="data_source")
    table = priority_table()

    result = what_if(table, [c.pk])

    # Before: each tie 0.8 x 2/3, two others; after: 0.8 x 2/2, one other.
    before = 0.5 * 0.8 * (2 / 3) * 2 * STANDALONE / 5
    after = 0.5 * 0.8 * 1.0 * STANDALONE / 5
    assert table.rows[a.pk].synergy == pytest.approx(before, abs=1e-4)
    assert result.synergy_lost == pytest.approx(2 * (before - after), abs=1e-3)


def test_stopping_the_keystone_splits_its_portfolio_and_another_only_weakens_it(graph):
    a, b, c, d = scored(graph, 4)
    graph.link(a, b)
    graph.link(b, c)
    graph.link(c, d)
    graph.link(b, d)
    placed = portfolio([a, b, c, d])
    table = priority_table()

    split = what_if(table, [b.pk]).portfolios
    weakened = what_if(table, [d.pk]).portfolios

    assert split[0]["reference"] == placed.reference and split[0]["splits"] is True
    assert (split[0]["groups_before"], split[0]["groups_after"]) == (1, 2)
    assert weakened[0]["splits"] is False
    assert weakened[0]["cohesion_lost"] == pytest.approx(2 / 4)  # two of four equal links gone


def test_a_chosen_use_case_outside_the_table_is_reported_not_ignored(graph):
    [draft] = scored(graph, 1, status="draft")

    result = what_if(priority_table(), [draft.pk])

    assert result.not_covered == [draft.reference] and result.stopped == []


def test_what_if_writes_nothing(graph):
    a, b = scored(graph, 2)
    graph.link(a, b)
    table = priority_table()
    events = AuditEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        what_if(table, [a.pk])

    assert AuditEvent.objects.count() == events
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


# Weights --------------------------------------------------------------------------------------------


@pytest.fixture
def member(db):
    user = UserFactory(username="finance", is_staff=True)
    CommitteeMembershipFactory(committee=CommitteeFactory(), user=user, function=function("finance"), role="member")
    return user


def test_a_committee_member_changes_the_weights_audited_and_the_ranking_follows(graph, member):
    a, b = scored(graph, 2)
    graph.link(a, b)
    before = current_table().rows[a.pk].priority

    priority_weights_update(actor=member, data={"synergy": 0.0, "business_value": 1.0})

    event = AuditEvent.objects.get(action="priority.weights_changed")
    assert event.actor == member
    assert event.data["changes"] == {"synergy": [0.5, 0.0], "business_value": [0.4, 1.0]}
    after = current_table().rows[a.pk]
    assert after.synergy == 0 and after.priority != before
    assert PriorityWeights.current().updated_by == member


def test_a_team_member_may_not_change_the_weights(graph):
    with pytest.raises(PermissionDenied):
        priority_weights_update(actor=UserFactory(), data={"synergy": 2.0})

    assert PriorityWeights.current().synergy == 0.5  # unchanged


@pytest.mark.parametrize(("data", "field"), [({"synergy": -1}, "synergy"), ({"risk": 11}, "risk"), ({"x": 1}, "x")])
def test_a_weight_out_of_range_or_unknown_is_refused_naming_it(graph, member, data, field):
    with pytest.raises(ValidationError) as refused:
        priority_weights_update(actor=member, data=data)

    assert field in refused.value.message_dict
    assert not AuditEvent.objects.filter(action="priority.weights_changed").exists()


# Queries ------------------------------------------------------------------------------------------------


def test_the_table_takes_the_same_queries_whatever_the_number_of_use_cases(graph):
    def queries_for(count: int) -> int:
        members = scored(graph, count)
        for source, target in zip(members, members[1:], strict=False):
            graph.link(source, target)
        graph.foundation(members[:3], kind="data_source")
        portfolio(members, reference=f"PF-{count:03d}")
        with CaptureQueriesContext(connection) as queries:
            priority_table()
        return len(queries.captured_queries)

    assert queries_for(4) == queries_for(40)
