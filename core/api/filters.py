"""The filterset every list builds on: `updated_since` (inclusive) and `updated_before` (exclusive),
the RangeStart / RangeEnd of Power BI's incremental refresh."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

UPDATED_SINCE_HELP = _(
    "Rows changed at or after this instant (ISO 8601; give Z or an offset, else the server's time zone applies)."
)
UPDATED_BEFORE_HELP = _("Rows changed strictly before this instant (ISO 8601).")


class UpdatedRangeFilterSet(django_filters.FilterSet):
    # The timestamp the range applies to; append-only models use their created_at.
    updated_field = "updated_at"

    updated_since = django_filters.IsoDateTimeFilter(method="filter_updated_since", help_text=UPDATED_SINCE_HELP)
    updated_before = django_filters.IsoDateTimeFilter(method="filter_updated_before", help_text=UPDATED_BEFORE_HELP)

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(**{f"{self.updated_field}__gte": value})

    def filter_updated_before(self, queryset, name, value):
        return queryset.filter(**{f"{self.updated_field}__lt": value})


class SlugInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """`?domain=a,b` or `?domain=a&domain=b`: any of these slugs."""
