"""The one row of priority weights, with the settings' defaults, so the committee finds it in the admin."""

from django.conf import settings
from django.db import migrations


def create_row(apps, schema_editor):
    weights = apps.get_model("portfolio", "PriorityWeights")
    defaults = {name: float(value) for name, value in settings.PORTFOLIO_PRIORITY_WEIGHTS.items()}
    weights.objects.get_or_create(pk=1, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0012_duplicates")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
