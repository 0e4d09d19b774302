"""reporting.audit_events: the audit trail, without events about drafts. Views over several apps
(decisions, KPI measurements) are added here as governance grows."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE VIEW reporting.audit_events AS
SELECT e.id, e.created_at, e.actor_name, e.action, ct.app_label || '.' || ct.model AS target_type,
       e.target_id, e.target_repr, e.use_case_id, u.reference AS use_case_reference, e.data::text AS data
FROM governance_auditevent e
JOIN django_content_type ct ON ct.id = e.target_type_id
LEFT JOIN domains_usecase u ON u.id = e.use_case_id
WHERE e.use_case_id IS NULL OR u.status <> 'draft';
COMMENT ON VIEW reporting.audit_events IS 'Who did what, when (append-only); data is the event details as JSON text.';
"""

DROP = "DROP VIEW IF EXISTS reporting.audit_events;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_audit_append_only_trigger"),
        ("portfolio", "0003_reporting_views"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
