"""Use-case and link writes go through the services: validated, audited, status never set."""

import pytest

from core.models import AuditEvent
from domains.choices import Status
from domains.models import UseCase
from portfolio.models import UseCaseLink
from tests.factories import DomainFactory, FoundationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payload(member):
    return {
        "title": "Delivery-slot recommender",
        "domain": DomainFactory(slug="retail").slug,
        "team": member.team.slug,
        "functions": ["operations", "sales"],
        "foundations": [FoundationFactory(slug="orders").slug],
        "business_value": 4,
        "journey_stages": ["choose"],
        "estimated_annual_benefit": "120000.50",
    }


def test_create_use_case_returns_the_flat_row_and_audits_it(member_client, member, payload):
    response = member_client.post("/api/v1/use-cases/", payload, format="json")

    assert response.status_code == 201, response.content
    row = response.json()
    use_case = UseCase.objects.get(pk=row["id"])
    assert row["reference"] == use_case.reference and row["reference"].startswith("UC-")
    assert row["status"] == Status.DRAFT
    assert row["functions"] == ["operations", "sales"]
    assert row["foundations"] == ["orders"]
    assert row["owner"] == member.username
    assert row["estimated_annual_benefit"] == 120000.5
    assert AuditEvent.objects.filter(action="use_case.created", use_case=use_case, actor=member).exists()


@pytest.mark.parametrize("field", ["status", "reference"])
def test_status_and_reference_are_refused_with_the_reason(member_client, payload, field):
    response = member_client.post("/api/v1/use-cases/", {**payload, field: "approved"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not UseCase.objects.exists()


def test_status_cannot_be_patched(member_client, member, make_use_case):
    own = make_use_case(status=Status.DRAFT, team=member.team)
    response = member_client.patch(f"/api/v1/use-cases/{own.pk}/", {"status": "approved"}, format="json")
    assert response.status_code == 400
    assert "workflow" in response.json()["status"][0]
    own.refresh_from_db()
    assert own.status == Status.DRAFT


def test_bad_input_names_each_field_and_writes_nothing(member_client, payload):
    bad = {**payload, "business_value": 6, "journey_stages": ["teleport"], "team": "no-such-team", "colour": "red"}

    response = member_client.post("/api/v1/use-cases/", bad, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"colour"}  # unknown names are refused first
    response = member_client.post("/api/v1/use-cases/", {k: v for k, v in bad.items() if k != "colour"}, format="json")
    assert set(response.json()) == {"business_value", "journey_stages", "team"}
    assert not UseCase.objects.exists()
    assert not AuditEvent.objects.exists()


def test_member_cannot_create_for_a_team_they_are_not_in(member_client, payload):
    from tests.factories import TeamFactory

    response = member_client.post("/api/v1/use-cases/", {**payload, "team": TeamFactory().slug}, format="json")
    assert response.status_code == 403
    assert not UseCase.objects.exists()


def test_link_create_edit_delete_through_the_services(member_client, member, make_use_case):
    own = make_use_case(status=Status.DRAFT, team=member.team)
    other = make_use_case(status=Status.SUBMITTED)

    created = member_client.post(
        "/api/v1/links/", {"source": own.pk, "target": other.pk, "kind": "depends_on", "strength": 3}, format="json"
    )
    assert created.status_code == 201, created.content
    link_id = created.json()["id"]
    assert created.json()["source_reference"] == own.reference
    assert created.json()["created_by"] == member.username

    edited = member_client.patch(f"/api/v1/links/{link_id}/", {"strength": 1, "rationale": "Weaker"}, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["strength"] == 1

    deleted = member_client.delete(f"/api/v1/links/{link_id}/")
    assert deleted.status_code == 204
    assert not UseCaseLink.objects.exists()
    actions = list(AuditEvent.objects.filter(use_case=own).order_by("id").values_list("action", flat=True))
    assert actions == ["link.created", "link.updated", "link.deleted"]


def test_link_that_closes_a_dependency_cycle_is_refused_with_the_cycle(committee_client, make_use_case):
    a, b = make_use_case(), make_use_case()
    UseCaseLink.objects.create(source=a, target=b, kind="depends_on")

    response = committee_client.post(
        "/api/v1/links/", {"source": b.pk, "target": a.pk, "kind": "depends_on"}, format="json"
    )

    assert response.status_code == 400
    assert a.reference in str(response.json()) and "cycle" in str(response.json())
    assert UseCaseLink.objects.count() == 1


def test_link_to_itself_or_to_an_invisible_draft_is_refused(member_client, make_use_case, member):
    from tests.factories import TeamFactory

    own = make_use_case(status=Status.DRAFT, team=member.team)
    hidden = make_use_case(status=Status.DRAFT, team=TeamFactory())

    itself = member_client.post("/api/v1/links/", {"source": own.pk, "target": own.pk, "kind": "reinforces"})
    invisible = member_client.post("/api/v1/links/", {"source": own.pk, "target": hidden.pk, "kind": "reinforces"})

    assert itself.status_code == 400 and "target" in itself.json()
    assert invisible.status_code == 400 and "target" in invisible.json()
    assert not UseCaseLink.objects.exists()


def test_member_cannot_link_two_use_cases_of_other_teams(member_client, make_use_case):
    a, b = make_use_case(), make_use_case()
    response = member_client.post("/api/v1/links/", {"source": a.pk, "target": b.pk, "kind": "reinforces"})
    assert response.status_code == 403


def test_an_outsider_cannot_patch_a_link_of_another_teams_submitted_use_case(world):
    # Regression: link_update skipped the edit check that link_create and link_delete make.
    from rest_framework.test import APIClient

    from domains.models import UseCase
    from portfolio.models import UseCaseLink
    from tests.factories import TeamFactory, UseCaseFactory, UseCaseLinkFactory

    target = UseCaseFactory()
    UseCase.objects.filter(pk__in=[world.use_case.pk, target.pk]).update(status="submitted")
    link = UseCaseLinkFactory(source=world.use_case, target=target, kind="reinforces", strength=1)
    TeamFactory(members=[world.other_team_member])
    outsider = APIClient()
    outsider.force_authenticate(world.other_team_member)

    response = outsider.patch(f"/api/v1/links/{link.pk}/", {"strength": 3, "rationale": "Mine now"}, format="json")

    assert response.status_code == 403
    assert "Only the team that owns" in response.json()["detail"]
    link.refresh_from_db()
    assert (link.strength, link.rationale) == (1, "")
    assert not AuditEvent.objects.filter(action="link.updated").exists()
    assert UseCaseLink.objects.count() == 1
