"""Writes of the lowest layer: the audit trail, and API tokens.

`audit_record` is called directly by every service of every app, inside the transaction of the write
it records, so a write and its audit event commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .actors import is_system, require_actor, user_or_none
from .models import ApiToken, AuditAction, AuditEvent


def _use_case_id_of(target) -> int | None:
    """The use case an event concerns: the target itself when it is one (it says so with
    `audit_use_case_id`), else the target's `use_case_id` when it has one."""
    explicit = getattr(target, "audit_use_case_id", None)
    return explicit if explicit is not None else getattr(target, "use_case_id", None)


def audit_record(*, actor, action: AuditAction | str, target, data: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the audit trail. `action` must be one of AuditAction: an unknown name is
    a programming error and raises ValueError before anything is written."""
    action = AuditAction(action)
    person = user_or_none(actor)
    return AuditEvent.objects.create(
        actor=person,
        actor_name=person.get_username() if person is not None else "system",
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        use_case_id=_use_case_id_of(target),
        data=data or {},
    )


def audit_record_many(*, actor, action: AuditAction | str, targets: list, data: list[dict[str, Any]]) -> None:
    """`audit_record` for many targets of one kind at once (an import's thousands of use cases), written
    in bulk in the caller's transaction."""
    from .bulk import copy_create

    if not targets:
        return
    action = AuditAction(action)
    person = user_or_none(actor)
    name = person.get_username() if person is not None else "system"
    content_type = ContentType.objects.get_for_model(type(targets[0]))
    now = timezone.now()
    copy_create(
        AuditEvent,
        [
            AuditEvent(
                created_at=now,
                actor=person,
                actor_name=name,
                action=action,
                target_type=content_type,
                target_id=str(target.pk),
                target_repr=str(target)[:255],
                use_case_id=_use_case_id_of(target),
                data=values,
            )
            for target, values in zip(targets, data, strict=True)
        ],
    )


# API tokens ---------------------------------------------------------------------------------------

API_TOKEN_EDITABLE_FIELDS = frozenset({"name", "can_write", "rate_limit"})


def _require_token_authority(actor, user) -> None:
    """A token acts as its user: only that person, an administrator or the system manages it."""
    require_actor(actor)
    if is_system(actor) or actor.is_superuser or actor.pk == user.pk:
        return
    raise PermissionDenied(
        gettext(
            "%(actor)s may manage only their own API tokens; a token acting as %(user)s must be created by that "
            "person or an administrator."
        )
        % {"actor": actor.get_username(), "user": user.get_username()}
    )


@transaction.atomic
def api_token_create(*, actor, user, name: str, can_write: bool = False, rate_limit: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its key, which is stored only as a hash and so can
    be shown this once."""
    _require_token_authority(actor, user)
    prefix, key = ApiToken.new_key()
    token = ApiToken(
        name=name,
        user=user,
        prefix=prefix,
        key_hash=ApiToken.hash_key(key),
        can_write=can_write,
        created_by=user_or_none(actor),
    )
    if rate_limit:
        token.rate_limit = rate_limit
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_CREATED,
        target=token,
        data={"name": name, "user": user.get_username(), "can_write": can_write},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    _require_token_authority(actor, token.user)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=locked, data={"name": locked.name})
    return locked


@transaction.atomic
def api_token_update(*, actor, token: ApiToken, data: dict[str, Any]) -> ApiToken:
    """Rename a token, grant or withdraw write, change its rate. Who it acts as never changes."""
    unknown = sorted(set(data) - API_TOKEN_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext("This field cannot be set.")))
    _require_token_authority(actor, token.user)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    changed = {name: value for name, value in data.items() if getattr(locked, name) != value}
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if changed:
        audit_record(actor=actor, action=AuditAction.API_TOKEN_UPDATED, target=locked, data={"fields": sorted(changed)})
    return locked
