"""Bodies the API cannot take get a JSON answer that names the problem, and nothing is written:
nesting too deep for anyone (100,000 levels) or beyond the limit, bodies over 2.5 MB, text over its
field's limit, bytes that are not UTF-8, and URLs that match no route."""

import json

import pytest
from django.db import IntegrityError, transaction

from core.limits import JSON_MAX_DEPTH, NOTE_MAX_CHARS, PROSE_MAX_CHARS, REQUEST_BODY_MAX_BYTES
from domains.models import UseCase
from portfolio.models import UseCaseLink
from tests.factories import DomainFactory

pytestmark = pytest.mark.django_db


def post_raw(client, path, raw: bytes, content_type="application/json"):
    return client.generic("POST", path, raw, content_type=content_type)


@pytest.mark.parametrize("levels", [100_000, 2_000, JSON_MAX_DEPTH + 1])
def test_json_nested_too_deeply_is_a_400_that_says_so(member_client, levels):
    raw = b'{"title": ' + b"[" * levels + b"]" * levels + b"}"
    response = post_raw(member_client, "/api/v1/use-cases/", raw)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert f"nested too deeply: at most {JSON_MAX_DEPTH} levels" in response.json()["detail"]
    assert not UseCase.objects.exists()


def test_json_within_the_depth_limit_is_read(member_client, member):
    body = {"title": "Shallow enough", "domain": DomainFactory(slug="d").slug, "team": member.team.slug}
    assert member_client.post("/api/v1/use-cases/", body, format="json").status_code == 201


def test_a_body_over_the_limit_is_a_json_413_before_it_is_read(member_client):
    raw = json.dumps({"title": "x" * (REQUEST_BODY_MAX_BYTES + 10)}).encode()
    response = post_raw(member_client, "/api/v1/use-cases/", raw)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "body_too_large"
    assert "at most 2.5 MB" in response.json()["detail"]
    assert not UseCase.objects.exists()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe{", "UTF-8"),
        (b'{"title": NaN}', "JSON parse error"),
        (b"{", "JSON parse error"),
    ],
)
def test_bytes_that_are_not_json_are_a_400_that_says_why(member_client, raw, reason):
    response = post_raw(member_client, "/api/v1/use-cases/", raw)
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_an_empty_body_is_a_400_naming_the_required_fields(member_client):
    response = post_raw(member_client, "/api/v1/use-cases/", b"")
    assert response.status_code == 400
    assert "title" in response.json()


@pytest.mark.parametrize(
    ("field", "limit"), [("problem_statement", PROSE_MAX_CHARS), ("proposed_solution", PROSE_MAX_CHARS)]
)
def test_text_over_its_limit_is_refused_naming_the_field(member_client, member, field, limit):
    base = {"title": "Long text", "domain": DomainFactory(slug="d").slug, "team": member.team.slug}
    at_limit = member_client.post("/api/v1/use-cases/", {**base, field: "a" * limit}, format="json")
    assert at_limit.status_code == 201, at_limit.content

    over = member_client.post(
        "/api/v1/use-cases/", {**base, "title": "Too long", field: "a" * (limit + 1)}, format="json"
    )
    assert over.status_code == 400
    assert f"no more than {limit} characters" in over.json()[field][0]
    assert not UseCase.objects.filter(title="Too long").exists()


def test_a_link_rationale_over_its_limit_is_refused(member_client, member, make_use_case):
    own = make_use_case(status="draft", team=member.team)
    other = make_use_case()
    response = member_client.post(
        "/api/v1/links/",
        {"source": own.pk, "target": other.pk, "kind": "reinforces", "rationale": "r" * (NOTE_MAX_CHARS + 1)},
        format="json",
    )
    assert response.status_code == 400
    assert "rationale" in response.json()
    assert not UseCaseLink.objects.exists()


def test_the_database_refuses_overlong_text_that_skipped_every_check(postgres_only, make_use_case):
    use_case = make_use_case()
    with pytest.raises(IntegrityError, match="use_case_problem_statement_at_most_10000_chars"), transaction.atomic():
        UseCase.objects.filter(pk=use_case.pk).update(problem_statement="a" * (PROSE_MAX_CHARS + 1))


@pytest.mark.parametrize("path", ["/api/v1/use-cases/abc/", "/api/v1/no-such-thing/", "/api/v1/links/1/../../"])
def test_a_url_that_matches_no_route_is_a_json_404(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("raw_field", "field"),
    [
        (b'"domain": "retail\\u0000"', "domain"),  # a NUL in a reference would reach PostgreSQL
        (b'"functions": ["finance\\u0000"]', "functions"),
        (b'"business_value": 18446744073709551616', "business_value"),  # beyond 64 bits
        (b'"estimated_annual_benefit": 1e400', "estimated_annual_benefit"),  # infinite
        (b'"sponsor": "\\ud800"', "sponsor"),  # a lone surrogate
        (b'"journey_stages": [' + b",".join([b'"choose"'] * 1001) + b"]", "journey_stages"),
    ],
)
def test_values_the_database_cannot_take_are_a_400_naming_the_field(member_client, member, raw_field, field):
    raw = b'{"title": "Probe", "team": "%s", ' % member.team.slug.encode() + raw_field + b"}"
    response = post_raw(member_client, "/api/v1/use-cases/", raw)
    assert response.status_code == 400
    assert field in response.json()
    assert not UseCase.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"title": "\u200b\u200b"}, "title"), ({"journey_stages": ["choose", "choose"]}, "journey_stages")],
)
def test_an_invisible_title_or_a_repeated_stage_is_refused(member_client, member, payload, field):
    base = {"title": "Visible", "domain": DomainFactory(slug="d").slug, "team": member.team.slug}
    response = member_client.post("/api/v1/use-cases/", {**base, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_format_is_a_400_naming_the_formats(member_client):
    response = member_client.get("/api/v1/use-cases/", {"format": "xml"})
    assert response.status_code == 400
    assert "csv" in response.json()["format"][0]


def test_an_id_of_5000_digits_is_a_json_404(member_client):
    response = member_client.get("/api/v1/use-cases/" + "9" * 5000 + "/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_link_filter_on_a_fractional_id_is_a_400(member_client):
    response = member_client.get("/api/v1/links/", {"use_case": "1.5"})
    assert response.status_code == 400
    assert "use_case" in response.json()


@pytest.mark.parametrize(("path", "status"), [("/api/v1/use-cases/?q=a%00b", 400), ("/use-cases/lookup/?q=a%00b", 400)])
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(member_client, path, status):
    response = member_client.get(path)
    assert response.status_code == status
    assert "query parameter q" in response.content.decode()


def test_a_lone_surrogate_in_a_field_name_is_a_400(member_client):
    response = post_raw(member_client, "/api/v1/use-cases/", b'{"\\ud800": 1}')
    assert response.status_code == 400
    assert "surrogate" in str(response.json())


def test_a_nul_in_a_form_encoded_api_body_is_a_400_naming_the_field(member_client, member, make_use_case):
    own = make_use_case(status="draft", team=member.team)
    response = member_client.generic(
        "PATCH", f"/api/v1/use-cases/{own.pk}/", "domain=retail%00x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "domain" in response.json()
