"""Read endpoints for the organisation, and the use-case endpoints (read, create, edit content)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins

from core.api.viewsets import FlatReadOnlyViewSet

from .. import services
from ..filters import (
    BusinessFunctionFilterSet,
    DomainFilterSet,
    FoundationFilterSet,
    TeamFilterSet,
    UseCaseFilterSet,
)
from ..models import BusinessFunction, Domain, Foundation, Team
from ..selectors import use_case_list
from .serializers import (
    BusinessFunctionSerializer,
    DomainSerializer,
    FoundationSerializer,
    TeamSerializer,
    UseCaseSerializer,
)
from .visibility import visibility_actor


class BusinessFunctionViewSet(FlatReadOnlyViewSet):
    queryset = BusinessFunction.objects.all()
    serializer_class = BusinessFunctionSerializer
    filterset_class = BusinessFunctionFilterSet


class DomainViewSet(FlatReadOnlyViewSet):
    queryset = Domain.objects.all()
    serializer_class = DomainSerializer
    filterset_class = DomainFilterSet


class TeamViewSet(FlatReadOnlyViewSet):
    queryset = Team.objects.all()
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet


class FoundationViewSet(FlatReadOnlyViewSet):
    queryset = Foundation.objects.all()
    serializer_class = FoundationSerializer
    filterset_class = FoundationFilterSet


# The version of a use case as an HTTP validator: the ETag of a read, the If-Match of an edit.
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description='The use case\'s version, e.g. "3": send it back as If-Match to edit what you read.',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    pattern=r'^(W/)?"?[0-9]{1,10}"?$',
    description='The ETag of the use case you read, e.g. "3": if someone saved it since, the edit is a 409 '
    "naming what changed. Without it the last save wins.",
)


@extend_schema_view(
    create=extend_schema(description="Create a draft use case through the same service as the forms."),
    retrieve=extend_schema(parameters=[ETAG]),
    partial_update=extend_schema(
        description="Edit content while the use case is a draft or changes were requested (the committee: any time).",
        parameters=[IF_MATCH, ETAG],
    ),
)
class UseCaseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, FlatReadOnlyViewSet):
    """Use cases the requester may see: everything past draft, plus the drafts of their teams (the
    committee sees every draft; API tokens see none)."""

    serializer_class = UseCaseSerializer
    filterset_class = UseCaseFilterSet
    # Edits are partial (PATCH): a PUT that left out a field would blank it or reassign the owner.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return use_case_list(actor=visibility_actor(self.request))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        functions, foundations = data.pop("functions", None), data.pop("foundations", None)
        use_case = services.use_case_create(actor=request.user, data=data, functions=functions, foundations=foundations)
        return self.written_response(use_case.pk, status_code=201)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def update(self, request, *args, **kwargs):
        """A PATCH may say which version it was made from (`If-Match: "<version>"`, the ETag of the
        read): when someone saved since, it is refused (409, with what changed and who changed it)
        instead of overwriting their change. Without If-Match the last save wins."""
        partial = kwargs.pop("partial", False)
        expected_version = _if_match_version(request)
        use_case = self.get_object()
        serializer = self.get_serializer(use_case, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        functions, foundations = data.pop("functions", None), data.pop("foundations", None)
        services.use_case_update(
            actor=request.user,
            use_case=use_case,
            data=data,
            functions=functions,
            foundations=foundations,
            expected_version=expected_version,
        )
        response = self.written_response(use_case.pk)
        response["ETag"] = f'"{response.data["version"]}"'
        return response


def _if_match_version(request) -> int | None:
    """The version an If-Match header names ("3" or W/"3"), None without one; 400 when it names none."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise ValidationError({"If-Match": [gettext('Give the ETag of the use case you read, e.g. If-Match: "3".')]})
    return int(value)
