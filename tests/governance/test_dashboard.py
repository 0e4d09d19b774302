"""The committee's dashboard, the admin's home page (governance/dashboard.py, dashboard_views.py,
admin_site.py): each chart's rows on hand-built data, each CSV serving exactly those rows, the filters
narrowing both, who sees it, a fixed number of queries whatever the data size, and the weekly
snapshot of its headline figures (the service, the task, and the task through a real worker). The
dashboard of the demo organisation: tests/demo/test_dashboard.py (the demo is loaded once there)."""

from __future__ import annotations

import csv
import datetime
import io
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.actors import SYSTEM
from core.models import AuditAction
from core.services import audit_record
from domains.models import Domain, UseCase, UseCaseFoundation
from governance import dashboard, services
from governance.dashboard import FIGURE_KEYS, DashboardFilters, dashboard_use_cases
from governance.models import ImpactSnapshot, Kpi, KpiMeasurement, SideEffect
from governance.tasks import snapshot_impact_task
from portfolio.models import Portfolio, PortfolioMembership
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory, UserFactory
from tests.governance.conftest import advance
from tests.governance.test_worker import WORKER_TIMEOUT_SECONDS, celery_worker, worker_env  # noqa: F401

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
# The page's queries, whatever the number of use cases: the session and the user, the admin's
# permissions, the filter form's choices, and each chart's own (governance/dashboard.py says how many).
# 45: the isolated-pilots chart's one query; the priorities chart's six (whether the data changed since
# the priority table was computed: five aggregates; the scope's ids); and the priority weights' row in
# the records below, whose view and change permissions ask whether the member still sits on the
# committee (two). The table itself is computed once per change of the data.
PAGE_MAX_QUERIES = 45
# 13: the priorities chart reads whether the data changed since its table was computed, and its scope.
CSV_MAX_QUERIES = 13


def csv_url(slug: str, **params) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("admin:dashboard_csv", args=[slug]) + (f"?{query}" if query else "")


def status(use_case: UseCase, value: str) -> UseCase:
    """Put a use case in a state for reading (the workflow's own tests walk the transitions)."""
    UseCase.objects.filter(pk=use_case.pk).update(status=value, status_changed_at=timezone.now())
    use_case.refresh_from_db()
    return use_case


def steps(use_case: UseCase, now: datetime.datetime, *moves: tuple[int, str, str]) -> None:
    """Workflow events in the audit trail, `days` before `now`: (days, action, status entered)."""
    for days, action, entered in moves:
        with time_machine.travel(now - datetime.timedelta(days=days), tick=False):
            audit_record(actor=SYSTEM, action=AuditAction.for_workflow(action), target=use_case, data={"to": entered})


@dataclass
class Known:
    """Four use cases with known scores, measures, side effects, foundations and steps (and a
    discarded draft, left out of every chart)."""

    retail: Domain
    finance: Domain
    basket: UseCase
    invoices: UseCase
    slots: UseCase
    draft: UseCase
    portfolio: Portfolio
    now: datetime.datetime


@pytest.fixture
def known(db) -> Known:
    now = timezone.now()
    retail = DomainFactory(name="Retail", slug="retail")
    finance = DomainFactory(name="Finance", slug="finance")
    basket = status(
        UseCaseFactory(
            title="Basket recommender",
            domain=retail,
            ambition="transformation",
            business_value=5,
            feasibility=4,
            estimated_annual_benefit=Decimal("900000"),
        ),
        "in_delivery",
    )
    invoices = status(
        UseCaseFactory(
            title="Invoice matching",
            domain=finance,
            ambition="optimisation",
            business_value=3,
            feasibility=5,
            estimated_annual_benefit=Decimal("120000"),
        ),
        "approved",
    )
    slots = status(
        UseCaseFactory(
            title="Slot forecasting",
            domain=retail,
            ambition="optimisation",
            business_value=4,
            feasibility=2,
            estimated_annual_benefit=None,
        ),
        "submitted",
    )
    draft = UseCaseFactory(
        title="An idea", domain=finance, ambition="", business_value=None, feasibility=None, outcome_kpi=False
    )
    status(UseCaseFactory(title="Dropped", domain=finance, business_value=1, feasibility=1), "discarded")

    # Measures: every use case but the draft has the factory's growth measure (baseline 2, target 3).
    Kpi.objects.create(
        use_case=basket, name="Picking time", category="efficiency", baseline=10, target=5, direction="lower"
    )
    Kpi.objects.create(use_case=basket, name="Complaints", category="risk", baseline=5, target=2, direction="lower")
    cost = Kpi.objects.create(
        use_case=invoices, name="Cost per invoice", category="efficiency", baseline=10, target=5, direction="lower"
    )
    conversion = basket.kpis.get(name="Conversion rate")
    for date, value in (("2026-01-10", "2.5"), ("2026-02-10", "2.4"), ("2026-03-10", "2.8")):
        KpiMeasurement.objects.create(kpi=conversion, date=date, value=Decimal(value))
    KpiMeasurement.objects.create(kpi=cost, date="2026-02-12", value=Decimal("11"))

    # Side effects: each use case has the factory's (2, 2), open.
    SideEffect.objects.create(use_case=basket, category="workforce", title="Pickers", likelihood=4, severity=5)
    SideEffect.objects.create(
        use_case=invoices, category="operational", title="Errors", likelihood=4, severity=5, status="mitigating"
    )
    SideEffect.objects.create(
        use_case=slots, category="customer", title="Old", likelihood=4, severity=5, status="closed"
    )
    SideEffect.objects.create(
        use_case=basket, category="reputation", title="Press", likelihood=1, severity=3, status="accepted"
    )

    platform = FoundationFactory(name="Customer data platform")
    sensors = FoundationFactory(name="Store sensors", readiness=2)
    for use_case in (basket, invoices, slots, draft):
        UseCaseFoundation.objects.create(use_case=use_case, foundation=platform)
    UseCaseFoundation.objects.create(use_case=basket, foundation=sensors)
    UseCaseFoundation.objects.create(use_case=slots, foundation=sensors)

    steps(basket, now, (100, "submit", "submitted"), (80, "start_review", "in_review"), (70, "approve", "approved"))
    steps(basket, now, (40, "start_delivery", "in_delivery"))
    steps(invoices, now, (30, "submit", "submitted"), (20, "start_review", "in_review"), (16, "approve", "approved"))
    steps(slots, now, (10, "submit", "submitted"))

    portfolio = Portfolio.objects.create(reference="PF-100", name="Basket growth", status="adopted")
    for use_case in (basket, invoices):
        PortfolioMembership.objects.create(portfolio=portfolio, use_case=use_case)
    return Known(retail, finance, basket, invoices, slots, draft, portfolio, now)


def scope(**filters) -> object:
    return dashboard_use_cases(actor=SYSTEM, filters=DashboardFilters(**filters))


# Each chart's rows on known data ------------------------------------------------------------------------


def test_value_feasibility_draws_one_bubble_per_scored_use_case(known):
    bubbles = dashboard.value_feasibility(use_cases=scope())

    assert [
        (row["title"], row["business_value"], row["feasibility"], row["ambition"], row["estimated_annual_benefit"])
        for row in bubbles
    ] == [
        ("Basket recommender", 5, 4, "transformation", 900000.0),
        ("Invoice matching", 3, 5, "optimisation", 120000.0),
        ("Slot forecasting", 4, 2, "optimisation", None),
    ]
    assert bubbles[0]["id"] == known.basket.pk and bubbles[0]["domain"] == "Retail"


def test_ambition_by_domain_gives_each_domain_its_shares(known):
    rows = dashboard.ambition_by_domain(use_cases=scope())

    assert [(r["domain"], r["optimisation"], r["transformation"], r["not_set"]) for r in rows] == [
        ("Finance", 1, 0, 1),
        ("Retail", 1, 1, 0),
    ]
    assert [(r["optimisation_share"], r["transformation_share"], r["not_set_share"]) for r in rows] == [
        (0.5, 0.0, 0.5),
        (0.5, 0.5, 0.0),
    ]


def test_kpi_coverage_counts_use_cases_with_a_measure_of_each_category(known):
    rows = {row["category"]: (row["use_cases"], row["share"]) for row in dashboard.kpi_coverage(use_cases=scope())}

    assert rows == {
        "efficiency": (2, 0.5),
        "growth": (3, 0.75),
        "engagement": (0, 0.0),
        "lasting_results": (0, 0.0),
        "risk": (1, 0.25),
    }


def test_measures_roll_up_per_domain_then_per_portfolio(known):
    rows = [
        (row["group"], row["name"], row["use_cases"], row["kpis"], row["on_track"], row["off_track"], row["no_data"])
        for row in dashboard.impact_by_group(use_cases=scope())
    ]

    # Basket: conversion 2.8 on the way from 2 to 3 and improving (on track), two measures unmeasured;
    # slots: one unmeasured; invoices: cost per invoice 11, worse than its baseline 10 (off track).
    assert rows == [
        ("domain", "Retail", 2, 4, 1, 0, 3),
        ("domain", "Finance", 1, 2, 0, 1, 1),
        ("portfolio", "PF-100 Basket growth", 2, 5, 1, 1, 3),
    ]
    only_finance = dashboard.impact_by_group(use_cases=scope(domain=known.finance))
    assert [(row["group"], row["name"]) for row in only_finance] == [
        ("domain", "Finance"),
        ("portfolio", "PF-100 Basket growth"),
    ]


def test_kpi_progress_gives_the_share_on_track_of_the_measures_measured_each_month(known):
    rows = dashboard.kpi_progress_over_time(use_cases=scope(), today=datetime.date(2026, 3, 15), months=4)

    assert rows == [
        {"month": "2025-12", "measured": 0, "on_track": 0, "at_risk": 0, "off_track": 0, "on_track_share": None},
        # The first value, half way to the target: on track.
        {"month": "2026-01", "measured": 1, "on_track": 1, "at_risk": 0, "off_track": 0, "on_track_share": 1.0},
        # It went back (at risk); the cost per invoice got worse than its baseline (off track).
        {"month": "2026-02", "measured": 2, "on_track": 0, "at_risk": 1, "off_track": 1, "on_track_share": 0.0},
        {"month": "2026-03", "measured": 2, "on_track": 1, "at_risk": 0, "off_track": 1, "on_track_share": 0.5},
    ]


def test_foundations_are_ranked_by_the_use_cases_they_unlock(known):
    rows = dashboard.foundations_unlocked(use_cases=scope())

    # The draft is its team's own: it unlocks nothing yet. The sensors (readiness 2) hold back the
    # submitted slot forecasting.
    assert [(r["foundation"], r["use_cases"], r["reusing"], r["benefit_enabled"], r["held_back"]) for r in rows] == [
        ("Customer data platform", 3, 3, 1020000.0, 0),
        ("Store sensors", 2, 2, 900000.0, 1),
    ]


def test_the_heat_map_counts_live_side_effects_in_each_cell(known):
    cells = {
        (c["likelihood"], c["severity"]): c["side_effects"] for c in dashboard.side_effect_heatmap(use_cases=scope())
    }

    assert len(cells) == 25
    assert cells[(4, 5)] == 2  # open and being mitigated; the closed one is not live
    assert cells[(2, 2)] == 4  # the factory's, on each of the four use cases
    assert cells[(1, 3)] == 1  # accepted: still watched
    assert sum(cells.values()) == 7


def test_the_pipeline_counts_use_cases_per_status_and_the_median_days_in_each(known):
    rows = {row["status"]: row for row in dashboard.pipeline(use_cases=scope(), now=known.now)}

    assert [row["status"] for row in rows.values()][:3] == ["draft", "submitted", "in_review"]
    assert "discarded" not in rows
    assert {s: rows[s]["use_cases"] for s in ("draft", "submitted", "approved", "in_delivery")} == {
        "draft": 1,
        "submitted": 1,
        "approved": 1,
        "in_delivery": 1,
    }
    # Submitted: 20 days (basket), 10 (invoices), 10 so far (slots); in review: 10 and 4; approved: 30,
    # and 16 so far; in delivery: 40 so far.
    assert {
        s: (rows[s]["median_days"], rows[s]["stays"]) for s in ("submitted", "in_review", "approved", "in_delivery")
    } == {
        "submitted": (10.0, 3),
        "in_review": (7.0, 2),
        "approved": (23.0, 2),
        "in_delivery": (40.0, 1),
    }
    assert rows["draft"]["median_days"] is None


def test_the_queue_lists_what_needs_the_committee(world):
    # given: one use case submitted, one in review for 20 days awaiting the finance member's vote, one
    # live whose side effects were never reviewed
    waiting = advance(world, "submitted", UseCaseFactory(team=world.use_case.team, owner=world.owner))
    in_review = advance(world, "in_review")
    UseCase.objects.filter(pk=in_review.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=20))
    live = advance(world, "in_delivery", UseCaseFactory(team=world.use_case.team, owner=world.owner))
    SideEffect.objects.filter(use_case=live).update(last_reviewed_on=None)

    rows = dashboard.committee_queue(use_cases=dashboard_use_cases(actor=world.finance), actor=world.finance)

    assert [(row["list"], row["reference"], row["days"]) for row in rows] == [
        ("submitted", waiting.reference, 0),
        ("awaiting_my_vote", in_review.reference, 20),
        ("overdue_reviews", in_review.reference, 20),
        ("stale_side_effects", live.reference, None),
    ]
    # The secretary does not vote: nothing awaits her vote.
    secretary = dashboard.committee_queue(use_cases=dashboard_use_cases(actor=world.secretary), actor=world.secretary)
    assert "awaiting_my_vote" not in {row["list"] for row in secretary}


def test_the_headline_figures_of_the_known_portfolio(known):
    figures = dashboard.headline_figures(use_cases=scope(), today=datetime.date(2026, 3, 15))

    assert tuple(figures) == FIGURE_KEYS
    assert figures == {
        "use_cases": 4,
        "optimisation": 2,
        "transformation": 1,
        "transformation_share": 0.3333,
        "live_use_cases": 1,
        "kpis_measured": 2,
        "kpis_on_track_share": 0.5,
        "estimated_benefit": 0.0,  # no measure counts money
        "realised_benefit": 0.0,
        "open_high_side_effects": 2,
    }


def test_the_headline_shows_the_snapshots_then_the_live_figures(known):
    ImpactSnapshot.objects.create(taken_on=datetime.date(2026, 3, 2), figures={"use_cases": 3})
    ImpactSnapshot.objects.create(taken_on=datetime.date(2026, 3, 9), figures={"use_cases": 4})

    rows = dashboard.headline(use_cases=scope(), today=datetime.date(2026, 3, 15))
    filtered = dashboard.headline(
        use_cases=scope(domain=known.retail),
        filters=DashboardFilters(domain=known.retail),
        today=datetime.date(2026, 3, 15),
    )

    assert [(row["taken_on"], row["source"], row["use_cases"]) for row in rows] == [
        ("2026-03-02", "snapshot", 3),
        ("2026-03-09", "snapshot", 4),
        ("2026-03-15", "live", 4),
    ]
    # Snapshots are of the whole portfolio: no trend beside a domain's figures.
    assert [(row["source"], row["use_cases"]) for row in filtered] == [("live", 2)]


# Filters -----------------------------------------------------------------------------------------------


def test_the_domain_and_portfolio_filters_narrow_every_chart(known):
    by_domain = scope(domain=known.retail)
    by_portfolio = scope(portfolio=known.portfolio)
    both = scope(domain=known.retail, portfolio=known.portfolio)

    assert [r["title"] for r in dashboard.value_feasibility(use_cases=by_domain)] == [
        "Basket recommender",
        "Slot forecasting",
    ]
    assert [r["title"] for r in dashboard.value_feasibility(use_cases=by_portfolio)] == [
        "Basket recommender",
        "Invoice matching",
    ]
    assert [r["title"] for r in dashboard.value_feasibility(use_cases=both)] == ["Basket recommender"]
    assert [r["domain"] for r in dashboard.ambition_by_domain(use_cases=by_domain)] == ["Retail"]
    heat = {
        (c["likelihood"], c["severity"]): c["side_effects"] for c in dashboard.side_effect_heatmap(use_cases=by_domain)
    }
    assert heat[(4, 5)] == 1 and heat[(2, 2)] == 2
    assert [(r["foundation"], r["use_cases"]) for r in dashboard.foundations_unlocked(use_cases=by_portfolio)] == [
        ("Customer data platform", 2),
        ("Store sensors", 1),
    ]
    assert {r["status"]: r["use_cases"] for r in dashboard.pipeline(use_cases=by_portfolio)}["submitted"] == 0


# The page and its CSV ---------------------------------------------------------------------------------------


@pytest.fixture
def member(world, committee_admin):
    """A voting member of the committee, signed in to the admin as the committee works there."""
    return committee_admin(world.finance)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def as_csv(rows: list[dict]) -> list[dict[str, str]]:
    return [{key: "" if value is None else str(value) for key, value in row.items()} for row in rows]


@pytest.mark.parametrize("slug", list(dashboard.CHARTS))
def test_each_charts_csv_rows_are_exactly_the_charts_rows(known, world, member, slug):
    advance(world, "in_review")  # something in the queue

    response = member.get(csv_url(slug))

    expected = dashboard.chart_rows(slug, actor=world.finance)
    assert expected, f"{slug}: no rows to compare"
    assert list(expected[0]) == list(dashboard.CHARTS[slug].columns)
    assert csv_rows(response) == as_csv(expected)


def test_the_csv_follows_the_filters(known, member):
    rows = csv_rows(member.get(csv_url("value-feasibility", domain="retail", portfolio="PF-100")))

    assert [row["title"] for row in rows] == ["Basket recommender"]


def test_an_unknown_filter_is_a_400_naming_it(known, member):
    response = member.get(csv_url("pipeline", domain="atlantis"))

    assert response.status_code == 400
    assert response.content.decode().startswith("domain: ")


def test_an_unknown_chart_is_a_404(member):
    assert member.get(reverse("admin:dashboard_csv", args=["pie"])).status_code == 404


def test_the_index_is_the_dashboard_with_the_records_below(known, world, member):
    response = member.get(INDEX)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="dashboard-data"' in page
    slugs = ("value-feasibility", "ambition-by-domain", "pipeline", "kpi-coverage", "kpi-progress", "side-effects")
    for slug in (*slugs, "isolated-pilots", "priorities"):
        assert f'data-chart="{slug}"' in page
        assert csv_url(slug) in page
    assert 'id="all-records"' in page and reverse("admin:domains_usecase_changelist") in page
    data = response.context["dashboard"]["data"]
    assert [row["title"] for row in data["charts"]["value-feasibility"]] == [
        "Basket recommender",
        "Invoice matching",
        "Slot forecasting",
        world.use_case.title,  # the committee sees the teams' drafts
    ]


def test_the_filter_form_narrows_the_page_and_its_csv_links(known, member):
    response = member.get(INDEX, {"domain": "retail"})

    data = response.context["dashboard"]["data"]
    assert [row["title"] for row in data["charts"]["value-feasibility"]] == ["Basket recommender", "Slot forecasting"]
    assert csv_url("pipeline", domain="retail") in response.content.decode()


def test_an_unknown_filter_on_the_page_shows_the_error_and_no_chart(known, member):
    response = member.get(INDEX, {"portfolio": "PF-999"})

    assert response.status_code == 200
    assert response.context["dashboard_form"].errors["portfolio"]
    assert 'id="dashboard-data"' not in response.content.decode()


def test_a_team_member_who_is_not_staff_gets_the_admin_login(world, client):
    client.force_login(world.team_member)

    for url in (INDEX, csv_url("value-feasibility")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login") + "?next=")


def test_staff_outside_the_committee_keep_the_plain_index_and_get_no_csv(world, client):
    client.force_login(world.staff)  # staff, in no group: may read no use case

    page = client.get(INDEX)
    assert page.status_code == 200
    assert "dashboard" not in page.context or not page.context["dashboard"]
    assert client.get(csv_url("value-feasibility")).status_code == 403


# A fixed number of queries ------------------------------------------------------------------------------------


def populate(count: int, now: datetime.datetime) -> None:
    """`count` use cases of every kind the charts read: scored, measured, with side effects, on
    foundations, with workflow steps, in a portfolio; the same shape whatever the count."""
    domains = [DomainFactory(name=f"Area {n}", slug=f"area-{n}") for n in range(3)]
    foundations = [FoundationFactory(readiness=2), FoundationFactory(readiness=4)]
    team = TeamFactory()
    portfolio = Portfolio.objects.create(reference="PF-200", name="Everything", status="adopted")
    statuses = ["submitted", "in_review", "approved", "in_delivery", "scaled"]
    for n in range(count):
        use_case = UseCaseFactory(
            domain=domains[n % 3],
            team=team,
            ambition=("optimisation", "transformation")[n % 2],
            business_value=1 + n % 5,
            feasibility=1 + (n * 2) % 5,
        )
        status(use_case, statuses[n % len(statuses)])
        KpiMeasurement.objects.create(kpi=use_case.kpis.get(), date=now.date(), value=Decimal("2.5"))
        SideEffect.objects.create(use_case=use_case, category="customer", title="Seen", likelihood=4, severity=5)
        SideEffect.objects.filter(use_case=use_case).update(last_reviewed_on=None)
        UseCaseFoundation.objects.create(use_case=use_case, foundation=foundations[n % 2])
        steps(use_case, now, (30, "submit", "submitted"), (20, "start_review", "in_review"))
        PortfolioMembership.objects.create(portfolio=portfolio, use_case=use_case)


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [INDEX, f"{INDEX}?domain=area-1&portfolio=PF-200"])
def test_the_page_reads_a_fixed_number_of_queries(world, member, django_assert_max_num_queries, url):
    now = timezone.now()
    populate(5, now)
    small = page_queries(member, url)
    populate_rest(now, 55)

    large = page_queries(member, url)

    assert small == large
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        member.get(url)


def populate_rest(now: datetime.datetime, count: int) -> None:
    """More use cases of the same shape, in the areas and the portfolio `populate` made."""
    domains = list(Domain.objects.filter(slug__startswith="area-").order_by("slug"))
    portfolio = Portfolio.objects.get(reference="PF-200")
    foundations = list(UseCaseFoundation.objects.values_list("foundation", flat=True).distinct())
    for n in range(count):
        use_case = UseCaseFactory(domain=domains[n % 3], business_value=1 + n % 5, feasibility=1 + n % 4)
        status(use_case, ("submitted", "in_review", "in_delivery")[n % 3])
        KpiMeasurement.objects.create(kpi=use_case.kpis.get(), date=now.date(), value=Decimal("2.2"))
        UseCaseFoundation.objects.create(use_case=use_case, foundation_id=foundations[n % len(foundations)])
        steps(use_case, now, (12, "submit", "submitted"))
        PortfolioMembership.objects.create(portfolio=portfolio, use_case=use_case)


def test_each_csv_reads_a_fixed_number_of_queries(world, member, django_assert_max_num_queries):
    now = timezone.now()
    populate(5, now)
    urls = {slug: csv_url(slug, domain="area-0") for slug in dashboard.CHARTS}
    small = {slug: page_queries(member, url) for slug, url in urls.items()}
    populate_rest(now, 55)

    assert {slug: page_queries(member, url) for slug, url in urls.items()} == small
    for url in urls.values():
        with django_assert_max_num_queries(CSV_MAX_QUERIES):
            member.get(url)


# The weekly snapshot ----------------------------------------------------------------------------------------------


def test_the_snapshot_records_the_headline_figures_once_a_day(known):
    first = services.impact_snapshot_take(actor=SYSTEM)
    UseCaseFactory(domain=known.retail)

    again = services.impact_snapshot_take(actor=SYSTEM)

    assert ImpactSnapshot.objects.count() == 1
    assert again.pk == first.pk and again.taken_on == timezone.localdate()
    assert tuple(again.figures) == FIGURE_KEYS
    assert (first.figures["use_cases"], again.figures["use_cases"]) == (4, 5)
    assert again.figures == dashboard.headline_figures(use_cases=dashboard_use_cases(actor=SYSTEM))


def test_the_snapshot_of_another_day_is_another_row(known):
    services.impact_snapshot_take(actor=SYSTEM, on=timezone.localdate() - datetime.timedelta(days=7))
    services.impact_snapshot_take(actor=SYSTEM)

    assert ImpactSnapshot.objects.count() == 2


def test_an_administrator_may_take_the_snapshot_a_committee_member_may_not(world):
    administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True)

    assert services.impact_snapshot_take(actor=administrator).figures["use_cases"] == 1
    with pytest.raises(PermissionDenied):
        services.impact_snapshot_take(actor=world.chair)


def test_a_snapshot_for_a_future_date_is_refused_naming_the_field(db):
    with pytest.raises(ValidationError) as refused:
        services.impact_snapshot_take(actor=SYSTEM, on=timezone.localdate() + datetime.timedelta(days=1))

    assert "on" in refused.value.message_dict
    assert not ImpactSnapshot.objects.exists()


def test_the_weekly_task_takes_the_snapshot(known):
    snapshot_id = snapshot_impact_task()
    snapshot_impact_task()

    snapshot = ImpactSnapshot.objects.get()
    assert snapshot.pk == snapshot_id
    assert snapshot.figures["use_cases"] == 4


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_takes_the_weekly_snapshot(worker_env, celery_worker, tmp_path):  # noqa: F811
    UseCaseFactory(business_value=2)

    snapshot_impact_task.delay()

    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not ImpactSnapshot.objects.exists():
        assert celery_worker.poll() is None, (tmp_path / "worker.log").read_text()
        time.sleep(0.2)
    snapshot = ImpactSnapshot.objects.get()
    assert snapshot.taken_on == timezone.localdate()
    assert snapshot.figures["use_cases"] == 1


def test_isolated_pilots_count_per_domain_and_function_those_tied_into_a_portfolio_and_those_alone(db):
    from governance.dashboard import isolated_pilots
    from portfolio.models import Portfolio, PortfolioMembership
    from tests.factories import DomainFactory, UseCaseFactory, function

    retail = DomainFactory(name="Retail", slug="retail")
    marketing, finance = function("marketing"), function("finance")
    tied, alone, both, draft = (
        UseCaseFactory(domain=retail, status=status, functions=functions)
        for status, functions in (
            ("approved", [marketing]),
            ("submitted", [marketing]),
            ("scaled", [marketing, finance]),
            ("draft", [finance]),
        )
    )
    [nowhere] = [UseCaseFactory(domain=retail, status="approved", functions=[])]
    portfolio = Portfolio.objects.create(reference="PF-001", name="Group", status="adopted")
    for member in (tied, both):
        PortfolioMembership.objects.create(portfolio=portfolio, use_case=member)

    rows = {
        (row["function"], row["in_portfolio"], row["standalone"])
        for row in isolated_pilots(use_cases=UseCase.objects.all())
    }

    assert rows == {
        (str(finance.name), 1, 0),
        (str(marketing.name), 2, 1),
        ("No business function", 0, 1),
    }
    assert draft.pk and alone.pk and nowhere.pk


def test_the_dashboard_ranks_the_scopes_highest_priorities(db):
    from governance.dashboard import top_priorities
    from tests.factories import DomainFactory, UseCaseFactory, UseCaseLinkFactory

    retail, finance = DomainFactory(name="Retail", slug="retail"), DomainFactory(name="Finance", slug="finance")
    hub, spoke, other = (
        UseCaseFactory(domain=domain, status="approved", business_value=value)
        for domain, value in ((retail, 3), (retail, 3), (finance, 5))
    )
    UseCaseLinkFactory(source=hub, target=spoke, kind="reinforces")
    UseCaseFactory(domain=retail, status="draft")  # not ranked

    retail_rows = top_priorities(use_cases=UseCase.objects.filter(domain=retail))
    every = top_priorities(use_cases=UseCase.objects.all())

    assert [row["rank"] for row in retail_rows] == [1, 2]
    assert {row["reference"] for row in retail_rows} == {hub.reference, spoke.reference}
    assert every[0]["reference"] == other.reference and every[0]["synergy"] == 0
    assert retail_rows[0]["priority"] == pytest.approx(
        retail_rows[0]["standalone"] + retail_rows[0]["synergy"], abs=1e-3
    )
