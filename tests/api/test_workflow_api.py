"""The workflow endpoints: the same services as the admin and the forms, answered with 200/201 on
success, 400 for bad input or a rule, 403 for a user who may not, 404 for what they cannot see and
409 for the wrong state."""

import pytest
from rest_framework.test import APIClient

from governance.models import Decision, Vote
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(use_case, verb: str) -> str:
    return f"/api/v1/use-cases/{use_case.pk}/{verb}/"


def test_submit_returns_the_new_state_and_what_the_user_may_do_next(world):
    response = client_for(world.team_member).post(url(world.use_case, "submit"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["reference"], body["status"], body["status_display"]) == (
        world.use_case.reference,
        "submitted",
        "Submitted",
    )
    assert body["available_actions"] == ["withdraw"]


def test_submit_of_an_incomplete_use_case_is_400_listing_the_fields(world):
    type(world.use_case).objects.filter(pk=world.use_case.pk).update(ambition="", estimated_annual_cost=None)
    response = client_for(world.team_member).post(url(world.use_case, "submit"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "submission_incomplete"
    assert body["missing_fields"] == ["ambition", "estimated_annual_cost"]
    assert "ambition, estimated annual cost (EUR)" in body["detail"]


def test_submit_by_someone_outside_the_team_is_refused(world):
    # another team cannot even see the draft; the committee sees it but may not submit it
    assert client_for(world.other_team_member).post(url(world.use_case, "submit")).status_code == 404
    assert client_for(world.staff).post(url(world.use_case, "submit")).status_code == 404
    response = client_for(world.chair).post(url(world.use_case, "submit"))
    assert response.status_code == 403
    assert "member of the team that owns the use case" in response.json()["detail"]
    world.use_case.refresh_from_db()
    assert world.use_case.status == "draft"


def test_start_review_by_a_non_member_is_403_and_by_a_member_200(world):
    advance(world, "submitted")
    response = client_for(world.other_team_member).post(url(world.use_case, "start-review"))
    assert response.status_code == 403
    assert "member of the committee" in response.json()["detail"]
    response = client_for(world.finance).post(url(world.use_case, "start-review"))
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"


def test_start_review_in_the_wrong_state_is_409_naming_state_and_next_steps(world):
    advance(world, "approved")
    response = client_for(world.chair).post(url(world.use_case, "start-review"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "wrong_state"
    assert body["current_state"] == "approved"
    assert body["allowed_actions"] == ["put_on_hold", "start_delivery", "retire"]
    assert body["detail"].startswith(f"{world.use_case.reference} is Approved")


def test_votes_endpoint_records_a_vote(world):
    advance(world, "in_review")
    response = client_for(world.marketing).post(
        url(world.use_case, "votes"), {"choice": "approve", "comment": "Good fit."}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["voter"], body["function"], body["choice"], body["round"]) == ("marketing", "marketing", "approve", 1)
    assert Vote.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "choice"), ({"choice": "maybe"}, "choice"), ({"choice": "reject"}, "comment")],
)
def test_votes_endpoint_bad_input_is_400_naming_the_field(world, payload, field):
    advance(world, "in_review")
    response = client_for(world.marketing).post(url(world.use_case, "votes"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Vote.objects.exists()


def test_votes_by_the_secretary_is_403_and_twice_is_400(world):
    advance(world, "in_review")
    assert client_for(world.secretary).post(url(world.use_case, "votes"), {"choice": "approve"}).status_code == 403
    client = client_for(world.hr)
    assert client.post(url(world.use_case, "votes"), {"choice": "approve"}).status_code == 201
    response = client.post(url(world.use_case, "votes"), {"choice": "approve"})
    assert response.status_code == 400
    assert response.json()["code"] == "already_voted"


def test_decide_without_quorum_is_400_naming_votes_and_functions(world):
    advance(world, "in_review")
    client_for(world.hr).post(url(world.use_case, "votes"), {"choice": "approve"})
    response = client_for(world.chair).post(
        url(world.use_case, "decide"), {"outcome": "approved", "rationale": "Good."}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "quorum_not_met"
    assert (body["votes_missing"], body["functions_missing"]) == (2, 1)
    assert body["functions_not_voted"] == ["Finance", "Marketing", "Operations"]


def test_decide_by_the_chair_is_201_and_by_a_member_403(world):
    advance(world, "in_review")
    approve_votes(world, world.use_case)
    payload = {"outcome": "approved", "rationale": "Strong value.", "conditions": "DPIA before pilot."}
    assert client_for(world.finance).post(url(world.use_case, "decide"), payload, format="json").status_code == 403
    response = client_for(world.chair).post(url(world.use_case, "decide"), payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["outcome"], body["conditions"], body["decided_by"], len(body["votes"])) == (
        "approved",
        "DPIA before pilot.",
        "chair",
        3,
    )
    assert body["use_case"]["status"] == "approved"
    # deciding again: the state has moved on
    response = client_for(world.chair).post(url(world.use_case, "decide"), payload, format="json")
    assert response.status_code == 409
    assert Decision.objects.count() == 1


def test_decide_bad_input_is_400(world):
    advance(world, "in_review")
    response = client_for(world.chair).post(url(world.use_case, "decide"), {"outcome": "approved"}, format="json")
    assert response.status_code == 400
    assert "rationale" in response.json()


def test_request_changes_is_201_with_the_comment(world):
    advance(world, "in_review")
    response = client_for(world.finance).post(
        url(world.use_case, "request-changes"), {"comment": "Add the data sources."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["use_case"]["status"] == "changes_requested"
    assert client_for(world.finance).post(url(world.use_case, "request-changes"), {}).status_code == 400


@pytest.mark.parametrize(
    ("state", "action", "role", "expected_status", "expected_state"),
    [
        ("approved", "start_delivery", "owner", 200, "in_delivery"),
        ("approved", "start_delivery", "finance", 403, "approved"),
        ("in_delivery", "scale", "chair", 200, "scaled"),
        ("scaled", "retire", "owner", 200, "retired"),
        ("in_review", "put_on_hold", "secretary", 200, "on_hold"),
        ("submitted", "withdraw", "team_member", 200, "draft"),
        ("submitted", "scale", "owner", 409, "submitted"),
        ("in_review", "approve", "chair", 400, "in_review"),
    ],
)
def test_transition_endpoint(world, state, action, role, expected_status, expected_state):
    advance(world, state)
    response = client_for(world.role(role)).post(url(world.use_case, "transition"), {"action": action}, format="json")
    assert response.status_code == expected_status, response.json()
    world.use_case.refresh_from_db()
    assert world.use_case.status == expected_state


def test_transition_with_an_unknown_action_is_400(world):
    response = client_for(world.chair).post(url(world.use_case, "transition"), {"action": "launch"}, format="json")
    assert response.status_code == 400
    assert "action" in response.json()


def test_anonymous_is_refused_and_unknown_use_case_is_404(world):
    # 401, not 403: token authentication tells an anonymous client how to authenticate.
    response = APIClient().post(url(world.use_case, "submit"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert client_for(world.chair).post("/api/v1/use-cases/999999/submit/").status_code == 404


def test_status_cannot_be_written_through_the_workflow_routes(world):
    response = client_for(world.chair).patch(f"/api/v1/use-cases/{world.use_case.pk}/submit/", {"status": "approved"})
    assert response.status_code == 405
    world.use_case.refresh_from_db()
    assert world.use_case.status == "draft"


def test_the_schema_documents_every_workflow_endpoint_and_its_refusals(admin_client):
    response = admin_client.get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    for verb, ok in [
        ("submit", "200"),
        ("start-review", "200"),
        ("votes", "201"),
        ("decide", "201"),
        ("request-changes", "201"),
        ("transition", "200"),
    ]:
        responses = paths[f"/api/v1/use-cases/{{id}}/{verb}/"]["post"]["responses"]
        # 401 and 429 come from token authentication and per-token throttling, on every endpoint; 406,
        # 413, 415 and 503 from content negotiation, the body limit, the parsers and database trouble.
        assert set(responses) == {ok, "400", "401", "403", "404", "406", "409", "413", "415", "429", "503"}, verb
