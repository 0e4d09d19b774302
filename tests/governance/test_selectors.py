"""Reads: which committee reviews a use case, its timeline, the feedback the team sees and what is
expected of it next; the committee sees every draft."""

import pytest

from domains.selectors import use_case_list
from domains.services import use_case_update
from governance import services
from governance.selectors import (
    committee_for,
    next_actions_for_team,
    team_expectations,
    use_case_feedback,
    use_case_timeline,
    use_cases_awaiting_vote,
)
from tests.factories import CommitteeFactory, DomainFactory, UseCaseFactory, UserFactory
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db


def test_the_committee_that_names_the_domain_reviews_it_before_the_catch_all(world):
    domain = DomainFactory(name="Pricing", slug="pricing")
    specific = CommitteeFactory(name="Commercial committee", covers_all_domains=False)
    specific.domains.add(domain)
    assert committee_for(UseCaseFactory(domain=domain)) == specific
    assert committee_for(world.use_case) == world.committee


def test_timeline_merges_transitions_votes_decisions_comments_and_field_changes(world):
    use_case = advance(world, "changes_requested")
    use_case_update(actor=world.owner, use_case=use_case, data={"feasibility": 2})
    services.use_case_submit(actor=world.owner, use_case=use_case)
    services.use_case_start_review(actor=world.chair, use_case=use_case)
    approve_votes(world, use_case)
    services.use_case_decide(
        actor=world.chair, use_case=use_case, outcome="approved", rationale="Now convincing.", conditions="DPIA."
    )

    entries = use_case_timeline(use_case=use_case)

    kinds = [e.kind for e in entries]
    assert kinds == [
        "transition",  # submit
        "transition",  # start review
        "comment",  # the change request
        "transition",  # request changes
        "field_change",  # feasibility
        "transition",  # resubmit
        "transition",  # start review, round 2
        "vote",
        "vote",
        "vote",
        "decision",
        "transition",  # approve
    ]
    assert entries[4].text == "Changed: feasibility"
    assert entries[4].actor == world.owner.get_full_name()
    assert entries[7].text == "Round 2: Approve (Finance) - Reviewed."
    assert entries[10].text == "Approved: Now convincing. Conditions: DPIA."
    assert entries[0].text == "Submit: Draft → Submitted"
    assert [e.when for e in entries] == sorted(e.when for e in entries)


def test_timeline_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    with django_assert_max_num_queries(5):
        short = use_case_timeline(use_case=use_case)
    for round_ in range(3):
        services.use_case_request_changes(actor=world.chair, use_case=use_case, comment=f"Round {round_}")
        use_case_update(actor=world.owner, use_case=use_case, data={"feasibility": round_ + 1})
        services.use_case_submit(actor=world.owner, use_case=use_case)
        services.use_case_start_review(actor=world.chair, use_case=use_case)
        approve_votes(world, use_case)
    with django_assert_max_num_queries(5):
        long = use_case_timeline(use_case=use_case)
    assert len(long) > len(short) + 15


def test_feedback_gives_the_latest_rounds_votes_the_decision_and_open_change_requests(world):
    use_case = advance(world, "in_review")
    services.vote_cast(actor=world.hr, use_case=use_case, choice="request_changes", comment="Which data?")
    services.use_case_request_changes(actor=world.chair, use_case=use_case, comment="List the data sources.")

    feedback = use_case_feedback(use_case=use_case)

    assert feedback.round.number == 1
    assert [(v.voter.username, v.comment) for v in feedback.votes] == [("hr", "Which data?")]
    assert [c.comment for c in feedback.open_change_requests] == ["List the data sources."]
    assert feedback.decision is None
    assert next_actions_for_team(use_case=use_case) == (
        "Changes requested by the committee: 1 comment. Edit the use case and resubmit."
    )

    services.use_case_submit(actor=world.owner, use_case=use_case)
    assert use_case_feedback(use_case=use_case).open_change_requests == []


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", "Ready: submit it to the committee."),
        ("submitted", "Nothing for now: waiting for the committee to start its review."),
        ("in_review", "Nothing for now: the committee is reviewing it (0 votes cast)."),
        ("approved", "Approved: start the pilot (move it to delivery)."),
        ("rejected", "Rejected by the committee: see the decision's rationale."),
        ("on_hold", "On hold by the committee: nothing to do until it resumes the review."),
        ("in_delivery", "In pilot: scale it to production when the pilot has proved its value."),
        ("scaled", "In production: retire it when it is no longer used."),
        ("retired", "Retired: nothing further."),
    ],
)
def test_next_actions_for_team(world, state, expected):
    assert next_actions_for_team(use_case=advance(world, state)) == expected


def test_next_action_for_an_incomplete_draft_counts_the_missing_fields(world):
    type(world.use_case).objects.filter(pk=world.use_case.pk).update(ambition="", sourcing="")
    world.use_case.refresh_from_db()
    assert next_actions_for_team(use_case=world.use_case) == (
        "Complete 2 required fields, then submit it to the committee."
    )


def test_a_page_of_use_cases_gets_the_same_sentences_in_three_queries(world, django_assert_max_num_queries):
    # given one use case in each state, read as a list page reads them (functions prefetched)
    states = ["draft", "changes_requested", "in_review", "approved", "rejected", "on_hold", "scaled"]
    made = [world.use_case]
    for state in states[1:]:
        made.append(advance(world, state, use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner)))
    page = list(use_case_list(actor=world.owner).filter(pk__in=[uc.pk for uc in made]).order_by("pk"))

    with django_assert_max_num_queries(3):
        expectations = team_expectations(use_cases=page)

    assert [expectations[uc.pk].text for uc in page] == [
        "Ready: submit it to the committee.",
        "Changes requested by the committee: 1 comment. Edit the use case and resubmit.",
        "Nothing for now: the committee is reviewing it (0 votes cast).",
        "Approved: start the pilot (move it to delivery).",
        "Rejected by the committee: see the decision's rationale.",
        "On hold by the committee: nothing to do until it resumes the review.",
        "In production: retire it when it is no longer used.",
    ]
    assert [expectations[uc.pk].needs_action for uc in page] == [True, True, False, True, False, False, False]


def test_committee_members_and_superusers_see_every_draft_others_only_their_teams(world):
    draft = world.use_case
    outsider = UserFactory(username="outsider")
    assert draft in use_case_list(actor=world.finance)
    assert draft in use_case_list(actor=UserFactory(username="root", is_superuser=True))
    assert draft in use_case_list(actor=world.team_member)
    assert draft not in use_case_list(actor=outsider)
    assert draft not in use_case_list(actor=world.staff)


def test_awaiting_my_vote_excludes_what_i_voted_on_and_other_committees(world):
    use_case = advance(world, "in_review")
    assert list(use_cases_awaiting_vote(user=world.finance)) == [use_case]
    assert list(use_cases_awaiting_vote(user=world.secretary)) == []  # does not vote
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")
    assert list(use_cases_awaiting_vote(user=world.finance)) == []
    assert list(use_cases_awaiting_vote(user=world.hr)) == [use_case]
