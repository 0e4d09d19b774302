"""Make the dependency-cycle trigger linear in the size of the graph.

0002's trigger found a cycle by enumerating every simple path from the new target (UNION ALL over a
path array): exponential on DAGs with many diamonds, while holding the global advisory lock. The
trigger contract is unchanged (same lock key, ERRCODE, CONSTRAINT name and message), but:

1. whether a cycle exists is decided by a reachability walk that keeps each node once (UNION on the
   node, as portfolio/graph.py does), stopping as soon as NEW.source_id is reached;
2. only when it is, one shortest path for the message is built by a breadth-first search with
   predecessor pointers in a transaction-local temporary table (each node and edge visited once),
   then mapped to use-case references. The temporary table disappears with the refused
   (sub)transaction."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION portfolio_refuse_dependency_cycle() RETURNS trigger AS $$
DECLARE
    frontier bigint[];
    cycle_path bigint[];
    cycle_text text;
BEGIN
    IF NEW.kind <> 'depends_on' THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('portfolio_usecaselink.depends_on'));

    -- 1. Is NEW.source_id reachable from NEW.target_id? Each node is kept once, and the walk is
    -- read lazily, so it stops at the first row naming NEW.source_id.
    PERFORM 1 FROM (
        WITH RECURSIVE reach(node) AS (
            SELECT NEW.target_id
            UNION
            SELECT l.target_id
            FROM portfolio_usecaselink l JOIN reach r ON l.source_id = r.node
            WHERE l.kind = 'depends_on' AND l.id IS DISTINCT FROM NEW.id
        )
        SELECT node FROM reach WHERE node = NEW.source_id LIMIT 1
    ) AS hit;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;

    -- 2. A cycle exists: one shortest path from NEW.target_id to NEW.source_id for the message,
    -- breadth first, one level per statement, each node entered once with its predecessor.
    CREATE TEMP TABLE IF NOT EXISTS portfolio_dependency_cycle_walk (
        node bigint PRIMARY KEY,
        pred bigint
    ) ON COMMIT DROP;
    DELETE FROM portfolio_dependency_cycle_walk;
    INSERT INTO portfolio_dependency_cycle_walk (node, pred) VALUES (NEW.target_id, NULL);
    frontier := ARRAY[NEW.target_id];
    WHILE NEW.source_id <> ALL(frontier) LOOP
        WITH added AS (
            INSERT INTO portfolio_dependency_cycle_walk (node, pred)
            SELECT DISTINCT ON (l.target_id) l.target_id, l.source_id
            FROM unnest(frontier) AS f(node)
            JOIN portfolio_usecaselink l ON l.source_id = f.node
            WHERE l.kind = 'depends_on' AND l.id IS DISTINCT FROM NEW.id
            ORDER BY l.target_id, l.source_id
            ON CONFLICT (node) DO NOTHING
            RETURNING node
        )
        SELECT array_agg(node) INTO frontier FROM added;
        IF frontier IS NULL THEN
            -- Step 1 found a path, but a link deleted and committed since then (each statement
            -- reads a fresh snapshot) took it away: there is no cycle any more.
            DROP TABLE portfolio_dependency_cycle_walk;
            RETURN NEW;
        END IF;
    END LOOP;

    WITH RECURSIVE back(node, pred, depth) AS (
        SELECT w.node, w.pred, 0 FROM portfolio_dependency_cycle_walk w WHERE w.node = NEW.source_id
        UNION ALL
        SELECT w.node, w.pred, b.depth + 1
        FROM portfolio_dependency_cycle_walk w JOIN back b ON w.node = b.pred
    )
    SELECT array_agg(node ORDER BY depth DESC) INTO cycle_path FROM back;
    DROP TABLE portfolio_dependency_cycle_walk;

    SELECT string_agg(COALESCE(u.reference, p.id::text), ' → ' ORDER BY p.ord) INTO cycle_text
    FROM unnest(ARRAY[NEW.source_id] || cycle_path) WITH ORDINALITY AS p(id, ord)
    LEFT JOIN domains_usecase u ON u.id = p.id;
    RAISE EXCEPTION 'This dependency would close a dependency cycle: %', cycle_text
        USING ERRCODE = 'check_violation', CONSTRAINT = 'link_no_dependency_cycle';
END;
$$ LANGUAGE plpgsql;
"""

# The function body installed by 0002 (path enumeration), restored on the way back.
RESTORE = r"""
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
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE, params=None)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0003_reporting_views")]
    operations = [migrations.RunPython(forwards, backwards)]
