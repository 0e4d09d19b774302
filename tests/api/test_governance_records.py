"""The committee's records for BI: committees, memberships, rounds, votes, decisions, change
requests and meetings, read-only, with drafts' records hidden like the drafts themselves."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from governance import services
from tests.api.conftest import body, committee_record_lists
from tests.factories import UseCaseFactory
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db

RECORD_LISTS = committee_record_lists()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def withdrawn(world):
    """A use case voted on, then withdrawn to draft by its team: its votes must stay private."""
    use_case = UseCaseFactory(team=world.use_case.team, owner=world.owner, title="Withdrawn idea")
    services.use_case_submit(actor=world.team_member, use_case=use_case)
    services.use_case_start_review(actor=world.secretary, use_case=use_case)
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve", comment="Secret draft vote")
    services.use_case_withdraw(actor=world.team_member, use_case=use_case)
    use_case.refresh_from_db()
    assert use_case.status == "draft"
    return use_case


def test_decisions_list_the_outcome_rationale_and_votes_it_rests_on(world):
    approved = advance(world, "approved")
    response = client_for(world.other_team_member).get("/api/v1/decisions/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["use_case_reference"] == approved.reference
    assert row["outcome"] == "approved" and row["decided_by"] == "chair" and row["round_number"] == 1
    assert len(row["votes"]) == 3


def test_votes_on_a_draft_are_hidden_from_other_teams_and_tokens_but_not_from_the_committee(
    world, withdrawn, make_token
):
    def comments(client):
        return [row["comment"] for row in client.get("/api/v1/votes/").json()["results"]]

    assert "Secret draft vote" not in comments(client_for(world.other_team_member))
    assert "Secret draft vote" not in comments(make_token(user=world.chair))
    assert "Secret draft vote" in comments(client_for(world.team_member))
    assert "Secret draft vote" in comments(client_for(world.chair))


def test_vote_filters_by_use_case_function_and_choice(world, withdrawn):
    advance(world, "approved")
    chair = client_for(world.chair)
    by_function = chair.get("/api/v1/votes/", {"function": "finance"}).json()["results"]
    assert {row["function"] for row in by_function} == {"finance"} and len(by_function) == 2
    on_withdrawn = chair.get("/api/v1/votes/", {"use_case": withdrawn.pk}).json()["results"]
    assert [row["use_case_reference"] for row in on_withdrawn] == [withdrawn.reference]
    bad = chair.get("/api/v1/votes/", {"choice": "maybe"})
    assert bad.status_code == 400 and "choice" in bad.json()


def test_committee_records_are_read_only_for_everyone(world):
    chair = client_for(world.chair)
    for path in RECORD_LISTS:
        assert chair.post(path, {}, format="json").status_code == 405, path


def test_committee_and_membership_rows_name_functions_and_roles(world):
    chair = client_for(world.chair)
    [committee] = chair.get("/api/v1/committees/").json()["results"]
    assert committee["name"] == "AI Steering Committee"
    members = chair.get("/api/v1/committee-memberships/", {"role": "chair"}).json()["results"]
    assert [(row["user"], row["function"]) for row in members] == [("chair", "operations")]


def test_decisions_as_csv_have_the_json_columns(world):
    advance(world, "approved")
    chair = client_for(world.chair)
    json_row = chair.get("/api/v1/decisions/").json()["results"][0]
    rows = list(csv.DictReader(io.StringIO(body(chair.get("/api/v1/decisions/", {"format": "csv"})).decode())))
    assert list(rows[0]) == list(json_row)
    assert rows[0]["use_case_reference"] == json_row["use_case_reference"]


def _queries(client) -> dict:
    counts = {}
    for path in RECORD_LISTS:
        for params in ({}, {"pagination": "cursor"}, {"format": "csv"}):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, params)
                assert response.status_code == 200, (path, params)
                body(response)
            counts[(path, tuple(params))] = len(captured)
    return counts


def test_record_lists_run_a_fixed_number_of_queries(world):
    chair = client_for(world.chair)
    advance(world, "approved")
    services.use_case_submit(actor=world.team_member, use_case=UseCaseFactory(team=world.use_case.team))
    services.meeting_prepare_next(
        actor=world.secretary, committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=2)
    )
    one = _queries(chair)
    for _ in range(4):
        advance(world, "approved", UseCaseFactory(team=world.use_case.team, owner=world.owner))
    five = _queries(chair)
    assert len(RECORD_LISTS) == 7
    assert five == one
    assert max(five.values()) <= 8


def test_meeting_agenda_hides_a_use_case_withdrawn_to_draft_from_other_teams(world):
    use_case = world.use_case
    services.use_case_submit(actor=world.team_member, use_case=use_case)
    services.use_case_start_review(actor=world.secretary, use_case=use_case)
    services.meeting_prepare_next(
        actor=world.secretary, committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=2)
    )
    services.use_case_withdraw(actor=world.team_member, use_case=use_case)

    def agenda(user, params=None):
        return client_for(user).get("/api/v1/meetings/", params or {}).json()["results"][0]["agenda"]

    assert agenda(world.chair) == [use_case.reference]
    assert agenda(world.team_member) == [use_case.reference]
    assert agenda(world.other_team_member) == []
    csv_rows = list(
        csv.DictReader(
            io.StringIO(body(client_for(world.other_team_member).get("/api/v1/meetings/", {"format": "csv"})).decode())
        )
    )
    assert csv_rows[0]["agenda"] == ""
