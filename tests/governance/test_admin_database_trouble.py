"""On PostgreSQL, an admin action on a use case whose row another transaction holds past lock_timeout
answers a 503 page that says nothing was saved and when to retry, not a 500."""

import pytest
from django.db import connection

from core.models import AuditEvent
from domains.models import UseCase
from tests.governance.conftest import advance
from tests.utils import RowLockedElsewhere

CHANGELIST = "/admin/domains/usecase/"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admin_action_on_a_locked_row_answers_503(postgres_only, committee_admin, world):
    advance(world, "submitted")
    client = committee_admin(world.secretary)
    audit_before = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")

    with RowLockedElsewhere(UseCase._meta.db_table, world.use_case.pk):
        response = client.post(CHANGELIST, {"action": "workflow_start_review", "_selected_action": [world.use_case.pk]})

    connection.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The database is busy" in response.content.decode()
    world.use_case.refresh_from_db()
    assert world.use_case.status == "submitted"
    assert AuditEvent.objects.count() == audit_before
