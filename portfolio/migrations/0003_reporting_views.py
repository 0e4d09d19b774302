"""reporting.links: links between use cases past draft (see domains 0006 for the schema).

Superseded: every reporting view is now defined in reporting/sql.py and created after each
`migrate` (reporting/apps.py). This migration is kept, empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_dependency_cycle_trigger"), ("domains", "0006_reporting_views")]
    operations: list = []
