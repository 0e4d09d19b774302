"""The reporting schema and the role that reads it and nothing else (PostgreSQL)."""

import io
import secrets

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.actors import SYSTEM
from core.models import AuditAction
from core.services import api_token_create, audit_record
from domains.choices import Status
from domains.models import UseCase
from tests.factories import UseCaseFactory, UseCaseLinkFactory, function

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def reporting_role(postgres_only):
    """A role created by the command, connected as itself; dropped (with its grants) afterwards."""
    name = f"reporting_test_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    call_command("create_reporting_role", name, password=password, stdout=io.StringIO())
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=name,
        password=password,
        autocommit=True,
    )
    yield conn
    conn.close()
    call_command("create_reporting_role", name, "--drop", stdout=io.StringIO())


@pytest.fixture
def data():
    shown = UseCaseFactory(title="Approved one", functions=[function("hr"), function("finance")])
    UseCase.objects.filter(pk=shown.pk).update(status=Status.APPROVED)
    draft = UseCaseFactory(title="Still a draft")
    other = UseCaseFactory()
    UseCase.objects.filter(pk=other.pk).update(status=Status.SUBMITTED)
    UseCaseLinkFactory(source=shown, target=other)
    UseCaseLinkFactory(source=shown, target=draft)
    return {"shown": shown, "draft": draft, "other": other}


def test_reporting_role_reads_the_views_without_drafts(reporting_role, data):
    for use_case in (data["shown"], data["draft"]):
        audit_record(actor=SYSTEM, action=AuditAction.USE_CASE_UPDATED, target=use_case, data={"fields": ["title"]})
    api_token_create(actor=SYSTEM, user=data["shown"].owner, name="Who holds a token is not for BI", can_write=True)
    rows = reporting_role.execute(
        "SELECT reference, status, domain_slug, team_slug, functions, business_value, net_annual_value "
        "FROM use_cases ORDER BY reference"
    ).fetchall()

    assert [r[0] for r in rows] == sorted([data["shown"].reference, data["other"].reference])
    shown = next(r for r in rows if r[0] == data["shown"].reference)
    assert shown[1] == "approved" and shown[2] == data["shown"].domain.slug and shown[4] == "finance|hr"
    assert shown[6] == data["shown"].estimated_annual_benefit - data["shown"].estimated_annual_cost
    links = reporting_role.execute("SELECT source_reference, target_reference FROM reporting.links").fetchall()
    assert links == [(data["shown"].reference, data["other"].reference)]
    for view in ["functions", "domains", "teams", "foundations", "use_case_functions", "use_case_foundations"]:
        reporting_role.execute(f"SELECT * FROM reporting.{view} LIMIT 1").fetchall()
    events = reporting_role.execute("SELECT use_case_reference, action FROM reporting.audit_events").fetchall()
    assert events == [(data["shown"].reference, "use_case.updated")]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT count(*) FROM public.domains_usecase",
        "SELECT count(*) FROM public.domains_user",
        "SELECT count(*) FROM public.core_apitoken",
        "SELECT count(*) FROM public.core_auditevent",
    ],
)
def test_reporting_role_cannot_read_an_application_table(reporting_role, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reporting_role.execute(statement)


def test_reporting_role_cannot_write(reporting_role):
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        reporting_role.execute("CREATE TABLE reporting.sneaky (id int)")


def test_views_have_descriptions_for_bi_tools(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, obj_description(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'reporting' AND c.relkind = 'v'"
        )
        views = dict(cursor.fetchall())
    assert {"use_cases", "links", "domains", "teams", "functions", "foundations", "audit_events"} <= set(views)
    assert {"decisions", "votes", "committee_members"} <= set(views)
    assert {"portfolios", "portfolio_members"} <= set(views)
    assert all(views.values())


def test_role_names_are_checked(postgres_only):
    with pytest.raises(CommandError, match="Invalid role name"):
        call_command("create_reporting_role", "Robert'); DROP TABLE x;--")


def test_reporting_role_reads_decisions_and_votes_but_not_those_of_drafts(reporting_role):
    from governance import services
    from tests.factories import CommitteeFactory, CommitteeMembershipFactory, TeamFactory, UserFactory

    committee = CommitteeFactory(name="Steering", quorum_votes=2, quorum_functions=2)
    voters = []
    for username, slug, role in [("chair", "operations", "chair"), ("fin", "finance", "member")]:
        user = UserFactory(username=username)
        CommitteeMembershipFactory(committee=committee, user=user, function=function(slug), role=role)
        voters.append(user)
    member = UserFactory(username="member")
    team = TeamFactory(members=[member])
    decided, withdrawn = UseCaseFactory(team=team, owner=member), UseCaseFactory(team=team, owner=member)
    for use_case in (decided, withdrawn):
        services.use_case_submit(actor=member, use_case=use_case)
        services.use_case_start_review(actor=voters[1], use_case=use_case)
        for voter in voters:
            services.vote_cast(actor=voter, use_case=use_case, choice="approve", comment=f"ok {use_case.reference}")
    services.use_case_decide(actor=voters[0], use_case=decided, outcome="approved", rationale="Clear value.")
    services.use_case_withdraw(actor=member, use_case=withdrawn)

    decisions = reporting_role.execute(
        "SELECT use_case_reference, outcome, decided_by_username, vote_count, function_count FROM reporting.decisions"
    ).fetchall()
    votes = reporting_role.execute("SELECT use_case_reference, function_slug FROM reporting.votes").fetchall()
    members = reporting_role.execute("SELECT username, role FROM reporting.committee_members").fetchall()

    assert decisions == [(decided.reference, "approved", "chair", 2, 2)]
    assert sorted(votes) == [(decided.reference, "finance"), (decided.reference, "operations")]
    assert sorted(members) == [("chair", "chair"), ("fin", "member")]


def test_every_view_is_created_after_migrate_and_a_role_reads_it_again(reporting_role, postgres_only):
    from reporting import sql

    with connection.cursor() as cursor:
        assert sql.existing_views(cursor) == sorted(view.name for view in sql.VIEWS)
    # A later migrate drops and creates every view again: the role's grant follows.
    call_command("migrate", verbosity=0)
    assert reporting_role.execute("SELECT count(*) FROM reporting.functions").fetchone()[0] == 10


def test_the_views_use_the_one_visibility_rule(postgres_only):
    from domains.selectors import shared_use_case_sql
    from reporting import sql

    about_use_cases = [view for view in sql.VIEWS if "domains_usecase " in view.select]
    assert [view.name for view in about_use_cases] == [
        "use_cases",
        "use_case_functions",
        "use_case_foundations",
        "links",
        "decisions",
        "votes",
        "audit_events",
        "portfolio_members",
    ]
    for view in about_use_cases:
        # The rule is applied to every use-case alias and no view writes a status test of its own.
        text = view.select
        for alias in ("u", "s", "t"):
            text = text.replace(shared_use_case_sql(alias), "")
        assert shared_use_case_sql("u") in view.select or shared_use_case_sql("s") in view.select, view.name
        assert "'draft'" not in text and "status <>" not in text, view.name
