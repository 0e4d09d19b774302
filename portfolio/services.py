"""Writes for links between use cases."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.actors import Actor, user_or_none
from core.models import AuditAction
from core.services import audit_record
from domains.models import UseCase
from domains.rules import require_may_edit_use_case

from .choices import LinkKind
from .models import UseCaseLink

LINK_FIELDS = ("source", "target", "kind", "strength", "rationale")


def _save_link(link: UseCaseLink) -> None:
    link.full_clean()
    try:
        # A savepoint, so that a refusal by the database (the dependency-cycle trigger on
        # PostgreSQL, a concurrent duplicate) leaves the caller's transaction usable.
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise ValidationError(_integrity_message(exc)) from exc


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc)
    if "dependency cycle" in text:
        return text.splitlines()[0]
    if "link_unique" in text:
        return "These two use cases already have a link of this kind."
    return f"The link was refused by the database: {text.splitlines()[0]}"


def _require_may_change_links_of(actor: Actor, source: UseCase) -> UseCase:
    """A link belongs to its source: the source's team changes it while the source is editable, the
    committee at any time (domains.rules.require_may_edit_use_case). Locks the source row first, so
    the check holds until the write commits."""
    locked = UseCase.objects.select_for_update().get(pk=source.pk)
    require_may_edit_use_case(actor, locked)
    return locked


def _link_data(link: UseCaseLink) -> dict:
    return {
        "source": link.source.reference,
        "target": link.target.reference,
        "kind": link.kind,
        "strength": link.strength,
    }


@transaction.atomic
def link_create(
    *,
    actor: Actor,
    source: UseCase,
    target: UseCase,
    kind: str,
    strength: int = 2,
    rationale: str = "",
) -> UseCaseLink:
    _require_may_change_links_of(actor, source)
    link = UseCaseLink(
        source=source, target=target, kind=kind, strength=strength, rationale=rationale, created_by=user_or_none(actor)
    )
    _save_link(link)
    audit_record(actor=actor, action=AuditAction.LINK_CREATED, target=source, data=_link_data(link))
    return link


@transaction.atomic
def link_update(*, actor: Actor, link: UseCaseLink, data: dict) -> UseCaseLink:
    link = UseCaseLink.objects.select_for_update().get(pk=link.pk)
    unknown = sorted(set(data) - set(LINK_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set."))
    for name, value in data.items():
        setattr(link, name, value)
    _save_link(link)
    audit_record(actor=actor, action=AuditAction.LINK_UPDATED, target=link.source, data=_link_data(link))
    return link


@transaction.atomic
def link_delete(*, actor: Actor, link: UseCaseLink) -> None:
    _require_may_change_links_of(actor, link.source)
    data = _link_data(link)
    source = link.source
    link.delete()
    audit_record(actor=actor, action=AuditAction.LINK_DELETED, target=source, data=data)


__all__ = ["LinkKind", "link_create", "link_delete", "link_update"]
