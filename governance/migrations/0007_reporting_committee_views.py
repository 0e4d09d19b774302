"""reporting.decisions, reporting.votes and reporting.committee_members: the committee's record for

Superseded: every reporting view is now defined in reporting/sql.py and created after each
`migrate` (reporting/apps.py). This migration is kept, empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_merge_workflow_and_reporting")]
    operations: list = []
