"""The committee's admin in a real browser, on a 1366x768 laptop, as a committee member (staff in the
committee's admin group, not a superuser): the use-case list (titles cut, status badges, no sideways
scroll), a use case's page (it fits the screen, long inline tables scroll inside their box, rows carry
no repeated title line), its field history (the status as it moved, by its labels) and the vote
(nothing chosen for the member, the use case summarised). Screenshots of each go to the artifacts."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from domains import services as content
from domains.models import UseCaseFoundation
from governance import services
from governance.models import Kpi
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
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
LAPTOP_768 = {"width": 1366, "height": 768}
LONG_TITLE = (
    "Agent assist for the contact centre: suggested replies, next-best actions and automatic summaries "
    "for agents handling delivery complaints across every channel"
)


def seed() -> dict:
    """A committee (chair, three members, a secretary), a team's use case in review with its measures
    and their values, its side effects, foundations and links both ways, and a few neighbours."""
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=2, quorum_functions=2)
    group = Group.objects.create(name=COMMITTEE_ADMIN_GROUP)
    group.permissions.set(committee_admin_permissions())
    people = {}
    for username, first, last, slug, role in [
        ("marc", "Marc", "Dubois", "operations", "chair"),
        ("claire", "Claire", "Martin", "finance", "member"),
        ("julien", "Julien", "Moreau", "marketing", "member"),
        ("camille", "Camille", "Petit", "legal-compliance", "secretary"),
    ]:
        person = UserFactory(username=username, first_name=first, last_name=last, is_staff=True)
        person.groups.add(group)
        CommitteeMembershipFactory(
            committee=committee, user=person, function=function(slug), role=role, start_date=datetime.date(2025, 1, 1)
        )
        people[username] = person
    manon = UserFactory(username="manon", first_name="Manon", last_name="Blanc")
    care = TeamFactory(
        name="Customer Care", slug="customer-care", function=function("customer-service"), members=[manon]
    )
    service = DomainFactory(name="Customer service", slug="customer-service")
    stores = DomainFactory(name="Stores and supply", slug="stores")

    def use_case(title, **extra):
        return UseCaseFactory(title=title, team=care, owner=manon, domain=extra.pop("domain", service), **extra)

    assist = use_case(LONG_TITLE, ai_technique="generative", risk_tier="not_assessed")
    others = [
        use_case("Complaint triage by urgency"),
        use_case("Delivery-slot prediction for the next day and the week after, by store and by postcode"),
        use_case("Returns fraud signals", domain=stores),
        use_case("Voice of the customer digest"),
    ]
    customer_360 = FoundationFactory(name="Customer 360", slug="customer-360", readiness=2)
    transcripts = FoundationFactory(name="Contact-centre transcripts", slug="transcripts", readiness=4)
    UseCaseFoundation.objects.create(
        use_case=assist, foundation=customer_360, note="The customer's orders and open cases, shown beside the chat"
    )
    UseCaseFoundation.objects.create(use_case=assist, foundation=transcripts, note="Two years of chats to learn from")
    UseCaseFoundation.objects.create(use_case=others[0], foundation=customer_360)
    UseCaseLinkFactory(source=assist, target=others[0], kind="depends_on", strength=3, rationale="Triage first.")
    UseCaseLinkFactory(source=assist, target=others[1], kind="shares_data", strength=2)
    UseCaseLinkFactory(source=others[3], target=assist, kind="reinforces", strength=2, rationale="Same transcripts.")

    # Its measures, beside the growth measure every factory use case has, with values.
    Kpi.objects.filter(use_case=assist).update(name="First-contact resolution", unit="%", baseline=61, target=75)
    handling = services.kpi_create(
        actor=manon,
        use_case=assist,
        data={
            "name": "Average handling time",
            "category": "efficiency",
            "unit": "minutes",
            "baseline": Decimal("9.5"),
            "target": Decimal("7"),
            "direction": "lower",
            "target_date": datetime.date.today() + datetime.timedelta(days=240),
            "owner": manon,
        },
    )
    csat = services.kpi_create(
        actor=manon,
        use_case=assist,
        data={"name": "Customer satisfaction after a complaint", "category": "engagement", "unit": "NPS"},
    )
    today = datetime.date.today()
    services.kpi_measurements_record(
        actor=manon,
        kpi=handling,
        rows=[
            {"date": (today - datetime.timedelta(days=30 * n)).isoformat(), "value": 9.5 - n / 10} for n in (3, 2, 1)
        ],
    )
    services.kpi_measurements_record(
        actor=manon,
        kpi=Kpi.objects.get(use_case=assist, category="growth"),
        rows=[{"date": today.isoformat(), "value": 66}],
    )
    del csat
    services.side_effect_create(
        actor=manon,
        use_case=assist,
        data={
            "category": "workforce",
            "title": "Agents accept suggested replies without reading them",
            "likelihood": 3,
            "severity": 4,
            "mitigation": "Team leads review twenty conversations a week; replies are marked as suggested.",
            "owner": manon,
        },
    )
    services.side_effect_create(
        actor=manon,
        use_case=assist,
        data={"category": "ethics_fairness", "title": "Summaries miss what non-native speakers meant"},
    )
    # Its history: a change of content, then the workflow (status moves by the services).
    content.use_case_update(actor=manon, use_case=assist, data={"business_value": 5, "ai_technique": "classical_ml"})
    services.use_case_submit(actor=manon, use_case=assist)
    services.use_case_start_review(actor=people["camille"], use_case=assist)
    services.vote_cast(actor=people["julien"], use_case=assist, choice="approve", comment="Worth it.")
    for other in others[:2]:
        services.use_case_submit(actor=manon, use_case=other)
    assist.refresh_from_db()
    return {"assist": assist, "people": people, "customer_360": customer_360}


def log_in(page, username: str, next_url: str):
    page.goto(next_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_committee_reads_the_admin_on_a_laptop(new_page, shot):
    data = seed()
    assist = data["assist"]
    page = new_page(viewport=LAPTOP_768)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "claire", "/admin/domains/usecase/")

    # The list: the long title is cut (whole in its tooltip), the status is a badge in words.
    row = page.locator("#result_list tbody tr", has_text=assist.reference)
    title = row.locator("td.field-short_title span, th.field-short_title span").first
    expect(title).to_have_attribute("title", LONG_TITLE)
    assert len(title.inner_text()) < len(LONG_TITLE)
    expect(row.locator(".badge-status-in_review")).to_have_text("In review")
    assert horizontal_overflow(page) == 0
    shot(page, "admin-changelist")

    # The use case's page fits the laptop; its inline rows carry no repeated title line.
    page.goto(f"/admin/domains/usecase/{assist.pk}/change/")
    expect(page.locator("#kpis-group")).to_contain_text("Average handling time")
    expect(page.locator("#kpis-group .badge-progress").first).to_be_visible()
    expect(page.locator("#side_effects-group")).to_contain_text("Agents accept suggested replies")
    expect(page.locator("#foundation_usages-group td.original p").first).to_be_hidden()
    assert horizontal_overflow(page) == 0
    shot(page, "admin-use-case")

    # Its history says the status moved, by its labels, and names the people.
    page.goto(f"/admin/domains/usecase/{assist.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("Status")
    expect(history).to_contain_text("Submitted → In review")
    expect(history).to_contain_text("Classical machine learning")
    expect(history).not_to_contain_text("classical_ml")
    expect(history).not_to_contain_text("None")
    assert horizontal_overflow(page) == 0
    shot(page, "admin-history")

    # The vote: the use case summarised, nothing chosen for the member.
    page.goto("/admin/domains/usecase/?queue=in_review")
    page.locator(f"input[name=_selected_action][value='{assist.pk}']").check()
    page.locator("select[name=action]").select_option("workflow_vote")
    page.get_by_role("button", name="Go").click()
    summary = page.locator(".action-summary")
    expect(summary).to_contain_text(assist.reference)
    expect(summary).to_contain_text("Customer Care")
    expect(summary).to_contain_text("Not yet assessed")
    expect(summary).to_contain_text("3 measures")
    expect(summary).to_contain_text("2 beyond efficiency")
    assert page.locator("select[name=choice]").input_value() == ""
    assert horizontal_overflow(page) == 0
    shot(page, "admin-vote")

    # Voting without choosing is stopped at the field (the server refuses it too: tests/governance).
    page.get_by_role("button", name="Vote").click()
    assert page.locator("select[name=choice]").evaluate("select => select.validity.valueMissing")
    expect(page).to_have_url(re.compile(r"/admin/domains/usecase/"))
    page.locator("select[name=choice]").select_option("approve")
    page.get_by_role("button", name="Vote").click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile(rf"{assist.reference}.*done"))

    # The foundations ranked by what they unlock, from their list.
    page.goto("/admin/domains/foundation/")
    page.get_by_role("link", name="Ranked by what they unlock").click()
    ranking = page.locator("#foundation-ranking")
    expect(ranking).to_contain_text("Customer 360")
    expect(ranking.locator("tbody tr").first).to_contain_text("Customer 360")
    assert horizontal_overflow(page) == 0
    shot(page, "admin-foundations-ranked")

    # The same admin in French: the committee's home and the use cases, headings and names translated.
    origin = page.evaluate("() => location.origin")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": f"{origin}/"}])
    page.goto("/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Le portefeuille du comité")).to_be_visible()
    shot(page, "admin-french-dashboard")
    page.goto("/admin/domains/usecase/")
    expect(page.locator("#result_list")).to_contain_text("En revue")
    assert horizontal_overflow(page) == 0
    shot(page, "admin-french-use-cases")
    assert not problems, problems
