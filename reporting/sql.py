"""The `reporting` schema: flat, documented, read-only views for BI tools that read PostgreSQL
directly (Metabase, Power BI's PostgreSQL connector, Tableau). Every view is defined here and
nowhere else; `reporting.apps` drops them before each `migrate` (so a migration may change any
column they read) and creates them again after it. A BI tool sees what anyone may see: the
visibility rule is `domains.selectors.shared_use_case_sql`, the same rule as the API's.

`python manage.py create_reporting_role NAME` makes a login that can read these views and nothing
else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domains.selectors import shared_use_case_sql

SCHEMA = "reporting"
SCHEMA_COMMENT = "Flat read-only views for BI tools. Team-private use cases (drafts) are not included."


@dataclass(frozen=True)
class View:
    name: str
    select: str
    comment: str
    columns: dict[str, str] = field(default_factory=dict)


def _shared(alias: str) -> str:
    return shared_use_case_sql(alias)


VIEWS: tuple[View, ...] = (
    View(
        "functions",
        "SELECT f.id, f.slug, f.name, f.description, f.created_at, f.updated_at FROM domains_businessfunction f",
        "Business functions (HR, marketing, finance...).",
    ),
    View(
        "domains",
        """
        SELECT d.id, d.slug, d.name, d.description, d.strategic_priority,
               o.username AS owner_username, s.username AS sponsor_username, d.created_at, d.updated_at
        FROM domains_domain d
        LEFT JOIN domains_user o ON o.id = d.owner_id
        LEFT JOIN domains_user s ON s.id = d.sponsor_id
        """,
        "Business domains; strategic_priority 1 = high, 2 = medium, 3 = low.",
    ),
    View(
        "teams",
        """
        SELECT t.id, t.slug, t.name, t.description, t.function_id, f.slug AS function_slug,
               f.name AS function_name,
               (SELECT count(*) FROM domains_team_members m WHERE m.team_id = t.id) AS member_count,
               t.created_at, t.updated_at
        FROM domains_team t
        JOIN domains_businessfunction f ON f.id = t.function_id
        """,
        "Teams that submit use cases, with their business function.",
    ),
    View(
        "foundations",
        """
        SELECT fo.id, fo.slug, fo.name, fo.kind, fo.readiness, fo.owner_team_id, t.slug AS owner_team_slug,
               fo.description, fo.created_at, fo.updated_at
        FROM domains_foundation fo
        LEFT JOIN domains_team t ON t.id = fo.owner_team_id
        """,
        "Data sources, platforms, models and infrastructure; readiness 1 (idea) to 5 (industrialised).",
    ),
    View(
        "use_cases",
        f"""
        SELECT u.id, u.reference, u.title, u.status, u.status_changed_at,
               u.domain_id, d.slug AS domain_slug, d.name AS domain_name,
               u.team_id, t.slug AS team_slug, t.name AS team_name,
               tf.slug AS team_function_slug, tf.name AS team_function_name,
               (SELECT string_agg(f.slug, '|' ORDER BY f.slug)
                  FROM domains_usecase_functions uf
                  JOIN domains_businessfunction f ON f.id = uf.businessfunction_id
                 WHERE uf.usecase_id = u.id) AS functions,
               o.username AS owner_username, s.username AS sponsor_username,
               u.problem_statement, u.proposed_solution, u.ambition,
               (SELECT string_agg(stage, '|') FROM jsonb_array_elements_text(u.journey_stages) AS stage)
                   AS journey_stages,
               u.ai_technique, u.business_value, u.feasibility, u.data_readiness,
               u.estimated_annual_benefit, u.estimated_annual_cost,
               u.estimated_annual_benefit - u.estimated_annual_cost AS net_annual_value,
               u.risk_tier, u.is_high_impact, u.uses_personal_data, u.sourcing, u.external_id,
               u.created_at, u.updated_at
        FROM domains_usecase u
        JOIN domains_domain d ON d.id = u.domain_id
        JOIN domains_team t ON t.id = u.team_id
        JOIN domains_businessfunction tf ON tf.id = t.function_id
        LEFT JOIN domains_user o ON o.id = u.owner_id
        LEFT JOIN domains_user s ON s.id = u.sponsor_id
        WHERE {_shared("u")}
        """,
        "One row per use case past draft, with its domain, team, scores (1-5), money (EUR per year) and status.",
        {
            "status": "submitted, in_review, changes_requested, approved, rejected, on_hold, in_delivery, scaled, "
            "retired",
            "functions": "Slugs of every business function involved, separated by |",
            "journey_stages": "Customer-journey stages changed, separated by |; empty for internal work",
            "net_annual_value": "estimated_annual_benefit - estimated_annual_cost (EUR per year)",
            "updated_at": "Last change: use it for incremental refresh",
        },
    ),
    View(
        "use_case_functions",
        f"""
        SELECT uf.usecase_id AS use_case_id, u.reference AS use_case_reference,
               uf.businessfunction_id AS function_id, f.slug AS function_slug, f.name AS function_name
        FROM domains_usecase_functions uf
        JOIN domains_usecase u ON u.id = uf.usecase_id
        JOIN domains_businessfunction f ON f.id = uf.businessfunction_id
        WHERE {_shared("u")}
        """,
        "Use case x business function: one row per function involved.",
    ),
    View(
        "use_case_foundations",
        f"""
        SELECT ufo.id, ufo.use_case_id, u.reference AS use_case_reference, ufo.foundation_id,
               fo.slug AS foundation_slug, fo.name AS foundation_name, fo.kind AS foundation_kind, ufo.note,
               ufo.created_at, ufo.updated_at
        FROM domains_usecasefoundation ufo
        JOIN domains_usecase u ON u.id = ufo.use_case_id
        JOIN domains_foundation fo ON fo.id = ufo.foundation_id
        WHERE {_shared("u")}
        """,
        "Use case x foundation it builds on.",
    ),
    View(
        "links",
        f"""
        SELECT l.id, l.source_id, s.reference AS source_reference, l.target_id, t.reference AS target_reference,
               l.kind, l.kind = 'depends_on' AS directed, l.strength, l.rationale,
               s.domain_id AS source_domain_id, t.domain_id AS target_domain_id,
               l.created_at, l.updated_at
        FROM portfolio_usecaselink l
        JOIN domains_usecase s ON s.id = l.source_id
        JOIN domains_usecase t ON t.id = l.target_id
        WHERE {_shared("s")} AND {_shared("t")}
        """,
        'Links between use cases past draft. depends_on reads "source depends on target" (directed); other kinds '
        "are symmetric. strength 1 (weak) to 3 (strong).",
    ),
    View(
        "decisions",
        f"""
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
        WHERE {_shared("u")}
        """,
        "The committee's decisions: outcome, rationale, conditions, who decided and how many votes and functions "
        "it rested on.",
        {"function_count": "Distinct business functions among the votes the decision rests on."},
    ),
    View(
        "votes",
        f"""
        SELECT v.id, r.use_case_id, u.reference AS use_case_reference, r.number AS review_round,
               c.name AS committee_name, vu.username AS voter_username, f.slug AS function_slug,
               f.name AS function_name, v.choice, v.comment, v.created_at AS voted_at
        FROM governance_vote v
        JOIN governance_reviewround r ON r.id = v.round_id
        JOIN governance_committee c ON c.id = r.committee_id
        JOIN domains_usecase u ON u.id = r.use_case_id
        JOIN domains_user vu ON vu.id = v.voter_id
        JOIN domains_businessfunction f ON f.id = v.function_id
        WHERE {_shared("u")}
        """,
        "Each committee member's vote per review round, with the business function they represented.",
    ),
    View(
        "committee_members",
        """
        SELECT m.id, c.name AS committee_name, mu.username, f.slug AS function_slug, f.name AS function_name,
               m.role, m.start_date, m.end_date, m.created_at, m.updated_at
        FROM governance_committeemembership m
        JOIN governance_committee c ON c.id = m.committee_id
        JOIN domains_user mu ON mu.id = m.user_id
        JOIN domains_businessfunction f ON f.id = m.function_id
        """,
        "Who sits on which committee, for which business function, in which role and since when.",
    ),
    View(
        "audit_events",
        f"""
        SELECT e.id, e.created_at, e.actor_name, e.action, ct.app_label || '.' || ct.model AS target_type,
               e.target_id, e.target_repr, e.use_case_id, u.reference AS use_case_reference, e.data::text AS data
        FROM core_auditevent e
        JOIN django_content_type ct ON ct.id = e.target_type_id
        LEFT JOIN domains_usecase u ON u.id = e.use_case_id
        WHERE (e.use_case_id IS NULL OR {_shared("u")}) AND e.action NOT LIKE 'api\\_token.%'
        """,
        "Who did what, when (append-only); data is the event details as JSON text. Events about API "
        "tokens (who holds which, whether it may write) are an administrator's business and left out.",
    ),
    View(
        "portfolios",
        """
        SELECT p.id, p.reference, p.name, p.theme, p.status, p.status_changed_at, o.username AS owner_username,
               p.member_count, p.internal_weight, p.cohesion, p.total_benefit, p.total_cost, p.transformation_share,
               (SELECT string_agg(name, '|' ORDER BY position)
                  FROM jsonb_array_elements_text(p.domains) WITH ORDINALITY AS d(name, position)) AS domains,
               (SELECT string_agg(name, '|' ORDER BY position)
                  FROM jsonb_array_elements_text(p.functions) WITH ORDINALITY AS f(name, position)) AS functions,
               (SELECT string_agg(fo.value ->> 'name', '|' ORDER BY fo.position)
                  FROM jsonb_array_elements(p.shared_foundations) WITH ORDINALITY AS fo(value, position))
                   AS shared_foundations,
               p.proposed_by_run_id, p.last_run_id, p.created_at, p.updated_at
        FROM portfolio_portfolio p
        LEFT JOIN domains_user o ON o.id = p.owner_id
        """,
        "Groups of use cases that reinforce one another, proposed by clustering runs and adopted, dismissed or "
        "archived by the committee, with the metrics of their members.",
        {
            "status": "proposed, adopted, dismissed, archived; only proposed and adopted portfolios have members",
            "member_count": "Every member, a draft the committee placed included; portfolio_members lists those "
            "past draft",
            "cohesion": "Average share of each member's link weight that stays inside the portfolio (0 to 1)",
            "transformation_share": "Share of the members whose ambition is transformation (0 to 1)",
            "domains": "Names of the domains the members are in, most members first, separated by |",
            "functions": "Names of the business functions the members involve, most members first, separated by |",
            "shared_foundations": "Names of the foundations at least two members build on, separated by |",
        },
    ),
    View(
        "portfolio_members",
        f"""
        SELECT m.id, m.portfolio_id, p.reference AS portfolio_reference, p.name AS portfolio_name,
               p.status AS portfolio_status, m.use_case_id, u.reference AS use_case_reference,
               u.title AS use_case_title, d.slug AS domain_slug, m.pinned, m.source, m.strength,
               m.created_at, m.updated_at
        FROM portfolio_portfoliomembership m
        JOIN portfolio_portfolio p ON p.id = m.portfolio_id
        JOIN domains_usecase u ON u.id = m.use_case_id
        JOIN domains_domain d ON d.id = u.domain_id
        WHERE {_shared("u")}
        """,
        "Use case x the live portfolio it belongs to (one at most), for the use cases past draft.",
        {
            "pinned": "Placed or kept there by the committee: later runs do not move it",
            "source": "clustering (proposed by a run) or committee (placed by hand)",
            "strength": "Weight of the use case's ties inside its portfolio",
        },
    ),
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_statements() -> list[str]:
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
        f"COMMENT ON SCHEMA {SCHEMA} IS {_literal(SCHEMA_COMMENT)}",
    ]
    for view in VIEWS:
        statements.append(f"CREATE VIEW {SCHEMA}.{view.name} AS {view.select.strip()}")
        statements.append(f"COMMENT ON VIEW {SCHEMA}.{view.name} IS {_literal(view.comment)}")
        statements += [
            f"COMMENT ON COLUMN {SCHEMA}.{view.name}.{column} IS {_literal(text)}"
            for column, text in view.columns.items()
        ]
    return statements


def existing_views(cursor) -> list[str]:
    cursor.execute("SELECT viewname FROM pg_views WHERE schemaname = %s ORDER BY viewname", [SCHEMA])
    return [name for (name,) in cursor.fetchall()]


def drop_views(connection) -> None:
    """Drop every view of the schema (ours, and any left by an earlier version), keeping the schema and
    its grants."""
    with connection.cursor() as cursor:
        for name in existing_views(cursor):
            cursor.execute(f'DROP VIEW IF EXISTS {SCHEMA}."{name}" CASCADE')


def create_views(connection) -> None:
    """Drop and create every view in one transaction. Grants to reporting roles follow: the role
    command sets default privileges on the schema, so a view created again is readable again."""
    from django.db import transaction
    from psycopg import sql as psql

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name in existing_views(cursor):
            cursor.execute(f'DROP VIEW IF EXISTS {SCHEMA}."{name}" CASCADE')
        for statement in create_statements():
            cursor.execute(statement)
        # Reporting roles read every view again, whoever runs migrate (default privileges only
        # cover views created by the role that set them).
        cursor.execute(
            "SELECT rolname FROM pg_roles WHERE has_schema_privilege(rolname, %s, 'USAGE') AND NOT rolsuper "
            "AND rolname <> current_user AND rolname NOT LIKE 'pg\\_%%'",
            [SCHEMA],
        )
        grant = psql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}")
        for (role,) in cursor.fetchall():
            cursor.execute(
                grant.format(psql.Identifier(SCHEMA), psql.Identifier(role)).as_string(connection.connection)
            )
