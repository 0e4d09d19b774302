"""reporting.decisions, reporting.votes and reporting.committee_members: the committee's record for
BI tools, without anything about drafts (a use case withdrawn to draft keeps its votes private)."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE VIEW reporting.decisions AS
SELECT dc.id, dc.use_case_id, u.reference AS use_case_reference, u.title AS use_case_title,
       d.slug AS domain_slug, r.number AS review_round, c.name AS committee_name,
       dc.outcome, dc.rationale, dc.conditions, dm.username AS decided_by_username,
       (SELECT count(*) FROM governance_decision_votes dv WHERE dv.decision_id = dc.id) AS vote_count,
       (SELECT count(DISTINCT v.function_id) FROM governance_decision_votes dv
          JOIN governance_vote v ON v.id = dv.vote_id WHERE dv.decision_id = dc.id) AS function_count,
       dc.created_at AS decided_at
FROM governance_decision dc
JOIN domains_usecase u ON u.id = dc.use_case_id
JOIN domains_domain d ON d.id = u.domain_id
JOIN governance_reviewround r ON r.id = dc.round_id
JOIN governance_committee c ON c.id = r.committee_id
JOIN domains_user dm ON dm.id = dc.decided_by_id
WHERE u.status <> 'draft';
COMMENT ON VIEW reporting.decisions IS 'The committee''s decisions: outcome, rationale, conditions, who decided and how many votes and functions it rested on.';
COMMENT ON COLUMN reporting.decisions.function_count IS 'Distinct business functions among the votes the decision rests on.';

CREATE OR REPLACE VIEW reporting.votes AS
SELECT v.id, r.use_case_id, u.reference AS use_case_reference, r.number AS review_round,
       c.name AS committee_name, vu.username AS voter_username, f.slug AS function_slug,
       f.name AS function_name, v.choice, v.comment, v.created_at AS voted_at
FROM governance_vote v
JOIN governance_reviewround r ON r.id = v.round_id
JOIN governance_committee c ON c.id = r.committee_id
JOIN domains_usecase u ON u.id = r.use_case_id
JOIN domains_user vu ON vu.id = v.voter_id
JOIN domains_businessfunction f ON f.id = v.function_id
WHERE u.status <> 'draft';
COMMENT ON VIEW reporting.votes IS 'Each committee member''s vote per review round, with the business function they represented.';

CREATE OR REPLACE VIEW reporting.committee_members AS
SELECT m.id, c.name AS committee_name, mu.username, f.slug AS function_slug, f.name AS function_name,
       m.role, m.start_date, m.end_date, m.created_at, m.updated_at
FROM governance_committeemembership m
JOIN governance_committee c ON c.id = m.committee_id
JOIN domains_user mu ON mu.id = m.user_id
JOIN domains_businessfunction f ON f.id = m.function_id;
COMMENT ON VIEW reporting.committee_members IS 'Who sits on which committee, for which business function, in which role and since when.';
"""

DROP = """
DROP VIEW IF EXISTS reporting.committee_members;
DROP VIEW IF EXISTS reporting.votes;
DROP VIEW IF EXISTS reporting.decisions;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_merge_workflow_and_reporting")]
    operations = [migrations.RunPython(forwards, backwards)]
