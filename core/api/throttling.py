"""Per-token throttling: each API token has its own rate (`ApiToken.rate_limit`), counted on its own.

The counts live in the shared cache (Redis in production) so that every web process sees the same
history. When that cache is unreachable the API keeps answering: the count is held in this process's
memory until the cache is back (a token may then get up to one allowance per process), and the
outage is logged once per `CACHE_OUTAGE_LOG_SECONDS`, not once per request."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle

from .authentication import request_token

logger = logging.getLogger(__name__)

CACHE_OUTAGE_LOG_SECONDS = 60
_local_cache = LocMemCache("api-token-throttle-fallback", {"MAX_ENTRIES": 10_000})
_last_outage_logged = 0.0


def _log_outage(exc: Exception) -> None:
    global _last_outage_logged
    now = time.monotonic()
    if now - _last_outage_logged >= CACHE_OUTAGE_LOG_SECONDS:
        _last_outage_logged = now
        logger.warning("API token throttle: the shared cache is unreachable (%s); counting in this process.", exc)


class _CacheWithFallback:
    """The shared cache, or this process's memory while the shared cache fails."""

    def get(self, key, default=None):
        try:
            return shared_cache.get(key, default)
        except Exception as exc:  # any client error (connection refused, timeout, ...) means unreachable
            _log_outage(exc)
            return _local_cache.get(key, default)

    def set(self, key, value, timeout=None):
        try:
            shared_cache.set(key, value, timeout)
        except Exception as exc:
            _log_outage(exc)
            _local_cache.set(key, value, timeout)


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"
    cache = _CacheWithFallback()

    def __init__(self):
        # The rate comes from the token of each request, not from settings.
        self.rate = None

    def allow_request(self, request, view) -> bool:
        token = request_token(request)
        if token is None:
            return True
        self.rate = token.rate_limit
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        token = request_token(request)
        return None if token is None else self.cache_format % {"scope": self.scope, "ident": token.prefix}
