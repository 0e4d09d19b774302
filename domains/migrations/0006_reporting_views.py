"""The `reporting` schema: flat, documented views for BI tools that read PostgreSQL directly

Superseded: every reporting view is now defined in reporting/sql.py and created after each
`migrate` (reporting/apps.py). This migration is kept, empty, for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("domains", "0005_api_token")]
    operations: list = []
