"""On PostgreSQL, when the database cannot serve a write in time (a row locked by a long transaction
past lock_timeout) or loses the connection, the team form comes back with everything the person
typed and a message saying nothing was saved (503, Retry-After). Nothing is half-written."""

import pytest
from django.db import connection

from core.models import AuditEvent
from domains.models import UseCase
from tests.utils import RowLockedElsewhere, terminate_backend
from tests.web.test_web_edit import edit_url, form_data

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPED_TITLE = "A title typed while the row was locked"


@pytest.fixture
def short_lock_timeout(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    yield
    connection.close()  # the next test opens a connection with the configured timeouts


def test_the_configured_timeouts_are_set_on_every_connection(postgres_only, settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        lock_timeout = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        statement_timeout = cursor.fetchone()[0]
    assert settings.DB_LOCK_TIMEOUT_MS == 5000 and lock_timeout == "5s"
    assert settings.DB_STATEMENT_TIMEOUT_MS == 30000 and statement_timeout == "30s"


def test_a_locked_row_gives_the_form_back_with_the_input_and_a_503(short_lock_timeout, alice_client, org):
    use_case = org.use_case()
    audit_before = AuditEvent.objects.count()

    with RowLockedElsewhere(UseCase._meta.db_table, use_case.pk):
        response = alice_client.post(edit_url(use_case), form_data(org, title=TYPED_TITLE))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert f'value="{TYPED_TITLE}"' in page
    assert "Fresh produce is thrown away at closing time." in page  # a textarea keeps its text too
    assert "The database is busy" in page and "nothing was saved" in page
    use_case.refresh_from_db()
    assert use_case.title != TYPED_TITLE
    assert AuditEvent.objects.count() == audit_before


def test_a_lost_connection_gives_the_form_back_with_the_input(postgres_only, alice_client, org):
    use_case = org.use_case()

    def kill_own_connection_on_lock(execute, sql, params, many, context):
        # The connection dies as the save takes its first lock, half way through the request.
        if "FOR UPDATE" in sql:
            terminate_backend(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(kill_own_connection_on_lock):
        response = alice_client.post(edit_url(use_case), form_data(org, title=TYPED_TITLE))

    assert response.status_code == 503
    page = response.content.decode()
    assert f'value="{TYPED_TITLE}"' in page
    assert "cannot be reached" in page
    connection.close()
    use_case.refresh_from_db()
    assert use_case.title != TYPED_TITLE
