"""How decisions are made and recorded."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only: events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened, who did it and to what. Append-only: the model refuses updates and
    deletes, and on PostgreSQL a trigger refuses them too."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # Kept so the trail still says who acted after the user is deleted.
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("target"), max_length=255)
    # The use case an event concerns, when there is one: the timeline reads by this.
    use_case = models.ForeignKey(
        "domains.UseCase", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
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
