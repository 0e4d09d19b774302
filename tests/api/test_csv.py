"""Every list answers CSV with the JSON's column names and rows."""

import csv
import io

import pytest

from domains.choices import Status
from tests.api.conftest import body
from tests.factories import FoundationFactory, UseCaseLinkFactory, function

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def same_cell(cell: str, value) -> bool:
    """A CSV cell says what the JSON value says (money: 250000.00 in CSV, 250000.0 in JSON)."""
    if isinstance(value, float):
        return float(cell) == value
    return cell == as_cell(value)


def assert_same_row(csv_row: dict, json_row: dict) -> None:
    assert list(csv_row) == list(json_row)
    different = {key: (csv_row[key], value) for key, value in json_row.items() if not same_cell(csv_row[key], value)}
    assert not different


def as_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


@pytest.mark.parametrize("how", ["format", "accept"])
def test_use_case_csv_has_the_json_columns_and_values(committee_client, make_use_case, how):
    foundation = FoundationFactory(slug="crm-data")
    use_case = make_use_case(functions=[function("sales"), function("marketing")])
    use_case.foundations.add(foundation)
    make_use_case(status=Status.DRAFT)

    json_rows = committee_client.get("/api/v1/use-cases/", {"page_size": 100}).json()["results"]
    if how == "format":
        response = committee_client.get("/api/v1/use-cases/", {"format": "csv"})
    else:
        response = committee_client.get("/api/v1/use-cases/", HTTP_ACCEPT="text/csv")
    csv_rows = read_csv(response)

    assert list(csv_rows[0]) == list(json_rows[0])
    by_id = {row["id"]: row for row in csv_rows}
    assert len(by_id) == len(json_rows) == 2
    for row in json_rows:
        assert_same_row(by_id[str(row["id"])], row)
    assert by_id[str(use_case.pk)]["functions"] == "marketing|sales"
    assert by_id[str(use_case.pk)]["foundations"] == "crm-data"
    assert by_id[str(use_case.pk)]["journey_stages"] == "choose|purchase"
    assert response["Content-Disposition"] == 'attachment; filename="use-case.csv"'


def test_csv_ignores_pages_and_streams_every_matching_row(committee_client, make_use_case):
    rows = [make_use_case() for _ in range(7)]

    response = committee_client.get("/api/v1/use-cases/", {"format": "csv", "page_size": 2})

    assert response.streaming
    assert sorted(int(r["id"]) for r in read_csv(response)) == sorted(uc.pk for uc in rows)


def test_link_csv_matches_json(committee_client, make_use_case):
    UseCaseLinkFactory(source=make_use_case(), target=make_use_case(), rationale='Shares "orders", and more')

    json_rows = committee_client.get("/api/v1/links/").json()["results"]
    csv_rows = read_csv(committee_client.get("/api/v1/links/", {"format": "csv"}))

    assert len(csv_rows) == len(json_rows) == 1
    assert_same_row(csv_rows[0], json_rows[0])
    assert csv_rows[0]["rationale"] == 'Shares "orders", and more'


def test_detail_answers_csv_as_one_row(committee_client, make_use_case):
    use_case = make_use_case()
    rows = read_csv(committee_client.get(f"/api/v1/use-cases/{use_case.pk}/", {"format": "csv"}))
    assert [row["reference"] for row in rows] == [use_case.reference]


def test_one_use_case_as_csv_encodes_its_lists_as_the_list_does(committee_client, make_use_case):
    use_case = make_use_case(functions=[function("marketing"), function("sales")])

    one = read_csv(committee_client.get(f"/api/v1/use-cases/{use_case.pk}/?format=csv"))
    listed = read_csv(committee_client.get("/api/v1/use-cases/?format=csv"))

    assert one[0]["functions"] == "marketing|sales"
    assert one[0] == next(row for row in listed if row["id"] == str(use_case.pk))


FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_cell_a_spreadsheet_would_run_is_written_as_text(committee_client, make_use_case, text):
    use_case = make_use_case(title=text, problem_statement="Plain text - with a dash inside")

    listed = {row["id"]: row for row in read_csv(committee_client.get("/api/v1/use-cases/", {"format": "csv"}))}
    detail = read_csv(committee_client.get(f"/api/v1/use-cases/{use_case.pk}/", {"format": "csv"}))[0]

    for row in (listed[str(use_case.pk)], detail):
        assert row["title"] == "'" + text
        assert row["problem_statement"] == "Plain text - with a dash inside"
    # Only the CSV defuses it: the JSON keeps the text as it was written.
    assert committee_client.get(f"/api/v1/use-cases/{use_case.pk}/").json()["title"] == text
