"""API tokens for BI clients: `Authorization: Token <key>` (or `Bearer <key>`)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from ..models import ApiToken

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid token header: send 'Authorization: Token <key>'."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Invalid token header: the key has characters it cannot have."))
        prefix = key.split(".", 1)[0]
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None or not token.matches(key):
            raise AuthenticationFailed(_("Unknown API token."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This API token was revoked."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("The person this API token acts as is inactive."))
        self._touch(token)
        return token.user, token

    @staticmethod
    def _touch(token: ApiToken) -> None:
        now = timezone.now()
        stale = now - timedelta(seconds=ApiToken.LAST_USED_RESOLUTION_SECONDS)
        if token.last_used_at is not None and token.last_used_at > stale:
            return
        ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk).update(
            last_used_at=now
        )
        token.last_used_at = now

    def authenticate_header(self, request) -> str:
        return self.keyword


def request_token(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None
