"""Per-token throttling: each API token has its own rate (`ApiToken.rate_limit`), counted on its own."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from .authentication import request_token


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

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
