"""Votes (one per voting member per round) and the quorum a decision needs: enough votes, from
enough distinct business functions, with what is missing named in the refusal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.exceptions import BusinessRuleError
from core.models import AuditEvent
from governance import services
from governance.exceptions import QuorumNotMet, WorkflowError
from governance.models import Decision, ReviewRound, Vote
from tests.factories import CommitteeMembershipFactory, UserFactory, function
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db


def decide(world, use_case, outcome="approved"):
    return services.use_case_decide(actor=world.chair, use_case=use_case, outcome=outcome, rationale="Weighed.")


def test_no_votes_names_every_missing_vote_and_the_functions_not_yet_heard(world):
    use_case = advance(world, "in_review")

    with pytest.raises(QuorumNotMet) as excinfo:
        decide(world, use_case)

    error = excinfo.value
    assert error.status_code == 400
    assert error.message == (
        "Quorum not met: 3 more vote(s) needed (0 of 3 cast, abstentions excluded); "
        "2 more function(s) needed among the votes (0 of 2); "
        "not yet voted: Finance, Human Resources, Marketing, Operations."
    )
    assert error.details == {
        "votes_missing": 3,
        "functions_missing": 2,
        "functions_not_voted": ["Finance", "Human Resources", "Marketing", "Operations"],
    }


def test_enough_votes_from_one_function_is_refused_for_diversity(world):
    use_case = advance(world, "in_review")
    # two more finance people on the committee: three votes, one function
    for username in ("finance-2", "finance-3"):
        CommitteeMembershipFactory(committee=world.committee, user=UserFactory(username=username))
    for username in ("finance", "finance-2", "finance-3"):
        services.vote_cast(actor=UserFactory(username=username), use_case=use_case, choice="approve")

    with pytest.raises(QuorumNotMet) as excinfo:
        decide(world, use_case)

    assert excinfo.value.message == (
        "Quorum not met: 1 more function(s) needed among the votes (1 of 2); "
        "not yet voted: Human Resources, Marketing, Operations."
    )
    assert excinfo.value.details["votes_missing"] == 0


def test_abstentions_are_recorded_but_do_not_count(world):
    use_case = advance(world, "in_review")
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")
    services.vote_cast(actor=world.marketing, use_case=use_case, choice="approve")
    services.vote_cast(actor=world.chair, use_case=use_case, choice="abstain")

    with pytest.raises(QuorumNotMet, match=r"^Quorum not met: 1 more vote\(s\) needed \(2 of 3 cast"):
        decide(world, use_case)

    services.vote_cast(actor=world.hr, use_case=use_case, choice="request_changes", comment="Unclear data.")
    decision = decide(world, use_case)
    assert decision.votes.count() == 4
    use_case.refresh_from_db()
    assert use_case.status == "approved"


def test_quorum_met_decision_rests_on_the_rounds_votes_and_writes_one_audit_event(world):
    use_case = advance(world, "in_review")
    for voter in (world.finance, world.marketing, world.hr):
        services.vote_cast(actor=voter, use_case=use_case, choice="approve")
    before = AuditEvent.objects.count()

    decision = services.use_case_decide(
        actor=world.chair, use_case=use_case, outcome="approved", rationale="Strong case.", conditions="DPIA first."
    )

    assert (decision.outcome, decision.rationale, decision.conditions, decision.decided_by) == (
        "approved",
        "Strong case.",
        "DPIA first.",
        world.chair,
    )
    assert set(decision.votes.values_list("voter__username", flat=True)) == {"finance", "marketing", "hr"}
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in events] == ["workflow.approve"]
    assert events[0].data["decision"] == decision.pk


def test_a_member_votes_once_per_round(world):
    use_case = advance(world, "in_review")
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")

    with pytest.raises(BusinessRuleError, match="already voted in review round 1") as excinfo:
        services.vote_cast(actor=world.finance, use_case=use_case, choice="reject", comment="Changed my mind.")
    assert excinfo.value.code == "already_voted"
    assert Vote.objects.get().choice == "approve"


def test_the_database_refuses_a_second_vote_in_a_round(world):
    use_case = advance(world, "in_review")
    vote = services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(round=vote.round, voter=world.finance, function=function("finance"), choice="reject")


@pytest.mark.parametrize("role", ["secretary", "staff", "other_team_member", "owner"])
def test_only_voting_members_vote(world, role):
    use_case = advance(world, "in_review")
    with pytest.raises(PermissionDenied, match="Only the chair and the members"):
        services.vote_cast(actor=world.role(role), use_case=use_case, choice="approve")
    assert not Vote.objects.exists()


def test_a_vote_outside_review_is_a_wrong_state(world):
    use_case = advance(world, "submitted")
    with pytest.raises(WorkflowError, match='is Submitted: "Vote" is not allowed'):
        services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")


def test_a_vote_against_needs_a_comment(world):
    use_case = advance(world, "in_review")
    with pytest.raises(ValidationError) as excinfo:
        services.vote_cast(actor=world.finance, use_case=use_case, choice="reject")
    assert excinfo.value.message_dict == {"comment": ["Say why: a vote against needs a comment."]}


def test_an_unknown_vote_is_refused_naming_the_choices(world):
    use_case = advance(world, "in_review")
    with pytest.raises(ValidationError) as excinfo:
        services.vote_cast(actor=world.finance, use_case=use_case, choice="maybe")
    assert excinfo.value.message_dict == {"choice": ["Choose one of: approve, reject, request_changes, abstain."]}


def test_the_vote_records_the_function_the_member_represents(world):
    use_case = advance(world, "in_review")
    vote = services.vote_cast(actor=world.chair, use_case=use_case, choice="approve")
    assert vote.function.slug == "operations"


def test_a_new_round_after_changes_needs_new_votes(world):
    use_case = advance(world, "in_review")
    for voter in (world.finance, world.marketing, world.hr):
        services.vote_cast(actor=voter, use_case=use_case, choice="request_changes", comment="More detail.")
    services.use_case_request_changes(actor=world.chair, use_case=use_case, comment="Detail the data sources.")
    services.use_case_submit(actor=world.team_member, use_case=use_case)
    services.use_case_start_review(actor=world.chair, use_case=use_case)

    with pytest.raises(QuorumNotMet, match=r"3 more vote\(s\) needed \(0 of 3"):
        decide(world, use_case)
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")  # allowed again: new round
    assert ReviewRound.objects.get(use_case=use_case, number=2).votes.count() == 1


def test_decision_needs_a_rationale_and_a_known_outcome(world):
    use_case = advance(world, "in_review")
    with pytest.raises(ValidationError) as excinfo:
        services.use_case_decide(actor=world.chair, use_case=use_case, outcome="approved", rationale=" ")
    assert excinfo.value.message_dict == {"rationale": ["A decision needs a rationale."]}
    with pytest.raises(ValidationError) as excinfo:
        services.use_case_decide(actor=world.chair, use_case=use_case, outcome="maybe", rationale="x")
    assert excinfo.value.message_dict == {"outcome": ["Choose one of: approved, rejected."]}
    assert not Decision.objects.exists()


def test_the_database_refuses_a_second_decision_on_a_round(world):
    use_case = advance(world, "approved")
    decision = Decision.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            use_case=use_case, round=decision.round, outcome="rejected", rationale="Again", decided_by=world.chair
        )


@pytest.mark.parametrize("step", ["vote", "decide", "request_changes"])
def test_a_use_case_in_review_without_an_open_round_is_refused_naming_the_step_not_crashed(world, step):
    from domains.models import UseCase
    from governance.exceptions import WorkflowError
    from governance.models import Decision

    # given: data written around the workflow put it in review without opening a round
    UseCase.objects.filter(pk=world.use_case.pk).update(status="in_review")
    world.use_case.refresh_from_db()

    # when / then: the workflow does not invent a round; it says what is missing
    with pytest.raises(WorkflowError) as excinfo:
        if step == "vote":
            services.vote_cast(actor=world.finance, use_case=world.use_case, choice="approve")
        elif step == "decide":
            services.use_case_decide(actor=world.chair, use_case=world.use_case, outcome="approved", rationale="Go.")
        else:
            services.use_case_request_changes(actor=world.finance, use_case=world.use_case, comment="Quantify.")
    assert excinfo.value.code == "no_open_round"
    assert "no open review round" in excinfo.value.message
    assert not Decision.objects.exists() and not ReviewRound.objects.exists()
