"""Import runs for API clients: who imported which file, when, through which mapping, what it did and
every problem it found. Read-only: imports start in the admin or with the command."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import FlatReadOnlyViewSet
from domains.services import IMPORT_PERMISSION

from ..filters import ImportRunFilterSet
from ..models import ImportRun
from ..selectors import import_run_list
from .serializers import ImportRunSerializer


@extend_schema_view(
    list=extend_schema(
        description="Import runs, newest first, for the committee and administrators (who may import): file name "
        "and checksum, mapping source, counts, and each problem {row, column, value, message, severity}. "
        "Others get an empty list."
    ),
    retrieve=extend_schema(description="One import run, by id: poll it to follow an import."),
)
class ImportRunViewSet(FlatReadOnlyViewSet):
    queryset = ImportRun.objects.all()
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilterSet

    def get_queryset(self):
        return self.visible(import_run_list(with_details=True))

    def visible(self, queryset):
        user = self.request.user
        if user.is_superuser or user.has_perm(IMPORT_PERMISSION):
            return queryset
        return queryset.none()
