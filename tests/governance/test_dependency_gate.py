"""The dependency gate: approving, starting delivery and scaling wait for what a use case depends on
(its depends_on targets approved, in delivery or scaled); the chair may lift it with a reason, which
the audit trail keeps."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from core.models import AuditEvent
from domains.choices import Status
from governance import services
from governance.exceptions import GateRefused
from governance.workflow import TRANSITIONS, require_dependencies_ready
from tests.factories import UseCaseFactory, UseCaseLinkFactory

from .conftest import advance, approve_votes

pytestmark = pytest.mark.django_db


def depends_on(world, status: str, *, title: str = "Customer 360"):
    """A use case of the world's team that world.use_case depends on, brought to `status`."""
    platform = UseCaseFactory(title=title, team=world.use_case.team, owner=world.owner, domain=world.use_case.domain)
    UseCaseLinkFactory(source=world.use_case, target=platform, kind="depends_on")
    if status != Status.DRAFT:
        advance(world, status, platform)
    return platform


def decide(world, **extra):
    return services.use_case_decide(
        actor=world.chair, use_case=world.use_case, outcome="approved", rationale="Worth it.", **extra
    )


def test_the_gate_is_a_precondition_of_approve_start_delivery_and_scale_in_the_table():
    gated = {name for name, t in TRANSITIONS.items() if require_dependencies_ready in t.preconditions}

    assert gated == {"approve", "start_delivery", "scale"}


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "on_hold", "rejected", "retired"])
def test_approval_waits_for_a_dependency_that_is_not_approved(world, status):
    platform = depends_on(world, status)
    advance(world, "in_review")
    approve_votes(world, world.use_case)

    with pytest.raises(GateRefused) as refused:
        decide(world)

    world.use_case.refresh_from_db()
    assert world.use_case.status == Status.IN_REVIEW
    assert refused.value.code == "dependencies_not_ready"
    assert refused.value.blocking == [{"reference": platform.reference, "status": status}]
    if status == "draft":  # another team may not read a draft: its reference only
        assert (
            f"{platform.reference} (a draft)" in refused.value.message and "Customer 360" not in refused.value.message
        )
    else:
        assert f"{platform.reference} Customer 360 ({platform.get_status_display()})" in refused.value.message
    assert refused.value.message.startswith(f"{world.use_case.reference} depends on use cases that are not approved")


@pytest.mark.parametrize("status", ["approved", "in_delivery", "scaled"])
def test_a_dependency_approved_in_delivery_or_scaled_lets_it_through(world, status):
    depends_on(world, status)
    advance(world, "in_review")
    approve_votes(world, world.use_case)

    decide(world)

    assert world.use_case.status == Status.APPROVED


def test_rejecting_is_not_gated(world):
    depends_on(world, "submitted")
    advance(world, "in_review")
    approve_votes(world, world.use_case, "reject")

    services.use_case_decide(actor=world.chair, use_case=world.use_case, outcome="rejected", rationale="No.")

    assert world.use_case.status == Status.REJECTED


def test_the_message_names_every_blocking_dependency(world):
    first = depends_on(world, "submitted", title="Customer 360")
    second = depends_on(world, "rejected", title="Pricing engine")
    advance(world, "in_review")
    approve_votes(world, world.use_case)

    with pytest.raises(GateRefused) as refused:
        decide(world)

    assert [b["reference"] for b in refused.value.blocking] == sorted([first.reference, second.reference])
    assert "Customer 360 (Submitted)" in refused.value.message and "Pricing engine (Rejected)" in refused.value.message


def test_the_chair_approves_anyway_with_a_reason_kept_in_the_audit_trail(world):
    platform = depends_on(world, "submitted")
    advance(world, "in_review")
    approve_votes(world, world.use_case)

    decide(world, override_reason="The platform is funded this quarter; the pilot uses its beta.")

    assert world.use_case.status == Status.APPROVED
    event = AuditEvent.objects.filter(action="workflow.approve", target_id=str(world.use_case.pk)).get()
    assert event.data["overrides"] == [
        {
            "gate": "dependencies_not_ready",
            "blocking": [{"reference": platform.reference, "status": "submitted"}],
            "reason": "The platform is funded this quarter; the pilot uses its beta.",
        }
    ]
    assert event.actor == world.chair


def test_delivery_waits_and_the_team_cannot_override(world):
    advance(world, "approved")
    platform = depends_on(world, "submitted")  # linked after the approval: the gate holds delivery

    with pytest.raises(GateRefused):
        services.use_case_transition(actor=world.owner, use_case=world.use_case, action="start_delivery")
    with pytest.raises(PermissionDenied) as refused:
        services.use_case_transition(
            actor=world.owner, use_case=world.use_case, action="start_delivery", override_reason="We need it."
        )

    world.use_case.refresh_from_db()
    assert world.use_case.status == Status.APPROVED
    assert str(refused.value).startswith(
        f"Only the chair of the committee that reviews {world.use_case.reference} may override this gate"
    )
    assert platform.reference in str(refused.value)


def test_a_committee_member_who_is_not_the_chair_cannot_override(world):
    advance(world, "approved")
    depends_on(world, "in_review")

    with pytest.raises(PermissionDenied):
        services.use_case_transition(
            actor=world.finance, use_case=world.use_case, action="start_delivery", override_reason="Go."
        )


def test_the_chair_starts_delivery_and_scales_despite_the_dependency(world):
    advance(world, "approved")
    depends_on(world, "on_hold")

    services.use_case_transition(
        actor=world.chair, use_case=world.use_case, action="start_delivery", override_reason="Runs on the old data."
    )
    services.use_case_transition(
        actor=world.chair, use_case=world.use_case, action="scale", override_reason="Still on the old data."
    )

    assert world.use_case.status == Status.SCALED
    reasons = [
        event.data["overrides"][0]["reason"]
        for event in AuditEvent.objects.filter(
            action__in=["workflow.start_delivery", "workflow.scale"], target_id=str(world.use_case.pk)
        ).order_by("pk")
    ]
    assert reasons == ["Runs on the old data.", "Still on the old data."]


def test_a_reason_without_a_gate_to_lift_records_no_override(world):
    advance(world, "approved")

    services.use_case_transition(
        actor=world.owner, use_case=world.use_case, action="start_delivery", override_reason="Just in case."
    )

    event = AuditEvent.objects.get(action="workflow.start_delivery", target_id=str(world.use_case.pk))
    assert "overrides" not in event.data


def test_the_api_answers_the_gate_with_400_naming_the_dependencies_and_takes_the_chairs_reason(world):
    advance(world, "approved")
    platform = depends_on(world, "submitted")  # linked after the approval
    client = APIClient()
    client.force_login(world.chair)
    url = f"/api/v1/use-cases/{world.use_case.pk}/transition/"

    refused = client.post(url, {"action": "start_delivery"}, format="json")
    lifted = client.post(url, {"action": "start_delivery", "override_reason": "Agreed in session."}, format="json")

    assert refused.status_code == 400
    assert refused.json()["code"] == "dependencies_not_ready"
    assert refused.json()["blocking"] == [{"reference": platform.reference, "status": "submitted"}]
    assert refused.json()["overridable"] is True
    assert platform.reference in refused.json()["detail"]
    assert lifted.status_code == 200 and lifted.json()["status"] == "in_delivery"
