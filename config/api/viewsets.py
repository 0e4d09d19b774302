"""The base viewsets: every list and detail answers flat rows (see config/api/__init__.py)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, StreamingHttpResponse
from rest_framework import status
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from domains.models import UseCase
from domains.selectors import use_case_visibility_filter

from .flat import flat_spec
from .pagination import FlatPagination
from .permissions import ApiPermission, visibility_actor
from .renderers import CSVRenderer, FastJSONRenderer, stream_csv

_UNSET = object()


def request_visibility(request) -> Q | None:
    """The requester's use-case visibility (None: sees every use case), worked out once per request:
    it costs a permission query, and a list, its serializer and its to-many columns all ask."""
    visibility = getattr(request, "_use_case_visibility", _UNSET)
    if visibility is _UNSET:
        visibility = use_case_visibility_filter(visibility_actor(request))
        request._use_case_visibility = visibility
    return visibility


def visible_use_cases(request) -> QuerySet[UseCase]:
    visibility = request_visibility(request)
    return UseCase.objects.all() if visibility is None else UseCase.objects.filter(visibility)


def _path_is_nullable(model, path: str) -> bool:
    """Whether any hop of a `a__b` foreign-key path may be null."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


class FlatReadOnlyViewSet(GenericViewSet):
    """List and retrieve as flat rows, in JSON or CSV.

    - `serializer_class` names the columns (and validates input in writable subclasses).
    - `use_case_paths`: the foreign keys to UseCase through which visibility applies; a row shows
      only if every one of them is visible to the requester (a null one does not hide it).
    - `cursor_field`: the timestamp of the keyset cursor, `updated_at` unless the model has none.
    """

    lookup_value_regex = r"\d+"
    pagination_class = FlatPagination
    permission_classes = [ApiPermission]
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    use_case_paths: tuple[str, ...] = ()
    cursor_field = "updated_at"

    def get_queryset(self) -> QuerySet:
        return self.visible(super().get_queryset())

    def visible(self, queryset: QuerySet) -> QuerySet:
        if not self.use_case_paths:
            return queryset
        if request_visibility(self.request) is None:
            return queryset
        visible_ids = visible_use_cases(self.request).values("pk")
        for path in self.use_case_paths:
            condition = Q(**{f"{path}__in": visible_ids})
            if _path_is_nullable(queryset.model, path):
                condition |= Q(**{f"{path}__isnull": True})
            queryset = queryset.filter(condition)
        return queryset

    @property
    def flat(self):
        return flat_spec(self.get_serializer_class())

    def wants_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format == "csv"

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self.wants_csv():
            return self.csv_response(queryset)
        page = self.paginator.paginate_queryset(queryset, request, view=self)
        return self.paginator.get_paginated_response(self.flat.rows(page))

    def csv_response(self, queryset: QuerySet) -> StreamingHttpResponse:
        """Every row that matches the filters, streamed in batches: page parameters do not apply."""
        queryset = queryset.order_by(self.cursor_field, "pk")
        response = StreamingHttpResponse(
            stream_csv(self.flat.csv_lines(queryset)), content_type="text/csv; charset=utf-8"
        )
        name = self.basename or "export"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    def retrieve(self, request, *args, **kwargs):
        return Response(self.row(self.kwargs[self.lookup_url_kwarg or self.lookup_field]))

    def row(self, pk, *, only_visible: bool = True) -> dict:
        queryset = self.get_queryset() if only_visible else self.get_serializer_class().Meta.model._default_manager
        rows = self.flat.rows(queryset.filter(pk=pk))
        if not rows:
            raise Http404
        return rows[0]

    def written_response(self, pk, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The row just written, as the list shows it. Not filtered by visibility: a token may create a
        draft it will not list, and still gets back what it created."""
        return Response(self.row(pk, only_visible=False), status=status_code)
