"""The committee's network map in a real browser: Cytoscape draws every covered use case from the
map's data, the legend names the portfolios, the portfolio filter narrows the drawing, and a click
on a use case opens its admin page. Under the Content Security Policy, with no console error."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio.models import Portfolio
from tests.browser.test_portfolio_pages import PASSWORD, seed
from tests.factories import CommitteeFactory, CommitteeMembershipFactory, UserFactory, function

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def committee_member():
    """A member of the committee as the committee works: staff in its admin group, not a superuser."""
    committee = CommitteeFactory(name="AI Steering Committee")
    group = Group.objects.create(name=COMMITTEE_ADMIN_GROUP)
    group.permissions.set(committee_admin_permissions())
    person = UserFactory(username="marc", first_name="Marc", last_name="Dubois", is_staff=True)
    person.groups.add(group)
    CommitteeMembershipFactory(committee=committee, user=person, function=function("finance"), role="member")
    return person


def drawn(page) -> int:
    map_box = page.locator("#network-map[data-drawn]")
    expect(map_box).to_have_count(1, timeout=15_000)
    return int(map_box.get_attribute("data-drawn"))


def test_the_committee_reads_the_map_filters_it_and_opens_a_use_case(new_page, shot):
    data = seed()
    committee_member()
    loyalty = Portfolio.objects.get(name="Personalisation and loyalty")
    page = new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/admin/portfolio/portfolio/map/")
    page.get_by_label("Username").fill("marc")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Every covered use case is drawn (4 loyalty, 3 stores, the lone pilot); the legend names both portfolios.
    assert drawn(page) == 8
    legend = page.locator("#legend-portfolios")
    expect(legend).to_contain_text("Personalisation and loyalty")
    expect(legend).to_contain_text("Stores that plan ahead")
    shot(page, "map-01-everything")

    # The portfolio filter draws its members only.
    page.get_by_label("portfolios").select_option(loyalty.reference)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"portfolio={loyalty.reference}"))
    assert drawn(page) == 4
    shot(page, "map-02-one-portfolio")

    # A click on a use case opens its admin page.
    churn = data["churn"]
    box = page.locator("#network-map").bounding_box()
    position = page.evaluate(
        "pk => { const p = window.portfolioMap.getElementById('u' + pk).renderedPosition(); return [p.x, p.y]; }",
        churn.pk,
    )
    page.mouse.click(box["x"] + position[0], box["y"] + position[1])
    expect(page).to_have_url(re.compile(rf"/admin/domains/usecase/{churn.pk}/change/"))
    assert not problems, problems
