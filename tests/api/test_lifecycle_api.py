"""The lifecycle through the API: the same services, answered with the codes the schema documents."""

import pytest
from rest_framework.test import APIClient

from domains.models import UseCase
from governance.models import Decision, Vote
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(use_case, verb: str) -> str:
    return f"/api/v1/use-cases/{use_case.pk}/{verb}/"


def test_a_team_member_moves_approved_work_to_delivery(world):
    use_case = advance(world, "approved")
    response = client_for(world.team_member).post(url(use_case, "transition"), {"action": "start_delivery"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_delivery"
    assert "scale" in response.json()["available_actions"]


def test_a_discarded_draft_leaves_the_teams_list_but_not_the_committees(world):
    response = client_for(world.team_member).post(url(world.use_case, "transition"), {"action": "discard"})
    assert response.status_code == 200, response.json()

    team_list = client_for(world.team_member).get("/api/v1/use-cases/").json()
    committee_list = client_for(world.secretary).get("/api/v1/use-cases/?status=discarded").json()
    assert team_list["count"] == 0
    assert [row["reference"] for row in committee_list["results"]] == [world.use_case.reference]


def test_a_member_of_the_owning_team_gets_403_saying_why_when_voting(world):
    use_case = advance(world, "in_review")
    use_case.team.members.add(world.finance)

    response = client_for(world.finance).post(url(use_case, "votes"), {"choice": "approve"})

    assert response.status_code == 403
    assert (
        "a committee member does not review, vote on or decide their own team's use case" in response.json()["detail"]
    )
    assert not Vote.objects.exists()


def test_deciding_without_an_assessed_risk_tier_is_400_naming_it(world):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    UseCase.objects.filter(pk=use_case.pk).update(risk_tier="not_assessed")

    response = client_for(world.chair).post(
        url(use_case, "decide"), {"outcome": "approved", "rationale": "Clear value."}
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["missing_fields"]) == ("risk_not_assessed", ["risk_tier"])
    assert "not yet assessed" in body["detail"]
    assert not Decision.objects.exists()
