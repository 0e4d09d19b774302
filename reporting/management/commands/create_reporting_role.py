"""Create (or bring up to date) a PostgreSQL login that can read the `reporting` views and nothing
else: no application table, no write. Point Metabase or Power BI's PostgreSQL connector at it."""

from __future__ import annotations

import re
import secrets
import string

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from reporting.sql import SCHEMA as REPORTING_SCHEMA

ROLE_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = "Create a login role that can read the reporting views and nothing else."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Role name: lower-case letters, digits and underscores.")
        parser.add_argument("--password", help="Its password; a random one is generated and printed if omitted.")
        parser.add_argument("--drop", action="store_true", help="Remove the role and its grants instead.")

    def handle(self, *args, name: str, password: str | None, drop: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Reporting roles need PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
        if not ROLE_NAME_RE.match(name):
            raise CommandError(
                f"Invalid role name {name!r}: use lower-case letters, digits and underscores, starting with a letter."
            )
        if drop:
            self._drop(name)
            self.stdout.write(self.style.SUCCESS(f"Role {name} removed."))
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [REPORTING_SCHEMA])
            if cursor.fetchone() is None:
                raise CommandError("The reporting schema does not exist: run `manage.py migrate` first.")
        generated = password is None
        # Letters and digits only: a generated password never looks like an option or needs quoting.
        password = password or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        existed = self._create_or_update(name, password)
        verb = "updated" if existed else "created"
        self.stdout.write(self.style.SUCCESS(f"Role {name} {verb}: it can read the {REPORTING_SCHEMA} views only."))
        if generated:
            self.stdout.write(f"Password (shown once): {password}")

    def _run(self, cursor, statement: sql.Composable) -> None:
        cursor.execute(statement.as_string(connection.connection))

    @transaction.atomic
    def _create_or_update(self, name: str, password: str) -> bool:
        role, schema = sql.Identifier(name), sql.Identifier(REPORTING_SCHEMA)
        database = sql.Identifier(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            existed = cursor.fetchone() is not None
            verb = "ALTER" if existed else "CREATE"
            self._run(
                cursor,
                sql.SQL(
                    verb + " ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION"
                ).format(role, sql.Literal(password)),
            )
            for statement in (
                "GRANT CONNECT ON DATABASE {database} TO {role}",
                "REVOKE ALL ON SCHEMA public FROM {role}",
                "GRANT USAGE ON SCHEMA {schema} TO {role}",
                "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}",
                # Views that later migrations add are readable too.
                "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {role}",
                "ALTER ROLE {role} SET search_path = {schema}",
                "ALTER ROLE {role} SET default_transaction_read_only = on",
            ):
                self._run(cursor, sql.SQL(statement).format(role=role, schema=schema, database=database))
        return existed

    @transaction.atomic
    def _drop(self, name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            if cursor.fetchone() is None:
                raise CommandError(f"No role named {name}.")
            role = sql.Identifier(name)
            self._run(cursor, sql.SQL("DROP OWNED BY {}").format(role))
            self._run(cursor, sql.SQL("DROP ROLE {}").format(role))
