from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _drop_before_migrate(sender, using, **kwargs):
    from django.db import connections

    from . import sql

    connection = connections[using]
    if connection.vendor == "postgresql":
        sql.drop_views(connection)


def _create_after_migrate(sender, using, plan=None, verbosity=1, **kwargs):
    """After a forward migrate, the views match the schema it produced. After a migration backwards
    they are left dropped: they describe the current schema, which an older one may not have; the next
    forward migrate creates them."""
    from django.db import connections

    from . import sql

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if any(backwards for _migration, backwards in plan or ()) or not _fully_migrated(connection):
        if verbosity:
            print(f"Reporting views left dropped until every migration is applied: run migrate ({using}).")
        return
    sql.create_views(connection)


def _fully_migrated(connection) -> bool:
    """The views describe the latest schema: a partial migrate (one app, or to a named migration)
    may leave tables they read missing."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Reporting views")

    def ready(self) -> None:
        pre_migrate.connect(_drop_before_migrate, sender=self, dispatch_uid="reporting.drop_views")
        post_migrate.connect(_create_after_migrate, sender=self, dispatch_uid="reporting.create_views")
