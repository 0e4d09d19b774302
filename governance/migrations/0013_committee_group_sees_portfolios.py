"""The committee's admin group gets what it needs of the new portfolio models (see portfolios, change
them through the services, start clustering runs) on a group made before them (the demo's, a
deployment's); a new group gets them from governance.selectors.committee_admin_permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "AI steering committee"
GRANTED = [
    ("portfolio", "view_portfolio"),
    ("portfolio", "change_portfolio"),
    ("portfolio", "view_portfoliomembership"),
    ("portfolio", "view_clusteringrun"),
    ("portfolio", "add_clusteringrun"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    # Permissions of models created in this same migrate run do not exist until post_migrate.
    create_permissions(apps.get_app_config("portfolio"), verbosity=0, apps=apps)
    for app_label, codename in GRANTED:
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0012_committee_group_cannot_change_teams"),
        ("portfolio", "0006_portfolios_and_clustering_runs"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
