"""The text-limit migrations on a database that already holds text over the new limits (written before
them, as a probe once stored a 2 MB problem statement): the migration does not fail, and on PostgreSQL
the old row is kept whole while new writes are checked."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from core.limits import NOTE_MAX_CHARS
from tests.utils import migrate_with_executor

BEFORE_THE_LIMITS = [("domains", "0010_view_all_drafts_is_a_rule")]


def _migrate(targets):
    return migrate_with_executor(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_over_long_text_from_before_the_limits_survives_the_migration():
    old = _migrate(BEFORE_THE_LIMITS)
    long_text = "d" * (NOTE_MAX_CHARS * 3)
    foundation = old.get_model("domains", "Foundation").objects.create(
        name="Data lake", slug="data-lake", kind="data_source", description=long_text
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from domains.models import Foundation

    kept = Foundation.objects.get(pk=foundation.pk).description
    if connection.vendor == "postgresql":
        assert kept == long_text  # kept whole: the constraint checks new writes (NOT VALID)
        with pytest.raises(IntegrityError, match="foundation_description_at_most_5000_chars"), transaction.atomic():
            Foundation.objects.filter(pk=foundation.pk).update(description=long_text + "more")
    else:
        assert kept == long_text[:NOTE_MAX_CHARS]  # SQLite cannot add the constraint unchecked: cut, and said
