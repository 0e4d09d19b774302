"""On PostgreSQL, an API write on a row another transaction holds past lock_timeout answers a JSON 503
with Retry-After (not an HTML 500) and writes nothing; a deadlock or serialization failure answers a
retryable 409."""

import sqlite3

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from core.database import database_trouble
from core.models import AuditEvent
from domains.models import UseCase
from tests.factories import TeamFactory, UseCaseFactory, UserFactory
from tests.utils import RowLockedElsewhere


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_locked_row_answers_a_json_503_with_retry_after(postgres_only):
    member = UserFactory(username="patient")
    use_case = UseCaseFactory(team=TeamFactory(slug="patient-team", members=[member]), owner=member)
    client = APIClient()
    client.force_login(member)
    audit_before = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")

    with RowLockedElsewhere(UseCase._meta.db_table, use_case.pk):
        response = client.patch(f"/api/v1/use-cases/{use_case.pk}/", {"title": "Changed"}, format="json")

    connection.close()
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_busy"
    use_case.refresh_from_db()
    assert use_case.title != "Changed"
    assert AuditEvent.objects.count() == audit_before


class _Cause(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "status", "code"),
    [
        ("40P01", 409, "retry"),  # deadlock_detected
        ("40001", 409, "retry"),  # serialization_failure
        ("55P03", 503, "database_busy"),  # lock_not_available
        ("57014", 503, "database_busy"),  # query_canceled (statement_timeout)
        ("57P01", 503, "database_unavailable"),  # admin_shutdown (connection terminated)
        ("08006", 503, "database_unavailable"),  # connection_failure
    ],
)
def test_each_kind_of_trouble_has_its_answer(sqlstate, status, code):
    error = OperationalError("trouble")
    error.__cause__ = _Cause(sqlstate)
    trouble = database_trouble(error)
    assert (trouble.status, trouble.code) == (status, code)


def test_psycopg_losing_the_server_before_any_sqlstate_is_unavailable():
    import psycopg

    error = OperationalError("server closed the connection unexpectedly")
    error.__cause__ = psycopg.OperationalError("server closed the connection unexpectedly")
    assert database_trouble(error).code == "database_unavailable"


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (_Cause("42703"), None),  # PostgreSQL: undefined column, a bug
        (sqlite3.OperationalError("no such column: version"), None),  # SQLite: a bug, not an outage
        (sqlite3.OperationalError("too many SQL variables"), None),
        (sqlite3.OperationalError("database is locked"), "database_busy"),
    ],
)
def test_other_operational_errors_stay_errors(cause, expected):
    error = OperationalError(str(cause))
    error.__cause__ = cause
    trouble = database_trouble(error)
    assert (trouble.code if trouble else None) == expected
