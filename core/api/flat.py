"""Rows straight from the database, shaped by a serializer's fields.

A serializer names the columns; `FlatRowSpec` reads them with one `values_list()` and, per to-many
column, one more query for the whole page or batch. No model instance and no serializer call per row:
that is what keeps 10,000-row pages and 100,000-row CSV exports close to a bare `values()`.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import islice
from typing import Any

import orjson
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import CharField, F, Func, Lookup, QuerySet
from rest_framework import serializers

# Rows per batch when streaming: one to-many query per batch, bounded memory.
STREAM_BATCH_SIZE = 2000
# How list values are joined into one CSV cell.
CSV_LIST_SEPARATOR = "|"


class Ids:
    """A list of values handed to `AnyOf` as one parameter: Django would otherwise resolve each of
    10,000 elements as a possible expression."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = list(values)


class AnyOf(Lookup):
    """`filter(AnyOf(F("pk"), Ids([...])))`: one array parameter on PostgreSQL (`= ANY(%s)`) instead
    of thousands of placeholders for the driver to parse; a plain IN elsewhere. Used as an expression,
    not registered as a lookup: importing this module changes no Django field."""

    lookup_name = "any_of"
    prepare_rhs = False

    def _values(self) -> list:
        return self.rhs.values if isinstance(self.rhs, Ids) else list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self._values()
        if not values:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self._values()
        db_type = self.lhs.output_field.db_type(connection)
        if db_type in ("bigint", "integer") and all(type(v) is int for v in values):
            # An array literal in one string: the driver would adapt 10,000 ints one by one.
            return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, "{" + ",".join(map(str, values)) + "}"]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


@dataclass(frozen=True)
class FlatColumn:
    name: str  # the key in JSON and the header in CSV
    path: str  # the values_list() lookup
    many: bool = False  # a to-many relation: read in one extra query per batch
    csv: Callable[[Any], Any] | None = None  # turns the value into a CSV cell, when str() would not do
    timestamp: bool = False  # formatted by the database where it can

    def select(self, vendor: str):
        if self.timestamp and vendor == "postgresql":
            return IsoTimestamp(F(self.path))
        return self.path


def csv_datetime_cell(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


class IsoTimestamp(Func):
    """A timestamp formatted as ISO 8601 in UTC by PostgreSQL itself. Parsing 30,000 timestamps into
    datetimes only to print them again is most of the cost of a 10,000-row page; the database
    formats them faster, with full microsecond precision."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    output_field = CharField()


def csv_list_cell(value) -> str:
    """The one encoding of a list in a CSV cell, for lists and single rows alike: values joined by |."""
    return CSV_LIST_SEPARATOR.join(str(v) for v in value) if value else ""


def csv_json_cell(value) -> str:
    # Through `dumps`: an error body rendered as CSV has list indexes as keys ({"journey_stages": {0: [...]}}).
    return dumps(value).decode() if value not in (None, "") else ""


def _column_for(name: str, field: serializers.Field) -> FlatColumn:
    source = field.source
    if source == "*" or isinstance(field, serializers.SerializerMethodField | serializers.HiddenField):
        raise ImproperlyConfigured(f"{name}: flat rows need a field with a database source, not {type(field)}")
    path = source.replace(".", "__")
    if isinstance(field, serializers.ManyRelatedField):
        child = field.child_relation
        target = getattr(child, "slug_field", "pk")
        return FlatColumn(name, f"{path}__{target}", many=True, csv=csv_list_cell)
    if isinstance(field, serializers.SlugRelatedField):
        return FlatColumn(name, f"{path}__{field.slug_field}")
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return FlatColumn(name, path)
    if isinstance(field, serializers.DateTimeField):
        return FlatColumn(name, path, csv=csv_datetime_cell, timestamp=True)
    if isinstance(field, serializers.ListField | serializers.MultipleChoiceField):
        return FlatColumn(name, path, csv=csv_list_cell)
    if isinstance(field, serializers.JSONField | serializers.DictField):
        return FlatColumn(name, path, csv=csv_json_cell)
    return FlatColumn(name, path)


class FlatRowSpec:
    """The columns of a serializer, read as flat rows. The serializer must include `id`."""

    def __init__(self, serializer_class: type[serializers.Serializer]):
        fields = serializer_class().fields
        self.columns = [
            _column_for(name, field) for name, field in fields.items() if not getattr(field, "write_only", False)
        ]
        self.scalar = [c for c in self.columns if not c.many]
        self.many = [c for c in self.columns if c.many]
        # Scalar columns first, then to-many ones: the order of JSON keys and of CSV columns.
        self.columns = self.scalar + self.many
        self.names = [c.name for c in self.columns]
        self.scalar_names = tuple(c.name for c in self.scalar)
        self.scalar_paths = tuple(c.path for c in self.scalar)
        if "id" not in self.scalar_names:
            raise ImproperlyConfigured(f"{serializer_class.__name__} must include the id field for flat rows")
        self._id_index = self.scalar_names.index("id")
        self._csv_converters = [(i, c.csv) for i, c in enumerate(self.columns) if c.csv is not None]
        # {to-many column name: queryset of the related rows it may show}; see `restricted`.
        self.restrictions: dict[str, QuerySet] = {}

    def restricted(self, **querysets: QuerySet) -> FlatRowSpec:
        """A copy whose named to-many columns keep only related rows in the given querysets, e.g. a
        meeting's agenda without the use cases the requester may not see."""
        spec = copy.copy(self)
        spec.restrictions = {**self.restrictions, **querysets}
        return spec

    # JSON: lists of dicts ---------------------------------------------------------------------------

    def select(self, queryset: QuerySet) -> QuerySet:
        vendor = connections[queryset.db].vendor
        return queryset.prefetch_related(None).values_list(*(c.select(vendor) for c in self.scalar))

    def rows(self, queryset: QuerySet) -> list[dict[str, Any]]:
        """Timestamps come as ISO 8601 strings on PostgreSQL and as aware datetimes elsewhere; both
        render the same in JSON and CSV."""
        return self._dicts(queryset.model, list(self.select(queryset)))

    def _dicts(self, model, tuples: list[tuple]) -> list[dict[str, Any]]:
        names = self.scalar_names
        rows = [dict(zip(names, t, strict=True)) for t in tuples]
        if self.many and rows:
            ids = [t[self._id_index] for t in tuples]
            for column in self.many:
                values = self._many_values(model, column, ids, self.restrictions.get(column.name))
                for row in rows:
                    row[column.name] = values.get(row["id"], [])
        return rows

    @staticmethod
    def _many_values(model, column: FlatColumn, ids: list, restriction: QuerySet | None = None) -> dict[Any, list]:
        """{row id: [values]} for one to-many column, in one query. A many-to-many is read from its
        through table, without joining the rows' own table again."""
        relation, _, rest = column.path.partition("__")
        field = model._meta.get_field(relation)
        if field.many_to_many and not field.auto_created:
            through = field.remote_field.through
            owner = f"{field.m2m_field_name()}_id"
            value = f"{field.m2m_reverse_field_name()}__{rest}" if rest else f"{field.m2m_reverse_field_name()}_id"
            pairs = through._base_manager.filter(AnyOf(F(owner), Ids(ids)))
            if restriction is not None:
                pairs = pairs.filter(**{f"{field.m2m_reverse_field_name()}__in": restriction.values("pk")})
        else:
            owner, value = "pk", column.path
            pairs = model._base_manager.filter(AnyOf(F("pk"), Ids(ids)), **{f"{value}__isnull": False})
            if restriction is not None:
                pairs = pairs.filter(**{f"{relation}__in": restriction.values("pk")})
        found: dict[Any, list] = defaultdict(list)
        # Sorting each short list here is cheaper than an ORDER BY over the whole batch.
        for pk, item in pairs.order_by().values_list(owner, value):
            found[pk].append(item)
        for items in found.values():
            if len(items) > 1:
                items.sort()
        return found

    # CSV: header, then lists of cells, streamed in batches ---------------------------------------------

    def csv_lines(self, queryset: QuerySet) -> Iterator[list]:
        """The header, then one list of cells per row, reading the queryset in batches."""
        yield self.names
        model = queryset.model
        id_index = self._id_index
        converters = self._csv_converters
        iterator = self.select(queryset).iterator(chunk_size=STREAM_BATCH_SIZE)
        while batch := list(islice(iterator, STREAM_BATCH_SIZE)):
            many_values = []
            if self.many:
                ids = [t[id_index] for t in batch]
                many_values = [
                    self._many_values(model, column, ids, self.restrictions.get(column.name)) for column in self.many
                ]
            for t in batch:
                cells = list(t)
                for values in many_values:
                    cells.append(values.get(t[id_index], []))
                for i, convert in converters:
                    cells[i] = convert(cells[i])
                yield cells


@cache
def flat_spec(serializer_class: type[serializers.Serializer]) -> FlatRowSpec:
    return FlatRowSpec(serializer_class)


def orjson_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    # Lazy translations and other str-like objects.
    return str(value)


def dumps(data, *, indent: bool = False) -> bytes:
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(data, default=orjson_default, option=option)
