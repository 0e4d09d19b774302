"""Impact in a real browser: a team member adds a success measure to a use case in delivery, records
a measurement from its page and sees it there (latest value, progress in words, the trend line); the
side-effect register and the "What can I build on" page, at laptop and phone widths. The Content
Security Policy is in force: a page that needed an inline script would report it here.

Screenshots of the impact section and of the foundations page go to the screenshot folder
(tests/browser/conftest.py)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from domains.choices import Readiness
from domains.models import UseCaseFoundation
from governance import services as workflow
from governance.models import KpiMeasurement
from tests.browser.conftest import PHONE
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory, UserFactory, function

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "secret-pass-123"


def seed() -> dict:
    alice = UserFactory(username="alice", first_name="Alice", last_name="Martin")
    paul = UserFactory(username="paul", first_name="Paul", last_name="Durand")
    bob = UserFactory(username="bob", first_name="Bob", last_name="Leroy")
    pricing = TeamFactory(name="Pricing & Revenue", slug="pricing", members=[alice, paul])
    logistics = TeamFactory(name="Store Logistics", slug="logistics", function=function("supply-chain"), members=[bob])
    domain = DomainFactory(name="Customer experience", slug="customer-experience")
    pricing_uc = UseCaseFactory(
        title="Dynamic pricing for fresh produce",
        team=pricing,
        owner=alice,
        domain=domain,
        status="in_delivery",
        outcome_kpi=False,
        assessed_side_effect=False,
    )
    today = timezone.localdate()
    waste = workflow.kpi_create(
        actor=alice,
        use_case=pricing_uc,
        data={
            "name": "Fresh produce thrown away",
            "category": "lasting_results",
            "unit": "%",
            "baseline": 8,
            "target": 4,
            "direction": "lower",
            "frequency": "monthly",
            "owner": paul,
        },
    )
    workflow.kpi_measurements_record(
        actor=alice,
        kpi=waste,
        rows=[
            {"date": today - datetime.timedelta(days=30 * (9 - i)), "value": value}
            for i, value in enumerate([8.1, 7.9, 7.6, 7.7, 7.1, 6.8, 6.5, 6.6, 6.1])
        ],
    )
    for data in (
        {
            "category": "workforce",
            "title": "Store staff lose the routine of marking down by hand",
            "likelihood": 3,
            "severity": 3,
            "mitigation": "Keep the final say with the fresh-produce manager; weekly review of overrides.",
            "owner": paul,
        },
        {
            "kind": "observed",
            "category": "customer",
            "title": "Regular customers wait for the evening markdowns",
            "likelihood": 4,
            "severity": 4,
            "status": "mitigating",
            "kpi": waste,
            "mitigation": "Vary the markdown hour per store.",
        },
        {"category": "reputation", "title": "Seen as price discrimination", "likelihood": 1, "severity": 4},
    ):
        workflow.side_effect_create(actor=alice, use_case=pricing_uc, data=data)

    platform = FoundationFactory(
        name="Demand forecasting platform", kind="platform", readiness=Readiness.IN_PRODUCTION, owner_team=logistics
    )
    recommender = FoundationFactory(name="Recommendation model", kind="model", readiness=Readiness.IN_BUILD)
    FoundationFactory(name="Weather feed", kind="data_source", readiness=Readiness.INDUSTRIALISED)
    others = [
        UseCaseFactory(title=title, team=team, owner=team.members.first(), domain=domain, status=status, **money)
        for title, team, status, money in [
            ("Store replenishment forecast", logistics, "scaled", {"estimated_annual_benefit": 1_200_000}),
            ("Staff scheduling from footfall", logistics, "approved", {}),
            ("Personalised offers in the app", pricing, "submitted", {}),
            ("Logistics secret draft", logistics, "draft", {}),
            ("Markdown alerts for store managers", pricing, "draft", {}),
        ]
    ]
    for use_case in (pricing_uc, *others[:2], others[3]):
        UseCaseFoundation.objects.create(use_case=use_case, foundation=platform)
    UseCaseFoundation.objects.create(use_case=others[2], foundation=recommender)
    return {"use_case": pricing_uc, "waste": waste, "draft": others[4]}


def log_in(page, username: str, next_url: str):
    page.goto(next_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def section_shot(locator, screenshot_dir, name: str):
    """A picture of one part of the page; the sticky header sits in the flow for it, so it does not
    cover what it shows."""
    page = locator.page
    page.evaluate(
        """() => { const style = document.createElement("style"); style.id = "screenshot-flow";
        style.textContent = ".site-header { position: static !important; }"; document.head.appendChild(style); }"""
    )
    path = screenshot_dir / f"{name}.png"
    locator.screenshot(path=str(path))
    page.evaluate("() => document.getElementById('screenshot-flow').remove()")
    return path


def test_a_team_member_adds_a_measure_records_a_value_and_sees_it(new_page, shot, screenshot_dir):
    data = seed()
    use_case = data["use_case"]
    page = new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "alice", f"/use-cases/{use_case.reference}/")

    impact = page.locator("section#impact")
    expect(impact).to_contain_text("Fresh produce thrown away")
    impact.get_by_role("link", name="Add a success measure").click()

    # The measure's own page: a bad target first (lower is better, so it must be below the baseline).
    page.get_by_label("Name").fill("Share of baskets with fresh produce")
    page.get_by_label("Growth").check()
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Baseline").fill("31")
    page.get_by_label("Lower is better").check()
    page.get_by_label("Target", exact=True).fill("35")
    page.get_by_role("button", name="Add the success measure").click()
    expect(page.locator("#error-summary")).to_contain_text("Target: Lower is better")
    expect(page.get_by_label("Name")).to_have_value("Share of baskets with fresh produce")
    page.get_by_label("Higher is better").check()
    page.get_by_role("button", name="Add the success measure").click()

    # Back on the use case's page, at its impact section: record this month's value.
    expect(page).to_have_url(re.compile(rf"/use-cases/{use_case.reference}/#impact$"))
    expect(page.locator(".message--success")).to_contain_text("Share of baskets with fresh produce")
    card = impact.locator("li.kpi", has_text="Share of baskets with fresh produce")
    expect(card).to_contain_text("No measurement yet")
    card.get_by_text("Record a measurement").click()
    card.get_by_label("Value").fill("33,2")
    card.get_by_label("Note").fill("From the till data")
    card.get_by_role("button", name="Record").click()

    card = page.locator("section#impact li.kpi", has_text="Share of baskets with fresh produce")
    expect(card).to_contain_text("33.2\u00a0%")
    expect(card.locator(".badge--progress")).to_have_text(re.compile("On track"))
    expect(card.locator("dd", has_text="55 %")).to_have_count(1)
    assert KpiMeasurement.objects.filter(kpi__name="Share of baskets with fresh produce", source="manual").count() == 1

    # The measure with a history draws its trend, and says where it stands in words.
    waste = page.locator(f"#kpi-{data['waste'].pk}")
    expect(waste.locator("svg.sparkline polyline")).to_have_count(1)
    expect(waste.locator(".badge--progress")).to_contain_text(re.compile("On track|At risk|Off track"))
    register = page.locator("ul.register")
    expect(register.locator("li.risk").first).to_contain_text("Regular customers wait for the evening markdowns")
    expect(register.locator("li.risk").first).to_contain_text("L4 × S4")

    page.set_viewport_size({"width": 1366, "height": 900})
    section_shot(page.locator("section#impact"), screenshot_dir, "impact-01-detail-section")
    page.goto(f"/use-cases/{use_case.reference}/kpis/new/")
    shot(page, "impact-02-kpi-form")
    assert not problems, problems


def test_the_impact_section_and_the_foundations_page_fit_a_phone(new_page, shot, screenshot_dir):
    data = seed()
    page = new_page(viewport=PHONE)
    log_in(page, "alice", f"/use-cases/{data['use_case'].reference}/")
    section = page.locator("section#impact")
    expect(section).to_be_visible()
    waste = page.locator(f"#kpi-{data['waste'].pk}")
    waste.locator("summary", has_text="Record a measurement").click()
    waste.get_by_label("Value").fill("about six")
    waste.get_by_role("button", name="Record").click()
    waste = page.locator(f"#kpi-{data['waste'].pk}")
    expect(waste.locator(".field--invalid")).to_contain_text("Not a number.")
    expect(waste.get_by_label("Value")).to_have_value("about six")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    section_shot(page.locator("section#impact"), screenshot_dir, "impact-03-phone-section")

    page.goto("/foundations/")
    expect(page.locator("article.foundation").first).to_contain_text("Demand forecasting platform")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    shot(page, "foundations-02-phone")


def test_a_team_finds_what_it_can_build_on_from_the_menu(new_page, shot):
    seed()
    page = new_page()
    log_in(page, "alice", "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="What can I build on").click()
    expect(page).to_have_url(re.compile(r"/foundations/$"))
    ranking = page.locator("ol.foundation-ranking > li")
    expect(ranking.first).to_contain_text("Demand forecasting platform")
    expect(ranking.first).to_contain_text("Store Logistics")
    expect(ranking.first).to_contain_text("Dynamic pricing for fresh produce")
    expect(page.locator("main")).not_to_contain_text("Logistics secret draft")
    recommender = page.locator("article.foundation", has_text="Recommendation model")
    expect(recommender).to_contain_text("not ready")
    expect(recommender).to_contain_text("Holds back 1 use case")
    expect(page.locator("#h-unused")).to_be_visible()
    shot(page, "foundations-01-page")

    ranking.first.get_by_role("link", name=re.compile("Store replenishment forecast")).click()
    expect(page.locator("h1")).to_have_text("Store replenishment forecast")


def test_the_forms_impact_section_lists_and_adds_without_losing_the_draft(new_page, shot, screenshot_dir):
    data = seed()
    draft = data["draft"]
    page = new_page()
    log_in(page, "alice", f"/use-cases/{draft.reference}/edit/")
    section = page.locator("#section-impact")
    expect(section).to_contain_text("Conversion rate")
    expect(section).to_contain_text("Customers see fewer slots")
    section_shot(section, screenshot_dir, "impact-04-form-section")

    page.get_by_label("Title").fill("Markdown alerts, renamed")
    section.get_by_role("button", name="Save draft and add a side effect").click()
    expect(page.locator("h1")).to_have_text("Add a side effect")
    page.get_by_label("Side effect").fill("Managers ignore the alerts after a week")
    page.get_by_label("Category").select_option("operational")
    page.locator("#field-likelihood").get_by_text("4 – high").click()
    page.locator("#field-severity").get_by_text("2 – low").click()
    shot(page, "impact-05-side-effect-form")
    page.get_by_role("button", name="Add the side effect").click()

    expect(page).to_have_url(re.compile(rf"/use-cases/{draft.reference}/edit/#section-impact$"))
    expect(page.get_by_label("Title")).to_have_value("Markdown alerts, renamed")
    expect(page.locator("#section-impact")).to_contain_text("likelihood 4 × severity 2 = 8")
