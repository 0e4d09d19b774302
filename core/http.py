"""Who is on the other end of a request."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP address. Without a trusted proxy it is the connection's own (REMOTE_ADDR): an
    X-Forwarded-For header is then the client's to write, and ignored. Behind TRUSTED_PROXY_COUNT
    proxies, each appending the address it received from to X-Forwarded-For, the client is that many
    entries from the right; whatever a client put in the header itself stays to the left, unread."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
