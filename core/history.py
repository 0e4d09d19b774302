"""Field history as the committee reads it (the admin's "History" page, core.admin.HistoryAdmin): each
version beside the one before, field by field, with choices by their labels, related rows by their
names, "—" for an empty value and the status as it moved (it is not editable, so simple-history's own
diff leaves it out)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.template_utils import ObjDiffDisplay

EMPTY = "—"
# Longer values are shortened around their first difference, as simple-history does.
MAX_SHOWN_CHARS = 100
# Never shown: internal counters, simple-history's own columns and the dates every save moves.
ALWAYS_HIDDEN = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


def person_name(user) -> str:
    """A person by their full name, else their username."""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or str(user)


def _shown_fields(record, hidden) -> list[models.Field]:
    return [
        field
        for field in record.tracked_fields
        if field.name not in ALWAYS_HIDDEN and field.name not in hidden and not field.many_to_many
    ]


def _related_names(records, fields) -> dict[tuple[type, object], str]:
    """The names of every row the records' foreign keys point at: one query per related model."""
    wanted: dict[type, set] = {}
    for field in fields:
        if isinstance(field, models.ForeignKey):
            ids = {getattr(record, field.attname) for record in records} - {None}
            wanted.setdefault(field.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        if ids:
            for obj in model._base_manager.filter(pk__in=ids):
                names[(model, obj.pk)] = person_name(obj)
    return names


def _display(field: models.Field, value, names) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value)) or gettext("#%(id)s (deleted)") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, datetime.date):
        return formats.localize(value)
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize(), use_l10n=True)
    return str(value)


def readable_deltas(records, *, hidden=()) -> None:
    """Give each record but the oldest (`records` newest first, as the history page lists them) its
    `history_delta_changes`: what changed since the version before it, as FieldChange rows."""
    records = list(records)
    if len(records) < 2:
        return
    fields = _shown_fields(records[0], hidden)
    names = _related_names(records, fields)
    shorten = ObjDiffDisplay(max_length=MAX_SHOWN_CHARS).common_shorten_repr
    for newer, older in zip(records, records[1:], strict=False):
        changes = []
        for field in fields:
            before, after = getattr(older, field.attname), getattr(newer, field.attname)
            if before == after or (before in (None, "") and after in (None, "")):
                continue
            old, new = shorten(_display(field, before, names), _display(field, after, names))
            changes.append(FieldChange(capfirst(str(field.verbose_name)), old, new))
        newer.history_delta_changes = changes
