import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_django(script: str, **env: str) -> dict:
    """Run `script` in a fresh Python process with Django settings built from `env` (the process
    environment minus DATABASE_URL/REDIS_URL unless given), and return the JSON it prints last."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    environment.update(env)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _other_postgres_session():
    """A second, real PostgreSQL session on the test database."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )


def terminate_backend(pid: int) -> None:
    """Kill a PostgreSQL session from another one, as a failover or an administrator would."""
    with _other_postgres_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


class RowLockedElsewhere:
    """Hold `SELECT ... FOR UPDATE` on rows from a second, real PostgreSQL session until the block ends,
    as another request in the middle of a long write would. Needs a transactional test (the rows must
    be committed for the other session to see them)."""

    def __init__(self, table: str, pk: int):
        self.table, self.pk = table, pk

    def __enter__(self):
        self.other = _other_postgres_session()
        self.other.execute("BEGIN")
        self.other.execute(f'SELECT 1 FROM "{self.table}" WHERE id = %s FOR UPDATE', [self.pk])
        return self

    def __exit__(self, *exc):
        self.other.execute("ROLLBACK")
        self.other.close()


def migrate_with_executor(targets):
    """Migrate to `targets` as the migrate command does, for tests that walk migrations back and
    forth: the executor sends no post_migrate, and reversing a migration that creates a table drops
    the reporting views that read it (DROP TABLE ... CASCADE), so once every migration is applied the
    views are created again, as `migrate` would. Returns the apps of the state reached."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor == "postgresql":
        from reporting import sql as reporting_sql

        reporting_sql.drop_views(connection)  # as migrate's pre_migrate does: a column they read may change
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    reached = MigrationExecutor(connection)  # a fresh loader: the first one's applied set is stale
    if connection.vendor == "postgresql" and not reached.migration_plan(reached.loader.graph.leaf_nodes()):
        from reporting import sql

        sql.create_views(connection)
    return executor.loader.project_state(targets).apps
