"""Every transition of the workflow table, allowed and refused, for each role: a member of another
team, the owning team, the owner, a committee member, the secretary, the chair and staff who sit on
no committee."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from domains.models import UseCase
from governance import services
from governance.exceptions import SubmissionIncomplete, WorkflowError
from governance.models import ChangeRequest, Decision, ReviewRound
from governance.workflow import TRANSITIONS
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db

ROLES = ["other_team_member", "team_member", "owner", "finance", "secretary", "chair", "staff"]
TEAM = {"team_member", "owner"}
COMMITTEE = {"finance", "secretary", "chair"}
TEAM_OR_CHAIR = {"team_member", "owner", "chair"}

# action -> (state it starts from, state it leads to, roles allowed)
CASES = {
    "submit": ("draft", "submitted", TEAM),
    "withdraw": ("submitted", "draft", TEAM),
    "discard": ("draft", "discarded", TEAM),
    "start_review": ("submitted", "in_review", COMMITTEE),
    "request_changes": ("in_review", "changes_requested", COMMITTEE),
    "put_on_hold": ("in_review", "on_hold", COMMITTEE),
    "resume": ("on_hold", "submitted", COMMITTEE),
    "start_delivery": ("approved", "in_delivery", TEAM_OR_CHAIR),
    "scale": ("in_delivery", "scaled", TEAM_OR_CHAIR),
    "retire": ("scaled", "retired", TEAM_OR_CHAIR),
}


def test_every_transition_of_the_table_is_covered_here():
    assert set(CASES) | {"approve", "reject"} == set(TRANSITIONS)


def _audit_count(use_case):
    return AuditEvent.objects.filter(use_case=use_case, action__startswith="workflow.").count()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(CASES))
def test_transition_is_allowed_only_to_its_roles(world, action, role):
    source, target, allowed = CASES[action]
    use_case = advance(world, source)
    before = _audit_count(use_case)
    actor = world.role(role)

    if role in allowed:
        services.use_case_transition(actor=actor, use_case=use_case, action=action, comment="Noted.")
        use_case.refresh_from_db()
        assert use_case.status == target
        event = AuditEvent.objects.filter(use_case=use_case).order_by("-id").first()
        assert (event.action, event.actor, event.data["from"], event.data["to"]) == (
            f"workflow.{action}",
            actor,
            source,
            target,
        )
        assert _audit_count(use_case) == before + 1
    else:
        with pytest.raises(PermissionDenied, match="Only "):
            services.use_case_transition(actor=actor, use_case=use_case, action=action, comment="Noted.")
        use_case.refresh_from_db()
        assert use_case.status == source
        assert _audit_count(use_case) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("outcome", ["approved", "rejected"])
def test_decision_is_recorded_only_by_the_chair(world, outcome, role):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    actor = world.role(role)

    if role == "chair":
        decision = services.use_case_decide(actor=actor, use_case=use_case, outcome=outcome, rationale="Weighed.")
        use_case.refresh_from_db()
        assert use_case.status == outcome
        assert decision.votes.count() == 3
        assert ReviewRound.objects.get(use_case=use_case).closed_reason == "decided"
    else:
        with pytest.raises(PermissionDenied, match="chair"):
            services.use_case_decide(actor=actor, use_case=use_case, outcome=outcome, rationale="Weighed.")
        use_case.refresh_from_db()
        assert use_case.status == "in_review"
        assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("action", "wrong_state", "actor"),
    [
        ("submit", "approved", "team_member"),
        ("withdraw", "draft", "team_member"),
        ("withdraw", "approved", "team_member"),
        ("start_review", "draft", "secretary"),
        ("start_review", "in_review", "secretary"),
        ("request_changes", "submitted", "finance"),
        ("put_on_hold", "scaled", "chair"),
        ("resume", "in_review", "chair"),
        ("start_delivery", "in_review", "chair"),
        ("scale", "approved", "owner"),
        ("retire", "rejected", "owner"),
    ],
)
def test_transition_from_a_wrong_state_is_refused_naming_state_and_next_steps(world, action, wrong_state, actor):
    use_case = advance(world, wrong_state)
    before = _audit_count(use_case)

    with pytest.raises(WorkflowError) as excinfo:
        services.use_case_transition(actor=world.role(actor), use_case=use_case, action=action, comment="x")

    error = excinfo.value
    assert error.status_code == 409
    state_label = UseCase.Status(wrong_state).label
    assert f"is {state_label}" in error.message
    assert f'"{TRANSITIONS[action].label}" is not allowed' in error.message
    assert error.details["current_state"] == wrong_state
    assert action not in error.details["allowed_actions"]
    for allowed in error.details["allowed_actions"]:
        assert str(TRANSITIONS[allowed].label).lower() in error.message
    use_case.refresh_from_db()
    assert use_case.status == wrong_state
    assert _audit_count(use_case) == before


def test_retired_use_case_has_no_next_step(world):
    use_case = advance(world, "retired")
    with pytest.raises(WorkflowError, match="Allowed next steps: none"):
        services.use_case_transition(actor=world.chair, use_case=use_case, action="resume")


def test_decision_outside_review_is_a_wrong_state(world):
    use_case = advance(world, "submitted")
    with pytest.raises(WorkflowError, match="is Submitted"):
        services.use_case_decide(actor=world.chair, use_case=use_case, outcome="approved", rationale="Fine.")


def test_approve_is_not_a_bare_transition(world):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    with pytest.raises(Exception, match="use decide") as excinfo:
        services.use_case_transition(actor=world.chair, use_case=use_case, action="approve")
    assert excinfo.value.code == "needs_decision"
    use_case.refresh_from_db()
    assert use_case.status == "in_review"


def test_unknown_action_is_refused_with_the_known_ones_named(world):
    with pytest.raises(Exception, match="Unknown action launch. Known actions: submit, withdraw"):
        services.use_case_transition(actor=world.chair, use_case=world.use_case, action="launch")


def test_submission_lists_the_missing_fields_by_label(world):
    use_case = world.use_case
    UseCase.objects.filter(pk=use_case.pk).update(problem_statement="", business_value=None)
    use_case.refresh_from_db()

    with pytest.raises(SubmissionIncomplete) as excinfo:
        services.use_case_submit(actor=world.team_member, use_case=use_case)

    assert excinfo.value.details == {"missing_fields": ["problem_statement", "business_value"]}
    assert "problem statement, business value" in excinfo.value.message
    use_case.refresh_from_db()
    assert use_case.status == "draft"
    assert not AuditEvent.objects.filter(use_case=use_case).exists()


def test_submission_without_a_committee_for_the_domain_is_refused(world):
    world.committee.covers_all_domains = False
    world.committee.save()
    with pytest.raises(Exception, match="No committee reviews the domain") as excinfo:
        services.use_case_submit(actor=world.team_member, use_case=world.use_case)
    assert excinfo.value.code == "no_committee"


def test_resume_returns_to_the_state_before_the_hold(world):
    use_case = advance(world, "in_review")
    services.use_case_transition(actor=world.chair, use_case=use_case, action="put_on_hold")
    services.use_case_transition(actor=world.finance, use_case=use_case, action="resume")
    assert use_case.status == "in_review"
    # the review round survived the hold: votes continue in it
    approve_votes(world, use_case)
    assert ReviewRound.objects.filter(use_case=use_case).count() == 1


def test_request_changes_needs_a_comment_and_ends_the_round(world):
    use_case = advance(world, "in_review")
    with pytest.raises(ValidationError) as excinfo:
        services.use_case_request_changes(actor=world.finance, use_case=use_case, comment="   ")
    assert excinfo.value.message_dict == {"comment": ["Say what the team should change."]}
    use_case.refresh_from_db()
    assert use_case.status == "in_review"

    services.use_case_request_changes(actor=world.finance, use_case=use_case, comment="Add the cost of labelling.")
    assert ReviewRound.objects.get(use_case=use_case).closed_reason == "changes_requested"


def test_resubmission_resolves_change_requests_and_the_next_review_is_a_new_round(world):
    use_case = advance(world, "changes_requested")
    services.use_case_submit(actor=world.owner, use_case=use_case)
    assert ChangeRequest.objects.get(use_case=use_case).resolved_at is not None
    services.use_case_start_review(actor=world.chair, use_case=use_case)
    assert list(ReviewRound.objects.filter(use_case=use_case).values_list("number", "closed_reason")) == [
        (1, "changes_requested"),
        (2, ""),
    ]
    # everyone votes again in the new round
    approve_votes(world, use_case)


def test_withdrawal_from_review_closes_the_round(world):
    use_case = advance(world, "in_review")
    services.use_case_withdraw(actor=world.team_member, use_case=use_case)
    assert use_case.status == "draft"
    assert ReviewRound.objects.get(use_case=use_case).closed_reason == "withdrawn"


def test_ended_membership_no_longer_grants_committee_steps(world):
    import datetime

    from django.utils import timezone

    membership = world.finance.committee_memberships.get()
    membership.start_date = timezone.localdate() - datetime.timedelta(days=30)
    membership.end_date = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    use_case = advance(world, "submitted")
    with pytest.raises(PermissionDenied):
        services.use_case_start_review(actor=world.finance, use_case=use_case)


def test_a_refused_step_leaves_nothing_half_written(world):
    use_case = advance(world, "in_review")
    with pytest.raises(PermissionDenied):
        services.use_case_request_changes(actor=world.staff, use_case=use_case, comment="Looks weak.")
    assert not ChangeRequest.objects.exists()
    assert ReviewRound.objects.get(use_case=use_case).closed_at is None
