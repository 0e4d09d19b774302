"""reporting.links: links between use cases past draft (see domains 0006 for the schema)."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE VIEW reporting.links AS
SELECT l.id, l.source_id, s.reference AS source_reference, l.target_id, t.reference AS target_reference,
       l.kind, l.kind = 'depends_on' AS directed, l.strength, l.rationale,
       s.domain_id AS source_domain_id, t.domain_id AS target_domain_id,
       l.created_at, l.updated_at
FROM portfolio_usecaselink l
JOIN domains_usecase s ON s.id = l.source_id
JOIN domains_usecase t ON t.id = l.target_id
WHERE s.status <> 'draft' AND t.status <> 'draft';
COMMENT ON VIEW reporting.links IS 'Links between use cases past draft. depends_on reads "source depends on target" (directed); other kinds are symmetric. strength 1 (weak) to 3 (strong).';
"""

DROP = "DROP VIEW IF EXISTS reporting.links;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_dependency_cycle_trigger"), ("domains", "0006_reporting_views")]
    operations = [migrations.RunPython(forwards, backwards)]
