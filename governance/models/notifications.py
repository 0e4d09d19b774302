"""The notification outbox."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import NotificationKind, NotificationStatus


class Notification(models.Model):
    """An email waiting to be sent: the outbox. Written in the transaction of the event that causes
    it, delivered by Celery; `status` moves pending -> sending -> sent (or failed) by conditional
    updates, so a row is claimed and sent once."""

    Kind = NotificationKind
    Status = NotificationStatus

    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        "domains.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    use_case = models.ForeignKey(
        "domains.UseCase",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("use case"),
    )
    # Reminders are computed by periodic tasks; the key makes a second run the same day a no-op.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When it was last handed to the broker: the sweeper does not hand it out again too soon.
    dispatched_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
                violation_error_message=_("Unknown notification status."),
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
                violation_error_message=_("A sent notification records when it was sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} -> {self.email} ({self.get_status_display()})"
