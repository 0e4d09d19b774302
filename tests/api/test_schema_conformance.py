"""The API does what its OpenAPI schema says, found wanting by the schemathesis probe and pinned here:
every date filter and choice filter refuses what it cannot take with a 400 naming the parameter,
unknown parameters are refused, responses match the schema with null and blank values in them, the
transition action documents only the actions it carries out, and every operation documents the
status codes and content types it answers."""

from __future__ import annotations

import base64
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from werkzeug import Client

from core.actors import SYSTEM
from domains.models import Domain, Foundation, UseCase
from governance import services as governance
from governance.models import ReviewRound
from portfolio import services as portfolio_services
from portfolio.models import UseCaseLink
from tests.api.conftest import body, router_lists
from tests.factories import FoundationFactory, UseCaseFactory, UseCaseLinkFactory, import_run
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db

# Parameters of every list that are not filters (pagination, output format).
NOT_FILTERS = {"format", "page", "page_size", "pagination", "cursor"}


def list_parameters(schema: dict, accept, *, filters_only: bool = True) -> list[tuple[str, str, dict]]:
    """(list path, parameter name, parameter schema) for every query parameter of every list that
    `accept(parameter schema)` picks, read from the schema: a new list or filter is covered as it comes."""
    found = []
    for path, _viewset in router_lists():
        for parameter in schema["paths"][path]["get"].get("parameters", []):
            if filters_only and parameter["name"] in NOT_FILTERS:
                continue
            if parameter["in"] == "query" and accept(parameter["schema"]):
                found.append((path, parameter["name"], parameter["schema"]))
    return found


# Parametrizing needs the parameters when the module is collected; generating the schema needs no database.
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
DATE_PARAMETERS = list_parameters(SCHEMA, lambda s: s.get("format") in ("date", "date-time"))
CHOICE_PARAMETERS = list_parameters(SCHEMA, lambda s: "enum" in s or "enum" in s.get("items", {}))
BOOLEAN_PARAMETERS = list_parameters(SCHEMA, lambda s: s.get("type") == "boolean")
INTEGER_PARAMETERS = list_parameters(SCHEMA, lambda s: s.get("type") == "integer", filters_only=False)


@pytest.fixture
def schema() -> dict:
    return SCHEMA


def ids(parameters) -> list[str]:
    return [f"{path} {name}" for path, name, _schema in parameters]


@pytest.fixture
def bi_client(make_token):
    return make_token()


def assert_refused(response, parameter: str) -> str:
    """A JSON 400 that names the parameter; returns its message."""
    assert response.status_code == 400, (response.status_code, body(response)[:300])
    assert response["Content-Type"].startswith("application/json")
    assert parameter in response.json(), response.json()
    return " ".join(response.json()[parameter])


# a. Dates and instants ------------------------------------------------------------------------------------

BAD_INSTANTS = [
    "2026-01-01T00:00:00+20:00",  # beyond PostgreSQL's ±15:59 (was a 500)
    "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
    "9999-12-31T23:00:00-05:00",  # after 9999 in UTC
    "2026-01-01T00:00:00\x00",
    "2026-02-30T00:00:00Z",
    "2026-01-01T00:00:00Z" + "0" * 10_000,
]
BAD_DAYS = ["2026-01-01\x00", "10000-01-01", "2026-02-30", "01/31/2026", "2026-01-01" + "0" * 10_000]


@pytest.mark.parametrize(("path", "parameter", "parameter_schema"), DATE_PARAMETERS, ids=ids(DATE_PARAMETERS))
def test_every_date_filter_refuses_what_it_cannot_take_with_a_400_naming_it(
    bi_client, path, parameter, parameter_schema
):
    values = BAD_INSTANTS if parameter_schema["format"] == "date-time" else BAD_DAYS
    for value in values:
        message = assert_refused(bi_client.get(path, {parameter: value}), parameter)
        assert message, value


def test_an_offset_within_the_database_range_is_taken_and_compared_in_utc(committee_client, make_use_case):
    use_case = make_use_case()
    UseCase.objects.filter(pk=use_case.pk).update(
        updated_at=datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone.utc)
    )

    def count(since: str) -> int:
        response = committee_client.get("/api/v1/use-cases/", {"updated_since": since})
        assert response.status_code == 200, response.content
        return response.json()["count"]

    # 12:00Z is 02:00 at -10:00, and 03:59 the next day at +15:59.
    assert count("2026-01-01T02:00:00-10:00") == 1
    assert count("2026-01-01T02:00:01-10:00") == 0
    assert count("2026-01-02T03:58:00+15:59") == 1
    assert count("2026-01-02T03:59:01+15:59") == 0


# b. Choices, booleans, ids, unknown and repeated parameters -------------------------------------------------


@pytest.mark.parametrize(("path", "parameter", "parameter_schema"), CHOICE_PARAMETERS, ids=ids(CHOICE_PARAMETERS))
def test_every_choice_filter_refuses_an_unknown_value_listing_the_allowed_ones(
    bi_client, path, parameter, parameter_schema
):
    allowed = [value for value in parameter_schema.get("enum") or parameter_schema["items"]["enum"] if value != ""]

    # (a % in a value once broke the message's formatting: a 500)
    message = assert_refused(bi_client.get(path, {parameter: "no-such-value,100%d"}), parameter)

    assert "no-such-value" in message and "100%d" in message
    for value in allowed:
        assert str(value) in message


@pytest.mark.parametrize(("path", "parameter", "parameter_schema"), BOOLEAN_PARAMETERS, ids=ids(BOOLEAN_PARAMETERS))
def test_every_boolean_filter_takes_true_or_false_and_nothing_else(bi_client, path, parameter, parameter_schema):
    for value in ("true", "false"):
        assert bi_client.get(path, {parameter: value}).status_code == 200
    for value in ("maybe", "null", "1"):
        assert_refused(bi_client.get(path, {parameter: value}), parameter)


@pytest.mark.parametrize("path", [path for path, _viewset in router_lists()])
def test_every_list_refuses_an_unknown_parameter_naming_the_ones_it_takes(bi_client, path):
    message = assert_refused(bi_client.get(path, {"updated_snce": "2026-01-01T00:00:00Z"}), "updated_snce")

    assert "updated_since" in message and "page_size" in message


def test_a_list_filter_may_be_repeated_and_a_single_one_may_not(committee_client, make_use_case):
    approved, scaled = make_use_case(status="approved"), make_use_case(status="scaled")
    make_use_case(status="in_review")

    repeated = committee_client.get("/api/v1/use-cases/?status=approved&status=scaled")
    twice = committee_client.get(
        "/api/v1/use-cases/?updated_since=2026-01-01T00:00:00Z&updated_since=2027-01-01T00:00:00Z"
    )

    assert sorted(row["id"] for row in repeated.json()["results"]) == [approved.pk, scaled.pk]
    assert_refused(twice, "updated_since")


def test_an_id_filter_takes_any_id_and_refuses_what_is_not_one(committee_client, world):
    committee = world.committee

    assert committee_client.get("/api/v1/committee-memberships/", {"committee": committee.pk}).json()["count"] == 5
    assert committee_client.get("/api/v1/committee-memberships/", {"committee": 999_999}).json()["count"] == 0
    for value in ("0", "1.5", "1e3", "x", str(2**64)):
        assert_refused(committee_client.get("/api/v1/committee-memberships/", {"committee": value}), "committee")


def test_pagination_parameters_refuse_what_they_cannot_take(bi_client):
    assert_refused(bi_client.get("/api/v1/domains/", {"pagination": "cursr"}), "pagination")
    assert_refused(bi_client.get("/api/v1/domains/", {"page": "abc"}), "page")
    # Empty is left out: the first page of page numbers.
    assert bi_client.get("/api/v1/domains/", {"cursor": "", "pagination": ""}).json()["previous"] is None


def test_a_slug_filter_refuses_what_is_not_a_slug(bi_client, make_use_case):
    make_use_case()
    assert_refused(bi_client.get("/api/v1/use-cases/", {"domain": "retail\x00"}), "domain")
    assert_refused(bi_client.get("/api/v1/use-cases/", {"domain": "a" * 101}), "domain")
    # An empty value is left out, in a list as anywhere.
    assert bi_client.get("/api/v1/use-cases/", {"domain": "no-such-domain,,"}).json()["count"] == 0
    assert bi_client.get("/api/v1/use-cases/", {"domain": ","}).json()["count"] == 1
    # At most 100 values, counted as sent (as the schema's maxItems counts them).
    assert_refused(bi_client.get("/api/v1/use-cases/", {"domain": "," * 100}), "domain")
    assert bi_client.get("/api/v1/use-cases/", {"domain": "no-such-domain"}).json()["count"] == 0


@pytest.mark.parametrize(("path", "parameter", "parameter_schema"), INTEGER_PARAMETERS, ids=ids(INTEGER_PARAMETERS))
def test_every_integer_parameter_takes_its_documented_range_and_nothing_beyond(
    bi_client, path, parameter, parameter_schema
):
    low, high = parameter_schema["minimum"], parameter_schema["maximum"]

    for value in (low, high):
        assert bi_client.get(path, {parameter: str(int(value))}).status_code != 400, value
    for value in (int(low) - 1, int(high) + 1, "1.5", "1e3"):
        assert_refused(bi_client.get(path, {parameter: str(value)}), parameter)


def test_a_cursor_is_taken_only_by_the_list_it_came_from(committee_client, make_use_case):
    for _ in range(2):
        make_use_case()
    page = committee_client.get("/api/v1/use-cases/", {"pagination": "cursor", "page_size": 1}).json()
    cursor = parse_qs(urlsplit(page["next"]).query)["cursor"][0]

    assert committee_client.get("/api/v1/use-cases/", {"cursor": cursor}).status_code == 200
    # A cursor of another list would skip rows of this one (it was a page, silently).
    assert_refused(committee_client.get("/api/v1/graph/nodes/", {"cursor": cursor}), "cursor")
    # Not a cursor the API writes: an instant with a NUL after it (was a page).
    forged = base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00\x00|5").decode()
    assert_refused(committee_client.get("/api/v1/use-cases/", {"cursor": forged}), "cursor")


# Bodies -------------------------------------------------------------------------------------------------


def test_every_request_body_that_refuses_unknown_fields_says_so_in_the_schema(schema):
    strict = ["UseCase", "PatchedUseCase", "UseCaseLink", "PatchedUseCaseLink", "VoteInput", "DecisionInput"]
    for name in [*strict, "CommentInput", "TransitionInput"]:
        assert schema["components"]["schemas"][f"{name}Request"]["additionalProperties"] is False, name


def test_workflow_actions_refuse_an_unknown_field_naming_it(world):
    use_case = advance(world, "in_review")
    finance = APIClient()
    finance.force_login(world.finance)

    # was a 201: the vote was cast, "voter" ignored
    response = finance.post(
        f"/api/v1/use-cases/{use_case.pk}/votes/", {"choice": "approve", "voter": "chair"}, format="json"
    )

    assert_refused(response, "voter")
    assert not use_case.review_rounds.get().votes.exists()


def test_a_link_end_is_a_whole_number_id(make_token, world):
    client = make_token(user=world.owner, can_write=True)
    other = UseCaseFactory(team=world.use_case.team, owner=world.owner)

    # 2.5 was read as 2, true as 1: a link to another use case than the one meant
    for value in (other.pk + 0.5, True):
        response = client.post("/api/v1/links/", {"source": world.use_case.pk, "target": value}, format="json")
        assert_refused(response, "target")
    assert not UseCaseLink.objects.exists()


# c. Responses match the schema, nulls and blanks included ---------------------------------------------------


@pytest.fixture
def wsgi(make_token, world):
    """GET through the WSGI application, as schemathesis sees the API, with a token that may write."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    client = Client(get_wsgi_application())
    key = make_token(user=world.secretary, can_write=True).key

    def get(path: str):
        return client.get(path, headers={"Authorization": f"Token {key}"})

    yield get
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_list_and_row_matches_the_schema_with_null_and_blank_values(schema, wsgi, world):
    # given rows whose nullable columns are null and whose blank choices are blank
    Domain.objects.filter(pk=world.use_case.domain_id).update(owner=None, sponsor=None)
    FoundationFactory(owner_team=None)
    bare = UseCaseFactory(team=world.use_case.team, owner=world.owner, sponsor=None, ai_technique="", sourcing="")
    UseCaseLinkFactory(source=world.use_case, target=bare)
    UseCaseLink.objects.update(created_by=None)
    advance(world, "in_review")  # an open round: closed_reason "" and closed_at null
    for state in ("approved", "changes_requested"):  # votes, a decision, a change request
        advance(world, state, UseCaseFactory(team=world.use_case.team, owner=world.owner))
    # A proposed portfolio (no owner, no status change yet) from a run the system started.
    UseCaseLinkFactory(source=world.use_case, target=UseCase.objects.get(status="approved"))
    run = portfolio_services.clustering_run_create(actor=SYSTEM, dispatch=False, min_size=2)
    assert portfolio_services.clustering_run_execute(run_id=run.pk).portfolio_count == 1
    governance.meeting_prepare_next(
        actor=world.secretary, committee=world.committee, date=datetime.date.today() + datetime.timedelta(days=7)
    )
    # A measured success measure (an unmeasured one, the factory's, has its latest values null), with a
    # note-less measurement recorded by nobody; an unrated side effect (no score, no review).
    measured = governance.kpi_measurements_record(
        actor=SYSTEM, kpi=bare.kpis.get(), rows=[{"date": datetime.date.today(), "value": 2.5}]
    )
    assert measured.created == 1
    governance.side_effect_create(actor=SYSTEM, use_case=bare, data={"category": "customer", "title": "Unrated"})
    assert ReviewRound.objects.filter(closed_reason="").exists() and Foundation.objects.filter(owner_team=None)
    # An import still queued (its counts and times null) and one previewed with a problem.
    import_run(execute=False)
    assert import_run().problems
    loaded = schemathesis.openapi.from_dict(schema)

    for path, _viewset in router_lists():
        for query in ("", "?pagination=cursor"):
            response = wsgi(path + query)
            assert response.status_code == 200, (path, response.get_data()[:300])
            loaded[path]["GET"].validate_response(response)
        rows = wsgi(path).json["results"]
        assert rows, path
        detail = f"{path}{{id}}/"
        response = wsgi(f"{path}{rows[0]['id']}/")
        loaded[detail]["GET"].validate_response(response)


def test_a_refusal_rendered_as_csv_is_a_400_not_a_500(make_token, world):
    client = make_token(user=world.owner, can_write=True)

    response = client.post(
        "/api/v1/use-cases/?format=csv", {"title": "T", "journey_stages": ["no-such-stage"]}, format="json"
    )

    assert response.status_code == 400
    assert b"journey_stages" in body(response)


# d. The transition action documents what it can do -----------------------------------------------------------


def test_transition_documents_only_the_actions_it_carries_out(schema, committee_client, world):
    request = schema["paths"]["/api/v1/use-cases/{id}/transition/"]["post"]["requestBody"]["content"]
    reference = request["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    action = schema["components"]["schemas"][reference]["properties"]["action"]
    enum = schema["components"]["schemas"][action["$ref"].rsplit("/", 1)[-1]]["enum"]

    assert "approve" not in enum and "reject" not in enum
    assert {"submit", "withdraw", "put_on_hold", "resume", "start_delivery", "scale", "retire"} <= set(enum)
    response = committee_client.post(
        f"/api/v1/use-cases/{world.use_case.pk}/transition/", {"action": "approve"}, format="json"
    )
    assert response.status_code == 400 and "action" in response.json()


# e. Status codes and content types -----------------------------------------------------------------------------


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_every_operation_documents_every_status_code_it_can_answer(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        # 400 everywhere: an unknown ?format= is one.
        assert {"400", "401", "403", "404", "406", "429", "503"} <= codes, (method, path, codes)
        for code in ("429", "503"):
            assert "Retry-After" in operation["responses"][code]["headers"], (method, path, code)
        if method in {"POST", "PATCH", "PUT", "DELETE"}:
            assert {"409", "413", "415"} <= codes, (method, path, codes)


def test_csv_is_documented_where_it_is_offered_as_a_csv_document(schema):
    for path, _viewset in router_lists():
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv"}
        assert content["text/csv"]["schema"]["type"] == "string", path
    workflow = schema["paths"]["/api/v1/use-cases/{id}/submit/"]["post"]["responses"]["200"]["content"]
    assert set(workflow) == {"application/json"}


def test_empty_query_values_are_documented_as_left_out(schema):
    for path, _viewset in router_lists():
        for parameter in schema["paths"][path]["get"]["parameters"]:
            if parameter["in"] == "query" and parameter["schema"].get("type") != "array":
                assert parameter.get("allowEmptyValue") is True, (path, parameter["name"])
