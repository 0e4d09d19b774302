"""Filtersets for governance lists."""

from __future__ import annotations

import django_filters

from config.api.filters import UpdatedRangeFilterSet

from .models import AuditEvent


class AuditEventFilterSet(UpdatedRangeFilterSet):
    # Audit events are never updated: the incremental range applies to when they happened.
    updated_field = "created_at"

    action = django_filters.CharFilter(help_text="Exact action, e.g. use_case.updated.")
    action_prefix = django_filters.CharFilter(
        field_name="action", lookup_expr="startswith", help_text="Actions starting with this, e.g. link."
    )
    actor = django_filters.CharFilter(field_name="actor_name", help_text="Username of who acted.")
    use_case = django_filters.NumberFilter(field_name="use_case_id", help_text="Events about this use case (id).")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "use_case"]
