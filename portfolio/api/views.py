"""Links between use cases: read, create, edit, delete through the link services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.viewsets import FlatReadOnlyViewSet
from domains.api.visibility import UseCaseRowsVisibility

from .. import services
from ..filters import UseCaseLinkFilterSet
from ..models import UseCaseLink
from .serializers import UseCaseLinkSerializer


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
