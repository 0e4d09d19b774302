"""People browse the API in a browser: every page renders as HTML."""

import html

import pytest

pytestmark = pytest.mark.django_db


def test_api_pages_render_for_people(committee_client, make_use_case):
    uc = make_use_case()
    for url in [
        "/api/v1/",
        "/api/v1/use-cases/",
        f"/api/v1/use-cases/{uc.pk}/",
        "/api/v1/links/",
        "/api/v1/audit-events/",
    ]:
        r = committee_client.get(url, HTTP_ACCEPT="text/html")
        assert r.status_code == 200, (url, r.content[:500])
        assert b"<html" in r.content


def test_the_browsable_api_shows_json_indented_for_people(committee_client, make_use_case):
    make_use_case()

    page = committee_client.get("/api/v1/use-cases/", HTTP_ACCEPT="text/html")
    machine = committee_client.get("/api/v1/use-cases/", HTTP_ACCEPT="application/json")

    assert page.status_code == 200
    assert '\n  "count": 1,' in html.unescape(page.content.decode())
    assert machine.content.startswith(b'{"count":1,')
