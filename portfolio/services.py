"""Writes for links between use cases. A link belongs to its source: whoever may change the source
(domains.rules.require_may_edit_use_case) may link it, change the link or remove it. Every service
locks the use cases it touches in primary-key order (two requests linking A->B and B->A take the
same locks in the same order, so they wait for each other instead of deadlocking), checks, writes
and records its audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from core.actors import Actor, user_or_none
from core.exceptions import ChangedMeanwhile
from core.models import AuditAction
from core.services import audit_record
from domains.models import UseCase
from domains.rules import require_may_edit_use_case
from domains.selectors import use_case_visibility_filter
from domains.services import use_cases_lock

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
        return gettext("These two use cases already have a link of this kind.")
    return gettext("The link was refused by the database: %(error)s") % {"error": text.splitlines()[0]}


def _require_visible(actor: Actor, use_case: UseCase, field: str) -> None:
    """An end of a link the actor cannot see (another team's draft) does not exist for them."""
    visibility = use_case_visibility_filter(actor)
    if visibility is not None and not UseCase.objects.filter(visibility, pk=use_case.pk).exists():
        raise ValidationError({field: [gettext("No such use case.")]})


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
    locked = use_cases_lock(source, target)
    require_may_edit_use_case(actor, locked[source.pk])
    _require_visible(actor, target, "target")
    link = UseCaseLink(
        source=locked[source.pk],
        target=locked[target.pk],
        kind=kind,
        strength=strength,
        rationale=rationale,
        created_by=user_or_none(actor),
    )
    _save_link(link)
    audit_record(actor=actor, action=AuditAction.LINK_CREATED, target=link.source, data=_link_data(link))
    return link


@transaction.atomic
def link_update(*, actor: Actor, link: UseCaseLink, data: dict) -> UseCaseLink:
    """Change a link's kind, strength, rationale or ends. Who may change the source before the
    change, and the source after it, must both allow it."""
    unknown = sorted(set(data) - set(LINK_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext("This field cannot be set.")))
    current = UseCaseLink.objects.select_related("source", "target").get(pk=link.pk)
    new_source, new_target = data.get("source", current.source), data.get("target", current.target)
    locked = use_cases_lock(current.source, current.target, new_source, new_target)
    link = UseCaseLink.objects.select_for_update().get(pk=link.pk)
    if not {link.source_id, link.target_id} <= set(locked):
        raise ChangedMeanwhile(gettext("This link was changed meanwhile: read it again and retry."))
    require_may_edit_use_case(actor, locked[link.source_id])
    if new_source.pk != link.source_id:
        require_may_edit_use_case(actor, locked[new_source.pk])
        _require_visible(actor, new_source, "source")
    if new_target.pk != link.target_id:
        _require_visible(actor, new_target, "target")
    for name, value in data.items():
        setattr(link, name, locked[value.pk] if name in ("source", "target") else value)
    _save_link(link)
    audit_record(actor=actor, action=AuditAction.LINK_UPDATED, target=link.source, data=_link_data(link))
    return link


@transaction.atomic
def link_delete(*, actor: Actor, link: UseCaseLink) -> None:
    current = UseCaseLink.objects.select_related("source", "target").get(pk=link.pk)
    locked = use_cases_lock(current.source, current.target)
    # Read it again under the locks: a concurrent change of its ends must not be deleted under the
    # permission of the ends it had before.
    if (
        UseCaseLink.objects.select_for_update()
        .filter(pk=link.pk, source=current.source_id, target=current.target_id)
        .count()
        != 1
    ):
        raise ChangedMeanwhile(gettext("This link was changed meanwhile: read it again and retry."))
    require_may_edit_use_case(actor, locked[current.source_id])
    data = _link_data(current)
    source = locked[current.source_id]
    current.delete()
    audit_record(actor=actor, action=AuditAction.LINK_DELETED, target=source, data=data)


__all__ = ["LinkKind", "link_create", "link_delete", "link_update"]
