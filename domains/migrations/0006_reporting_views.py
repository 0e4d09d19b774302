"""The `reporting` schema: flat, documented views for BI tools that read PostgreSQL directly
(Metabase, Power BI's PostgreSQL connector). Drafts are left out, as for API tokens: a BI tool sees
every use case past draft. `manage.py create_reporting_role NAME` makes a login that can read these
views and nothing else. A later migration that changes a column these views read must drop and
recreate the view (PostgreSQL refuses to alter a column a view depends on)."""

from django.db import migrations

CREATE = r"""
CREATE SCHEMA IF NOT EXISTS reporting;
COMMENT ON SCHEMA reporting IS 'Flat read-only views for BI tools. Drafts are not included.';

CREATE OR REPLACE VIEW reporting.functions AS
SELECT f.id, f.slug, f.name, f.description, f.created_at, f.updated_at
FROM domains_businessfunction f;
COMMENT ON VIEW reporting.functions IS 'Business functions (HR, marketing, finance...).';

CREATE OR REPLACE VIEW reporting.domains AS
SELECT d.id, d.slug, d.name, d.description, d.strategic_priority,
       o.username AS owner_username, s.username AS sponsor_username, d.created_at, d.updated_at
FROM domains_domain d
LEFT JOIN domains_user o ON o.id = d.owner_id
LEFT JOIN domains_user s ON s.id = d.sponsor_id;
COMMENT ON VIEW reporting.domains IS 'Business domains; strategic_priority 1 = high, 2 = medium, 3 = low.';

CREATE OR REPLACE VIEW reporting.teams AS
SELECT t.id, t.slug, t.name, t.description, t.function_id, f.slug AS function_slug, f.name AS function_name,
       (SELECT count(*) FROM domains_team_members m WHERE m.team_id = t.id) AS member_count,
       t.created_at, t.updated_at
FROM domains_team t
JOIN domains_businessfunction f ON f.id = t.function_id;
COMMENT ON VIEW reporting.teams IS 'Teams that submit use cases, with their business function.';

CREATE OR REPLACE VIEW reporting.foundations AS
SELECT fo.id, fo.slug, fo.name, fo.kind, fo.readiness, fo.owner_team_id, t.slug AS owner_team_slug,
       fo.description, fo.created_at, fo.updated_at
FROM domains_foundation fo
LEFT JOIN domains_team t ON t.id = fo.owner_team_id;
COMMENT ON VIEW reporting.foundations IS 'Data sources, platforms, models and infrastructure; readiness 1 (idea) to 5 (industrialised).';

CREATE OR REPLACE VIEW reporting.use_cases AS
SELECT u.id, u.reference, u.title, u.status, u.status_changed_at,
       u.domain_id, d.slug AS domain_slug, d.name AS domain_name,
       u.team_id, t.slug AS team_slug, t.name AS team_name,
       tf.slug AS team_function_slug, tf.name AS team_function_name,
       (SELECT string_agg(f.slug, '|' ORDER BY f.slug)
          FROM domains_usecase_functions uf JOIN domains_businessfunction f ON f.id = uf.businessfunction_id
         WHERE uf.usecase_id = u.id) AS functions,
       o.username AS owner_username, s.username AS sponsor_username,
       u.problem_statement, u.proposed_solution, u.ambition,
       (SELECT string_agg(stage, '|') FROM jsonb_array_elements_text(u.journey_stages) AS stage) AS journey_stages,
       u.ai_technique, u.business_value, u.feasibility, u.data_readiness,
       u.estimated_annual_benefit, u.estimated_annual_cost,
       u.estimated_annual_benefit - u.estimated_annual_cost AS net_annual_value,
       u.risk_tier, u.is_high_impact, u.uses_personal_data, u.sourcing, u.external_id,
       u.created_at, u.updated_at
FROM domains_usecase u
JOIN domains_domain d ON d.id = u.domain_id
JOIN domains_team t ON t.id = u.team_id
JOIN domains_businessfunction tf ON tf.id = t.function_id
JOIN domains_user o ON o.id = u.owner_id
LEFT JOIN domains_user s ON s.id = u.sponsor_id
WHERE u.status <> 'draft';
COMMENT ON VIEW reporting.use_cases IS 'One row per use case past draft, with its domain, team, scores (1-5), money (EUR per year) and status.';
COMMENT ON COLUMN reporting.use_cases.status IS 'submitted, in_review, changes_requested, approved, rejected, on_hold, in_delivery, scaled, retired';
COMMENT ON COLUMN reporting.use_cases.functions IS 'Slugs of every business function involved, separated by |';
COMMENT ON COLUMN reporting.use_cases.journey_stages IS 'Customer-journey stages changed, separated by |; empty for internal work';
COMMENT ON COLUMN reporting.use_cases.net_annual_value IS 'estimated_annual_benefit - estimated_annual_cost (EUR per year)';
COMMENT ON COLUMN reporting.use_cases.updated_at IS 'Last change: use it for incremental refresh';

CREATE OR REPLACE VIEW reporting.use_case_functions AS
SELECT uf.usecase_id AS use_case_id, u.reference AS use_case_reference, uf.businessfunction_id AS function_id,
       f.slug AS function_slug, f.name AS function_name
FROM domains_usecase_functions uf
JOIN domains_usecase u ON u.id = uf.usecase_id
JOIN domains_businessfunction f ON f.id = uf.businessfunction_id
WHERE u.status <> 'draft';
COMMENT ON VIEW reporting.use_case_functions IS 'Use case x business function: one row per function involved.';

CREATE OR REPLACE VIEW reporting.use_case_foundations AS
SELECT ufo.id, ufo.use_case_id, u.reference AS use_case_reference, ufo.foundation_id,
       fo.slug AS foundation_slug, fo.name AS foundation_name, fo.kind AS foundation_kind, ufo.note,
       ufo.created_at, ufo.updated_at
FROM domains_usecasefoundation ufo
JOIN domains_usecase u ON u.id = ufo.use_case_id
JOIN domains_foundation fo ON fo.id = ufo.foundation_id
WHERE u.status <> 'draft';
COMMENT ON VIEW reporting.use_case_foundations IS 'Use case x foundation it builds on.';
"""

DROP = """
DROP VIEW IF EXISTS reporting.use_case_foundations;
DROP VIEW IF EXISTS reporting.use_case_functions;
DROP VIEW IF EXISTS reporting.use_cases;
DROP VIEW IF EXISTS reporting.foundations;
DROP VIEW IF EXISTS reporting.teams;
DROP VIEW IF EXISTS reporting.domains;
DROP VIEW IF EXISTS reporting.functions;
DROP SCHEMA IF EXISTS reporting;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("domains", "0005_api_token")]
    operations = [migrations.RunPython(forwards, backwards)]
