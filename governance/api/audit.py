"""The audit trail, read-only: every write the services recorded, newest first."""

from __future__ import annotations

from rest_framework import serializers

from core.api.viewsets import FlatReadOnlyViewSet
from core.models import AuditEvent
from domains.api.visibility import UseCaseRowsVisibility

from ..filters import AuditEventFilterSet


class AuditEventSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(source="target_type.model", read_only=True)
    use_case_reference = serializers.CharField(source="use_case.reference", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "use_case",
            "use_case_reference",
            "data",
        ]
        read_only_fields = fields


class AuditEventViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    """Events about use cases the requester cannot see (other teams' drafts) are left out."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    use_case_paths = ("use_case",)
    cursor_field = "created_at"

    def get_queryset(self):
        # Who holds which API token, and whether it may write, is an administrator's business.
        queryset = super().get_queryset()
        return queryset if self.request.user.is_superuser else queryset.exclude(action__startswith="api_token.")
