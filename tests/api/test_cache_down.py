"""With the shared cache (Redis) unreachable, token requests keep answering: the per-token throttle
counts in the process instead of failing every request with a 500."""

import logging

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from core.api import throttling
from domains.models import UseCase
from tests.factories import DomainFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call is refused at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def cache_down(settings, monkeypatch):
    settings.CACHES = UNREACHABLE_REDIS
    with pytest.raises(redis.exceptions.ConnectionError):  # the premise: the cache really is unreachable
        cache.get("anything")
    # Each test starts with an empty local count and logs its own first outage line.
    monkeypatch.setattr(throttling, "_local_cache", LocMemCache("test-throttle", {}), raising=False)
    monkeypatch.setattr(throttling, "_last_outage_logged", 0.0, raising=False)
    yield


def test_token_reads_and_csv_answer_while_the_cache_is_down(cache_down, make_token, make_use_case):
    make_use_case(title="Visible while Redis is down")
    bi = make_token()

    assert bi.get("/api/v1/use-cases/").status_code == 200
    csv = bi.get("/api/v1/use-cases/?format=csv")
    assert csv.status_code == 200
    assert b"Visible while Redis is down" in b"".join(csv.streaming_content)


def test_token_writes_answer_while_the_cache_is_down(cache_down, make_token, member):
    writer = make_token(user=member, can_write=True)
    payload = {
        "title": "Written while Redis is down",
        "domain": DomainFactory(slug="ops").slug,
        "team": member.team.slug,
    }

    response = writer.post("/api/v1/use-cases/", payload, format="json")

    assert response.status_code == 201, response.content
    assert UseCase.objects.filter(title="Written while Redis is down").exists()


def test_the_throttle_still_holds_in_the_process_and_logs_the_outage_once(cache_down, make_token, caplog):
    slow = make_token(rate_limit="2/min")

    with caplog.at_level(logging.WARNING, logger="core.api.throttling"):
        codes = [slow.get("/api/v1/functions/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    outage_lines = [r for r in caplog.records if "shared cache is unreachable" in r.getMessage()]
    assert len(outage_lines) == 1
