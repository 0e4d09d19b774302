"""The base viewsets: every list and detail answers flat rows (see core/api/__init__.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from rest_framework import status
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from .flat import flat_spec
from .pagination import FlatPagination
from .permissions import ApiPermission
from .renderers import CSVRenderer, FastJSONRenderer, stream_csv


class FlatReadOnlyViewSet(GenericViewSet):
    """List and retrieve as flat rows, in JSON or CSV.

    - `serializer_class` names the columns (and validates input in writable subclasses).
    - `visible(queryset)`: the rows the requester may see; apps that hide rows override it (see
      domains.api.visibility for use cases and the rows about them).
    - `cursor_field`: the timestamp of the keyset cursor, `updated_at` unless the model has none.
    """

    lookup_value_regex = r"[0-9]{1,18}"  # an id: 18 digits at most (a longer one is a JSON 404)
    pagination_class = FlatPagination
    permission_classes = [ApiPermission]
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    cursor_field = "updated_at"

    def get_queryset(self) -> QuerySet:
        return self.visible(super().get_queryset())

    def visible(self, queryset: QuerySet) -> QuerySet:
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
