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
import hashlib
import re

from django.core.paginator import InvalidPage
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_SIZE = 50
CURSOR_PAGE_SIZE = 1000
# One bound for both ways through a list: a schema cannot make a parameter's range depend on another
# parameter, and a bound the schema does not state is a 400 that no client can foresee.
MAX_PAGE_SIZE = MAX_CURSOR_PAGE_SIZE = 10_000
MODES = ("page", "cursor")
# Far past any last page; a bound keeps int() from reading a number of thousands of digits.
MAX_PAGE_NUMBER = 10**18


# A cursor as we write it: the position's instant in UTC (as PostgreSQL or Python print it), the id,
# and a short digest of the list's path.
CURSOR_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?\+00:00")
MAX_CURSOR_LENGTH = 200


def cursor_scope(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:8]


def _whole_number(text: str) -> bool:
    """Digits only: int() would also take " 5", "+5", "5_0" and "٥"."""
    return text.isascii() and text.isdigit() and len(text) <= 19


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
        # An empty cursor is no cursor, as any empty parameter is none.
        return bool(params.get(self.cursor_query_param)) or params.get(self.mode_query_param) == "cursor"

    def parameter_problems(self, params, path: str) -> dict[str, str]:
        """What is wrong with the pagination parameters of a query to the list at `path`, by name.
        Checked on every list request, CSV too (where they do not apply, but a wrong one is still a
        mistake to say)."""
        problems = {}
        mode = params.get(self.mode_query_param) or ""
        if mode not in ("", *MODES):
            problems[self.mode_query_param] = _("Give page or cursor.")
        size = params.get(self.page_size_query_param) or ""
        if size and not (_whole_number(size) and 1 <= int(size) <= MAX_PAGE_SIZE):
            problems[self.page_size_query_param] = _("Must be a whole number from 1 to %(max)d.") % {
                "max": MAX_PAGE_SIZE
            }
        number = params.get(self.page_query_param) or ""
        if number and not (_whole_number(number) and 1 <= int(number) <= MAX_PAGE_NUMBER):
            problems[self.page_query_param] = _("Must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_NUMBER}
        cursor = params.get(self.cursor_query_param) or ""
        if cursor:
            try:
                self.decode_cursor(cursor, path)
            except ValidationError:
                problems[self.cursor_query_param] = _("Invalid cursor: follow the next link as given.")
        return problems

    def _page_size(self, request, *, default: int) -> int:
        return int(request.query_params.get(self.page_size_query_param) or default)

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> QuerySet:
        self.request = request
        problems = self.parameter_problems(request.query_params, request.path)
        if problems:
            raise ValidationError({name: [message] for name, message in problems.items()})
        self.cursor_mode = self.is_cursor_request(request)
        if self.cursor_mode:
            return self._cursor_page(queryset, request, view)
        return self._number_page(queryset, request)

    # Page numbers ------------------------------------------------------------------------------------

    def _number_page(self, queryset: QuerySet, request) -> QuerySet:
        self.page_size = self._page_size(request, default=PAGE_SIZE)
        paginator = DjangoPaginator(_ordered_with_pk(queryset), self.page_size)
        number = request.query_params.get(self.page_query_param) or "1"
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(_("Invalid page %(page)s: %(reason)s") % {"page": number, "reason": exc})
        return self.page.object_list

    # Keyset cursor -----------------------------------------------------------------------------------

    def _cursor_page(self, queryset: QuerySet, request, view) -> QuerySet:
        self.page_size = self._page_size(request, default=CURSOR_PAGE_SIZE)
        self.cursor_field = getattr(view, "cursor_field", "updated_at")
        field = self.cursor_field
        queryset = queryset.order_by(field, "pk")
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            position, pk = self.decode_cursor(raw, request.path)
            # The first condition lets the (field, id) index start the scan at the cursor.
            queryset = queryset.filter(
                Q(**{f"{field}__gte": position}) & (Q(**{f"{field}__gt": position}) | Q(pk__gt=pk))
            )
        # One row more than asked: whether there is a next page, without a count.
        return queryset[: self.page_size + 1]

    def decode_cursor(self, raw: str, path: str | None = None) -> tuple[datetime.datetime, int]:
        """The position a cursor of ours holds, checked as strictly as it was written: a UTC instant,
        an id, and the list it came from (a cursor of another list would skip rows of this one)."""
        try:
            if len(raw) > MAX_CURSOR_LENGTH:
                raise ValueError("long")
            stamp, pk, scope = base64.urlsafe_b64decode(raw.encode()).decode().split("|")
            if not CURSOR_STAMP.fullmatch(stamp) or not _whole_number(pk) or int(pk) >= 2**63:
                raise ValueError("not ours")
            if path is not None and scope != cursor_scope(path):
                raise ValueError("another list")
            return datetime.datetime.fromisoformat(stamp).astimezone(datetime.timezone.utc), int(pk)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ValidationError({self.cursor_query_param: [_("Invalid cursor: follow the next link as given.")]})

    @staticmethod
    def encode_cursor(position: datetime.datetime | str, pk: int, path: str) -> str:
        """`position` in UTC, as the rows give it; `path`: the list's, which alone takes the cursor."""
        stamp = position if isinstance(position, str) else position.astimezone(datetime.timezone.utc).isoformat()
        return base64.urlsafe_b64encode(f"{stamp}|{pk}|{cursor_scope(path)}".encode()).decode()

    # Responses ---------------------------------------------------------------------------------------

    def get_paginated_response(self, data: list[dict]) -> Response:
        if self.cursor_mode:
            next_url = None
            if len(data) > self.page_size:
                data = data[: self.page_size]
                last = data[-1]
                cursor = self.encode_cursor(last[self.cursor_field], last["id"], self.request.path)
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
                "description": "Page number (page-number pagination); past the last page is a 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": (
                    f"Rows per page, up to {MAX_PAGE_SIZE}: {PAGE_SIZE} by default with page numbers, "
                    f"{CURSOR_PAGE_SIZE} with the cursor."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_CURSOR_PAGE_SIZE},
            },
            {
                "name": self.mode_query_param,
                "in": "query",
                "required": False,
                "description": "`cursor` for bulk pulls: keyset pages over (updated_at, id), follow `next`.",
                "schema": {"type": "string", "enum": list(MODES)},
            },
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position taken from a previous `next` link.",
                "schema": {"type": "string"},
            },
        ]
