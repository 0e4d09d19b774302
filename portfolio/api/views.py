"""Links between use cases: read, create, edit, delete through the link services. Portfolios, their
members and the clustering runs that proposed them: read-only lists for BI (the committee changes
them in the admin, through portfolio.services)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.viewsets import FlatReadOnlyViewSet
from domains.api.visibility import UseCaseRowsVisibility

from .. import services
from ..filters import (
    ClusteringRunFilterSet,
    PortfolioFilterSet,
    PortfolioMembershipFilterSet,
    UseCaseLinkFilterSet,
)
from ..models import PortfolioMembership, UseCaseLink
from ..selectors import clustering_run_list, portfolio_list
from .rows import clustering_run_rows, membership_rows, portfolio_rows
from .serializers import (
    ClusteringRunSerializer,
    PortfolioMembershipSerializer,
    PortfolioSerializer,
    UseCaseLinkSerializer,
)


@extend_schema_view(
    create=extend_schema(
        description="Link two use cases (refused with 400 if it duplicates a link or closes a cycle)."
    ),
    partial_update=extend_schema(description="Change a link's kind, strength, rationale or ends."),
    destroy=extend_schema(description="Delete a link."),
)
class UseCaseLinkViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    UseCaseRowsVisibility,
    FlatReadOnlyViewSet,
):
    """Links whose two ends the requester may see."""

    queryset = UseCaseLink.objects.all()
    serializer_class = UseCaseLinkSerializer
    filterset_class = UseCaseLinkFilterSet
    use_case_paths = ("source", "target")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Who may link what is the link services' rule (the source's team while editable, the committee).
        link = services.link_create(actor=request.user, **serializer.validated_data)
        return self.written_response(link.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        link = self.get_object()
        serializer = self.get_serializer(link, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.link_update(actor=request.user, link=link, data=dict(serializer.validated_data))
        return self.written_response(link.pk)

    def destroy(self, request, *args, **kwargs):
        services.link_delete(actor=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        description="Portfolios in every status (proposed, adopted, dismissed, archived), with the metrics "
        "the last run or edit computed and the sentence that says why each holds together."
    ),
    retrieve=extend_schema(description="One portfolio, by id."),
)
class PortfolioViewSet(FlatReadOnlyViewSet):
    serializer_class = PortfolioSerializer
    filterset_class = PortfolioFilterSet

    def get_queryset(self):
        return portfolio_list(actor=self.request.user)

    @property
    def flat(self):
        return portfolio_rows().for_request(self.request)


@extend_schema_view(
    list=extend_schema(
        description="Which use case belongs to which live portfolio, pinned or not, and the ties that hold it "
        "there. Members the requester may not see (another team's draft) are left out, and so are ties to them."
    ),
    retrieve=extend_schema(description="One membership, by id."),
)
class PortfolioMembershipViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    queryset = PortfolioMembership.objects.all()
    serializer_class = PortfolioMembershipSerializer
    filterset_class = PortfolioMembershipFilterSet
    use_case_paths = ("use_case",)

    @property
    def flat(self):
        return membership_rows().for_request(self.request)


@extend_schema_view(
    list=extend_schema(
        description="Clustering runs, newest first: parameters, the graph they saw, how they went and what "
        "they changed (use cases the requester may not see are left out of the names)."
    ),
    retrieve=extend_schema(description="One run, by id: poll it to follow a run's progress."),
)
class ClusteringRunViewSet(FlatReadOnlyViewSet):
    serializer_class = ClusteringRunSerializer
    filterset_class = ClusteringRunFilterSet

    def get_queryset(self):
        return clustering_run_list(actor=self.request.user)

    @property
    def flat(self):
        return clustering_run_rows().for_request(self.request)
