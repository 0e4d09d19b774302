"""The audit trail is append-only: no path in the code, the admin or the API edits or deletes it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from core.exceptions import AppendOnlyError
from core.models import AuditEvent
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world):
    advance(world, "submitted")
    return AuditEvent.objects.get(action="workflow.submit")


def test_the_model_refuses_update_and_delete(event):
    event.action = "workflow.forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="workflow.forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "workflow.submit"


def test_the_database_refuses_update_and_delete_on_postgresql(postgres_only, event):
    for sql in (
        "UPDATE core_auditevent SET action = 'forged' WHERE id = %s",
        "UPDATE core_auditevent SET actor_id = NULL, actor_name = 'someone' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="workflow.submit").exists()


def test_the_admin_shows_the_trail_but_offers_no_edit_delete_or_add(admin_client, event):
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content

    assert admin_client.post(change_url, {"action": "workflow.forged"}).status_code == 403
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403

    changelist = admin_client.get(reverse("admin:core_auditevent_changelist"))
    assert changelist.status_code == 200
    assert b'name="action"' not in changelist.content  # no bulk actions, not even delete
    response = admin_client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action == "workflow.submit"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_the_api_offers_no_way_to_write_the_trail(world, event, method, staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    count = AuditEvent.objects.count()
    for path in (f"/api/v1/audit-events/{event.pk}/", "/api/v1/audit-events/"):
        response = getattr(client, method)(path, {"action": "workflow.forged"}, format="json")
        # 405 where a read-only endpoint exists, 404 where none does: never a write
        assert response.status_code in (403, 404, 405), (method, path, response.status_code)
    event.refresh_from_db()
    assert event.action == "workflow.submit"
    assert AuditEvent.objects.count() == count


def test_the_actor_name_outlives_the_user(world, event):
    actor = event.actor
    assert event.actor_name == "team-member"
    # the workflow keeps what the user did (PROTECT on votes, decisions); a user with only audit rows can go
    actor.teams.clear()
    actor.delete()
    event.refresh_from_db()
    assert (event.actor, event.actor_name) == (None, "team-member")
