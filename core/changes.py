"""Changes to a row, as the services apply them and an audit event records them: refuse a field a
service does not set, set the rest, and say what each was and became."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def audit_value(value) -> Any:
    """A value as the audit trail keeps it: dates as ISO text, decimals as exact text ("12.5"), rows by
    their slug (or their name)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return getattr(value, "slug", None) or str(value)
    return value


def refuse_unknown_fields(data: dict[str, Any], editable) -> None:
    unknown = sorted(set(data) - set(editable))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext("This field cannot be set.")))


def apply_changes(instance, data: dict[str, Any], editable) -> dict[str, list]:
    """Set `data` on `instance` (refusing fields outside `editable`) and return what changed, as
    {field: [before, after]} for the audit event. Writes nothing: the caller validates and saves."""
    refuse_unknown_fields(data, editable)
    changes = {}
    for name, value in data.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = [audit_value(before), audit_value(value)]
            setattr(instance, name, value)
    return changes


def set_changes(before, after) -> list | None:
    """[before, after] of a to-many relation given as names, or None when it is the same set."""
    before, after = sorted(before), sorted(after)
    return [before, after] if before != after else None
