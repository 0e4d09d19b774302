"""Schemathesis against the API's own schema: every operation, every check, in-process through the
WSGI application, once with an API token that may write and once with a read-only (BI) token.

The schema is the one the application serves at /api/schema/. Every request goes through Django's
WSGI handler inside the test's transaction, each in a savepoint rolled back after it, so every case
sees the same rows: a few use cases in several states, links, foundations, a committee with its
rounds, votes, a decision, a change request and a meeting (`fuzz_data`), and detail routes hit real
ids as well as missing ones.

Checks: all of Schemathesis's (not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, response_headers_conformance, positive_data_acceptance,
negative_data_rejection, missing_required_header, ignored_auth, unsupported_method,
allow_header_conformance, use_after_free, ensure_resource_availability...), with one setting
changed: on writes, a schema-valid body may still be a 400 (it can name a team that does not exist,
or a business rule refuses it: a draft missing fields, no quorum yet), as the schema documents.

The one input adjusted: `cursor` is opaque, so a generated string is rightly a 400; a case meant to
be valid sends a real cursor instead.

Derandomized (the same cases on every run, Hypothesis's seed from each test's name) and without the
example database, so a failure is reproduced by running the test again.

Cases per operation (49 operations: 19 lists, 19 detail GETs, 11 writes), chosen to keep CI under
its budget (the rest of the suite takes about 4 minutes, CI aims at 15):
- write token: the coverage phase, every boundary and violation the schema defines (5,827 cases),
  then generated cases, valid and invalid: MAX_EXAMPLES (100) per list and per write, as the probe
  used, DETAIL_EXAMPLES (25) per detail GET (an id and a format: little to explore) - 3,100;
- read-only token: the generated cases only, as many per list and detail GET, and
  WRITE_EXAMPLES_READ_ONLY (10) per write, each a 403 before its body is read - 2,110. The coverage
  phase would send the same requests again: what differs is what the token may see and do.
Measured on the 2-core machine, PostgreSQL and Redis local, CI=true: 4 min 44 s for both (write
token 191 s, read-only 67 s, collection and the test database 25 s); 6 min 20 s while another test
run shared the cores. Checks that resend a request (ignored_auth, unsupported_method...) add
requests beyond these counts.
"""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from core.actors import SYSTEM
from core.api.pagination import FlatPagination
from core.services import api_token_create
from governance import services as governance
from portfolio import services as portfolio_services
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    FoundationFactory,
    TeamFactory,
    UseCaseFactory,
    UseCaseLinkFactory,
    UserFactory,
    function,
    import_run,
)
from tests.governance.conftest import World, advance

MAX_EXAMPLES = 100
DETAIL_EXAMPLES = 25
WRITE_EXAMPLES_READ_ONLY = 10
WRITES = ["POST", "PATCH", "PUT", "DELETE"]


def fuzz_config(*, coverage: bool, write_examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": MAX_EXAMPLES},
            "phases": {"coverage": {"enabled": coverage}},
            "operations": [
                # One criterion per entry: schemathesis joins several with "or".
                {"include-name-regex": r"^GET .*\{id\}/$", "generation": {"max-examples": DETAIL_EXAMPLES}},
                {
                    "include-method-regex": "^(" + "|".join(WRITES) + ")$",
                    "generation": {"max-examples": write_examples},
                    # A schema-valid body can still name a row that does not exist or meet a business
                    # rule that refuses it: a documented 400.
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
                        }
                    },
                },
            ],
        }
    )


APP = get_wsgi_application()
write_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", APP, config=fuzz_config(coverage=True, write_examples=MAX_EXAMPLES)
)
read_only_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", APP, config=fuzz_config(coverage=False, write_examples=WRITE_EXAMPLES_READ_ONLY)
)
# A cursor as the API gives them: the schema cannot say which strings are cursors.
A_POSITION = "2026-01-01T00:00:00+00:00"
HYPOTHESIS = settings(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def committee_world() -> World:
    """The committee and the people around a use case, as tests/governance/conftest.py's `world`, built
    once for the module."""
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=3, quorum_functions=2)
    people = {}
    for username, slug, role in [
        ("chair", "operations", "chair"),
        ("finance", "finance", "member"),
        ("marketing", "marketing", "member"),
        ("hr", "hr", "member"),
        ("secretary", "legal-compliance", "secretary"),
    ]:
        people[username] = UserFactory(username=username, is_staff=True)
        CommitteeMembershipFactory(committee=committee, user=people[username], function=function(slug), role=role)
    owner, team_member, other = (UserFactory(username=name) for name in ("owner", "team-member", "other-team-member"))
    team = TeamFactory(name="Pricing", slug="pricing", members=[owner, team_member])
    TeamFactory(name="Logistics", slug="logistics", members=[other])
    return World(
        committee=committee,
        owner=owner,
        team_member=team_member,
        other_team_member=other,
        staff=UserFactory(username="staff", is_staff=True),
        use_case=UseCaseFactory(team=team, owner=owner),
        **people,
    )


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup, django_db_blocker):
    """Rows every case of the module sees, in a transaction rolled back at its end (each test's own
    transaction nests inside). Requests go through the WSGI handler in that transaction: Django would
    close the connection at the end of each request, so (as its test client does) the receivers that
    would are disconnected meanwhile."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        world = committee_world()
        team, owner = world.use_case.team, world.owner
        cases = [world.use_case] + [UseCaseFactory(team=team, owner=owner) for _ in range(4)]
        foundations = [FoundationFactory(), FoundationFactory(kind="platform", owner_team=None)]
        advance(world, "approved", cases[1])
        advance(world, "changes_requested", cases[2])
        advance(world, "in_review", cases[3])
        advance(world, "on_hold", cases[4])
        cases[1].foundations.set(foundations)
        UseCaseLinkFactory(source=cases[0], target=cases[1])
        UseCaseLinkFactory(source=cases[2], target=cases[3], kind="depends_on")
        # A portfolio, its members and the run that proposed them (a group of two: the depends_on link).
        run = portfolio_services.clustering_run_create(actor=SYSTEM, dispatch=False, min_size=2)
        portfolio_services.clustering_run_execute(run_id=run.pk)
        governance.meeting_prepare_next(
            actor=world.secretary, committee=world.committee, date=datetime.date.today() + datetime.timedelta(days=7)
        )
        import_run(execute=False)  # an import queued and one previewed, with a problem
        import_run()
        yield world
        transaction.set_rollback(True)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def token_key(*, user, can_write: bool) -> str:
    # Its own rate, far above what the fuzz sends: a 429 would hide what the request meant.
    _token, key = api_token_create(actor=SYSTEM, user=user, name="fuzz", can_write=can_write, rate_limit="100000/min")
    return key


@pytest.fixture
def write_key(fuzz_data, db):
    """A team member's integration: creates and edits their team's use cases and links."""
    return token_key(user=fuzz_data.owner, can_write=True)


@pytest.fixture
def read_only_key(fuzz_data, db):
    """A BI client: sees every use case past draft, may write nothing."""
    return token_key(user=fuzz_data.secretary, can_write=False)


def call_and_validate(case, key: str) -> None:
    if case.query and case.query.get("cursor") and case.meta and case.meta.generation.mode.is_positive:
        # A cursor belongs to the list at the path requested: a nested list's holds its id (/kpis/7/measurements/).
        case.query["cursor"] = FlatPagination.encode_cursor(A_POSITION, 1, case.formatted_path)
    savepoint = transaction.savepoint()
    try:
        case.call_and_validate(headers={"Authorization": f"Token {key}"})
    finally:
        transaction.savepoint_rollback(savepoint)


@write_schema.parametrize()
@HYPOTHESIS
def test_the_api_answers_a_write_token_as_its_schema_says(case, write_key):
    call_and_validate(case, write_key)


@read_only_schema.parametrize()
@HYPOTHESIS
def test_the_api_answers_a_read_only_token_as_its_schema_says(case, read_only_key):
    call_and_validate(case, read_only_key)
