"""GET /healthz: is the database reachable, and Redis when one is configured.

Anyone may ask (a load balancer has no login): they get each check's status and nothing else. The
details (the error, with the host and port it names, the database vendor, timings) are for staff only:
they map the infrastructure for an attacker."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

REDIS_TIMEOUT_SECONDS = 1.0


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means unhealthy; say what it was
        return {"status": "down", "error": str(exc).splitlines()[0][:200]}
    return {"status": "ok", "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": "not_configured"}
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        client.ping()
    except Exception as exc:
        return {"status": "down", "error": str(exc).splitlines()[0][:200]}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(check["status"] in {"ok", "not_configured"} for check in checks.values())
    if not (request.user.is_authenticated and request.user.is_staff):
        checks = {name: {"status": check["status"]} for name, check in checks.items()}
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)
