"""Writes for the domains app. Every write locks what it changes, checks who may, validates the whole
object (model and database constraints), saves, and records its audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, is_system, require_actor, user_or_none
from core.bulk import copy_create, copy_create_with_history
from core.changes import apply_changes, refuse_unknown_fields, set_changes
from core.models import AuditAction
from core.services import audit_record, audit_record_many

from .models import (
    USE_CASE_CONTENT_FIELDS,
    USE_CASE_RELATION_FIELDS,
    BusinessFunction,
    Domain,
    Foundation,
    ReferenceSequence,
    Team,
    UseCase,
    UseCaseFoundation,
    format_reference,
)
from .models.translated import translations_of
from .rules import require_may_create_use_case, require_may_edit_use_case
from .selectors import edit_conflict

# Fields the use-case services accept as data: the content (its to-many part comes as the functions
# and foundations arguments) and the external id imports keep. Status and reference are not among them.
USE_CASE_EDITABLE_FIELDS = frozenset(
    {*(name for name in USE_CASE_CONTENT_FIELDS if name not in USE_CASE_RELATION_FIELDS), "external_id"}
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


def use_cases_lock(*use_cases: UseCase) -> dict[int, UseCase]:
    """Lock these use cases, in primary-key order, and return them by id, as locked. A write that
    touches several use cases (a link, a form that saves content and links) takes them all first,
    in this order, so that two such writes wait for each other instead of deadlocking. Writes
    nothing: callers are services, or views inside the transaction of the services they call."""
    ids = sorted({use_case.pk for use_case in use_cases if use_case is not None and use_case.pk})
    return {uc.pk: uc for uc in UseCase.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")}


def _lock_for_edit(actor: Actor, use_case: UseCase, *, new_team=None) -> UseCase:
    """Lock the use case, then check that the actor may change it: the check holds until commit."""
    locked = UseCase.objects.select_for_update().get(pk=use_case.pk)
    require_may_edit_use_case(actor, locked, new_team=new_team)
    return locked


@transaction.atomic
def use_case_create(
    *,
    actor: Actor,
    data: dict[str, Any],
    functions: Iterable[BusinessFunction] | None = None,
    foundations: Iterable[Foundation] | None = None,
) -> UseCase:
    """Create a draft use case. Any field may be left empty in a draft except title, domain, team
    and owner; the workflow checks completeness on submission."""
    use_case = UseCase()
    _apply(use_case, data)
    if use_case.team_id is not None and use_case.domain_id is not None:
        require_may_create_use_case(actor, use_case)
    else:
        require_actor(actor)  # full_clean names the missing team or domain
    use_case.full_clean()
    use_case._history_user = user_or_none(actor)  # simple_history records who, outside a request too
    use_case.save()
    _set_relations(use_case, functions, foundations)
    audit_record(actor=actor, action=AuditAction.USE_CASE_CREATED, target=use_case, data={"title": use_case.title})
    return use_case


@transaction.atomic
def use_case_update(
    *,
    actor: Actor,
    use_case: UseCase,
    data: dict[str, Any],
    functions: Iterable[BusinessFunction] | None = None,
    foundations: Iterable[Foundation] | None = None,
    expected_version: int | None = None,
) -> UseCase:
    """Edit the content of a use case. Teams edit only while it is a draft or changes were
    requested; the committee that covers it may correct content in any state.

    `expected_version` is the version the editor started from (a form, an API client's If-Match):
    when someone saved since, the edit is refused with what they changed (ChangedMeanwhile, 409)
    instead of silently overwriting it."""
    locked = _lock_for_edit(actor, use_case, new_team=data.get("team"))
    if expected_version is not None and expected_version != locked.version:
        raise edit_conflict(locked, expected_version)
    changed = _apply(locked, data)
    locked.full_clean()
    changed += _set_relations(locked, functions, foundations)
    if not changed:
        return locked  # nothing to save: the version (everyone's ETag) and updated_at stay as they are
    locked._history_user = user_or_none(actor)
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action=AuditAction.USE_CASE_UPDATED, target=locked, data={"fields": sorted(changed)})
    return locked


def _bump_version(use_case: UseCase) -> None:
    """A change to a use case's foundations is a new version of it: a form opened before sees it."""
    UseCase.objects.filter(pk=use_case.pk).update(version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def foundation_usage_add(
    *, actor: Actor, use_case: UseCase, foundation: Foundation, note: str = ""
) -> UseCaseFoundation:
    locked = _lock_for_edit(actor, use_case)
    usage = UseCaseFoundation(use_case=locked, foundation=foundation, note=note)
    usage.full_clean()
    usage.save()
    _bump_version(locked)
    audit_record(
        actor=actor, action=AuditAction.FOUNDATION_ADDED, target=use_case, data={"foundation": foundation.slug}
    )
    return usage


@transaction.atomic
def foundation_usage_update(*, actor: Actor, usage: UseCaseFoundation, note: str) -> UseCaseFoundation:
    _lock_for_edit(actor, usage.use_case)
    usage.note = note
    usage.full_clean()
    usage.save(update_fields=["note", "updated_at"])
    _bump_version(usage.use_case)
    audit_record(
        actor=actor,
        action=AuditAction.FOUNDATION_UPDATED,
        target=usage.use_case,
        data={"foundation": usage.foundation.slug},
    )
    return usage


@transaction.atomic
def foundation_usage_remove(*, actor: Actor, usage: UseCaseFoundation) -> None:
    _lock_for_edit(actor, usage.use_case)
    use_case, slug = usage.use_case, usage.foundation.slug
    usage.delete()
    _bump_version(use_case)
    audit_record(actor=actor, action=AuditAction.FOUNDATION_REMOVED, target=use_case, data={"foundation": slug})


# Teams: who belongs where decides who may edit a team's use cases and who is recused from voting on
# them, so teams and their members are an administrator's to change, and every change is audited.

# `name` and `description` are in the current language; the admin sends each language's (name_en, name_fr...).
TEAM_EDITABLE_FIELDS = (
    *("name", "slug", "function", "description"),
    *translations_of("name"),
    *translations_of("description"),
)


def _require_administrator(actor: Actor, what: str) -> None:
    from django.core.exceptions import PermissionDenied

    require_actor(actor)
    if is_system(actor):
        return
    person = user_or_none(actor)
    if person is None or not person.is_superuser:
        raise PermissionDenied(what)


@transaction.atomic
def team_create(*, actor: Actor, data: dict[str, Any], members: Iterable | None = None) -> Team:
    _require_administrator(actor, "Only an administrator creates teams.")
    refuse_unknown_fields(data, TEAM_EDITABLE_FIELDS)
    team = Team(**data)
    team.full_clean()
    team.save()
    usernames = []
    if members is not None:
        team.members.set(members)
        usernames = sorted(team.members.values_list("username", flat=True))
    audit_record(
        actor=actor,
        action=AuditAction.TEAM_CREATED,
        target=team,
        data={"name": team.name, "slug": team.slug, "members": usernames},
    )
    return team


@transaction.atomic
def team_update(*, actor: Actor, team: Team, data: dict[str, Any], members: Iterable | None = None) -> Team:
    """Change a team's name, function, description or members (an administrator only)."""
    _require_administrator(actor, "Only an administrator changes teams and who belongs to them.")
    locked = Team.objects.select_for_update().get(pk=team.pk)
    changes = apply_changes(locked, data, TEAM_EDITABLE_FIELDS)
    if members is not None:
        member_changes = set_changes(locked.members.values_list("username", flat=True), (m.username for m in members))
        if member_changes:
            changes["members"] = member_changes
    if not changes:
        return locked
    locked.full_clean()
    locked.save()
    if members is not None:
        locked.members.set(members)
    audit_record(actor=actor, action=AuditAction.TEAM_UPDATED, target=locked, data={"changes": changes})
    return locked


# Imports: an inventory's use cases written in bulk, every row already validated by the importer
# (exchange.importer), in the caller's transaction, with their field history and audit events.

IMPORT_PERMISSION = "domains.import_use_cases"


def require_may_import(actor: Actor) -> None:
    from django.core.exceptions import PermissionDenied

    require_actor(actor)
    if is_system(actor):
        return
    person = user_or_none(actor)
    if person is None or not person.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied("Only the committee or an administrator imports an inventory.")


@transaction.atomic
def reference_record_import(*, actor: Actor, model: type, data: dict[str, Any]):
    """A domain, team, business function or foundation an import names and the organisation does not
    have yet: created, validated, with its field history."""
    require_may_import(actor)
    if model not in (Domain, Team, BusinessFunction, Foundation):
        raise ValueError(f"An import does not create {model.__name__} records.")
    instance = model(**data)
    # The fields' own rules here; uniqueness is the database's (the importer looked the name up and
    # chose a free slug): asking it once per constraint, for hundreds of records, was most of a
    # federal file's import.
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance._history_user = user_or_none(actor)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(
            _("A %(what)s named %(name)s already exists, or its slug %(slug)s is taken.")
            % {"what": model._meta.verbose_name, "name": data.get("name", ""), "slug": data.get("slug", "")}
        ) from error
    return instance


@transaction.atomic
def use_cases_import(
    *,
    actor: Actor,
    new: list[tuple[UseCase, list[int], list[int]]],
    changed: list[tuple[UseCase, list[str], list[int] | None, list[int] | None]],
    run: str,
) -> None:
    """Create and update imported use cases. `new` holds unsaved use cases with their function and
    foundation ids; `changed` holds loaded use cases already given their new values, the names of the
    fields that changed, and their new function and foundation ids (None: not changed). `run` names
    the import in the audit events."""
    require_may_import(actor)
    now = timezone.now()
    if new:
        numbers = ReferenceSequence.reserve("use_case", len(new))
        for (use_case, _functions, _foundations), number in zip(new, numbers, strict=True):
            use_case.reference = format_reference(number)
        created = copy_create_with_history(UseCase, [use_case for use_case, _f, _g in new])
        through = UseCase.functions.through
        copy_create(
            through,
            [through(usecase_id=uc.pk, businessfunction_id=pk) for uc, functions, _g in new for pk in functions],
        )
        copy_create(
            UseCaseFoundation,
            [
                UseCaseFoundation(use_case_id=uc.pk, foundation_id=pk)
                for uc, _f, foundations in new
                for pk in foundations
            ],
        )
        audit_record_many(
            actor=actor,
            action=AuditAction.USE_CASE_CREATED,
            targets=created,
            data=[{"title": uc.title, "import": run, "external_id": uc.external_id} for uc in created],
        )
    if changed:
        from simple_history.utils import bulk_update_with_history

        names = sorted(
            {name for _uc, fields, _f, _g in changed for name in fields if name not in USE_CASE_RELATION_FIELDS}
        )
        for use_case, _fields, _functions, _foundations in changed:
            use_case.version += 1
            use_case.updated_at = now
        bulk_update_with_history(
            [uc for uc, _fields, _f, _g in changed],
            UseCase,
            [*names, "version", "updated_at"],
            batch_size=2000,
            default_user=user_or_none(actor),
        )
        through = UseCase.functions.through
        relinked = [(uc, functions) for uc, _fields, functions, _g in changed if functions is not None]
        if relinked:
            through.objects.filter(usecase_id__in=[uc.pk for uc, _f in relinked]).delete()
            copy_create(
                through,
                [through(usecase_id=uc.pk, businessfunction_id=pk) for uc, functions in relinked for pk in functions],
            )
        refounded = [(uc, foundations) for uc, _fields, _f, foundations in changed if foundations is not None]
        if refounded:
            UseCaseFoundation.objects.filter(use_case_id__in=[uc.pk for uc, _f in refounded]).delete()
            copy_create(
                UseCaseFoundation,
                [
                    UseCaseFoundation(use_case_id=uc.pk, foundation_id=pk)
                    for uc, foundations in refounded
                    for pk in foundations
                ],
            )
        audit_record_many(
            actor=actor,
            action=AuditAction.USE_CASE_UPDATED,
            targets=[uc for uc, _fields, _f, _g in changed],
            data=[{"fields": sorted(fields), "import": run} for _uc, fields, _f, _g in changed],
        )
