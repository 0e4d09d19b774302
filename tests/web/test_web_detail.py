"""The page of one use case: content, links, the committee's feedback and the timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.actors import SYSTEM
from portfolio.services import link_create
from tests.factories import FoundationFactory

pytestmark = pytest.mark.django_db


def url(use_case):
    return reverse("web:use_case_detail", args=[use_case.reference])


def test_anonymous_visitor_is_sent_to_log_in(client, org):
    use_case = org.submit(org.use_case())
    response = client.get(url(use_case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_own_team_sees_its_draft_with_its_actions(alice_client, org):
    use_case = org.use_case(title="Dynamic pricing")
    response = alice_client.get(url(use_case))
    assert response.status_code == 200
    assert reverse("web:use_case_edit", args=[use_case.reference]) in response.text
    assert reverse("web:use_case_submit", args=[use_case.reference]) in response.text
    assert reverse("web:use_case_withdraw", args=[use_case.reference]) not in response.text


def test_another_teams_draft_is_not_found(bob_client, org):
    use_case = org.use_case()
    assert bob_client.get(url(use_case)).status_code == 404


def test_unknown_reference_is_not_found(alice_client, org):
    assert alice_client.get(reverse("web:use_case_detail", args=["UC-9999"])).status_code == 404


def test_another_teams_submitted_use_case_is_read_only(bob_client, org):
    use_case = org.submit(org.use_case(title="Dynamic pricing"))
    response = bob_client.get(url(use_case))
    assert response.status_code == 200
    assert "Dynamic pricing" in response.text
    assert "Read-only: this use case belongs to Pricing." in response.text
    assert reverse("web:use_case_edit", args=[use_case.reference]) not in response.text
    assert reverse("web:use_case_withdraw", args=[use_case.reference]) not in response.text


def test_submitted_use_case_offers_withdraw_not_edit(alice_client, org):
    use_case = org.submit(org.use_case())
    response = alice_client.get(url(use_case))
    assert reverse("web:use_case_withdraw", args=[use_case.reference]) in response.text
    assert reverse("web:use_case_edit", args=[use_case.reference]) not in response.text


def test_shows_votes_comments_decision_and_conditions(alice_client, org):
    use_case = org.approve(org.use_case(), conditions="Run a DPIA before the pilot.")

    response = alice_client.get(url(use_case))

    text = response.text
    assert "Decision:" in text and "<strong>Approved</strong>" in text
    assert "Clear value for customers." in text
    assert "Run a DPIA before the pilot." in text
    assert "Strong business case." in text
    assert "Check the consent flows." in text
    assert "Votes, round 1" in text


def test_shows_the_change_requests_the_team_must_answer(alice_client, org):
    use_case = org.request_changes(org.use_case(), "Quantify the churn reduction.")
    response = alice_client.get(url(use_case))
    assert "Quantify the churn reduction." in response.text
    assert "Changes requested by the committee: 1 comment." in response.text


def test_timeline_lists_what_happened_newest_first(alice_client, org):
    use_case = org.start_review(org.use_case())
    response = alice_client.get(url(use_case))
    timeline = response.text[response.text.index('class="timeline"') :]
    assert timeline.index("Start review") < timeline.index("Submit")


def test_related_use_cases_hide_other_teams_drafts(alice_client, org):
    use_case = org.submit(org.use_case())
    visible = org.submit(org.use_case(title="Visible neighbour", team=org.logistics, owner=org.bob))
    hidden = org.use_case(title="Hidden neighbour draft", team=org.logistics, owner=org.bob)
    link_create(actor=org.chair, source=use_case, target=visible, kind="reinforces")
    link_create(actor=org.bob, source=hidden, target=use_case, kind="shares_data")

    response = alice_client.get(url(use_case))

    assert "Visible neighbour" in response.text
    assert "Hidden neighbour draft" not in response.text


def test_query_count_is_fixed(alice_client, org, django_assert_max_num_queries):
    def grow(use_case, n):
        for i in range(n):
            other = org.submit(org.use_case(title=f"Neighbour {i}"))
            # Set-up as the system: once approved, only the committee may relink it.
            link_create(actor=SYSTEM, source=use_case, target=other, kind="reinforces")
            foundation = FoundationFactory()
            use_case.foundation_usages.create(foundation=foundation)

    use_case = org.use_case()
    grow(use_case, 1)
    org.approve(use_case)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url(use_case))
    grow(use_case, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(url(use_case))
    links, timeline = response.text.split('class="timeline"')
    assert links.count("Neighbour ") == 7
    assert timeline.count("Neighbour ") == 7  # "Linked to UC-... Neighbour i"


def test_not_found_page_is_the_styled_one(bob_client, org):
    response = bob_client.get(url(org.use_case()))
    assert response.status_code == 404
    assert "drafts are visible to their own team only" in response.text
    assert "web/app.css" in response.text
