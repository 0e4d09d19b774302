"""The permission matrix, docs/permissions.md, checked cell by cell against the live site.

Every row of the document's matrix tables, asked as every role (tests/permission_matrix/world.py says
who is who), must answer exactly the status code of its cell; an allowed write must change what it
writes and a refused one must leave it, and the audit trail, as it was. The completeness tests walk the
URL configuration, the API router and the admin's actions, so a new URL, endpoint, method, admin
action or workflow step without a row fails here, naming it.

The world is built once for the module; each test runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.admin import site
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from config.api_router import router
from core.models import AuditEvent
from governance.workflow import TRANSITIONS
from tests.permission_matrix.matrix import Expect, Row, rows
from tests.permission_matrix.requests import ASKS, OLD_ADDRESS, Ask
from tests.permission_matrix.world import ROLES, TOKENS, MatrixWorld, build_world

pytestmark = pytest.mark.django_db

ADMIN_KINDS = {"admin", "admin-actions"}


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """Built once in a transaction rolled back after the module; each test runs in a savepoint inside
    it (as tests/demo/conftest.py does), so a test that writes leaves nothing behind."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def w(_world, db) -> MatrixWorld:
    return _world


def ask(w: MatrixWorld, row: Row, role: str):
    """Send the row's request as `role`; return the responses (one per method) and the state the
    write touches, before and after."""
    spec = ASKS[(row.key, row.request)]
    paths = spec.paths(w)
    data = spec.data(w, w.who(role)) if spec.data else None
    bodies = data if isinstance(data, list) else [data] * len(paths)
    if spec.prepare:
        spec.prepare(w)
    before = (spec.state(w) if spec.state else None, spec.keep(w) if spec.keep else None)
    # The audit trail is counted around writes (a read writes nothing, and is not counted: it is most rows).
    events = AuditEvent.objects.count() if spec.state or spec.methods != ("get",) else None
    responses = []
    for path, body in zip(paths, bodies, strict=True):
        for method in spec.methods:
            client = w.client(role, api=spec.api)
            options = {"format": "json"} if spec.api and body is not None else {}
            responses.append(getattr(client, method)(path, body, **options))
    after = (spec.state(w) if spec.state else None, spec.keep(w) if spec.keep else None)
    return responses, before, after, events


def _login_url(row: Row) -> str:
    return reverse("admin:login") if row.kind in ADMIN_KINDS else reverse("login")


def _describe(row: Row, role: str, expect: Expect, response) -> str:
    location = f" -> {response['Location']}" if response.has_header("Location") else ""
    return f"{row.id} as {role}: expected {expect}, got {response.status_code}{location} (docs line {row.line})"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", rows(), ids=lambda row: f"{row.kind}: {row.id}")
def test_every_role_gets_what_the_matrix_says(w, row, role):
    expect = row.cells[role]
    spec = ASKS[(row.key, row.request)]
    responses, (state_before, keep_before), (state_after, keep_after), events = ask(w, row, role)

    for response in responses:
        assert response.status_code == expect.status, _describe(row, role, expect, response)
        if expect.to_login:
            assert response["Location"].startswith(_login_url(row) + "?next="), _describe(row, role, expect, response)
    if spec.state is not None:
        if expect.allowed:
            assert state_after != state_before, f"{row.id} as {role}: allowed, but nothing changed"
            if spec.audited:
                assert AuditEvent.objects.count() > events, f"{row.id} as {role}: written, but not audited"
        else:
            assert state_after == state_before, f"{row.id} as {role}: refused, but it was written"
    if not expect.allowed and events is not None:
        assert AuditEvent.objects.count() == events, f"{row.id} as {role}: refused, but audited"
    assert keep_after == keep_before, f"{row.id} as {role}: changed what nobody may set"


# Completeness ---------------------------------------------------------------------------------------


def _join(route1: str, route2: str) -> str:
    # As django.urls.resolvers.URLResolver._join_route, so names match ResolverMatch.route.
    return route2 if not route1 else route1 + route2.removeprefix("^")


def url_patterns() -> dict[str, str]:
    """Every URL pattern of the site, by the name the matrix uses: its namespaced name, or its route
    when it has none. Format-suffix variants of an API route share its name (and its row)."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            route = _join(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(part for part in (namespace, pattern.name) if part) if pattern.name else route
                found.setdefault(name, route)

    walk(get_resolver(), "", "")
    return found


def _asked(w: MatrixWorld) -> list[tuple[Row, Ask, list[tuple[str, str]]]]:
    """(row, request, [(URL name or route, route) of each URL it asks]) for every row."""
    asked = []
    for row in rows():
        spec = ASKS[(row.key, row.request)]
        reached = []
        for path in spec.paths(w):
            match = resolve(path.split("?")[0])
            # An unnamed pattern is known by its route (its view_name is the view's dotted path).
            reached.append((match.view_name if match.url_name else match.route, match.route))
        asked.append((row, spec, reached))
    return asked


def test_every_row_has_a_request_and_every_request_a_row():
    in_doc = [(row.key, row.request) for row in rows()]
    duplicated = sorted({key for key in in_doc if in_doc.count(key) > 1})
    assert not duplicated, f"rows written twice in docs/permissions.md: {duplicated}"
    assert not (set(in_doc) - set(ASKS)), f"rows with no request in tests/permission_matrix: {set(in_doc) - set(ASKS)}"
    assert not (set(ASKS) - set(in_doc)), f"requests with no row in docs/permissions.md: {set(ASKS) - set(in_doc)}"


def test_every_url_has_a_row(w):
    reached = {identifier for _row, _spec, urls in _asked(w) for pair in urls for identifier in pair}
    missing = sorted(name for name, route in url_patterns().items() if name not in reached and route not in reached)
    assert not missing, f"URLs without a row in docs/permissions.md: {missing}"


_OLD_ADDRESS_ROUTE = re.compile(r"^admin/[^/]+/[^/]+/<path:object_id>/$")


def test_every_row_asks_the_urls_it_names(w):
    wrong = []
    for row, _spec, urls in _asked(w):
        reached = {name for name, _route in urls}
        if row.key == OLD_ADDRESS:
            ok = all(_OLD_ADDRESS_ROUTE.match(route) and name == route for name, route in urls)
        elif row.kind == "workflow":
            ok = len(reached) == 1 and next(iter(reached)).startswith("api:use-case-workflow-")
        elif row.kind == "admin-actions":
            ok = reached == {f"admin:{row.key.split(' ')[0].replace('.', '_')}_changelist"}
        else:
            ok = reached == set(row.names)
        if not ok:
            wrong.append(f"{row.id} (docs line {row.line}) asks {sorted(reached)}")
    assert not wrong


def _router_methods() -> set[tuple[str, str]]:
    """(URL name, method) the API must answer for: list and create on lists, read, replace, edit and
    delete on rows (an endpoint without them answers 405, and the matrix says so), and each @action's
    methods plus GET."""
    required = set()
    for _prefix, viewset, basename in router.registry:
        if hasattr(viewset, "list"):
            required |= {(f"api:{basename}-list", method) for method in ("GET", "POST")}
        if hasattr(viewset, "retrieve"):
            required |= {(f"api:{basename}-detail", method) for method in ("GET", "PUT", "PATCH", "DELETE")}
        for action in viewset.get_extra_actions():
            name = f"api:{basename}-{action.url_name}"
            required |= {(name, method.upper()) for method in action.mapping} | {(name, "GET")}
    return required


def test_every_api_endpoint_and_method_has_a_row(w):
    asked = {
        (name, method.upper())
        for _row, spec, urls in _asked(w)
        if spec.api
        for name, _route in urls
        for method in spec.methods
    }
    missing = sorted(_router_methods() - asked)
    assert not missing, f"API endpoints and methods without a row in docs/permissions.md: {missing}"


def test_every_admin_action_has_a_row(w):
    request = RequestFactory().get("/admin/")
    request.user = w.administrator
    actions = {
        f"{model._meta.app_label}.{model._meta.model_name} {name}"
        for model, model_admin in site._registry.items()
        for name in model_admin.get_actions(request)
    }
    in_doc = {row.key for row in rows() if row.kind == "admin-actions"}
    assert not (actions - in_doc), f"admin actions without a row in docs/permissions.md: {sorted(actions - in_doc)}"
    assert not (in_doc - actions), f"rows for admin actions that do not exist: {sorted(in_doc - actions)}"


def test_every_workflow_step_has_a_row():
    steps = set(TRANSITIONS) | {"vote"}
    in_doc = {row.key for row in rows() if row.kind == "workflow"}
    assert not (steps - in_doc), f"workflow steps without a row in docs/permissions.md: {sorted(steps - in_doc)}"
    assert not (in_doc - steps), f"rows for workflow steps that do not exist: {sorted(in_doc - steps)}"


# Lists: another team's draft is in no list it may not see ------------------------------------------------


def _lists(w: MatrixWorld) -> list[tuple[str, bool]]:
    pages = [(reverse(name), False) for name in ("web:my_use_cases", "web:use_case_browse")]
    pages.append((reverse("web:use_case_lookup") + "?q=Pricing", False))
    pages += [
        (reverse(f"api:{basename}-list") + "?page_size=1000", True)
        for _prefix, viewset, basename in router.registry
        if hasattr(viewset, "list")
    ]
    return pages


def _markers(w: MatrixWorld) -> list[re.Pattern]:
    """What would give Pricing's drafts away: their titles, and their references as whole words."""
    drafts = [w.uc("draft"), w.uc("withdrawn")]
    return [re.compile(re.escape(uc.title)) for uc in drafts] + [
        re.compile(rf"\b{re.escape(uc.reference)}\b") for uc in drafts
    ]


@pytest.mark.parametrize("role", ["other team", "read token"])
def test_another_teams_draft_is_in_no_list(w, role):
    leaks = []
    for path, api in _lists(w):
        if not api and role in TOKENS:
            continue  # a token opens only the API
        response = w.client(role, api=api).get(path)
        assert response.status_code == 200, (path, response.status_code)
        leaks += [f"{path}: {marker.pattern}" for marker in _markers(w) if marker.search(response.content.decode())]
    assert not leaks


def test_the_draft_markers_are_found_where_the_draft_is_visible(w):
    """The list test above can fail: the same markers show on the owning team's lists."""
    response = w.client("team", api=True).get(reverse("api:use-case-list") + "?page_size=1000")
    text = response.content.decode()
    assert all(marker.search(text) for marker in _markers(w))


def test_a_former_committee_member_sees_no_draft_in_the_admin(w):
    """Seeing every draft is the committee's by rule (domains.selectors.sees_every_use_case): once a
    membership has ended, the admin's pages show no other team's draft, whichever list they are read
    in, even to someone still staff in the committee's admin group (docs/permissions.md, B2)."""
    from django.test import Client

    from governance.models import CommitteeMembership
    from tests.factories import UserFactory, function

    former = UserFactory(username="former-member", is_staff=True)
    former.groups.add(w.group)
    CommitteeMembership.objects.create(
        committee=w.committee,
        user=former,
        function=function("sales"),
        role="member",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 1, 1),
    )
    client = Client()
    client.force_login(former)
    pages = [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in site._registry]
    pages.append(reverse("admin:portfolio_usecaselink_change", args=[w.links["draft"].pk]))
    leaks = []
    for page in pages:
        response = client.get(page)
        if response.status_code == 200:
            leaks += [f"{page}: {marker.pattern}" for marker in _markers(w) if marker.search(response.content.decode())]
    assert not leaks
