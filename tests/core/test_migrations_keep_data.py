"""The audit trail and the API tokens moved to core by renaming their tables: a database migrated
before the move keeps every row, and the content types (hence permissions and the audit trail's
target types) keep their ids."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.utils import migrate_with_executor

BEFORE_THE_MOVE = [("domains", "0007_field_history_for_access"), ("governance", "0008_field_history_for_access")]


def _migrate(targets):
    return migrate_with_executor(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_the_audit_trail_and_tokens_to_core_keeps_rows_and_content_types():
    # given: a database as it was before the move, with a token and an audit event about it
    old = _migrate(BEFORE_THE_MOVE)
    user = old.get_model("domains", "User").objects.create(username="holder")
    token = old.get_model("domains", "ApiToken").objects.create(
        name="Power BI", user=user, prefix="abc123", key_hash="0" * 64
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="domains", model="apitoken"
    )[0]
    event = old.get_model("governance", "AuditEvent").objects.create(
        actor=user,
        actor_name="holder",
        action="api_token.created",
        target_type=content_type,
        target_id=str(token.pk),
        target_repr="Power BI",
        data={"name": "Power BI"},
    )

    # when
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    # then
    from django.contrib.contenttypes.models import ContentType

    from core.models import ApiToken, AuditEvent

    ContentType.objects.clear_cache()
    assert ApiToken.objects.get(pk=token.pk).name == "Power BI"
    moved = AuditEvent.objects.get(pk=event.pk)
    assert (moved.action, moved.data) == ("api_token.created", {"name": "Power BI"})
    assert moved.target_type_id == content_type.pk
    assert (moved.target_type.app_label, moved.target_type.model) == ("core", "apitoken")
    assert ContentType.objects.get_for_model(ApiToken).pk == content_type.pk
    tables = connection.introspection.table_names()
    assert {"core_auditevent", "core_apitoken"} <= set(tables)
    assert not {"governance_auditevent", "domains_apitoken"} & set(tables)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgfoid::regproc::text FROM pg_trigger WHERE tgname = %s",
                ["audit_append_only"],
            )
            assert cursor.fetchall() == [("core_auditevent", "core_audit_append_only")]
