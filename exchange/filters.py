from __future__ import annotations

import django_filters

from core.api.filters import UpdatedRangeFilterSet
from domains.filters import ChoiceInFilter

from .models import ImportRun, ImportRunStatus


class ImportRunFilterSet(UpdatedRangeFilterSet):
    status = ChoiceInFilter(choices=ImportRunStatus.choices)
    source = django_filters.CharFilter(field_name="source")
    dry_run = django_filters.BooleanFilter(field_name="dry_run")

    class Meta:
        model = ImportRun
        fields = ["status", "source", "dry_run"]
