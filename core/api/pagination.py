"""Two ways through a list.

- Page numbers for people (`?page=2&page_size=50`): `{"count", "next", "previous", "results"}`.
- A keyset cursor for bulk pulls (`?pagination=cursor&page_size=10000`, then follow `next`):
  `{"next", "results"}`, ordered by (updated_at, id) ascending. The cursor is the last row's
  (updated_at, id), not an offset, so rows inserted, changed or deleted while a client pages neither
  shift nor hide the rows it has not read yet: nothing is skipped, an unchanged row is delivered once,
  and a row changed during the pull moves past the cursor and is delivered again with its new
  values. Power BI and Tableau combine this with `updated_since` for incremental refresh.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from django.core.paginator import InvalidPage
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
CURSOR_PAGE_SIZE = 1000
MAX_CURSOR_PAGE_SIZE = 10_000


def _ordered_with_pk(queryset: QuerySet) -> QuerySet:
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if not any(term.lstrip("-") in ("id", "pk") for term in ordering if isinstance(term, str)):
        ordering.append("-pk" if ordering and str(ordering[0]).startswith("-") else "pk")
    return queryset.order_by(*ordering)


class FlatPagination(BasePagination):
    """Page numbers by default; the keyset cursor when the request asks for it. The view hands back
    flat rows (dicts) for the page queryset this returns."""

    page_query_param = "page"
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    mode_query_param = "pagination"

    def is_cursor_request(self, request) -> bool:
        params = request.query_params
        return self.cursor_query_param in params or params.get(self.mode_query_param) == "cursor"

    def _page_size(self, request, *, default: int, maximum: int) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return default
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= maximum:
            raise ValidationError(
                {self.page_size_query_param: [_("Must be a whole number from 1 to %(max)d.") % {"max": maximum}]}
            )
        return size

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> QuerySet:
        self.request = request
        self.cursor_mode = self.is_cursor_request(request)
        if self.cursor_mode:
            return self._cursor_page(queryset, request, view)
        return self._number_page(queryset, request)

    # Page numbers ------------------------------------------------------------------------------------

    def _number_page(self, queryset: QuerySet, request) -> QuerySet:
        self.page_size = self._page_size(request, default=PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        paginator = DjangoPaginator(_ordered_with_pk(queryset), self.page_size)
        number = request.query_params.get(self.page_query_param) or 1
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(_("Invalid page %(page)s: %(reason)s") % {"page": number, "reason": exc})
        return self.page.object_list

    # Keyset cursor -----------------------------------------------------------------------------------

    def _cursor_page(self, queryset: QuerySet, request, view) -> QuerySet:
        self.page_size = self._page_size(request, default=CURSOR_PAGE_SIZE, maximum=MAX_CURSOR_PAGE_SIZE)
        self.cursor_field = getattr(view, "cursor_field", "updated_at")
        field = self.cursor_field
        queryset = queryset.order_by(field, "pk")
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            position, pk = self.decode_cursor(raw)
            # The first condition lets the (field, id) index start the scan at the cursor.
            queryset = queryset.filter(
                Q(**{f"{field}__gte": position}) & (Q(**{f"{field}__gt": position}) | Q(pk__gt=pk))
            )
        # One row more than asked: whether there is a next page, without a count.
        return queryset[: self.page_size + 1]

    def decode_cursor(self, raw: str) -> tuple[datetime.datetime, int]:
        try:
            text = base64.urlsafe_b64decode(raw.encode()).decode()
            stamp, pk = text.rsplit("|", 1)
            position = datetime.datetime.fromisoformat(stamp)
            if position.tzinfo is None:
                raise ValueError("naive")
            return position, int(pk)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ValidationError({self.cursor_query_param: [_("Invalid cursor: follow the next link as given.")]})

    @staticmethod
    def encode_cursor(position: datetime.datetime | str, pk: int) -> str:
        stamp = position if isinstance(position, str) else position.isoformat()
        return base64.urlsafe_b64encode(f"{stamp}|{pk}".encode()).decode()

    # Responses ---------------------------------------------------------------------------------------

    def get_paginated_response(self, data: list[dict]) -> Response:
        if self.cursor_mode:
            next_url = None
            if len(data) > self.page_size:
                data = data[: self.page_size]
                last = data[-1]
                cursor = self.encode_cursor(last[self.cursor_field], last["id"])
                url = self.request.build_absolute_uri()
                next_url = replace_query_param(url, self.cursor_query_param, cursor)
            return Response({"next": next_url, "results": data})
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self._number_link(self.page.next_page_number() if self.page.has_next() else None),
                "previous": self._number_link(self.page.previous_page_number() if self.page.has_previous() else None),
                "results": data,
            }
        )

    def _number_link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    # Schema ------------------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Total rows matching the filters (page-number pagination only).",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Page-number pagination only.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "Page number (page-number pagination).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": (
                    f"Rows per page: up to {MAX_PAGE_SIZE} with page numbers (default {PAGE_SIZE}), "
                    f"up to {MAX_CURSOR_PAGE_SIZE} with the cursor (default {CURSOR_PAGE_SIZE})."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_CURSOR_PAGE_SIZE},
            },
            {
                "name": self.mode_query_param,
                "in": "query",
                "required": False,
                "description": "`cursor` for bulk pulls: keyset pages over (updated_at, id), follow `next`.",
                "schema": {"type": "string", "enum": ["page", "cursor"]},
            },
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position taken from a previous `next` link.",
                "schema": {"type": "string"},
            },
        ]
