"""What a team sees of the portfolios, in a real browser: the Portfolios page from the menu, a member's
page with its portfolio and strongest ties, and the way back to the portfolio. The Content Security
Policy is in force: a page that needed an inline script or style would report a violation here."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.actors import SYSTEM
from domains.models import UseCaseFoundation
from portfolio import services
from portfolio.models import Portfolio
from tests.browser.conftest import PHONE
from tests.factories import (
    DomainFactory,
    FoundationFactory,
    TeamFactory,
    UseCaseFactory,
    UseCaseLinkFactory,
    UserFactory,
    function,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "secret-pass-123"


def seed() -> dict:
    """Two teams whose use cases share a customer view, a third group of stores, and a lone pilot;
    clustered by a real run and adopted by the committee's service."""
    alice = UserFactory(username="alice", first_name="Alice", last_name="Martin")
    bob = UserFactory(username="bob", first_name="Bob", last_name="Leroy")
    crm = TeamFactory(name="CRM & Loyalty", slug="crm", members=[alice])
    web = TeamFactory(name="E-commerce Product", slug="web", function=function("it"), members=[bob])
    carl = UserFactory(username="carl", first_name="Carl", last_name="Petit")
    stores = TeamFactory(name="Store Operations", slug="stores", function=function("operations"), members=[carl])
    marketing = DomainFactory(name="Marketing", slug="marketing")
    retail = DomainFactory(name="Stores", slug="stores")

    def use_case(title, team, domain, status="approved"):
        return UseCaseFactory(title=title, team=team, owner=team.members.first(), domain=domain, status=status)

    churn = use_case("Churn prediction and save actions", crm, marketing)
    offers = use_case("Next-best-offer engine", crm, marketing)
    homepage = use_case("Personalised homepage", web, marketing, status="in_delivery")
    segments = use_case("Life-stage segments", crm, marketing, status="submitted")
    UseCaseLinkFactory(source=churn, target=offers, kind="depends_on", strength=3)
    UseCaseLinkFactory(source=offers, target=homepage, kind="shares_platform", strength=3)
    UseCaseLinkFactory(source=segments, target=churn, kind="shares_data", strength=3)
    UseCaseLinkFactory(source=segments, target=offers, kind="reinforces", strength=2)
    customer_360 = FoundationFactory(name="Customer 360")
    for member in (churn, offers, homepage, segments):
        UseCaseFoundation.objects.create(use_case=member, foundation=customer_360)
    forecast = [use_case(f"Store forecast {i}", stores, retail) for i in range(3)]
    for source, target in ((forecast[0], forecast[1]), (forecast[1], forecast[2]), (forecast[0], forecast[2])):
        UseCaseLinkFactory(source=source, target=target, kind="reinforces", strength=3)
    lone = use_case("Greenhouse energy optimisation", stores, retail)

    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    services.clustering_run_execute(run_id=run.pk)
    names = {churn.pk: "Personalisation and loyalty", forecast[0].pk: "Stores that plan ahead"}
    for portfolio in Portfolio.objects.filter(status="proposed"):
        member_ids = set(portfolio.memberships.values_list("use_case_id", flat=True))
        name = next(label for pk, label in names.items() if pk in member_ids)
        services.portfolio_adopt(actor=SYSTEM, portfolio=portfolio, name=name, owner=alice)
    return {"churn": churn, "offers": offers, "lone": lone}


def log_in(page, username: str, next_url: str):
    page.goto(next_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_team_finds_its_portfolio_and_whom_to_work_with(new_page, shot):
    data = seed()
    page = new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "alice", "/")

    # The menu leads to the portfolios; the one Alice's team is in says so.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolios").click()
    expect(page).to_have_url(re.compile(r"/portfolios/$"))
    loyalty = page.locator("section.portfolio", has_text="Personalisation and loyalty")
    expect(loyalty).to_contain_text("Your team takes part")
    expect(loyalty).to_contain_text("Customer 360")
    expect(loyalty).to_contain_text("used by 4 members")
    expect(loyalty.get_by_role("row", name=re.compile("Personalised homepage"))).to_contain_text("E-commerce Product")
    expect(page.locator("section.portfolio", has_text="Stores that plan ahead")).not_to_contain_text("Your team")
    expect(page.locator("section.scattered")).to_contain_text("Greenhouse energy optimisation")
    shot(page, "portfolios-01-page")

    # A member's page names its portfolio and whom it is tied to.
    loyalty.get_by_role("link", name=re.compile("Churn prediction")).click()
    card = page.locator("section.portfolio-card")
    expect(card).to_contain_text("Personalisation and loyalty")
    expect(card).to_contain_text("Adopted")
    expect(card.locator(".ties")).to_contain_text(f"Depends on {data['offers'].reference}")
    expect(card.locator(".ties")).to_contain_text("Shares the Customer 360 foundation with 3 other members")
    shot(page, "portfolios-02-use-case-ties")

    # And back to the portfolio on the list.
    card.get_by_role("link", name=re.compile("Personalisation and loyalty")).click()
    expect(page).to_have_url(re.compile(r"/portfolios/#PF-"))
    expect(loyalty).to_be_in_viewport()

    # A use case in no portfolio says so.
    page.goto(f"/use-cases/{data['lone'].reference}/")
    expect(page.locator("section.portfolio-card")).to_contain_text("Not in any portfolio")
    assert not problems, problems


def test_the_portfolios_page_fits_a_phone(new_page, shot):
    seed()
    page = new_page(viewport=PHONE)
    log_in(page, "bob", "/portfolios/")
    expect(page.locator("section.portfolio").first).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    shot(page, "portfolios-03-phone")
