"""The committee's dashboard (the admin's home page) with the demo organisation, as its chair sees it:
every chart has data, the pipeline counts every use case in the portfolio, and the page reads no more
queries than with a handful of use cases (tests/governance/test_dashboard.py pins that number)."""

import pytest
from django.http import HttpRequest

from domains.models import Domain, UseCase
from tests.governance.test_dashboard import CSV_MAX_QUERIES, PAGE_MAX_QUERIES, csv_url

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture
def chair(demo, client):
    assert client.login(request=HttpRequest(), username="marc.dubois", password=DEMO_PASSWORD)
    return client


def test_the_dashboard_renders_the_demo_in_a_fixed_number_of_queries(chair, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = chair.get("/admin/")

    assert response.status_code == 200
    charts = response.context["dashboard"]["data"]["charts"]
    assert len(charts["value-feasibility"]) > 40
    assert {row["domain"] for row in charts["ambition-by-domain"]} == set(Domain.objects.values_list("name", flat=True))
    assert sum(row["use_cases"] for row in charts["pipeline"]) == UseCase.objects.exclude(status="discarded").count()
    assert any(row["median_days"] for row in charts["pipeline"])  # the demo's history went through the workflow
    assert charts["foundations"]


def test_every_csv_of_the_demo_in_a_fixed_number_of_queries(chair, django_assert_max_num_queries):
    from governance.dashboard import CHARTS

    for slug in CHARTS:
        with django_assert_max_num_queries(CSV_MAX_QUERIES):
            response = chair.get(csv_url(slug))
        assert response.status_code == 200, slug
        assert response.content.decode().count("\n") > 1, slug
