"""The committee's dashboard, the admin's home page, in a real browser: a committee member (not a
superuser) signs in and sees every chart drawn by ECharts from the page's data, under the Content
Security Policy and with no console error; the filter narrows the bubbles; a click on a bubble opens
the use case's admin page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from domains.models import UseCase
from governance.models import Kpi, KpiMeasurement, SideEffect
from tests.browser.test_portfolio_map import committee_member
from tests.browser.test_portfolio_pages import PASSWORD, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = (
    "value-feasibility",
    "ambition-by-domain",
    "pipeline",
    "kpi-coverage",
    "kpi-progress",
    "side-effects",
    "foundations",
    "isolated-pilots",
    "priorities",
)


def impact(data: dict) -> None:
    """Scores, measures and side effects on the portfolio pages' use cases, so every chart has something."""
    for n, use_case in enumerate(UseCase.objects.order_by("pk")):
        UseCase.objects.filter(pk=use_case.pk).update(
            business_value=1 + n % 5,
            feasibility=1 + (n * 3) % 5,
            ambition=("optimisation", "transformation")[n % 2],
            estimated_annual_benefit=Decimal(50_000 * (n + 1)),
        )
    churn = data["churn"]
    kpi = Kpi.objects.create(
        use_case=churn, name="Churn rate", category="lasting_results", baseline=12, target=8, direction="lower"
    )
    today = datetime.date.today()
    for months_ago, value in ((3, "11.5"), (2, "11"), (1, "10.2")):
        KpiMeasurement.objects.create(
            kpi=kpi, date=today - datetime.timedelta(days=30 * months_ago), value=Decimal(value)
        )
    SideEffect.objects.create(
        use_case=churn, category="customer", title="Over-contacted customers", likelihood=4, severity=5
    )


def drawn(page) -> int:
    dashboard = page.locator(".committee-dashboard[data-drawn]")
    expect(dashboard).to_have_count(1, timeout=15_000)
    return int(dashboard.get_attribute("data-drawn"))


def test_the_committee_sees_its_portfolio_drawn_and_opens_a_use_case(new_page, shot):
    data = seed()
    impact(data)
    committee_member()
    page = new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/admin/")
    page.get_by_label("Username").fill("marc")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Every chart is drawn (an SVG in each), and the records are still below.
    assert drawn(page) >= len(CHARTS)
    for slug in CHARTS:
        expect(page.locator(f'[data-chart="{slug}"] svg')).to_have_count(1)
    expect(page.locator("#all-records")).to_contain_text("Use cases")
    expect(page.locator("#chart-side-effects")).to_have_attribute("aria-label", re.compile(r"\S"))
    shot(page, "dashboard-01-everything")

    # The domain filter narrows the bubbles: the stores' four use cases.
    page.locator("#id_domain").select_option("stores")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"domain=stores"))
    drawn(page)
    bubbles = page.evaluate(
        """() => window.committeeDashboard.charts['value-feasibility'].getOption().series
             .reduce((count, series) => count + series.data.length, 0)"""
    )
    assert bubbles == 4
    page.get_by_role("link", name="Everything").click()
    drawn(page)

    # A click on a bubble opens its use case.
    churn = data["churn"]
    page.locator("#chart-value-feasibility").scroll_into_view_if_needed()
    box = page.locator("#chart-value-feasibility").bounding_box()
    position = page.evaluate(
        """pk => { const chart = window.committeeDashboard.charts['value-feasibility'];
             const series = chart.getOption().series;
             for (let i = 0; i < series.length; i++) {
               const item = series[i].data.find(d => d.row.id === pk);
               if (item) return chart.convertToPixel({seriesIndex: i}, item.value);
             } }""",
        churn.pk,
    )
    page.mouse.click(box["x"] + position[0], box["y"] + position[1])
    expect(page).to_have_url(re.compile(rf"/admin/domains/usecase/{churn.pk}/change/"))
    assert not problems, problems
