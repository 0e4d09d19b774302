"""Migration operations the project's migrations share.

`AddLimitConstraint` adds a CHECK that bounds a text's length without failing on rows written before
the limit existed (a probe once stored a 2 MB problem statement). On PostgreSQL the constraint is added
NOT VALID: every new write is checked, old rows are kept whole (nothing a user wrote is lost), and
editing one asks for it to be shortened (the field's validator names the limit). On other databases
(SQLite, the embedded default, which cannot add a constraint without checking it), an over-long text
is cut to the limit and the migration says which rows it cut."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import migrations
from django.db.models.functions import Length


class AddLimitConstraint(migrations.AddConstraint):
    def __init__(self, model_name, constraint, *, field: str, limit: int):
        super().__init__(model_name, constraint)
        self.field, self.limit = field, limit

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "field": self.field, "limit": self.limit}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")
            return
        too_long = model._default_manager.annotate(_length=Length(self.field)).filter(_length__gt=self.limit)
        for row in too_long.only("pk", self.field):
            text = getattr(row, self.field)
            print(f"  {model._meta.label} {row.pk}: {self.field} cut from {len(text):,} to {self.limit:,} characters")
            model._default_manager.filter(pk=row.pk).update(**{self.field: text[: self.limit]})
        super().database_forwards(app_label, schema_editor, from_state, to_state)


@contextmanager
def checks_set_aside(schema_editor, table: str):
    """Lift a table's CHECK constraints for a data migration that rewrites its rows, and put them back.

    A row kept whole under a NOT VALID limit (see `AddLimitConstraint`) cannot be updated at all, not
    even in another column, because PostgreSQL checks the whole new row. A migration that copies data
    into every row wraps its update in this: the checks come back NOT VALID, so the old rows stay whole
    and every new write is checked as before. Other databases hold no over-long rows (the limit
    migration cut them), so nothing is set aside there."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        yield
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'c' ORDER BY conname",
            [table],
        )
        checks = cursor.fetchall()
        for name, _definition in checks:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for name, definition in checks:
            definition = definition.removesuffix(" NOT VALID")
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition} NOT VALID")
