"""On PostgreSQL, refuse a depends_on link that closes a cycle inside the database itself, so the
rule holds for raw SQL and imports too. The trigger takes a transaction-level advisory lock first,
so two concurrent inserts cannot each miss the other's half of a cycle."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION portfolio_refuse_dependency_cycle() RETURNS trigger AS $$
DECLARE
    cycle_path bigint[];
    cycle_text text;
BEGIN
    IF NEW.kind <> 'depends_on' THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('portfolio_usecaselink.depends_on'));
    WITH RECURSIVE walk(node, path) AS (
        SELECT NEW.target_id, ARRAY[NEW.target_id]
        UNION ALL
        SELECT l.target_id, w.path || l.target_id
        FROM portfolio_usecaselink l JOIN walk w ON l.source_id = w.node
        WHERE l.kind = 'depends_on' AND l.id IS DISTINCT FROM NEW.id
          AND w.node <> NEW.source_id AND NOT l.target_id = ANY(w.path)
    )
    SELECT path INTO cycle_path FROM walk WHERE node = NEW.source_id LIMIT 1;
    IF cycle_path IS NOT NULL THEN
        SELECT string_agg(COALESCE(u.reference, p.id::text), ' → ' ORDER BY p.ord) INTO cycle_text
        FROM unnest(ARRAY[NEW.source_id] || cycle_path) WITH ORDINALITY AS p(id, ord)
        LEFT JOIN domains_usecase u ON u.id = p.id;
        RAISE EXCEPTION 'This dependency would close a dependency cycle: %', cycle_text
            USING ERRCODE = 'check_violation', CONSTRAINT = 'link_no_dependency_cycle';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER link_no_dependency_cycle
BEFORE INSERT OR UPDATE OF source_id, target_id, kind ON portfolio_usecaselink
FOR EACH ROW EXECUTE FUNCTION portfolio_refuse_dependency_cycle();
"""

DROP = """
DROP TRIGGER IF EXISTS link_no_dependency_cycle ON portfolio_usecaselink;
DROP FUNCTION IF EXISTS portfolio_refuse_dependency_cycle();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
