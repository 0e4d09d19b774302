from __future__ import annotations

from core.api.filters import UpdatedRangeFilterSet

from .models import ImportRun


class ImportRunFilterSet(UpdatedRangeFilterSet):
    """Generated from the fields, so strict as every list's are: `status` takes its choices, `dry_run`
    true or false, `source` a text."""

    class Meta:
        model = ImportRun
        fields = ["status", "source", "dry_run"]
