"""reporting.portfolios and reporting.portfolio_members (PostgreSQL): they exist, carry the columns
BI tools read, and leave out the membership of a draft as every reporting view leaves drafts out."""

import pytest
from django.db import connection

from core.actors import SYSTEM
from domains.models import UseCaseFoundation
from portfolio import services
from portfolio.models import Portfolio
from tests.factories import FoundationFactory, UseCaseFactory, UseCaseLinkFactory
from tests.reporting.test_reporting_role import reporting_role  # noqa: F401  (the role, connected as itself)

pytestmark = pytest.mark.django_db

PORTFOLIO_COLUMNS = [
    "id",
    "reference",
    "name",
    "theme",
    "status",
    "status_changed_at",
    "owner_username",
    "member_count",
    "internal_weight",
    "cohesion",
    "total_benefit",
    "total_cost",
    "transformation_share",
    "domains",
    "functions",
    "shared_foundations",
    "proposed_by_run_id",
    "last_run_id",
    "created_at",
    "updated_at",
]
MEMBER_COLUMNS = [
    "id",
    "portfolio_id",
    "portfolio_reference",
    "portfolio_name",
    "portfolio_status",
    "use_case_id",
    "use_case_reference",
    "use_case_title",
    "domain_slug",
    "pinned",
    "source",
    "strength",
    "created_at",
    "updated_at",
]


def columns(view: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'reporting' AND table_name = %s "
            "ORDER BY ordinal_position",
            [view],
        )
        return [name for (name,) in cursor.fetchall()]


def select(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def clustered():
    """Three approved use cases linked in a row on one foundation, clustered by a real run; then the
    system places a draft in their portfolio, pinned."""
    members = [UseCaseFactory(status="approved", title=f"Churn {i}") for i in range(3)]
    for source, target in zip(members, members[1:], strict=False):
        UseCaseLinkFactory(source=source, target=target, kind="reinforces", strength=3)
    foundation = FoundationFactory(name="Customer 360")
    UseCaseFoundation.objects.bulk_create(UseCaseFoundation(use_case=uc, foundation=foundation) for uc in members)
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    assert services.clustering_run_execute(run_id=run.pk).status == "succeeded"
    portfolio = Portfolio.objects.get()
    draft = UseCaseFactory(title="Secret draft")
    services.portfolio_member_add(actor=SYSTEM, portfolio=portfolio, use_case=draft)
    portfolio.refresh_from_db()
    return {"members": members, "draft": draft, "portfolio": portfolio, "run": run}


def test_the_portfolio_views_have_the_columns_bi_tools_read(postgres_only):
    assert columns("portfolios") == PORTFOLIO_COLUMNS
    assert columns("portfolio_members") == MEMBER_COLUMNS


def test_a_portfolio_row_has_its_metrics_with_lists_joined(postgres_only, clustered):
    portfolio = clustered["portfolio"]

    [row] = select(
        "SELECT reference, status, member_count, domains, shared_foundations, proposed_by_run_id, cohesion "
        "FROM reporting.portfolios"
    )

    assert row[:3] == (portfolio.reference, "proposed", 4)
    assert row[3] == "|".join(portfolio.domains)
    assert row[4] == "Customer 360"
    assert row[5] == clustered["run"].pk
    assert row[6] == pytest.approx(portfolio.cohesion)


def test_portfolio_members_leave_out_a_draft(postgres_only, clustered):
    rows = select(
        "SELECT portfolio_reference, use_case_reference, pinned, source FROM reporting.portfolio_members "
        "ORDER BY use_case_reference"
    )

    reference = clustered["portfolio"].reference
    assert rows == [(reference, uc.reference, False, "clustering") for uc in clustered["members"]]
    assert clustered["draft"].reference not in str(rows)
    assert clustered["portfolio"].memberships.filter(use_case=clustered["draft"], pinned=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reporting_role_reads_the_portfolio_views(reporting_role, clustered):  # noqa: F811
    portfolios = reporting_role.execute("SELECT reference, member_count FROM reporting.portfolios").fetchall()
    members = reporting_role.execute("SELECT count(*) FROM reporting.portfolio_members").fetchone()[0]

    assert portfolios == [(clustered["portfolio"].reference, 4)]
    assert members == 3
