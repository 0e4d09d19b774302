"""Every kind of page carries the Content Security Policy, and none needs an inline script: the team
site, the auth pages, the admin, the browsable API and the Swagger docs. The browser tests
(tests/browser/test_escaping.py) check that the pages still work under it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from governance import services as workflow

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
# Script types the browser runs; a <script type="application/json"> is data, which CSP leaves alone.
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


def directives(header: str) -> dict[str, set[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


class InlineScriptFinder(HTMLParser):
    """Inline scripts and on*= handlers: what a policy without 'unsafe-inline' refuses."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type in EXECUTABLE_SCRIPT_TYPES:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if name in ("href", "src", "action", "formaction") and (value or "").lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")


# A representative page of each area, as the person who works there: (name, who, url).
PAGES = [
    ("team home", "team_member", "/"),
    ("team use-case detail", "team_member", "/use-cases/{reference}/"),
    ("team new use-case form", "team_member", "/use-cases/new/"),
    ("team explore", "team_member", "/use-cases/?q=slot"),
    ("team not found", "team_member", "/use-cases/UC-9999/"),
    ("login", "anonymous", "/accounts/login/"),
    ("password reset", "anonymous", "/accounts/password-reset/"),
    ("admin login", "anonymous", "/admin/login/"),
    ("admin index", "committee_member", "/admin/"),
    ("admin use-case list", "committee_member", "/admin/domains/usecase/"),
    ("admin use-case change form", "committee_member", "/admin/domains/usecase/{pk}/change/"),
    ("admin use-case history", "committee_member", "/admin/domains/usecase/{pk}/history/"),
    ("api root (browsable)", "team_member", "/api/v1/"),
    ("api use-case list (browsable)", "team_member", "/api/v1/use-cases/"),
    ("api use-case detail (browsable)", "team_member", "/api/v1/use-cases/{pk}/"),
    ("api docs (Swagger)", "team_member", "/api/docs/"),
]


@pytest.fixture
def visit(world, client, committee_admin):
    """visit(who, url) -> the response to a GET of that page (url may name {reference} and {pk})."""
    use_case = world.use_case
    workflow.use_case_submit(actor=world.team_member, use_case=use_case)

    def get(who: str, url: str, **params):
        if who == "team_member":
            client.force_login(world.team_member)
        elif who == "committee_member":
            committee_admin(world.chair)
        url = url.format(reference=use_case.reference, pk=use_case.pk)
        return client.get(url, params, HTTP_ACCEPT="text/html")

    return get


@pytest.mark.parametrize(("who", "url"), [(who, url) for _, who, url in PAGES], ids=[name for name, _, _ in PAGES])
def test_every_kind_of_page_carries_the_policy_without_inline_scripts(visit, who, url):
    response = visit(who, url)

    assert response.status_code in (200, 404), (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response["Content-Security-Policy"])
    for directive, expected in POLICY.items():
        assert policy.get(directive) == expected, (url, directive, policy.get(directive))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    finder = InlineScriptFinder()
    finder.feed(response.content.decode())
    assert finder.found == [], f"{url} would need 'unsafe-inline' for: {finder.found}"


def test_the_swagger_page_loads_its_init_script_as_a_file_of_this_origin(visit):
    page = visit("team_member", "/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in page

    script = visit("team_member", "/api/docs/", script="")

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert "/api/schema/" in script.content.decode()
