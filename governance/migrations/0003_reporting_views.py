"""reporting.audit_events: the audit trail, without events about drafts. Views over several apps

Superseded: every reporting view is now defined in reporting/sql.py and created after each
`migrate` (reporting/apps.py). This migration is kept, empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_audit_append_only_trigger"),
        ("portfolio", "0003_reporting_views"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations: list = []
