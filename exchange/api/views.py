"""Import runs for API clients: who imported which file, when, through which mapping, what it did and
every problem it found. Read-only: imports start in the admin or with the command."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import FlatReadOnlyViewSet
from domains.api.visibility import visibility_actor

from ..filters import ImportRunFilterSet
from ..models import ImportRun
from ..selectors import import_runs_visible
from .serializers import ImportRunSerializer


@extend_schema_view(
    list=extend_schema(
        description="Import runs, newest first, for committee members and administrators: file name "
        "and checksum, mapping source, counts, and each problem {row, column, value, message, severity}. "
        "Others, and read-only (BI) tokens, get an empty list."
    ),
    retrieve=extend_schema(description="One import run, by id: poll it to follow an import."),
)
class ImportRunViewSet(FlatReadOnlyViewSet):
    queryset = ImportRun.objects.all()
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilterSet

    def get_queryset(self):
        # A read-only token is a BI client: it sees what anyone may see, and import runs quote files.
        return import_runs_visible(user=visibility_actor(self.request), with_details=True)
