"""Links between use cases: read, create, edit, delete through the link services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from config.api.viewsets import FlatReadOnlyViewSet
from domains.models import UseCase

from .. import services
from ..filters import UseCaseLinkFilterSet
from ..models import UseCaseLink
from .serializers import UseCaseLinkSerializer


def _may_link(user, *use_cases: UseCase) -> bool:
    """The committee, or a member of the team of either end."""
    if user.is_staff:
        return True
    team_ids = {uc.team_id for uc in use_cases}
    return user.teams.filter(pk__in=team_ids).exists()


@extend_schema_view(
    create=extend_schema(
        description="Link two use cases (refused with 400 if it duplicates a link or closes a cycle)."
    ),
    partial_update=extend_schema(description="Change a link's kind, strength, rationale or ends."),
    destroy=extend_schema(description="Delete a link."),
)
class UseCaseLinkViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, FlatReadOnlyViewSet
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
        data = serializer.validated_data
        if not _may_link(request.user, data["source"], data["target"]):
            raise PermissionDenied(_("You can link use cases only when one of them belongs to your team."))
        link = services.link_create(actor=request.user, **data)
        return self.written_response(link.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        link = self.get_object()
        serializer = self.get_serializer(link, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ends = [link.source, link.target, *(data[k] for k in ("source", "target") if k in data)]
        if not _may_link(request.user, *ends):
            raise PermissionDenied(_("Only the teams of the linked use cases and the committee can change this link."))
        services.link_update(actor=request.user, link=link, data=data)
        return self.written_response(link.pk)

    def destroy(self, request, *args, **kwargs):
        link = self.get_object()
        if not _may_link(request.user, link.source, link.target):
            raise PermissionDenied(_("Only the teams of the linked use cases and the committee can delete this link."))
        services.link_delete(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
