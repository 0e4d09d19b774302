"""The committee's admin group (one made before imports existed: the demo's, a deployment's) may import
an inventory and see the import runs and mappings; a new group gets them from
governance.selectors.committee_admin_permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "AI steering committee"
GRANTED = [
    ("domains", "import_use_cases"),
    ("exchange", "view_importrun"),
    ("exchange", "add_importrun"),
    ("exchange", "view_importmapping"),
    ("exchange", "add_importmapping"),
    ("exchange", "change_importmapping"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    # Permissions of models created in this same migrate run do not exist until post_migrate.
    for app in ("domains", "exchange"):
        create_permissions(apps.get_app_config(app), verbosity=0, apps=apps)
    for app_label, codename in GRANTED:
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("domains", "0015_imports"),
        ("exchange", "0001_initial"),
        ("governance", "0016_measurement_push_permission"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
