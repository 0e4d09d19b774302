"""The exports (issue 12): the portfolio workbook and the EU AI Act register, read back with openpyxl;
who sees what in them; the admin and API downloads."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from domains.choices import AITechnique, RiskTier, Sourcing, Status
from domains.models import UseCase, UseCaseFoundation, User
from exchange.exports import (
    XLSX_CONTENT_TYPE,
    eu_ai_act_register,
    eu_ai_act_register_rows,
    portfolio_workbook,
)
from governance.models import KpiMeasurement, SideEffect
from portfolio.models import Portfolio, PortfolioMembership
from tests.factories import FoundationFactory, TeamFactory, UseCaseFactory, UseCaseLinkFactory, UserFactory
from tests.governance.conftest import advance

SHEETS = [
    "Use cases",
    "Links",
    "Portfolios",
    "Portfolio memberships",
    "Foundations",
    "Foundation uses",
    "Domains",
    "Teams",
    "Business functions",
    "KPIs",
    "KPI measurements",
    "Side effects",
    "Decisions",
]
# The workbook's queries whatever the number of rows: the actor's permissions (3, and the visibility check of
# the memberships' selector), one per sheet (13), the use cases' functions, foundations and portfolio (3), and
# the names of the portfolios' domains.
WORKBOOK_MAX_QUERIES = 21

pytestmark = pytest.mark.django_db


def read(content: bytes):
    return load_workbook(io.BytesIO(content))


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def column(sheet, name: str) -> list:
    index = header(sheet).index(name)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def row_of(sheet, reference: str) -> dict:
    names = header(sheet)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == reference:
            return dict(zip(names, row, strict=True))
    raise AssertionError(f"{reference} is not in {sheet.title}")


def with_status(use_case: UseCase, status: str) -> UseCase:
    """Test data: a use case in a state without replaying the workflow."""
    UseCase.objects.filter(pk=use_case.pk).update(status=status)
    use_case.refresh_from_db()
    return use_case


# The portfolio workbook ------------------------------------------------------------------------------


def test_the_workbook_has_one_sheet_per_entity(world):
    workbook = read(portfolio_workbook(actor=world.chair))

    assert workbook.sheetnames == SHEETS


def test_use_case_headers_are_words_and_choices_their_labels(world):
    workbook = read(portfolio_workbook(actor=world.chair))

    sheet = workbook["Use cases"]
    names = header(sheet)
    assert names[:3] == ["Reference", "Title", "Status"]
    assert {"Submitting team", "EU AI Act risk tier", "Estimated annual benefit (EUR)", "Owner"} <= set(names)
    row = row_of(sheet, world.use_case.reference)
    assert row["Status"].value == "Draft"
    assert row["AI technique"].value == "Classical machine learning"
    assert row["Customer-journey stages"].value == "Choose; Purchase"
    assert row["Uses personal data"].value == "No"


def test_every_sheet_freezes_its_header_and_filters_its_rows(world):
    UseCaseLinkFactory(source=world.use_case, target=UseCaseFactory(team=world.use_case.team))

    workbook = read(portfolio_workbook(actor=world.chair))

    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        last_column = sheet.cell(row=1, column=sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A1:{last_column}{sheet.max_row}", sheet.title
    assert workbook["Use cases"].max_row == 3
    assert workbook["Links"].max_row == 2


def test_datetimes_are_excel_dates_in_the_site_time_zone(world):
    workbook = read(portfolio_workbook(actor=world.chair))

    created = row_of(workbook["Use cases"], world.use_case.reference)["Created"]
    assert created.is_date and isinstance(created.value, datetime.datetime)
    expected = timezone.localtime(world.use_case.created_at).replace(tzinfo=None)
    assert abs(created.value - expected) < datetime.timedelta(seconds=1)
    assert created.number_format == "yyyy-mm-dd hh:mm"


def test_dates_are_excel_dates(world):
    kpi = world.use_case.kpis.get()
    KpiMeasurement.objects.create(kpi=kpi, date=datetime.date(2026, 3, 31), value=Decimal("2.5"))

    workbook = read(portfolio_workbook(actor=world.chair))

    date = workbook["KPI measurements"]["C2"]
    assert header(workbook["KPI measurements"])[2] == "Date"
    assert date.is_date and date.value == datetime.datetime(2026, 3, 31)
    assert date.number_format == "yyyy-mm-dd"
    assert workbook["KPI measurements"]["D2"].value == 2.5


def test_money_is_a_number(world):
    workbook = read(portfolio_workbook(actor=world.chair))

    row = row_of(workbook["Use cases"], world.use_case.reference)
    benefit = row["Estimated annual benefit (EUR)"]
    assert benefit.data_type == "n" and benefit.value == 250000
    assert benefit.number_format == "#,##0.00"
    assert row["Net annual value (EUR)"].value == 170000


def test_a_title_that_looks_like_a_formula_is_written_as_text(world):
    UseCase.objects.filter(pk=world.use_case.pk).update(title='=HYPERLINK("http://x","y")')

    workbook = read(portfolio_workbook(actor=world.chair))

    title = row_of(workbook["Use cases"], world.use_case.reference)["Title"]
    assert title.data_type == "s"
    assert title.value == '\'=HYPERLINK("http://x","y")'
    assert not any(cell.data_type == "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)


def test_a_use_case_without_owner_says_it_needs_one(world):
    UseCase.objects.filter(pk=world.use_case.pk).update(owner=None)

    workbook = read(portfolio_workbook(actor=world.chair))

    assert row_of(workbook["Use cases"], world.use_case.reference)["Owner"].value == "needs an owner"


def test_a_team_member_does_not_see_another_teams_drafts_nor_the_rows_about_them(world):
    # given: the Pricing team's draft (world.use_case), a Logistics draft and a submitted Logistics one
    logistics = TeamFactory(slug="logistics")
    other_draft = UseCaseFactory(team=logistics, owner=world.other_team_member, title="Logistics secret draft")
    shared = with_status(UseCaseFactory(team=logistics, owner=world.other_team_member), Status.SUBMITTED)
    UseCaseLinkFactory(source=other_draft, target=shared)
    UseCaseLinkFactory(source=shared, target=world.use_case)

    # when
    workbook = read(portfolio_workbook(actor=world.team_member))

    # then
    references = column(workbook["Use cases"], "Reference")
    assert world.use_case.reference in references and shared.reference in references
    assert other_draft.reference not in references
    for title in ("KPIs", "Side effects"):
        assert other_draft.reference not in column(workbook[title], "Use case"), title
    assert column(workbook["Links"], "From") == [shared.reference]


def test_the_committee_sees_every_teams_drafts(world):
    other_draft = UseCaseFactory(team=TeamFactory(slug="logistics"), owner=world.other_team_member)

    workbook = read(portfolio_workbook(actor=world.finance))

    assert other_draft.reference in column(workbook["Use cases"], "Reference")


def _portfolio_data(world, count: int) -> None:
    team = world.use_case.team
    use_cases = [with_status(UseCaseFactory(team=team, owner=world.owner), Status.SUBMITTED) for _ in range(count)]
    foundation = FoundationFactory()
    portfolio = Portfolio.objects.create(reference=f"PF-{count:03d}", name="Growth", domains=["Domain 1"])
    for index, use_case in enumerate(use_cases):
        UseCaseFoundation.objects.create(use_case=use_case, foundation=foundation, note="Prices")
        PortfolioMembership.objects.create(portfolio=portfolio, use_case=use_case, strength=index)
        KpiMeasurement.objects.create(kpi=use_case.kpis.get(), date=datetime.date(2026, 1, 1), value=index)
        if index:
            UseCaseLinkFactory(source=use_cases[index - 1], target=use_case)


@pytest.mark.parametrize("count", [3, 30])
def test_the_workbook_reads_a_fixed_number_of_queries(world, count, django_assert_max_num_queries):
    _portfolio_data(world, count)

    with django_assert_max_num_queries(WORKBOOK_MAX_QUERIES):
        content = portfolio_workbook(actor=world.team_member)

    assert read(content)["Use cases"].max_row == count + 2  # the header, the draft and the others


def test_the_workbook_reads_as_many_queries_for_3_as_for_30_use_cases(world):
    counts = []
    for count in (3, 30):
        _portfolio_data(world, count)
        actor = User.objects.get(pk=world.team_member.pk)  # as a request has it: no permission cached yet
        with CaptureQueriesContext(connection) as queries:
            portfolio_workbook(actor=actor)
        counts.append(len(queries))

    assert counts[0] == counts[1]


# The EU AI Act register ------------------------------------------------------------------------------


def test_the_register_lists_only_the_high_risk_use_cases(world):
    high = UseCaseFactory(risk_tier=RiskTier.HIGH, team=world.use_case.team, owner=world.owner)
    UseCaseFactory(risk_tier=RiskTier.LIMITED, is_high_impact=True, team=world.use_case.team, owner=world.owner)

    rows = eu_ai_act_register_rows(actor=world.chair)

    assert [row["reference"] for row in rows] == [high.reference]


def test_the_register_says_what_is_still_to_document(world):
    bare = UseCaseFactory(
        team=world.use_case.team,
        owner=world.owner,
        risk_tier=RiskTier.HIGH,
        problem_statement="",
        sourcing="",
        ai_technique="",
        assessed_side_effect=False,
    )
    UseCase.objects.filter(pk=bare.pk).update(owner=None)
    SideEffect.objects.create(use_case=bare, category="customer", title="Not rated yet")

    (row,) = eu_ai_act_register_rows(actor=world.chair)

    assert row["still_to_document"] == [
        "Problem statement",
        "Owner",
        "Sourcing (whether provider or deployer)",
        "AI technique",
        "Data sources and platforms",
        "An assessed side effect (likelihood and severity)",
        "A committee decision",
    ]
    assert row["owner"] == "needs an owner"
    assert row["role"] == ""
    assert row["intended_purpose"] == bare.proposed_solution


def test_a_documented_high_risk_use_case_has_nothing_left_to_document(world):
    # given: a high-risk use case with a data source, an assessed side effect and an approval
    use_case = world.use_case
    UseCase.objects.filter(pk=use_case.pk).update(risk_tier=RiskTier.HIGH, sourcing=Sourcing.HYBRID)
    UseCaseFoundation.objects.create(use_case=use_case, foundation=FoundationFactory(name="Customer 360"))
    advance(world, "approved")

    # when
    (row,) = eu_ai_act_register_rows(actor=world.chair)

    # then
    assert row["still_to_document"] == []
    assert row["role"] == "Provider and deployer"
    assert row["status"] == "Approved"
    assert row["latest_decision"] == "Approved" and row["latest_decision_at"] is not None
    assert row["foundations"] == ["Customer 360 (Data source)"]
    assert row["intended_purpose"] == f"{use_case.problem_statement}\n\n{use_case.proposed_solution}"


@pytest.mark.parametrize(
    ("sourcing", "role"), [(Sourcing.IN_HOUSE, "Provider"), (Sourcing.VENDOR, "Deployer"), ("", "")]
)
def test_the_role_follows_the_sourcing(world, sourcing, role):
    UseCaseFactory(team=world.use_case.team, owner=world.owner, risk_tier=RiskTier.HIGH, sourcing=sourcing)

    (row,) = eu_ai_act_register_rows(actor=world.chair)

    assert row["role"] == role


def test_the_register_file_has_the_sheet_conventions(world):
    UseCaseFactory(
        team=world.use_case.team,
        owner=world.owner,
        risk_tier=RiskTier.HIGH,
        ai_technique=AITechnique.GENERATIVE,
        title="@SUM(A1:A2)",
    )

    workbook = read(eu_ai_act_register(actor=world.chair))

    (sheet,) = workbook.worksheets
    assert sheet.title == "EU AI Act register"
    assert header(sheet)[:4] == ["Reference", "Name of the AI system", "Intended purpose", "Status"]
    assert "Still to document" in header(sheet)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}2"
    assert column(sheet, "Name of the AI system") == ["'@SUM(A1:A2)"]
    assert column(sheet, "AI technique") == ["Generative AI"]
    assert column(sheet, "Still to document") == ["Data sources and platforms; A committee decision"]


def test_a_team_member_does_not_see_another_teams_high_risk_draft(world):
    UseCaseFactory(team=TeamFactory(slug="logistics"), owner=world.other_team_member, risk_tier=RiskTier.HIGH)

    assert eu_ai_act_register_rows(actor=world.team_member) == []
    assert len(eu_ai_act_register_rows(actor=world.finance)) == 1


# The downloads ---------------------------------------------------------------------------------------

ADMIN_URLS = ["/admin/exchange/export/portfolio.xlsx", "/admin/exchange/export/eu-ai-act-register.xlsx"]
API_URLS = ["/api/v1/export/portfolio.xlsx", "/api/v1/export/eu-ai-act-register.xlsx"]


@pytest.mark.parametrize(("url", "stem"), list(zip(ADMIN_URLS, ["portfolio", "eu-ai-act-register"], strict=True)))
def test_a_committee_member_downloads_the_files_from_the_admin(world, committee_admin, url, stem):
    client = committee_admin(world.finance)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{stem}-{timezone.localdate():%Y-%m-%d}.xlsx"'
    assert read(response.content).sheetnames


def test_the_admin_urls_have_their_names():
    from django.urls import reverse

    assert reverse("exchange_export_portfolio") == ADMIN_URLS[0]
    assert reverse("exchange_export_eu_register") == ADMIN_URLS[1]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_a_team_member_is_sent_to_the_admin_login(world, client, url):
    client.force_login(world.team_member)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", API_URLS)
def test_a_committee_member_downloads_the_files_from_the_api(world, url):
    client = APIClient()
    client.force_login(world.finance)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert read(response.content).sheetnames


@pytest.mark.parametrize("url", API_URLS)
def test_the_api_answers_anonymous_with_a_json_401(db, url):
    response = APIClient().get(url, HTTP_ACCEPT=XLSX_CONTENT_TYPE)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_the_api_file_holds_what_the_requester_may_see(world):
    other_draft = UseCaseFactory(team=TeamFactory(slug="logistics"), owner=UserFactory())
    client = APIClient()
    client.force_login(world.team_member)

    response = client.get(API_URLS[0])

    assert response.status_code == 200
    references = column(read(response.content)["Use cases"], "Reference")
    assert world.use_case.reference in references and other_draft.reference not in references
