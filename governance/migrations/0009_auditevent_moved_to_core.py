"""AuditEvent now belongs to core (core/migrations/0001_initial.py keeps its table and rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0008_field_history_for_access")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEvent")]),
    ]
