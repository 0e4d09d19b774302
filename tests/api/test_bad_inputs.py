"""Bad inputs, one catalogue: what the input probe tries against the real endpoints, and the answer
each must get.

Every case names its kind (wrong types, huge and nested payloads, unicode and NUL bytes, unknown
enums and fields, bad dates and offsets, bad cursors and page sizes, SQL-looking and path-traversal
strings, formula cells, web forms), the request, the input, and the exact status it must get. A
refusal is JSON on the API (never an HTML page, never a 500), names the field or parameter (a key
of the body, or the name inside `detail`), and leaves nothing written: the use cases, links, votes,
decisions, change requests, notifications and audit events are compared before and after. Where
the product accepts an input (an emoji title, an SQL-looking title stored as text), the case says
what it must do with it.

`BAD_INPUTS_TABLE=docs/bad-inputs.md pytest tests/api/test_bad_inputs.py` also writes the table of
what each case actually got, so the document is never typed by hand (run the whole module: a case
left out shows as "not run").

The data is built once for the module inside a transaction that is rolled back at the end; each
case runs in a savepoint of it (pytest-django's `db`), so no case sees another's writes.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from core.actors import SYSTEM
from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS
from core.models import AuditEvent
from core.services import api_token_create
from domains.models import UseCase
from governance.models import ChangeRequest, Decision, Notification, Vote
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio.models import UseCaseLink
from tests.api.conftest import body as response_bytes
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    DomainFactory,
    FoundationFactory,
    TeamFactory,
    UseCaseFactory,
    UseCaseLinkFactory,
    UserFactory,
    function,
)
from tests.governance.conftest import World, advance

TABLE_ENV = "BAD_INPUTS_TABLE"

# The kinds of the probe, in the order of the table.
TYPES = "wrong types"
HUGE = "huge and nested payloads"
UNICODE = "unicode and NUL bytes"
ENUMS = "unknown enums and fields"
DATES = "bad dates and offsets"
PAGES = "bad cursors and page sizes"
INJECTION = "SQL-looking and path-traversal strings"
FORMULA = "formula cells"
WEB = "web forms"

MISSING = object()
SQL = "'; DROP TABLE domains_usecase; --"
TRAVERSAL = "../../etc/passwd"
TEN_KB = "x" * 10_000
BEYOND_64_BITS = 2**64  # one more than the largest unsigned 64-bit integer


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Case:
    """One bad input and the answer it must get.

    - `who`: member (a team member's session), token (the member's write token), reader (a
      read-only token), finance / chair / secretary (the committee's sessions), web (the member
      on the team site), admin (the secretary in the committee's admin).
    - `path` may name the module's rows: {own_draft}, {shared}, {in_review}, {other_draft}, {link}.
    - the input is one of `json` (a value, or a function of the data), `raw` bytes, `query`
      parameters, or `form` overrides of a complete team form.
    - `names`: what a refusal must name (a name, or a tuple of them); a tuple inside means any of them.
    - `writes`: the request is accepted and writes; `then(response, data)` checks what it wrote
      (and may return a note for the table).
    """

    kind: str
    who: str
    method: str
    path: str
    input: str
    status: int
    names: tuple = ()
    json: Any = MISSING
    raw: bytes | None = None
    content_type: str = "application/json"
    query: Any = None
    form: Any = None
    writes: bool = False
    then: Callable | None = None

    def __post_init__(self):
        if isinstance(self.names, str):
            object.__setattr__(self, "names", (self.names,))


def uc(**overrides) -> dict:
    """A use-case body that is fine but for the overrides (MISSING leaves a key out)."""
    body = {"title": "Bad-input probe", "domain": "retail", "team": "members-team", **overrides}
    return {key: value for key, value in body.items() if value is not MISSING}


def link(**overrides) -> Callable:
    """A link body from the member's draft to a shared use case, but for the overrides."""

    def make(d):
        body = {"source": d.own_draft, "target": d.in_review, "kind": "reinforces", "strength": 2, **overrides}
        return {key: (value(d) if callable(value) else value) for key, value in body.items() if value is not MISSING}

    return make


def vote(**overrides) -> dict:
    return {"choice": "approve", "comment": "Reviewed.", **overrides}


def decision(**overrides) -> dict:
    return {"outcome": "approved", "rationale": "Clear value.", **overrides}


# What an accepted input must have become -------------------------------------------------------------


def created_with(**expected) -> Callable:
    """The use case was created with these values, in the answer and in the database."""

    def check(response, d):
        row = response.json()
        stored = UseCase.objects.get(pk=row["id"])
        for name, value in expected.items():
            assert row[name] == value, (name, row[name])
            assert getattr(stored, name) == value, (name, getattr(stored, name))
        return f"stored {', '.join(f'{k}={v!r}' for k, v in expected.items())}"

    return check


def title_kept(title: str) -> Callable:
    return created_with(title=title)


def csv_cell(d, path: str, column: str, row_id: int) -> str:
    """The cell of `column` in row `row_id` of `path` read as CSV, as the team member reads it."""
    response = client_for("member", d).get(path, {"format": "csv"})
    assert response.status_code == 200, response_bytes(response)[:300]
    rows = [row for row in csv.DictReader(io.StringIO(response_bytes(response).decode())) if row["id"] == str(row_id)]
    assert len(rows) == 1, f"{len(rows)} rows with id {row_id} in {path}"
    return rows[0][column]


def formula_defused(text: str, *, path: str = "/api/v1/use-cases/", column: str = "title", key: str = "title"):
    """Created as typed (JSON keeps it; DRF trims surrounding whitespace), and its CSV cell starts
    with an apostrophe."""

    def check(response, d):
        created = response.json()
        assert created[key] == text.strip()
        cell = csv_cell(d, path, column, created["id"])
        assert cell == "'" + text.strip(), cell
        return f"JSON {text.strip()!r}, CSV cell {cell!r}"

    return check


def page_count(expected: int) -> Callable:
    def check(response, d):
        assert response.json()["count"] == expected, response.json()

    return check


def csv_defused(column: str, text: str) -> Callable:
    """A CSV answer whose `column` holds `text` with the apostrophe that keeps it from being a formula."""

    def check(response, d):
        rows = list(csv.DictReader(io.StringIO(response.text_read)))
        cells = [row[column] for row in rows if row[column].lstrip("'") == text]
        assert cells == ["'" + text], cells
        return f"CSV cell {cells[0]!r}"

    return check


def page_says(text: str) -> Callable:
    def check(response, d):
        assert text in response.content.decode(), f"the page does not say {text!r}"
        return f"says {text!r}"

    return check


# The catalogue ---------------------------------------------------------------------------------------

UC = "/api/v1/use-cases/"
DRAFT = "/api/v1/use-cases/{own_draft}/"
LINKS = "/api/v1/links/"
LINK = "/api/v1/links/{link}/"
VOTES = "/api/v1/use-cases/{in_review}/votes/"
DECIDE = "/api/v1/use-cases/{in_review}/decide/"
TRANSITION = "/api/v1/use-cases/{in_review}/transition/"
CHANGES = "/api/v1/use-cases/{in_review}/request-changes/"
NEW = "/use-cases/new/"

PARSE = "JSON parse error"
# A 404 names what was not found: the router's ("not_found", the path) or DRF's ("Not found.").
NOT_FOUND = (("not_found", "Not found", "matches the given query"),)
BIG_BODY = b'{"title": "' + b"x" * (3 * 1024 * 1024) + b'"}'
NESTED_100K = b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def post(kind: str, who: str, path: str, shown: str, status: int, names=(), **kwargs) -> Case:
    return Case(kind, who, "POST", path, shown, status, names, **kwargs)


def patch(kind: str, who: str, path: str, shown: str, status: int, names=(), **kwargs) -> Case:
    return Case(kind, who, "PATCH", path, shown, status, names, **kwargs)


def get(kind: str, who: str, path: str, params: dict | None, status: int, names=(), *, shown=None, then=None) -> Case:
    """A GET; with parameters, the input shown is the query itself unless `shown` says it better."""
    if shown is None:
        pairs = [
            (k, v) for k, values in (params or {}).items() for v in (values if isinstance(values, list) else [values])
        ]
        shown = "&".join(f"{k}={v}" for k, v in pairs)
    return Case(kind, who, "GET", path, shown, status, names, query=params, then=then)


def web(shown: str, status: int, names=(), *, path: str = NEW, **kwargs) -> Case:
    return Case(WEB, "web", "POST", path, shown, status, names, **kwargs)


def raw_use_case(extra: bytes) -> bytes:
    """A use-case body as bytes, with `extra` (a JSON member, or something that is not JSON) added."""
    return b'{"title": "x", "domain": "retail", "team": "members-team", ' + extra + b"}"


ISO = "2026-01-01T00:00:00Z"
NUL_MESSAGE = "Null characters are not allowed."
LINK_CSV = {"path": LINKS, "column": "rationale", "key": "rationale"}
PROBLEM_CSV = {"column": "problem_statement", "key": "problem_statement"}
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
UC_5000_DIGITS = "/api/v1/use-cases/" + "9" * 5000 + "/"

# fmt: off
CASES: list[Case] = [
    # Wrong types -------------------------------------------------------------------------------------------
    post(TYPES, "member", UC, 'title: ["a list"]', 400, "title", json=uc(title=["a list"])),
    post(TYPES, "member", UC, 'title: {"en": "an object"}', 400, "title", json=uc(title={"en": "x"})),
    post(TYPES, "member", UC, "title: true", 400, "title", json=uc(title=True)),
    post(TYPES, "member", UC, "title: null", 400, "title", json=uc(title=None)),
    post(TYPES, "member", UC, "no title", 400, "title", json=uc(title=MISSING)),
    post(TYPES, "member", UC, "title: 123 (a number for text)", 201, json=uc(title=123), writes=True,
         then=title_kept("123")),
    post(TYPES, "member", UC, f"title: {BEYOND_64_BITS} (a number beyond 64 bits for text)", 400,
         (("title", "64"),), json=uc(title=BEYOND_64_BITS)),
    post(TYPES, "member", UC, f"external_id: {BEYOND_64_BITS} (beyond 64 bits)", 400, (("external_id", "64"),),
         json=uc(external_id=BEYOND_64_BITS)),
    post(TYPES, "member", UC, 'business_value: "4" (a string for an integer)', 201, json=uc(business_value="4"),
         writes=True, then=created_with(business_value=4)),
    post(TYPES, "member", UC, 'business_value: "four"', 400, "business_value", json=uc(business_value="four")),
    post(TYPES, "member", UC, "business_value: 4.5", 400, "business_value", json=uc(business_value=4.5)),
    post(TYPES, "member", UC, "business_value: true", 400, "business_value", json=uc(business_value=True)),
    post(TYPES, "member", UC, "business_value: 9 (scores are 1-5)", 400, "business_value", json=uc(business_value=9)),
    post(TYPES, "member", UC, f"feasibility: {BEYOND_64_BITS}", 400, "feasibility",
         json=uc(feasibility=BEYOND_64_BITS)),
    post(TYPES, "member", UC, 'estimated_annual_benefit: "NaN"', 400, "estimated_annual_benefit",
         json=uc(estimated_annual_benefit="NaN")),
    post(TYPES, "member", UC, "estimated_annual_benefit: NaN (bare, not JSON)", 400, PARSE,
         raw=raw_use_case(b'"estimated_annual_benefit": NaN')),
    post(TYPES, "member", UC, "estimated_annual_benefit: 1e400 (infinite as a double)", 400, "estimated_annual_benefit",
         raw=raw_use_case(b'"estimated_annual_benefit": 1e400')),
    post(TYPES, "member", UC, "estimated_annual_benefit: 1e20 (over 14 digits)", 400, "estimated_annual_benefit",
         json=uc(estimated_annual_benefit=1e20)),
    post(TYPES, "member", UC, "estimated_annual_cost: -1", 400, "estimated_annual_cost",
         json=uc(estimated_annual_cost=-1)),
    post(TYPES, "member", UC, 'is_high_impact: "true" (a boolean as a string)', 201, json=uc(is_high_impact="true"),
         writes=True, then=created_with(is_high_impact=True)),
    post(TYPES, "member", UC, 'is_high_impact: "maybe"', 400, "is_high_impact", json=uc(is_high_impact="maybe")),
    post(TYPES, "member", UC, "is_high_impact: 2", 400, "is_high_impact", json=uc(is_high_impact=2)),
    post(TYPES, "member", UC, "is_high_impact: null", 400, "is_high_impact", json=uc(is_high_impact=None)),
    post(TYPES, "member", UC, 'domain: {"slug": "retail"} (an object for a reference)', 400, "domain",
         json=uc(domain={"slug": "retail"})),
    post(TYPES, "member", UC, "domain: 1 (an id for a slug)", 400, "domain", json=uc(domain=1)),
    post(TYPES, "member", UC, "domain: null", 400, "domain", json=uc(domain=None)),
    post(TYPES, "member", UC, "owner: 42", 400, "owner", json=uc(owner=42)),
    post(TYPES, "member", UC, 'functions: "finance" (a string for a list)', 400, "functions",
         json=uc(functions="finance")),
    post(TYPES, "member", UC, 'functions: [{"slug": "finance"}]', 400, "functions",
         json=uc(functions=[{"slug": "finance"}])),
    post(TYPES, "member", UC, 'journey_stages: {"choose": true}', 400, "journey_stages",
         json=uc(journey_stages={"choose": True})),
    post(TYPES, "member", UC, "the body is a list", 400, "non_field_errors", json=[uc()]),
    post(TYPES, "member", UC, "the body is a string", 400, "non_field_errors", json="title"),
    post(TYPES, "member", UC, "the body is null", 400, "non_field_errors", raw=b"null"),
    post(TYPES, "member", UC, "Content-Type: text/plain", 415, "text/plain", raw=json.dumps(uc()).encode(),
         content_type="text/plain"),
    post(TYPES, "token", UC, 'title: ["a list"]', 400, "title", json=uc(title=["a list"])),
    post(TYPES, "token", UC, 'business_value: "high"', 400, "business_value", json=uc(business_value="high")),
    patch(TYPES, "member", DRAFT, "title: null", 400, "title", json={"title": None}),
    patch(TYPES, "member", DRAFT, "the body is a string", 400, "non_field_errors", json="Renamed"),
    patch(TYPES, "token", DRAFT, "feasibility: [3]", 400, "feasibility", json={"feasibility": [3]}),
    post(TYPES, "member", LINKS, 'source: "abc"', 400, "source", json=link(source="abc")),
    post(TYPES, "member", LINKS, "source: <own draft id> + 0.5 (a fraction for an id)", 400, "source",
         json=link(source=lambda d: d.own_draft + 0.5)),
    post(TYPES, "member", LINKS, "target: true", 400, "target", json=link(target=True)),
    post(TYPES, "member", LINKS, 'strength: "strong"', 400, "strength", json=link(strength="strong")),
    post(TYPES, "member", LINKS, "strength: 99", 400, "strength", json=link(strength=99)),
    post(TYPES, "member", LINKS, "kind: null", 400, "kind", json=link(kind=None)),
    patch(TYPES, "token", LINK, "target: \"UC-0001\" (a reference for an id)", 400, "target",
          json={"target": "UC-0001"}),
    post(TYPES, "token", LINKS, "source: [id]", 400, "source", json=link(source=lambda d: [d.own_draft])),
    patch(TYPES, "member", LINK, 'strength: {"value": 3}', 400, "strength", json={"strength": {"value": 3}}),
    post(TYPES, "finance", VOTES, 'choice: ["approve"]', 400, "choice", json=vote(choice=["approve"])),
    post(TYPES, "finance", VOTES, "the body is a list", 400, "non_field_errors", json=[vote()]),
    post(TYPES, "chair", DECIDE, "rationale: null", 400, "rationale", json=decision(rationale=None)),
    post(TYPES, "secretary", TRANSITION, "action: 7", 400, "action", json={"action": 7}),
    post(TYPES, "finance", CHANGES, "comment: {}", 400, "comment", json={"comment": {}}),
    # Huge and nested payloads ------------------------------------------------------------------------------
    post(HUGE, "member", UC, "100,000 levels of nested lists", 400, "nested too deeply", raw=NESTED_100K),
    post(HUGE, "member", UC, "journey_stages nested 25 levels", 400, "nested too deeply",
         raw=raw_use_case(b'"journey_stages": ' + b"[" * 25 + b"]" * 25)),
    post(HUGE, "member", UC, "a 3 MB body", 413, "2.5 MB", raw=BIG_BODY),
    post(HUGE, "token", UC, "a 3 MB body", 413, "2.5 MB", raw=BIG_BODY),
    post(HUGE, "member", LINKS, "a 3 MB body", 413, "2.5 MB", raw=BIG_BODY),
    post(HUGE, "finance", VOTES, "a 3 MB body", 413, "2.5 MB", raw=BIG_BODY),
    post(HUGE, "member", UC, "title of 2,000,000 characters (under the body limit)", 400, "title",
         json=uc(title="x" * 2_000_000)),
    post(HUGE, "member", UC, "title of 10,000 characters", 400, "title", json=uc(title=TEN_KB)),
    post(HUGE, "member", UC, f"problem_statement of {PROSE_MAX_CHARS + 1:,} characters", 400, "problem_statement",
         json=uc(problem_statement="p" * (PROSE_MAX_CHARS + 1))),
    patch(HUGE, "token", DRAFT, f"proposed_solution of {PROSE_MAX_CHARS + 1:,} characters", 400, "proposed_solution",
          json={"proposed_solution": "s" * (PROSE_MAX_CHARS + 1)}),
    post(HUGE, "member", UC, 'journey_stages: ["choose"] x 100,000', 400, "journey_stages",
         json=uc(journey_stages=["choose"] * 100_000)),
    post(HUGE, "member", UC, 'functions: ["finance"] x 5,000', 400, "functions",
         json=uc(functions=["finance"] * 5_000)),
    post(HUGE, "member", LINKS, f"rationale of {NOTE_MAX_CHARS + 1:,} characters", 400, "rationale",
         json=link(rationale="r" * (NOTE_MAX_CHARS + 1))),
    post(HUGE, "finance", VOTES, f"comment of {NOTE_MAX_CHARS + 1:,} characters", 400, "comment",
         json=vote(comment="c" * (NOTE_MAX_CHARS + 1))),
    post(HUGE, "chair", DECIDE, f"rationale of {PROSE_MAX_CHARS + 1:,} characters", 400, "rationale",
         json=decision(rationale="r" * (PROSE_MAX_CHARS + 1))),
    post(HUGE, "secretary", TRANSITION, f"comment of {NOTE_MAX_CHARS + 1:,} characters", 400, "comment",
         json={"action": "put_on_hold", "comment": "c" * (NOTE_MAX_CHARS + 1)}),
    get(HUGE, "reader", UC, {"q": TEN_KB}, 400, "q"),
    get(HUGE, "reader", UC, {"status": ",".join(["approved"] * 1000)}, 400, "status",
        shown="status: 1,000 comma-separated values"),
    get(HUGE, "reader", UC_5000_DIGITS, None, 404, NOT_FOUND, shown="an id of 5,000 digits"),
    get(HUGE, "finance", "/api/v1/links/" + "9" * 5000 + "/", None, 404, NOT_FOUND, shown="an id of 5,000 digits"),
    patch(HUGE, "member", UC_5000_DIGITS, "an id of 5,000 digits", 404, NOT_FOUND, json={"title": "x"}),
    post(HUGE, "finance", UC_5000_DIGITS + "votes/", "an id of 5,000 digits", 404, NOT_FOUND, json=vote()),
    # Unicode and NUL bytes ---------------------------------------------------------------------------------
    post(UNICODE, "member", UC, "title with emoji", 201, json=uc(title="🚀 Launch 👩‍💻"), writes=True,
         then=title_kept("🚀 Launch 👩‍💻")),
    post(UNICODE, "member", UC, "title with a right-to-left override (U+202E)", 201,
         json=uc(title="Invoice \u202efdp.exe"), writes=True, then=title_kept("Invoice \u202efdp.exe")),
    post(UNICODE, "token", UC, "title with zero-width joiners (U+200D)", 201,
         json=uc(title="Family 👨\u200d👩\u200d👧 app"), writes=True, then=title_kept("Family 👨\u200d👩\u200d👧 app")),
    post(UNICODE, "member", UC, "title of zero-width spaces only (U+200B U+200B)", 400, "title",
         json=uc(title="\u200b\u200b")),
    post(UNICODE, "member", UC, 'title: "a\\x00b" (NUL byte)', 400, "title", json=uc(title="a\x00b")),
    post(UNICODE, "token", UC, 'title: "a\\x00b" (NUL byte)', 400, "title", json=uc(title="a\x00b")),
    post(UNICODE, "member", UC, "problem_statement with a NUL byte", 400, "problem_statement",
         json=uc(problem_statement="Baskets\x00 abandoned")),
    post(UNICODE, "member", UC, 'external_id: "X\\x00"', 400, "external_id", json=uc(external_id="X\x00")),
    post(UNICODE, "member", UC, 'domain: "retail\\x00"', 400, "domain", json=uc(domain="retail\x00")),
    post(UNICODE, "member", UC, 'owner: "bi-member\\x00"', 400, "owner", json=uc(owner="bi-member\x00")),
    post(UNICODE, "token", UC, 'team: "members-team\\x00"', 400, "team", json=uc(team="members-team\x00")),
    post(UNICODE, "member", UC, 'sponsor: "\\x00"', 400, "sponsor", json=uc(sponsor="\x00")),
    post(UNICODE, "member", UC, 'functions: ["finance\\x00"]', 400, "functions", json=uc(functions=["finance\x00"])),
    patch(UNICODE, "token", DRAFT, 'foundations: ["crm-data\\x00"]', 400, "foundations",
          json={"foundations": ["crm-data\x00"]}),
    post(UNICODE, "member", UC, 'journey_stages: ["choose\\x00"]', 400, "journey_stages",
         json=uc(journey_stages=["choose\x00"])),
    post(UNICODE, "member", UC, 'a field named "ti\\x00tle"', 400, "ti\x00tle", json={**uc(), "ti\x00tle": "x"}),
    patch(UNICODE, "member", DRAFT, "title with a NUL byte", 400, "title", json={"title": "Re\x00named"}),
    post(UNICODE, "member", UC, 'a lone surrogate "\\ud800"', 400, "sponsor",
         raw=raw_use_case(b'"sponsor": "\\ud800"')),
    post(UNICODE, "member", UC, "bytes that are not UTF-8 (FF FE)", 400, "UTF-8", raw=b"\xff\xfe{"),
    post(UNICODE, "token", UC, "a Latin-1 byte inside a JSON string (caf\\xe9)", 400, "UTF-8",
         raw=raw_use_case(b'"problem_statement": "caf\xe9"')),
    post(UNICODE, "member", UC, "JSON encoded as UTF-16", 400, PARSE, raw=json.dumps(uc()).encode("utf-16")),
    post(UNICODE, "member", LINKS, "rationale with a NUL byte", 400, "rationale", json=link(rationale="a\x00b")),
    post(UNICODE, "finance", VOTES, "comment with a NUL byte", 400, "comment", json=vote(comment="ok\x00")),
    post(UNICODE, "chair", DECIDE, "rationale with a NUL byte", 400, "rationale", json=decision(rationale="a\x00b")),
    post(UNICODE, "secretary", TRANSITION, "comment with a NUL byte", 400, "comment",
         json={"action": "put_on_hold", "comment": "wait\x00"}),
    post(UNICODE, "finance", CHANGES, "comment with a NUL byte", 400, "comment", json={"comment": "fix\x00"}),
    get(UNICODE, "reader", UC, {"q": "a\x00b"}, 400, "q"),
    get(UNICODE, "reader", UC, {"domain": "\x00"}, 400, "domain"),
    get(UNICODE, "finance", UC, {"reference": "UC-\x00"}, 400, "reference"),
    get(UNICODE, "finance", UC, {"updated_since": ISO + "\x00"}, 400, "updated_since"),
    get(UNICODE, "finance", "/api/v1/audit-events/", {"actor": "bi\x00"}, 400, "actor"),
    get(UNICODE, "reader", UC, {"q": "🚀 \u202e"}, 200, then=page_count(0)),
    get(UNICODE, "reader", "/api/v1/use-cases/%00/", None, 404, NOT_FOUND, shown="a NUL byte in the path"),
    # Unknown enums and fields ------------------------------------------------------------------------------
    post(ENUMS, "member", UC, 'ambition: "hyper"', 400, "ambition", json=uc(ambition="hyper")),
    post(ENUMS, "member", UC, 'risk_tier: "extreme"', 400, "risk_tier", json=uc(risk_tier="extreme")),
    post(ENUMS, "token", UC, 'ai_technique: "magic"', 400, "ai_technique", json=uc(ai_technique="magic")),
    post(ENUMS, "member", UC, 'sourcing: "stolen"', 400, "sourcing", json=uc(sourcing="stolen")),
    post(ENUMS, "member", UC, 'journey_stages: ["teleport"]', 400, "journey_stages",
         json=uc(journey_stages=["teleport"])),
    post(ENUMS, "member", UC, 'status: "approved" in the body', 400, "status", json=uc(status="approved")),
    post(ENUMS, "token", UC, 'reference: "UC-9999" in the body', 400, "reference", json=uc(reference="UC-9999")),
    post(ENUMS, "member", UC, "id: 1 in the body", 400, "id", json=uc(id=1)),
    post(ENUMS, "member", UC, "created_at in the body", 400, "created_at", json=uc(created_at=ISO)),
    post(ENUMS, "member", UC, 'an unknown field "colour"', 400, "colour", json=uc(colour="green")),
    patch(ENUMS, "member", DRAFT, 'status: "approved"', 400, "status", json={"status": "approved"}),
    patch(ENUMS, "token", DRAFT, "version: 99 (not a field)", 400, "version", json={"version": 99}),
    post(ENUMS, "member", LINKS, 'kind: "friend"', 400, "kind", json=link(kind="friend")),
    post(ENUMS, "member", LINKS, 'an unknown field "weight"', 400, "weight", json=link(weight=3)),
    post(ENUMS, "token", LINKS, 'created_by: "bi-chair" in the body', 400, "created_by",
         json=link(created_by="bi-chair")),
    patch(ENUMS, "token", LINK, 'kind: "enemy"', 400, "kind", json={"kind": "enemy"}),
    post(ENUMS, "finance", VOTES, 'choice: "maybe"', 400, "choice", json=vote(choice="maybe")),
    post(ENUMS, "finance", VOTES, 'an unknown field "voter": "bi-chair"', 400, "voter", json=vote(voter="bi-chair")),
    post(ENUMS, "chair", DECIDE, 'outcome: "maybe"', 400, "outcome", json=decision(outcome="maybe")),
    post(ENUMS, "chair", DECIDE, 'an unknown field "decided_by": "bi-finance"', 400, "decided_by",
         json=decision(decided_by="bi-finance")),
    post(ENUMS, "secretary", TRANSITION, 'action: "approve" (a decision)', 400, "action", json={"action": "approve"}),
    post(ENUMS, "secretary", TRANSITION, 'action: "explode"', 400, "action", json={"action": "explode"}),
    post(ENUMS, "secretary", TRANSITION, 'action: "put_on_hold" with "status": "approved"', 400, "status",
         json={"action": "put_on_hold", "status": "approved"}),
    post(ENUMS, "finance", CHANGES, 'an unknown field "deadline"', 400, "deadline",
         json={"comment": "Quantify it.", "deadline": "2026-01-01"}),
    get(ENUMS, "reader", UC, {"status": "launched"}, 400, "status"),
    get(ENUMS, "reader", UC, {"status": ["approved", "bogus"]}, 400, "status"),
    get(ENUMS, "reader", UC, {"risk_tier": "extreme"}, 400, "risk_tier"),
    get(ENUMS, "reader", UC, {"is_high_impact": "yes"}, 400, "is_high_impact"),
    get(ENUMS, "reader", LINKS, {"kind": "friend"}, 400, "kind"),
    get(ENUMS, "reader", LINKS, {"strength": "abc"}, 400, "strength"),
    get(ENUMS, "reader", LINKS, {"use_case": "abc"}, 400, "use_case"),
    get(ENUMS, "reader", LINKS, {"use_case": "1.5"}, 400, "use_case"),
    get(ENUMS, "finance", "/api/v1/votes/", {"choice": "maybe"}, 400, "choice"),
    get(ENUMS, "finance", "/api/v1/decisions/", {"outcome": "maybe"}, 400, "outcome"),
    get(ENUMS, "finance", "/api/v1/audit-events/", {"action": "use_case.exploded"}, 400, "action"),
    get(ENUMS, "finance", "/api/v1/committee-memberships/", {"role": "king"}, 400, "role"),
    get(ENUMS, "finance", "/api/v1/change-requests/", {"open": "yes"}, 400, "open"),
    get(ENUMS, "reader", UC, {"ordering": "title"}, 400, "ordering", shown="ordering=title (no such parameter)"),
    get(ENUMS, "reader", LINKS, {"ordering": "-nope"}, 400, "ordering"),
    get(ENUMS, "reader", UC, {"updated_snce": ISO}, 400, "updated_snce", shown=f"updated_snce={ISO} (a typo)"),
    get(ENUMS, "reader", UC, {"format": "xml"}, 400, "format"),
    get(ENUMS, "reader", UC, {"pagination": "sideways"}, 400, "pagination"),
    Case(ENUMS, "member", "PUT", DRAFT, "PUT (edits are PATCH)", 405, "PUT", json=uc()),
    # Bad dates and offsets ---------------------------------------------------------------------------------
    get(DATES, "reader", UC, {"updated_since": "yesterday"}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_since": "2026-02-30T00:00:00Z"}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_since": "2026-13-01T00:00:00Z"}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_since": "2026-01-01T25:00:00Z"}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_since": "2026-01-01T00:00:00+20:00"}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_before": "2026-01-01T00:00:00-16:00"}, 400, "updated_before"),
    get(DATES, "reader", UC, {"updated_since": "0000-01-01T00:00:00Z"}, 400, "updated_since",
        shown="updated_since=0000-01-01T00:00:00Z (year 0)"),
    get(DATES, "reader", UC, {"updated_since": "10000-01-01T00:00:00Z"}, 400, "updated_since",
        shown="updated_since=10000-01-01T00:00:00Z (year 10000)"),
    get(DATES, "reader", UC, {"updated_since": "0001-01-01T00:00:00+01:00"}, 400, "updated_since",
        shown="updated_since=0001-01-01T00:00:00+01:00 (before year 1 in UTC)"),
    get(DATES, "reader", UC, {"updated_before": "9999-12-31T23:59:59-01:00"}, 400, "updated_before",
        shown="updated_before=9999-12-31T23:59:59-01:00 (after 9999 in UTC)"),
    get(DATES, "reader", UC, {"updated_since": "1767225600"}, 400, "updated_since",
        shown="updated_since=1767225600 (epoch seconds)"),
    get(DATES, "reader", UC, {"updated_since": "2026-01-01T00:00:00.1234567Z"}, 400, "updated_since",
        shown="updated_since=2026-01-01T00:00:00.1234567Z (7 decimals)"),
    get(DATES, "reader", UC, {"updated_since": TEN_KB}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_since": ["yesterday", "today"]}, 400, "updated_since"),
    get(DATES, "reader", UC, {"updated_since": "2000-01-01T00:00:00+05:45"}, 200, then=page_count(3),
        shown="updated_since=2000-01-01T00:00:00+05:45 (a real offset)"),
    get(DATES, "finance", "/api/v1/votes/", {"updated_since": "2026-01-01T00:00:00+20:00"}, 400, "updated_since"),
    get(DATES, "finance", "/api/v1/audit-events/", {"updated_before": "0000-01-01T00:00:00Z"}, 400, "updated_before"),
    get(DATES, "finance", "/api/v1/decisions/", {"updated_since": "2026-1-1"}, 400, "updated_since"),
    get(DATES, "reader", "/api/v1/graph/edges/", {"updated_before": "2026-01-01T00:00:00-16:00"}, 400,
        "updated_before"),
    get(DATES, "finance", "/api/v1/meetings/", {"date_from": "31/01/2026"}, 400, "date_from"),
    get(DATES, "finance", "/api/v1/meetings/", {"date_to": "2026-02-30"}, 400, "date_to"),
    get(DATES, "finance", "/api/v1/meetings/", {"date_from": "0000-01-01"}, 400, "date_from"),
    # Bad cursors and page sizes ----------------------------------------------------------------------------
    get(PAGES, "reader", UC, {"page_size": "0"}, 400, "page_size"),
    get(PAGES, "reader", UC, {"page_size": "-1"}, 400, "page_size"),
    get(PAGES, "reader", UC, {"page_size": str(10**9)}, 400, "page_size"),
    get(PAGES, "reader", UC, {"page_size": "abc"}, 400, "page_size"),
    get(PAGES, "reader", UC, {"page_size": "1.5"}, 400, "page_size"),
    get(PAGES, "reader", LINKS, {"pagination": "cursor", "page_size": "0"}, 400, "page_size"),
    get(PAGES, "finance", "/api/v1/votes/", {"pagination": "cursor", "page_size": "10001"}, 400, "page_size"),
    get(PAGES, "reader", UC, {"page": "0"}, 400, "page"),
    get(PAGES, "reader", UC, {"page": "abc"}, 400, "page"),
    get(PAGES, "reader", UC, {"page": "999999"}, 404, "page", shown="page=999999 (past the last page)"),
    get(PAGES, "reader", UC, {"page": str(10**30)}, 400, "page"),
    get(PAGES, "reader", UC, {"cursor": "garbage!!"}, 400, "cursor"),
    get(PAGES, "reader", UC, {"cursor": b64("junk")}, 400, "cursor", shown='cursor=base64("junk")'),
    get(PAGES, "reader", UC, {"cursor": b64("2026-01-01T00:00:00+00:00|abc")}, 400, "cursor",
        shown='cursor=base64("<instant>|abc")'),
    get(PAGES, "reader", UC, {"cursor": b64("2026-01-01T00:00:00|5")}, 400, "cursor",
        shown="cursor=base64(<naive instant>|5)"),
    get(PAGES, "reader", UC, {"cursor": b64(f"2026-01-01T00:00:00+00:00|{2**63}")}, 400, "cursor",
        shown="cursor=base64(<instant>|2**63)"),
    get(PAGES, "reader", UC, {"cursor": b64("9999-12-31T23:59:59-01:00|5")}, 400, "cursor",
        shown="cursor=base64(9999-12-31T23:59:59-01:00|5)"),
    get(PAGES, "reader", LINKS, {"cursor": b64("2026-01-01T00:00:00+00:00\x00|5")}, 400, "cursor",
        shown="cursor=base64(<instant>\\x00|5)"),
    get(PAGES, "reader", LINKS, {"cursor": "A" * 10_000}, 400, "cursor"),
    get(PAGES, "reader", LINKS, {"cursor": "abc\x00"}, 400, "cursor"),
    Case(PAGES, "finance", "GET", UC, "cursor taken from /api/v1/audit-events/", 400, "cursor",
         query=lambda d: {"cursor": d.foreign_cursor}),
    get(PAGES, "reader", UC, {"page_size": ""}, 200, then=page_count(3), shown="page_size= (empty: the default)"),
    # SQL-looking and path-traversal strings ----------------------------------------------------------------
    post(INJECTION, "member", UC, f"title: {SQL!r}", 201, json=uc(title=SQL), writes=True, then=title_kept(SQL)),
    post(INJECTION, "token", UC, "problem_statement: \"1' OR '1'='1\"", 201, json=uc(problem_statement="1' OR '1'='1"),
         writes=True, then=created_with(problem_statement="1' OR '1'='1")),
    post(INJECTION, "member", UC, "domain: \"' OR 1=1 --\"", 400, "domain", json=uc(domain="' OR 1=1 --")),
    post(INJECTION, "member", UC, f"domain: {TRAVERSAL!r}", 400, "domain", json=uc(domain=TRAVERSAL)),
    post(INJECTION, "token", UC, 'team: "..%2F..%2Fetc%2Fpasswd"', 400, "team", json=uc(team="..%2F..%2Fetc%2Fpasswd")),
    post(INJECTION, "member", UC, "owner: \"admin'--\"", 400, "owner", json=uc(owner="admin'--")),
    post(INJECTION, "member", UC, f"functions: [{TRAVERSAL!r}]", 400, "functions", json=uc(functions=[TRAVERSAL])),
    post(INJECTION, "member", UC, "foundations: [\"'; DROP TABLE domains_foundation; --\"]", 400, "foundations",
         json=uc(foundations=["'; DROP TABLE domains_foundation; --"])),
    post(INJECTION, "member", UC, f"external_id: {TRAVERSAL!r} (free text)", 201, json=uc(external_id=TRAVERSAL),
         writes=True, then=created_with(external_id=TRAVERSAL)),
    post(INJECTION, "member", LINKS, 'source: "1 OR 1=1"', 400, "source", json=link(source="1 OR 1=1")),
    post(INJECTION, "token", LINKS, f"target: {TRAVERSAL!r}", 400, "target", json=link(target=TRAVERSAL)),
    get(INJECTION, "reader", UC, {"q": SQL}, 200, then=page_count(0)),
    get(INJECTION, "reader", UC, {"reference": "UC-0001' OR '1'='1"}, 200, then=page_count(0)),
    get(INJECTION, "reader", UC, {"domain": "' OR '1'='1"}, 400, "domain"),
    get(INJECTION, "reader", UC, {"team": TRAVERSAL}, 400, "team"),
    get(INJECTION, "finance", "/api/v1/audit-events/", {"use_case": "1;DROP TABLE core_auditevent"}, 400, "use_case"),
    get(INJECTION, "reader", "/api/v1/use-cases/1%20OR%201=1/", None, 404, NOT_FOUND, shown="id: 1 OR 1=1"),
    get(INJECTION, "reader", "/api/v1/use-cases/../../../etc/passwd", None, 404, NOT_FOUND,
        shown="the path ../../../etc/passwd"),
    get(INJECTION, "reader", "/api/v1/use-cases/%2e%2e%2f%2e%2e%2fetc%2fpasswd/", None, 404, NOT_FOUND,
        shown="the path %2e%2e%2f%2e%2e%2fetc%2fpasswd"),
    post(INJECTION, "finance", "/api/v1/use-cases/{in_review}/votes/../decide/", "the path votes/../decide/", 404,
         NOT_FOUND, json=decision()),
    get(INJECTION, "reader", "/api/v1/use-cases/99999999999999999999/", None, 404, NOT_FOUND,
        shown="an id beyond 64 bits"),
    post(INJECTION, "finance", "/api/v1/use-cases/99999999999999999999/votes/", "an id beyond 64 bits", 404,
         NOT_FOUND, json=vote()),
    patch(INJECTION, "member", "/api/v1/links/1;DROP/", "link id: 1;DROP", 404, NOT_FOUND, json={"strength": 3}),
    # Formula cells: stored as typed, and a CSV cell that a spreadsheet would run starts with an apostrophe ---
    post(FORMULA, "member", UC, 'title "=1+1", read back as CSV', 201, json=uc(title="=1+1"), writes=True,
         then=formula_defused("=1+1")),
    post(FORMULA, "member", UC, 'title "+1+1", read back as CSV', 201, json=uc(title="+1+1"), writes=True,
         then=formula_defused("+1+1")),
    post(FORMULA, "member", UC, 'title "-1+1", read back as CSV', 201, json=uc(title="-1+1"), writes=True,
         then=formula_defused("-1+1")),
    post(FORMULA, "token", UC, 'title "@SUM(A1:A9)", read back as CSV', 201, json=uc(title="@SUM(A1:A9)"),
         writes=True, then=formula_defused("@SUM(A1:A9)")),
    post(FORMULA, "member", UC, "title \"=cmd|' /C calc'!A0\" (DDE), read back as CSV", 201,
         json=uc(title="=cmd|' /C calc'!A0"), writes=True, then=formula_defused("=cmd|' /C calc'!A0")),
    post(FORMULA, "member", UC, 'title "\\t=1+1" (a leading tab), read back as CSV', 201, json=uc(title="\t=1+1"),
         writes=True, then=formula_defused("\t=1+1")),
    post(FORMULA, "member", UC, 'problem_statement "=HYPERLINK(...)", read back as CSV', 201,
         json=uc(problem_statement=HYPERLINK), writes=True, then=formula_defused(HYPERLINK, **PROBLEM_CSV)),
    post(FORMULA, "member", LINKS, 'link rationale "=1+1", read back as CSV', 201, json=link(rationale="=1+1"),
         writes=True, then=formula_defused("=1+1", **LINK_CSV)),
    get(FORMULA, "reader", UC, {"format": "csv"}, 200, then=csv_defused("title", "=1+1"),
        shown='format=csv, a shared use case titled "=1+1"'),
    get(FORMULA, "reader", "/api/v1/use-cases/{formula}/", {"format": "csv"}, 200, then=csv_defused("title", "=1+1"),
        shown='format=csv, one use case titled "=1+1"'),
    get(FORMULA, "reader", "/api/v1/graph/nodes/", {"format": "csv"}, 200, then=csv_defused("label", "=1+1"),
        shown='format=csv, a node labelled "=1+1"'),
    # Web forms (the team site: a 200 page with the error beside the field, nothing saved) --------------------
    web("title with a NUL byte", 200, "title", form={"title": "Web probe \x00"}),
    web("title of 501 characters", 200, "title", form={"title": "Web probe " + "t" * 491}),
    web(f"problem_statement of {PROSE_MAX_CHARS + 1:,} characters", 200, "problem_statement",
        form={"problem_statement": "p" * (PROSE_MAX_CHARS + 1)}),
    web('ambition "hyper"', 200, "ambition", form={"ambition": "hyper"}),
    web('risk_tier "extreme"', 200, "risk_tier", form={"risk_tier": "extreme"}),
    web('journey_stages ["teleport"]', 200, "journey_stages", form={"journey_stages": ["teleport"]}),
    web('business_value "9"', 200, "business_value", form={"business_value": "9"}),
    web('estimated_annual_benefit "NaN"', 200, "estimated_annual_benefit", form={"estimated_annual_benefit": "NaN"}),
    web('estimated_annual_cost "1e400"', 200, "estimated_annual_cost", form={"estimated_annual_cost": "1e400"}),
    web(f"domain {TRAVERSAL!r}", 200, "domain", form={"domain": TRAVERSAL}),
    web("team: another team's id", 200, "team", form=lambda d: {"team": d.other_team}),
    web('owner "1 OR 1=1"', 200, "owner", form={"owner": "1 OR 1=1"}),
    web('functions ["abc"]', 200, "functions", form={"functions": ["abc"]}),
    web('links-TOTAL_FORMS "abc"', 200, "links", form={"links-TOTAL_FORMS": "abc"}),
    web("a related use case \"' OR 1=1 --\"", 200, "links-0-target",
        form={"links-0-target": "' OR 1=1 --", "links-0-kind": "reinforces"}),
    web('a link of kind "friend"', 200, "links-0-kind",
        form=lambda d: {"links-0-target": d.shared_reference, "links-0-kind": "friend"}),
    web("editing: title with a NUL byte", 200, "title", path="/use-cases/{own_draft_reference}/edit/",
        form={"title": "Web probe \x00", "loaded_version": "1"}),
    get(WEB, "web", "/use-cases/", {"q": "a\x00b"}, 400, "query parameter q", shown='browse: q "a\\x00b"'),
    get(WEB, "web", "/use-cases/", {"status": "launched"}, 200, "status", shown='browse: status "launched"'),
    get(WEB, "web", "/use-cases/lookup/", {"q": "a\x00b"}, 400, "query parameter q", shown='the picker: q "a\\x00b"'),
    get(WEB, "web", "/use-cases/lookup/", {"exclude": "UC-\x00"}, 400, "query parameter exclude",
        shown='the picker: exclude "UC-\\x00"'),
    get(WEB, "web", "/use-cases/UC-0001%00/", None, 404, shown="a use case page: a NUL byte in the reference"),
    get(WEB, "web", f"/use-cases/{TRAVERSAL}/", None, 404, shown=f"a use case page: {TRAVERSAL!r}"),
    # The committee's admin (a page, never a crash; Django's own answers) ------------------------------------
    get(UNICODE, "admin", "/admin/domains/usecase/", {"q": "a\x00b"}, 400, "query parameter q",
        shown='admin search: q "a\\x00b"'),
    get(UNICODE, "admin", "/admin/governance/vote/", {"q": "\x00"}, 400, "query parameter q",
        shown='admin search: q "\\x00"'),
    get(INJECTION, "admin", "/admin/domains/usecase/", {"q": SQL}, 200, shown=f"admin search: q {SQL!r}"),
    get(ENUMS, "admin", "/admin/domains/usecase/", {"status__exact": "launched"}, 200,
        shown="admin filter: status__exact=launched"),
    get(DATES, "admin", "/admin/domains/usecase/", {"updated_at__gte": "yesterday"}, 302,
        shown="admin filter: updated_at__gte=yesterday"),
    get(TYPES, "admin", "/admin/domains/usecase/abc/change/", None, 302, shown="admin: a use case id abc"),
    get(HUGE, "admin", "/admin/domains/usecase/" + "9" * 5000 + "/change/", None, 302,
        shown="admin: an id of 5,000 digits"),
    get(UNICODE, "admin", "/admin/domains/usecase/%00/change/", None, 404, shown="admin: a NUL byte as the id"),
    web("title with emoji (accepted)", 302, form={"title": "Web probe 🚀"}, writes=True,
        then=lambda response, d: f"saved {UseCase.objects.get(title='Web probe 🚀').reference}"),
]
# fmt: on


# The module's data -----------------------------------------------------------------------------------


def build() -> SimpleNamespace:
    committee = CommitteeFactory(name="Bad-inputs committee", quorum_votes=3, quorum_functions=2)
    people = {}
    for name, slug, role in [
        ("chair", "operations", "chair"),
        ("finance", "finance", "member"),
        ("marketing", "marketing", "member"),
        ("hr", "hr", "member"),
        ("secretary", "legal-compliance", "secretary"),
    ]:
        people[name] = UserFactory(username=f"bi-{name}", is_staff=True)
        CommitteeMembershipFactory(committee=committee, user=people[name], function=function(slug), role=role)
    owner, team_member = UserFactory(username="bi-owner"), UserFactory(username="bi-team-member")
    pricing = TeamFactory(name="Pricing", slug="pricing", members=[owner, team_member])
    member, other = UserFactory(username="bi-member"), UserFactory(username="bi-other")
    mine = TeamFactory(name="Members team", slug="members-team", members=[member])
    others = TeamFactory(name="Other team", slug="other-team", members=[other])
    retail = DomainFactory(name="Retail", slug="retail")
    FoundationFactory(slug="crm-data")

    own_draft = UseCaseFactory(title="Own draft", team=mine, owner=member, domain=retail)
    other_draft = UseCaseFactory(title="Other team's draft", team=others, owner=other, domain=retail)
    world = World(
        committee=committee,
        owner=owner,
        team_member=team_member,
        other_team_member=other,
        staff=people["secretary"],
        use_case=own_draft,
        **people,
    )
    shared = advance(world, "submitted", UseCaseFactory(title="Shared", team=pricing, owner=owner, domain=retail))
    in_review = advance(world, "in_review", UseCaseFactory(title="In review", team=pricing, owner=owner, domain=retail))
    formula = advance(world, "submitted", UseCaseFactory(title="=1+1", team=pricing, owner=owner, domain=retail))
    existing_link = UseCaseLinkFactory(source=own_draft, target=shared)

    group, _created = Group.objects.get_or_create(name=COMMITTEE_ADMIN_GROUP)
    group.permissions.set(committee_admin_permissions())
    people["secretary"].groups.add(group)  # the committee works in the admin as this group, never superuser

    _token, write_key = api_token_create(actor=SYSTEM, user=member, name="write", can_write=True)
    _token, read_key = api_token_create(actor=SYSTEM, user=UserFactory(username="bi-robot"), name="BI")

    d = SimpleNamespace(
        member=member,
        write_key=write_key,
        read_key=read_key,
        **people,
        own_draft=own_draft.pk,
        own_draft_reference=own_draft.reference,
        other_draft=other_draft.pk,
        shared=shared.pk,
        shared_reference=shared.reference,
        in_review=in_review.pk,
        formula=formula.pk,
        link=existing_link.pk,
        team=mine.pk,
        other_team=others.pk,
        domain=retail.pk,
    )
    # A real cursor, from another list: where the audit trail's first page ends.
    page = client_for("finance", d).get("/api/v1/audit-events/", {"pagination": "cursor", "page_size": 1}).json()
    d.foreign_cursor = parse_qs(urlsplit(page["next"]).query)["cursor"][0]
    return d


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def client_for(who: str, d: SimpleNamespace):
    # A crash is an answer to record (a 500), not an exception in the test.
    if who in ("web", "admin"):
        client = Client(raise_request_exception=False)
        client.force_login(d.member if who == "web" else d.secretary)
        return client
    client = APIClient(raise_request_exception=False)
    if who == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {d.write_key}")
    elif who == "reader":
        client.credentials(HTTP_AUTHORIZATION=f"Token {d.read_key}")
    else:
        client.force_login(getattr(d, who))
    return client


def web_form(d: SimpleNamespace, overrides: dict) -> dict:
    """A complete team form as the browser posts it, but for the overrides."""
    data = {
        "title": "Web probe",
        "team": d.team,
        "domain": d.domain,
        "owner": d.member.pk,
        "functions": [function("marketing").pk],
        "problem_statement": "Fresh produce is thrown away at closing time.",
        "journey_stages": ["choose"],
        "ambition": "optimisation",
        "risk_tier": "minimal",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
        "action": "save",
        **overrides,
    }
    return data


def send(case: Case, d: SimpleNamespace):
    client = client_for(case.who, d)
    path = case.path.format(**vars(d))
    if case.form is not None:
        overrides = case.form(d) if callable(case.form) else case.form
        return client.post(path, web_form(d, overrides))
    if case.query is not None:
        query = case.query(d) if callable(case.query) else case.query
        return client.get(path, query)
    if case.raw is not None:
        return client.generic(case.method, path, case.raw, content_type=case.content_type)
    if case.json is not MISSING:
        value = case.json(d) if callable(case.json) else case.json
        raw = json.dumps(value, ensure_ascii=False).encode()
        return client.generic(case.method, path, raw, content_type=case.content_type)
    return client.generic(case.method, path)


def written() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(UseCase.objects.order_by("pk").values_list("pk", "title", "status", "version", "updated_at")),
        list(UseCaseLink.objects.order_by("pk").values_list("pk", "kind", "strength", "rationale", "updated_at")),
        AuditEvent.objects.count(),
        Vote.objects.count(),
        Decision.objects.count(),
        ChangeRequest.objects.count(),
        Notification.objects.count(),
    )


# What each answer said, for the assertions and the table ---------------------------------------------


def json_body(response):
    try:
        return json.loads(response_bytes(response))
    except ValueError:
        return None


def form_errors(response) -> dict[str, list[str]]:
    """The errors a team-form page shows, by field (a link row's as links-<n>-<field>)."""
    context = response.context or {}
    errors = {}
    if context.get("form") is not None:
        errors.update({name: list(messages) for name, messages in context["form"].errors.items()})
    links = context.get("links")
    if links is not None:
        if links.non_form_errors() or not links.management_form.is_valid():
            errors["links"] = list(links.non_form_errors()) or ["The link rows could not be read."]
        for form in links.forms if links.management_form.is_valid() else []:
            errors.update({f"{form.prefix}-{name}": list(messages) for name, messages in form.errors.items()})
    return errors


def names_it(answer, name) -> bool:
    """The answer names this: a key of its body, or words inside its detail / messages."""
    if isinstance(name, tuple):
        return any(names_it(answer, each) for each in name)
    if isinstance(answer, dict):
        if name in answer:
            return True
        return any(name in str(value) for key, value in answer.items() if key in ("detail", "non_field_errors", "code"))
    return answer is not None and name in str(answer)


def shorten(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarise(response, answer) -> str:
    if isinstance(answer, dict) and answer.keys() <= {"detail", "code"} and "detail" in answer:
        return str(answer["detail"])
    if isinstance(answer, dict) and "results" in answer:
        return f"{answer['count']} rows" if "count" in answer else f"a page of {len(answer['results'])} rows"
    if isinstance(answer, dict) and response.status_code < 300 and "id" in answer:
        what = answer.get("reference") or f"id {answer['id']}"
        return f"{what}, status {answer['status']}" if "status" in answer else str(what)
    if isinstance(answer, dict) and answer:
        parts = []
        for key, value in answer.items():
            if key == "code":
                continue
            message = value[0] if isinstance(value, list) and value else value
            parts.append(f"{key}: {message}")
        return "; ".join(parts)
    if response.status_code in (301, 302):
        return f"redirect to {response['Location']}"
    if isinstance(answer, str):
        return f"CSV: {' / '.join(answer.splitlines()[:2])}"
    changelist = (response.context or {}).get("cl") if response.status_code == 200 else None
    if changelist is not None:
        return f"the admin list, {changelist.result_count} results"
    if isinstance(answer, dict):
        return "the page, no field errors"
    return f"a page ({response.get('Content-Type', 'no content type')})"


# {case number: (whether it got the answer the catalogue expects, what it got)}
RESULTS: dict[int, tuple[bool, str]] = {}


@pytest.fixture(scope="module", autouse=True)
def table():
    """With BAD_INPUTS_TABLE set, write the table of what each case got once the module has run."""
    yield
    target = os.environ.get(TABLE_ENV)
    if target:
        Path(target).write_text(markdown_table(), encoding="utf-8")


def markdown_table() -> str:
    kinds = list(dict.fromkeys(case.kind for case in CASES))
    lines = [
        "# Bad inputs and what they get",
        "",
        "Generated by `BAD_INPUTS_TABLE=docs/bad-inputs.md pytest tests/api/test_bad_inputs.py` from the",
        "catalogue in that module (never edit it by hand): each row is what the request actually got the",
        "last time the cases ran: the status, then the message, shortened. A refusal must be JSON on the API,",
        "name the field or parameter, and leave nothing written; a row marked **FAILS** did not get the",
        "answer the catalogue expects, which follows it in brackets.",
        "",
        "Who sends it: `member` is a team member's session, `token` that member's write token, `reader` a",
        "read-only (BI) token, `finance` / `chair` / `secretary` the committee's sessions, `web` the member on",
        "the team site, `admin` the secretary in the committee's admin. `{own_draft}`, `{in_review}` ... are",
        "the ids of the module's rows.",
        "",
        "| kind | cases | get the expected answer |",
        "| --- | --- | --- |",
    ]
    for kind in kinds:
        numbers = [n for n, case in enumerate(CASES, 1) if case.kind == kind]
        passed = sum(1 for n in numbers if RESULTS.get(n, (False,))[0])
        lines.append(f"| {kind} | {len(numbers)} | {passed} |")
    total_passed = sum(1 for ok, _got in RESULTS.values() if ok)
    lines += [
        f"| all | {len(CASES)} | {total_passed} |",
        "",
        "| # | kind | request | input | answer (status and the message, shortened) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, case in enumerate(CASES, 1):
        _ok, got = RESULTS.get(number, (False, "(not run)"))
        request = f"{case.who} {case.method} {case.path}"
        lines.append(f"| {number} | {case.kind} | {cell(request)} | {cell(case.input)} | {cell(got)} |")
    return "\n".join(lines) + "\n"


def cell(text: str) -> str:
    """Table-safe: runs of one character counted, pipes escaped, control and invisible characters
    shown as escapes."""
    text = re.sub(r"(.)\1{19,}", lambda run: f"{run.group(1)}×{len(run.group(0)):,}", str(text))
    shown = "".join(
        ch if ch.isprintable() and ch not in "\u200b\u200d\u202e" else ch.encode("unicode_escape").decode()
        for ch in text
    )
    return shown.replace("|", "\\|")


# The test ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "case"),
    list(enumerate(CASES, 1)),
    ids=[f"{n:03d}-{c.who}-{c.method}-{shorten(c.input, 60)}" for n, c in enumerate(CASES, 1)],
)
def test_a_bad_input_gets_a_clear_answer_and_writes_nothing(db, data, number, case):
    before = written()

    response = send(case, data)

    is_api = case.path.startswith("/api/")
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/csv"):
        # A streamed answer reads once: kept for the checks that follow.
        answer = response.text_read = response_bytes(response).decode()
    elif is_api or content_type.startswith("application/json"):
        answer = json_body(response)
    else:
        # A page: its form errors, or for a refusal page its text (which must name the parameter).
        answer = form_errors(response) if response.status_code == 200 else response.content.decode() or None
    got = f"{response.status_code} {shorten(summarise(response, answer))}"
    RESULTS[number] = (False, got)
    try:
        assert response.status_code == case.status, f"got {got}"
        if is_api:
            assert content_type.startswith(("application/json", "text/csv")), f"as JSON, not {content_type}"
            assert answer is not None, "as JSON"
        if 400 <= case.status < 500 or case.names:
            missing = [name for name in case.names if not names_it(answer, name)]
            assert not missing, f"naming {' and '.join(map(repr, missing))}"
        if case.writes:
            assert written() != before, "and a write"
        else:
            assert written() == before, "and nothing written"
        note = case.then(response, data) if case.then is not None else None
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if reason.startswith("got "):
            reason = f"naming {' and '.join(map(repr, case.names))}" if case.names else ""
        expected = f"expected {case.status} {shorten(reason, 100)}".rstrip()
        RESULTS[number] = (False, f"**FAILS** {got} ({expected})")
        raise
    RESULTS[number] = (True, f"{got}; {note}" if note else got)
