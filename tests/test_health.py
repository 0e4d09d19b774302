import pytest

from tests.factories import UserFactory
from tests.utils import run_django

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_redis_ok(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"


def test_healthz_is_503_and_names_redis_when_it_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"


def test_healthz_tells_anonymous_callers_the_status_and_nothing_about_the_infrastructure(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = client.get("/healthz").json()
    assert body["checks"] == {"database": {"status": "ok"}, "redis": {"status": "down"}}
    assert "127.0.0.1" not in str(body) and "6379" not in str(body)


def test_healthz_gives_staff_the_details(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    client.force_login(UserFactory(username="operator", is_staff=True))
    body = client.get("/healthz").json()
    assert "127.0.0.1" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["vendor"] in {"postgresql", "sqlite"}


def test_healthz_without_redis_configured_is_healthy(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"status": "not_configured"}


def test_healthz_is_503_when_the_database_is_unreachable():
    # A separate process whose DATABASE_URL points at a port where nothing listens.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))"
    )
    result = run_django(script, DATABASE_URL="postgres://postgres@127.0.0.1:1/none", REDIS_URL="")
    assert result["code"] == 503
    assert result["body"]["checks"]["database"]["status"] == "down"
