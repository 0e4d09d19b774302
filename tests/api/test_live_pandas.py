"""A BI tool's view: pandas reads the CSV and the JSON of a running server and gets the database."""

import json
import urllib.request

import pandas as pd
import pytest

from core.actors import SYSTEM
from core.services import api_token_create
from domains.choices import Status
from domains.models import UseCase
from portfolio.models import UseCaseLink
from tests.factories import FoundationFactory, UseCaseFactory, UseCaseLinkFactory, UserFactory, function

# Committed data for the live server; the business functions seeded by migration are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def portfolio():
    cases = []
    for i in range(12):
        use_case = UseCaseFactory(title=f"Case {i}, with a comma", functions=[function("hr"), function("sales")])
        cases.append(use_case)
    UseCase.objects.filter(pk__in=[uc.pk for uc in cases[:9]]).update(status=Status.APPROVED)
    cases[0].foundations.add(FoundationFactory(slug="hr-data"))
    for a, b in zip(cases[:8], cases[1:9], strict=True):
        UseCaseLinkFactory(source=a, target=b)
    _, key = api_token_create(actor=SYSTEM, user=UserFactory(username="powerbi"), name="Power BI")
    return {"Authorization": f"Token {key}"}


def fetch_json_pages(url: str, headers: dict) -> list[dict]:
    rows = []
    while url:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            page = json.load(response)
        rows += page["results"]
        url = page["next"]
    return rows


def database_use_cases() -> pd.DataFrame:
    rows = UseCase.objects.exclude(status=Status.DRAFT).order_by("id").values("id", "reference", "title", "status")
    return pd.DataFrame(list(rows))


def test_pandas_reads_the_same_use_cases_from_csv_and_json_as_the_database(live_server, portfolio):
    url = f"{live_server.url}/api/v1/use-cases/"

    from_csv = pd.read_csv(f"{url}?format=csv", storage_options=portfolio)
    from_json = pd.DataFrame(fetch_json_pages(f"{url}?pagination=cursor&page_size=4", portfolio))

    expected = database_use_cases()
    columns = ["id", "reference", "title", "status"]
    for frame in (from_csv, from_json):
        got = frame[columns].sort_values("id").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected[columns], check_dtype=False)
    assert list(from_csv.columns) == list(from_json.columns)
    assert set(from_csv["functions"]) == {"hr|sales"}
    assert all(functions == ["hr", "sales"] for functions in from_json["functions"])
    # timestamps parse to the same instants in both
    pd.testing.assert_series_equal(
        pd.to_datetime(from_csv.sort_values("id")["updated_at"]).reset_index(drop=True),
        pd.to_datetime(from_json.sort_values("id")["updated_at"]).reset_index(drop=True),
    )


def test_pandas_reads_the_graph_edges(live_server, portfolio):
    edges = pd.read_csv(f"{live_server.url}/api/v1/graph/edges/?format=csv", storage_options=portfolio)

    visible = UseCaseLink.objects.exclude(source__status=Status.DRAFT).exclude(target__status=Status.DRAFT)
    assert sorted(edges["id"]) == sorted(visible.values_list("id", flat=True))
    assert set(edges.columns) >= {"source", "target", "kind", "strength", "directed"}
