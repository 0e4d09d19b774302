"""The committee's admin group no longer changes teams (who belongs to a team is an administrator's
change), nor creates or deletes committees or memberships: remove those permissions from a group
made before (the demo's, a deployment's)."""

from django.db import migrations

GROUP = "AI steering committee"
WITHDRAWN = [
    ("domains", "add_team"),
    ("domains", "change_team"),
    ("domains", "delete_team"),
    ("governance", "add_committee"),
    ("governance", "delete_committee"),
    ("governance", "delete_committeemembership"),
]


def withdraw(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    for app_label, codename in WITHDRAWN:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0011_text_limits"),
    ]

    operations = [migrations.RunPython(withdraw, migrations.RunPython.noop)]
