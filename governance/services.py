"""Writes for governance."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from domains.models import UseCase, User

from .models import AuditEvent


def audit_record(*, actor: User | None, action: str, target, data: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the audit trail. Call it inside the transaction of the write it records."""
    use_case_id = target.pk if isinstance(target, UseCase) else getattr(target, "use_case_id", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None and actor.pk else "system"),
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        use_case_id=use_case_id,
        data=data or {},
    )
