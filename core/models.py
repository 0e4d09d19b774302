"""What every app uses: the timestamped base model, the audit trail and the API tokens.

Nothing here imports another app of the project. The audit trail's `use_case` column and the tokens'
`user` are string foreign keys, resolved by Django's app registry: the trail says which use case an
event concerns so that a timeline reads it by index, and a token acts as a person.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .exceptions import AppendOnlyError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    """Every action the services record. A new kind of write adds its action here first, so the
    trail, its filters and the timeline sentences know every value they can meet."""

    USE_CASE_CREATED = "use_case.created", _("Use case created")
    USE_CASE_UPDATED = "use_case.updated", _("Use case changed")
    FOUNDATION_ADDED = "use_case.foundation_added", _("Foundation added to a use case")
    FOUNDATION_UPDATED = "use_case.foundation_updated", _("Foundation use changed")
    FOUNDATION_REMOVED = "use_case.foundation_removed", _("Foundation removed from a use case")
    LINK_CREATED = "link.created", _("Link created")
    LINK_UPDATED = "link.updated", _("Link changed")
    LINK_DELETED = "link.deleted", _("Link deleted")
    WORKFLOW_SUBMIT = "workflow.submit", _("Submitted")
    WORKFLOW_WITHDRAW = "workflow.withdraw", _("Withdrawn")
    WORKFLOW_DISCARD = "workflow.discard", _("Draft discarded")
    WORKFLOW_START_REVIEW = "workflow.start_review", _("Review started")
    WORKFLOW_REQUEST_CHANGES = "workflow.request_changes", _("Changes requested")
    WORKFLOW_APPROVE = "workflow.approve", _("Approved")
    WORKFLOW_REJECT = "workflow.reject", _("Rejected")
    WORKFLOW_PUT_ON_HOLD = "workflow.put_on_hold", _("Put on hold")
    WORKFLOW_RESUME = "workflow.resume", _("Resumed")
    WORKFLOW_START_DELIVERY = "workflow.start_delivery", _("Delivery started")
    WORKFLOW_SCALE = "workflow.scale", _("Scaled")
    WORKFLOW_RETIRE = "workflow.retire", _("Retired")
    # A status an inventory file gave (governance.services.use_case_statuses_import), not a decision.
    WORKFLOW_IMPORTED = "workflow.imported", _("Status imported")
    VOTE_CAST = "vote.cast", _("Vote cast")
    MEETING_PREPARED = "meeting.prepared", _("Meeting prepared")
    COMMITTEE_CREATED = "committee.created", _("Committee created")
    COMMITTEE_UPDATED = "committee.updated", _("Committee changed")
    COMMITTEE_MEMBER_ADDED = "committee.member_added", _("Committee member added")
    COMMITTEE_MEMBER_CHANGED = "committee.member_changed", _("Committee membership changed")
    TEAM_CREATED = "team.created", _("Team created")
    TEAM_UPDATED = "team.updated", _("Team changed")
    CLUSTERING_RUN_STARTED = "clustering.run_started", _("Portfolio proposal started")
    CLUSTERING_RUN_FINISHED = "clustering.run_finished", _("Portfolio proposal finished")
    PORTFOLIO_ADOPTED = "portfolio.adopted", _("Portfolio adopted")
    PORTFOLIO_UPDATED = "portfolio.updated", _("Portfolio changed")
    PORTFOLIO_DISMISSED = "portfolio.dismissed", _("Portfolio proposal dismissed")
    PORTFOLIO_ARCHIVED = "portfolio.archived", _("Portfolio archived")
    PORTFOLIO_MEMBER_ADDED = "portfolio.member_added", _("Use case placed in a portfolio")
    PORTFOLIO_MEMBER_REMOVED = "portfolio.member_removed", _("Use case taken out of a portfolio")
    PORTFOLIO_MEMBER_PINNED = "portfolio.member_pinned", _("Portfolio membership pinned or unpinned")
    PRIORITY_WEIGHTS_CHANGED = "priority.weights_changed", _("Priority weights changed")
    DUPLICATE_JUDGED = "duplicate.judged", _("Suggested duplicate judged")
    KPI_CREATED = "kpi.created", _("Success measure added")
    KPI_UPDATED = "kpi.updated", _("Success measure changed")
    KPI_DELETED = "kpi.deleted", _("Success measure removed")
    KPI_MEASURED = "kpi.measured", _("Measurements recorded")
    SIDE_EFFECT_CREATED = "side_effect.created", _("Side effect recorded")
    SIDE_EFFECT_UPDATED = "side_effect.updated", _("Side effect changed")
    SIDE_EFFECT_REVIEWED = "side_effect.reviewed", _("Side effects reviewed")
    SIDE_EFFECT_DELETED = "side_effect.deleted", _("Side effect removed")
    IMPORT_FINISHED = "import.finished", _("Inventory imported")
    IMPORT_MAPPING_SAVED = "import.mapping_saved", _("Import mapping saved")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_UPDATED = "api_token.updated", _("API token changed")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")

    @classmethod
    def for_workflow(cls, action: str) -> AuditAction:
        """The action recorded for a workflow transition of that name."""
        return cls(f"workflow.{action}")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only: events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened, who did it and to what. Append-only: the model refuses updates and
    deletes, and on PostgreSQL a trigger refuses them too. Written by `core.services.audit_record`,
    which every service calls in its own transaction."""

    Action = AuditAction

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    # Kept so the trail still says who acted after the user is deleted; "system" for imports and jobs.
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, choices=AuditAction.choices, db_index=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("target type")
    )
    target_id = models.CharField(max_length=64, verbose_name=_("target id"))
    target_repr = models.CharField(_("target"), max_length=255)
    # The use case an event concerns, when there is one: the timeline reads by this.
    use_case = models.ForeignKey(
        "domains.UseCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("use case"),
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["use_case", "created_at"], name="audit_use_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit trail is append-only: events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: events cannot be deleted.")


API_TOKEN_RATE_RE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"


class ApiToken(models.Model):
    """A key with which a BI tool or integration calls the API as `user`. Only a SHA-256 of the key is
    stored (the key is random, 256 bits, so a slow password hash would add nothing but latency); the
    key itself is shown once, when the token is created. Read-only unless `can_write`; a read-only (BI)
    token sees every use case past draft and no draft, a write token what its user sees; throttled at
    `rate_limit`."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it, e.g. 'Power BI finance'."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_api_tokens",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    # last_used_at is written at most this often per token, not on every request.
    LAST_USED_RESOLUTION_SECONDS = 60

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
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
