"""The home page of a team member: their teams' use cases, and what is expected of them next."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UseCaseFactory

pytestmark = pytest.mark.django_db
URL = reverse("web:my_use_cases")


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_lists_only_the_use_cases_of_my_teams(alice_client, org):
    mine = org.use_case(title="Dynamic pricing for fresh produce")
    theirs = org.use_case(title="Route optimisation", team=org.logistics, owner=org.bob)

    response = alice_client.get(URL)

    assert response.status_code == 200
    assert mine.title in response.text
    assert theirs.title not in response.text


def test_each_use_case_shows_its_status_badge_and_last_change(alice_client, org):
    org.use_case(title="Basket recommendations")
    response = alice_client.get(URL)
    assert '<span class="badge badge--draft">Draft</span>' in response.text
    assert "Last change" in response.text


def test_changes_requested_says_how_many_comments_await_the_team(alice_client, org):
    use_case = org.request_changes(org.use_case(), "Quantify the churn reduction.")

    response = alice_client.get(URL)

    assert use_case.status == "changes_requested"
    assert "Changes requested by the committee: 1 comment." in response.text


def test_incomplete_draft_says_how_many_fields_are_missing(alice_client, org):
    org.use_case(problem_statement="", ambition="")
    response = alice_client.get(URL)
    assert "Complete 2 required fields, then submit it to the committee." in response.text


def test_in_review_counts_the_votes_cast(alice_client, org):
    from governance import services as workflow

    use_case = org.start_review(org.use_case())
    workflow.vote_cast(actor=org.finance, use_case=use_case, choice="approve")
    response = alice_client.get(URL)
    assert "the committee is reviewing it (1 vote cast)" in response.text


def test_approved_with_conditions_shows_the_conditions(alice_client, org):
    org.approve(org.use_case(), conditions="Run a DPIA before the pilot.")
    response = alice_client.get(URL)
    assert "Approved with conditions: Run a DPIA before the pilot." in response.text


def test_a_person_in_no_team_is_told_so_and_cannot_start_a_use_case(client, org):
    client.force_login(org.loner)
    response = client.get(URL)
    assert "No team yet" in response.text
    assert reverse("web:use_case_new") not in response.text


def test_query_count_does_not_grow_with_the_rows(alice_client, org, django_assert_max_num_queries):
    for status_path in (org.request_changes, org.start_review, org.approve):
        status_path(org.use_case())
    for _ in range(3):
        org.use_case()
    with CaptureQueriesContext(connection) as few:
        alice_client.get(URL)
    for status_path in (org.request_changes, org.start_review, org.approve):
        status_path(org.use_case())
    for _ in range(6):
        UseCaseFactory(team=org.pricing, owner=org.paul, domain=org.domain)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(URL)
    assert response.text.count("card--use-case") == 15
