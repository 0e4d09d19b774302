"""Duplicates at intake in a real browser: while a team member types the title and the problem of a
new use case, the form lists the existing use case of another team that is the same idea, without a
page reload, and nothing for an unrelated idea."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from domains.models import UseCaseFoundation
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "secret-pass-123"


def test_the_form_suggests_the_same_idea_as_the_team_types(new_page, shot):
    marketing = DomainFactory(name="Marketing", slug="marketing")
    crm = FoundationFactory(name="CRM", slug="crm")
    alice = UserFactory(username="alice", password=PASSWORD)
    TeamFactory(name="Loyalty", slug="loyalty", members=[alice])
    other = TeamFactory(name="Retention", slug="retention")
    existing = UseCaseFactory(
        title="Predict customer churn for subscription customers",
        problem_statement="Subscribers cancel without warning and retention offers arrive too late; we want to "
        "score each customer's risk of leaving every week.",
        domain=marketing,
        team=other,
        status="approved",
    )
    UseCaseFoundation.objects.create(use_case=existing, foundation=crm)
    page = new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/use-cases/new/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    box = page.locator("#similar-use-cases")
    expect(box).to_be_hidden()

    page.locator("#id_title").fill("Optimise delivery routes for drivers")
    page.wait_for_timeout(900)
    expect(box).to_be_hidden()  # an unrelated idea: nothing to show
    page.locator("#id_title").fill("Prédire le churn des clients abonnés")
    page.locator("#id_problem_statement").fill(
        "Les abonnés résilient sans prévenir et les offres de fidélisation arrivent trop tard ; nous voulons "
        "noter chaque semaine le risque de départ de chaque client."
    )
    page.locator("#id_domain").select_option(str(marketing.pk))
    page.locator(f'input[name="foundations"][value="{crm.pk}"]').check()

    expect(box).to_be_visible()
    expect(box.locator("li")).to_have_count(1)
    expect(box.locator("li a")).to_contain_text(existing.reference)
    assert box.locator("li a").get_attribute("href") == f"/use-cases/{existing.reference}/"
    shot(page, "duplicates-at-intake")
    assert problems == []
