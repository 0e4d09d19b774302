from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

API_TOKEN_RATE_RE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"


class ApiToken(models.Model):
    """A key with which a BI tool or integration calls the API as `user`. Only a SHA-256 of the key is
    stored (the key is random, 256 bits, so a slow password hash would add nothing but latency); the
    key itself is shown once, when the token is created. Read-only unless `can_write`; a read-only (BI)
    token sees every use case past draft and no draft, a write token what its user sees; throttled at
    `rate_limit`."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it, e.g. 'Power BI finance'."))
    user = models.ForeignKey(
        "domains.User",
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("Writes made with this token are recorded under this person."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(
        _("may write"), default=False, help_text=_("Read-only unless granted: every write answers 403.")
    )
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        default="1200/min",
        validators=[
            RegexValidator(API_TOKEN_RATE_RE, _("Write the limit as requests/period, e.g. 600/min or 10000/hour."))
        ],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="created_api_tokens"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    # last_used_at is written at most this often per token, not on every request.
    LAST_USED_RESOLUTION_SECONDS = 60

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_limit__regex=API_TOKEN_RATE_RE),
                name="apitoken_rate_limit_format",
                violation_error_message=_("Write the limit as requests/period, e.g. 600/min or 10000/hour."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> tuple[str, str]:
        """A fresh (prefix, key); the key reads `<prefix>.<secret>`."""
        prefix = secrets.token_hex(6)
        return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"

    def matches(self, key: str) -> bool:
        return hmac.compare_digest(self.key_hash, self.hash_key(key))
