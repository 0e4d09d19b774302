"""Bulk writes for the jobs that create thousands of rows at once (a clustering run's new portfolios),
where Django's `bulk_create` spends its time quoting every value in Python.

On PostgreSQL, `copy_create` reserves the ids from the table's sequence and sends the rows with
COPY; on other databases (the embedded SQLite of `make run`) it is `bulk_create`. Either way each
object comes back with its primary key, its `auto_now` fields filled, and marked saved. Signals are
not sent (as with `bulk_create`).

`copy_create_with_history` does the same for a model with django-simple-history, writing the
"created" history rows that `bulk_create_with_history` would."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import orjson
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

BATCH_SIZE = 5000


def copy_create(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if isinstance(meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            missing = [obj for obj in objs if obj.pk is None]
            if missing:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [quote(meta.db_table), meta.pk.column, len(missing)],
                )
                for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                    obj.pk = pk
        columns = ", ".join(quote(field.column) for field in fields)
        prepare = [_preparer(field) for field in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([to_db(field.pre_save(obj, True)) for field, to_db in zip(fields, prepare, strict=True)])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


# Fields whose Python value psycopg sends as it is (Django's preparation only converts types these
# already have): checking the type is a tenth of the cost of get_db_prep_save. IntegerField covers
# the big, small, positive and auto integer fields, which all derive from it.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.DecimalField,
    models.ForeignKey,
)
_PLAIN_TYPES = (str, int, bool, float, Decimal)


def _preparer(field: models.Field):
    """How a value of `field` is sent: JSON without a custom encoder as orjson text (COPY casts it to
    jsonb; Django's own path goes through json.dumps, a tenth of the speed), plain values of plain
    fields and aware datetimes as they are, the rest as Django prepares them."""
    if isinstance(field, models.JSONField) and field.encoder is None:
        return lambda value: None if value is None else orjson.dumps(value).decode()

    def prepare(value):
        return field.get_db_prep_save(value, connection)

    if isinstance(field, models.DateTimeField):
        return lambda value: value if isinstance(value, datetime) and value.tzinfo is not None else prepare(value)
    if isinstance(field, _PLAIN_FIELDS):
        return lambda value: value if value is None or type(value) in _PLAIN_TYPES else prepare(value)
    return prepare


def copy_create_with_history(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """`copy_create`, and one "created" history row per object (no user: a job wrote them)."""
    if connection.vendor != "postgresql":
        return bulk_create_with_history(objs, model, batch_size=BATCH_SIZE)
    created = copy_create(model, objs)
    history = model.history.model
    now = timezone.now()
    copy_create(
        history,
        [
            history(
                history_date=now,
                history_user=None,
                history_change_reason="",
                history_type="+",
                **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields},
            )
            for obj in created
        ],
    )
    return created


def bulk_set(model: type[models.Model], objs: list[models.Model], fields: list[str]) -> None:
    """Write `fields` of saved objects, each its own values. On PostgreSQL one UPDATE ... FROM over
    the arrays of the values (unnest), instead of the CASE per field and row that `bulk_update`
    builds and PostgreSQL then plans; elsewhere `bulk_update`. `auto_now` fields are not touched."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=BATCH_SIZE)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    selects = ", ".join(
        [f"unnest(%s::{pk.db_type(connection)}[]) AS {quote(pk.column)}"]
        + [f"unnest(%s::{field.db_type(connection).split('(')[0]}[]) AS {quote(field.column)}" for field in columns]
    )
    key = quote(pk.column)
    sql = f"UPDATE {table} SET {assignments} FROM (SELECT {selects}) AS v WHERE {table}.{key} = v.{key}"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH_SIZE):
            batch = objs[start : start + BATCH_SIZE]
            params = [[obj.pk for obj in batch]] + [
                [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch] for field in columns
            ]
            cursor.execute(sql, params)
