"""Writes for the domains app. Every write validates the whole object (model and database
constraints), saves, and announces itself so that governance records the audit event in the same
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .events import announce
from .models import ApiToken, BusinessFunction, Foundation, UseCase, UseCaseFoundation, User
from .rules import require_may_edit_use_case

# Fields the use-case services accept from callers; status and reference are not among them.
USE_CASE_EDITABLE_FIELDS = frozenset(
    f.name for f in UseCase._meta.concrete_fields if f.editable and f.name not in {"id", "created_at", "updated_at"}
)


def _apply(instance, data: dict[str, Any]) -> list[str]:
    unknown = sorted(set(data) - USE_CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set."))
    changed = []
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            new, old = getattr(value, "pk", value), getattr(instance, field.attname)
            setattr(instance, name if hasattr(value, "pk") else field.attname, value)
        else:
            new, old = value, getattr(instance, name)
            setattr(instance, name, value)
        if old != new:
            changed.append(name)
    return changed


def _set_relations(
    use_case: UseCase,
    functions: Iterable[BusinessFunction] | None,
    foundations: Iterable[Foundation] | None,
) -> list[str]:
    changed = []
    if functions is not None:
        new = {f.pk for f in functions}
        if new != set(use_case.functions.values_list("pk", flat=True)):
            use_case.functions.set(new)
            changed.append("functions")
    if foundations is not None:
        new = {f.pk for f in foundations}
        current = set(use_case.foundation_usages.values_list("foundation_id", flat=True))
        if new != current:
            use_case.foundation_usages.exclude(foundation_id__in=new).delete()
            UseCaseFoundation.objects.bulk_create(
                [UseCaseFoundation(use_case=use_case, foundation_id=pk) for pk in sorted(new - current)]
            )
            changed.append("foundations")
    return changed


@transaction.atomic
def use_case_create(
    *,
    actor: User | None,
    data: dict[str, Any],
    functions: Iterable[BusinessFunction] | None = None,
    foundations: Iterable[Foundation] | None = None,
) -> UseCase:
    """Create a draft use case. Any field may be left empty in a draft except title, domain, team
    and owner; the workflow checks completeness on submission."""
    use_case = UseCase()
    _apply(use_case, data)
    use_case.full_clean()
    use_case._history_user = actor  # simple_history records who, outside a request too
    use_case.save()
    _set_relations(use_case, functions, foundations)
    announce(actor=actor, action="use_case.created", target=use_case, data={"title": use_case.title})
    return use_case


@transaction.atomic
def use_case_update(
    *,
    actor: User,
    use_case: UseCase,
    data: dict[str, Any],
    functions: Iterable[BusinessFunction] | None = None,
    foundations: Iterable[Foundation] | None = None,
) -> UseCase:
    """Edit the content of a use case. Teams edit only while it is a draft or changes were
    requested; the committee that covers it may correct content in any state."""
    locked = UseCase.objects.select_for_update().get(pk=use_case.pk)
    require_may_edit_use_case(actor, locked)
    changed = _apply(locked, data)
    locked.full_clean()
    locked._history_user = actor
    locked.save()
    changed += _set_relations(locked, functions, foundations)
    if changed:
        announce(actor=actor, action="use_case.updated", target=locked, data={"fields": sorted(changed)})
    return locked


@transaction.atomic
def foundation_usage_add(
    *, actor: User, use_case: UseCase, foundation: Foundation, note: str = ""
) -> UseCaseFoundation:
    usage = UseCaseFoundation(use_case=use_case, foundation=foundation, note=note)
    usage.full_clean()
    usage.save()
    announce(actor=actor, action="use_case.foundation_added", target=use_case, data={"foundation": foundation.slug})
    return usage


@transaction.atomic
def foundation_usage_update(*, actor: User, usage: UseCaseFoundation, note: str) -> UseCaseFoundation:
    usage.note = note
    usage.full_clean()
    usage.save(update_fields=["note", "updated_at"])
    announce(
        actor=actor,
        action="use_case.foundation_updated",
        target=usage.use_case,
        data={"foundation": usage.foundation.slug},
    )
    return usage


@transaction.atomic
def foundation_usage_remove(*, actor: User, usage: UseCaseFoundation) -> None:
    use_case, slug = usage.use_case, usage.foundation.slug
    usage.delete()
    announce(actor=actor, action="use_case.foundation_removed", target=use_case, data={"foundation": slug})


@transaction.atomic
def api_token_create(
    *, actor: User | None, user: User, name: str, can_write: bool = False, rate_limit: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its key, which is stored only as a hash and so can
    be shown this once. A token acts as its user, so only a superuser may make one for someone else."""
    _require_token_authority(actor, user)
    prefix, key = ApiToken.new_key()
    token = ApiToken(
        name=name,
        user=user,
        prefix=prefix,
        key_hash=ApiToken.hash_key(key),
        can_write=can_write,
        created_by=actor if actor is not None and actor.pk else None,
    )
    if rate_limit:
        token.rate_limit = rate_limit
    token.full_clean()
    token.save()
    announce(
        actor=actor,
        action="api_token.created",
        target=token,
        data={"name": name, "user": user.get_username(), "can_write": can_write},
    )
    return token, key


def _require_token_authority(actor: User | None, user: User) -> None:
    """actor None is the system (management commands, tests' setup)."""
    if actor is None or actor.is_superuser or actor.pk == user.pk:
        return
    raise PermissionDenied(
        f"{actor.get_username()} may manage only their own API tokens; a token acting as "
        f"{user.get_username()} must be created by that person or an administrator."
    )


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    _require_token_authority(actor, token.user)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        announce(actor=actor, action="api_token.revoked", target=locked, data={"name": locked.name})
    return locked


API_TOKEN_EDITABLE_FIELDS = frozenset({"name", "can_write", "rate_limit"})


@transaction.atomic
def api_token_update(*, actor: User | None, token: ApiToken, data: dict[str, Any]) -> ApiToken:
    """Rename a token, grant or withdraw write, change its rate. Who it acts as never changes."""
    unknown = sorted(set(data) - API_TOKEN_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set."))
    _require_token_authority(actor, token.user)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    changed = {name: value for name, value in data.items() if getattr(locked, name) != value}
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if changed:
        announce(actor=actor, action="api_token.updated", target=locked, data={"fields": sorted(changed)})
    return locked
