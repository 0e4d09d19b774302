"""The organisation-wide catalogue: every use case past draft, filterable, read-only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UseCaseFactory, function

pytestmark = pytest.mark.django_db
URL = reverse("web:use_case_browse")


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_lists_use_cases_past_draft_of_every_team_but_no_draft(bob_client, org):
    submitted = org.submit(org.use_case(title="Churn early warning"))
    my_draft = org.use_case(title="Bob's own draft", team=org.logistics, owner=org.bob)
    their_draft = org.use_case(title="Pricing secret draft")

    response = bob_client.get(URL)

    assert submitted.title in response.text
    assert their_draft.title not in response.text
    assert my_draft.title not in response.text, "the catalogue lists work past draft only"


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("domain", "supply-chain", "Warehouse slotting"),
        ("function", "finance", "Invoice matching"),
        ("status", "in_review", "Warehouse slotting"),
        ("ambition", "optimisation", "Invoice matching"),
        ("q", "churn", "Churn early warning"),
        ("q", "UC-0001", "Churn early warning"),
    ],
)
def test_filters_narrow_the_list(alice_client, org, param, value, expected):
    titles = ["Churn early warning", "Warehouse slotting", "Invoice matching"]
    churn = org.use_case(title="Churn early warning", problem_statement="Customers leave without warning.")
    slotting = org.use_case(title="Warehouse slotting", domain=org.other_domain, team=org.logistics, owner=org.bob)
    invoices = UseCaseFactory(
        title="Invoice matching",
        team=org.pricing,
        owner=org.alice,
        domain=org.domain,
        ambition="optimisation",
        functions=[function("finance")],
    )
    org.submit(churn)
    org.start_review(slotting)
    org.submit(invoices)

    response = alice_client.get(URL, {param: value})

    assert response.status_code == 200
    shown = [title for title in titles if f">{title}</a>" in response.text]
    assert shown == [expected]


def test_an_unknown_filter_value_is_reported_not_ignored_silently(alice_client, org):
    response = alice_client.get(URL, {"status": "launched"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_status_filter_offers_no_draft(alice_client, org):
    response = alice_client.get(URL)
    assert response.context["form"].fields["status"].choices[0] == ("", "All statuses")
    assert "draft" not in [value for value, _ in response.context["form"].fields["status"].choices]


def test_query_count_does_not_grow_with_the_rows(alice_client, org, django_assert_max_num_queries):
    for _ in range(3):
        org.submit(org.use_case())
    with CaptureQueriesContext(connection) as few:
        alice_client.get(URL, {"ambition": "transformation"})
    for _ in range(9):
        org.submit(org.use_case(team=org.logistics, owner=org.bob))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(URL, {"ambition": "transformation"})
    assert response.context["page"].paginator.count == 12


def test_lookup_returns_visible_use_cases_as_json(alice_client, org):
    visible = org.submit(org.use_case(title="Churn early warning", team=org.logistics, owner=org.bob))
    org.use_case(title="Churn hidden draft", team=org.logistics, owner=org.bob)
    mine = org.use_case(title="Churn in my team's draft")

    response = alice_client.get(reverse("web:use_case_lookup"), {"q": "churn"})

    references = [row["reference"] for row in response.json()["results"]]
    assert references == sorted([visible.reference, mine.reference])


def test_lookup_leaves_out_the_use_case_being_edited(alice_client, org):
    mine = org.use_case(title="Churn early warning")
    response = alice_client.get(reverse("web:use_case_lookup"), {"q": "churn", "exclude": mine.reference})
    assert response.json() == {"results": []}


def test_lookup_needs_a_login(client):
    response = client.get(reverse("web:use_case_lookup"), {"q": "x"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "params",
    [
        {"q": "churn warning"},
        {"q": "loyalty", "status": "submitted"},
        {"domain": "supply-chain"},
        {"function": "finance", "ambition": "transformation"},
    ],
)
def test_the_page_and_the_api_answer_the_same_filters_the_same_way(bob_client, org, params):
    org.submit(org.use_case(title="Churn early warning", problem_statement="Loyalty members leave."))
    org.submit(org.use_case(title="Loyalty offers", ambition="transformation", functions=[function("finance")]))
    org.submit(org.use_case(title="Store replenishment", domain=org.other_domain, ambition="optimisation"))
    org.use_case(title="Churn draft")  # another team's draft: neither lists it

    page = bob_client.get(URL, params)
    api = bob_client.get("/api/v1/use-cases/", params).json()

    shown = sorted(uc.reference for uc in page.context["page"].object_list)
    assert shown == sorted(row["reference"] for row in api["results"])
    assert shown  # each case matches something
