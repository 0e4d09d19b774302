"""Flat graph tables for BI tools: nodes and edges a network visual can draw without joining. Each
node carries its live portfolio (reference and name), so a visual colours nodes by portfolio without
another table; the memberships themselves, with their ties, are /api/v1/portfolio-memberships/.
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, Value, When

from core.api.viewsets import FlatReadOnlyViewSet
from domains.api.visibility import UseCaseRowsVisibility, visibility_actor
from domains.filters import UseCaseFilterSet
from domains.selectors import use_case_list

from ..choices import LinkKind
from ..filters import UseCaseLinkFilterSet
from ..models import UseCaseLink
from .serializers import GraphEdgeSerializer, GraphNodeSerializer


class GraphNodeViewSet(FlatReadOnlyViewSet):
    """One row per use case the requester may see; filters as on /use-cases/."""

    serializer_class = GraphNodeSerializer
    filterset_class = UseCaseFilterSet

    def get_queryset(self):
        return use_case_list(actor=visibility_actor(self.request))


class GraphEdgeViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    """One row per link whose two ends the requester may see; filters as on /links/."""

    serializer_class = GraphEdgeSerializer
    filterset_class = UseCaseLinkFilterSet
    use_case_paths = ("source", "target")

    def get_queryset(self):
        directed = Case(
            When(kind=LinkKind.DEPENDS_ON, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        return self.visible(UseCaseLink.objects.annotate(directed=directed))
