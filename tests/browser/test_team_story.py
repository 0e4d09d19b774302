"""The main story, end to end in a real browser: a team member starts a use case, submits it with
a field missing and sees the error, fixes it and submits; a committee member starts the review,
votes and decides in the admin; the team member sees the decision and the committee's comment.
Every step leaves a screenshot (laptop width, then a phone width and the French interface)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from domains.choices import Readiness
from governance import services as workflow
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from tests.browser.conftest import PHONE
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    DomainFactory,
    FoundationFactory,
    TeamFactory,
    UseCaseFactory,
    UserFactory,
    function,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "secret-pass-123"
TITLE = "Dynamic pricing for fresh produce"
VOTE_COMMENT = "Strong case: reuse the forecasting platform rather than building a new one."


def seed():
    """A small organisation with some history, so the pages show what teams really see."""
    # The demo committee's real quorum: 3 votes from 3 functions. Everyone works in the admin as the
    # committee does: staff in the committee's group, nobody a superuser.
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=3, quorum_functions=3)
    group = Group.objects.create(name=COMMITTEE_ADMIN_GROUP)
    group.permissions.set(committee_admin_permissions())
    people = {}
    for username, first, last, slug, role in [
        ("claire", "Claire", "Dubois", "operations", "chair"),
        ("finn", "Finn", "Moreau", "finance", "member"),
        ("hana", "Hana", "Roux", "hr", "member"),
        ("leo", "Léo", "Benali", "legal-compliance", "member"),
    ]:
        person = UserFactory(username=username, first_name=first, last_name=last, is_staff=True)
        person.groups.add(group)
        CommitteeMembershipFactory(committee=committee, user=person, function=function(slug), role=role)
        people[username] = person
    chair = people["claire"]
    alice = UserFactory(username="alice", first_name="Alice", last_name="Martin")
    bob = UserFactory(username="bob", first_name="Bob", last_name="Leroy")
    pricing = TeamFactory(name="Pricing & Revenue", slug="pricing", members=[alice])
    logistics = TeamFactory(name="Store Logistics", slug="logistics", function=function("supply-chain"), members=[bob])
    customer = DomainFactory(name="Customer experience", slug="customer-experience")
    supply = DomainFactory(name="Supply chain", slug="supply-chain")
    for name, kind, readiness in [
        ("Point-of-sale history", "data_source", Readiness.IN_PRODUCTION),
        ("Customer data platform", "platform", Readiness.PILOT_READY),
        ("Demand forecasting platform", "platform", Readiness.IN_PRODUCTION),
        ("Weather feed", "data_source", Readiness.INDUSTRIALISED),
        ("Store inventory", "data_source", Readiness.IN_PRODUCTION),
        ("Recommendation model", "model", Readiness.IN_BUILD),
    ]:
        FoundationFactory(name=name, slug=name.lower().replace(" ", "-"), kind=kind, readiness=readiness)

    forecasting = UseCaseFactory(
        title="Demand forecasting for every store",
        team=logistics,
        owner=bob,
        domain=supply,
        ambition="optimisation",
        functions=[function("supply-chain"), function("operations")],
        problem_statement="Stores order by habit; 8% of fresh produce is thrown away.",
    )
    workflow.use_case_submit(actor=bob, use_case=forecasting)
    workflow.use_case_start_review(actor=chair, use_case=forecasting)

    churn = UseCaseFactory(
        title="Churn early warning for loyalty members",
        team=pricing,
        owner=alice,
        domain=customer,
        functions=[function("marketing"), function("customer-service")],
    )
    workflow.use_case_submit(actor=alice, use_case=churn)
    workflow.use_case_start_review(actor=chair, use_case=churn)
    workflow.use_case_request_changes(
        actor=chair, use_case=churn, comment="Say how the customer-service team acts on each warning."
    )
    UseCaseFactory(
        title="Personalised weekly offers",
        team=pricing,
        owner=alice,
        domain=customer,
        ambition="transformation",
        business_value=None,
        data_readiness=None,
    )
    return {"alice": alice, "chair": chair, "forecasting": forecasting}


def log_in(page, username: str, next_url: str = "/"):
    page.goto(next_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def run_admin_action(page, reference: str, action_label: str):
    page.goto(f"/admin/domains/usecase/?q={reference}")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.locator("button[name=index]").click()


def test_team_member_submits_and_sees_the_committee_decision(new_page, shot):
    data = seed()
    forecasting = data["forecasting"]

    # 1. Log in: an anonymous visitor is sent to the login page first.
    page = new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    shot(page, "01-login")
    log_in(page, "alice", page.url)
    expect(page.get_by_role("heading", name="My team's use cases")).to_be_visible()
    expect(page.get_by_text("Changes requested by the committee: 1 comment.")).to_be_visible()
    shot(page, "02-my-use-cases")

    # 2. Start a use case; leave data readiness empty.
    page.get_by_role("link", name="New use case").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Domain").select_option(label="Customer experience")
    page.get_by_label("Marketing").check()
    page.get_by_label("Finance").check()
    page.get_by_label("Problem statement").fill(
        "Fresh produce is marked down by hand at closing time: too late, too deep, and 6% is still thrown away."
    )
    page.get_by_label("Proposed solution").fill(
        "Set markdowns hour by hour from forecast demand, stock and weather,"
        " within guard-rails set by category managers."
    )
    page.get_by_role("checkbox", name="Choose", exact=True).check()
    page.get_by_role("checkbox", name="Purchase", exact=True).check()
    page.locator("label[for=id_ambition_1]").click()
    page.get_by_label("AI technique").select_option(label="Classical machine learning")
    page.get_by_label("Sourcing").select_option(label="In-house")
    page.get_by_label("EU AI Act risk tier").select_option(label="Limited risk")
    page.locator("label[for=id_business_value_4]").click()
    page.locator("label[for=id_feasibility_3]").click()
    page.get_by_label("Estimated annual benefit (EUR)").fill("400000")
    page.get_by_label("Estimated annual cost (EUR)").fill("120000")
    page.get_by_label("Find a foundation").fill("forecast")
    expect(page.get_by_label("Point-of-sale history")).to_be_hidden()
    page.get_by_label("Demand forecasting platform").check()
    page.get_by_label("Find a foundation").fill("point")
    page.get_by_label("Point-of-sale history").check()
    # The related-use-case picker suggests use cases of the whole company as you type.
    page.locator("#id_links-0-target").press_sequentially("forecast", delay=30)
    expect(page.locator(f"#use-case-options option[value='{forecasting.reference}']")).to_have_count(1)
    page.locator("#id_links-0-target").fill(forecasting.reference)
    page.locator("#id_links-0-kind").select_option(label="Depends on")
    shot(page, "03-new-use-case-form")

    # 3. Submit with a field missing: the draft is saved, the error listed at the top and beside it.
    page.get_by_role("button", name="Submit for review").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Data readiness")).to_be_visible()
    expect(page.locator("#field-data_readiness .field__error")).to_have_text("Needed before you can submit.")
    expect(page.locator(".message--error")).to_contain_text("cannot be submitted yet: 1 field(s) missing")
    shot(page, "04-submit-with-missing-field")

    # 4. Fix it, add a success measure beyond efficiency (submitting asks for one: the draft is saved
    # first, then the measure's page opens and brings the member back), and submit again.
    summary.get_by_role("link", name="Data readiness").click()
    page.locator("label[for=id_data_readiness_3]").click()
    page.get_by_role("button", name="Save draft and add a success measure").click()
    expect(page.locator("h1")).to_have_text("Add a success measure")
    page.get_by_label("Name").fill("Fresh produce thrown away")
    page.get_by_label("Lasting results").check()
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Baseline").fill("6")
    page.get_by_label("Lower is better").check()
    page.get_by_label("Target", exact=True).fill("3")
    page.get_by_role("button", name="Add the success measure").click()
    expect(page.locator("#section-impact")).to_contain_text("Fresh produce thrown away")
    expect(page.locator("label[for=id_data_readiness_3] input, #id_data_readiness_3")).to_be_checked()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".message--success")).to_contain_text("is submitted to the committee")
    expect(page.locator(".head-meta .badge")).to_have_text("Submitted")
    reference = page.locator(".eyebrow .ref").inner_text()
    related = page.locator("section[aria-labelledby=h-related]")
    expect(related.get_by_text(forecasting.title)).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(f"Linked to {forecasting.reference} {forecasting.title}")
    shot(page, "05-submitted")

    # 5. The committee starts the review and votes in the admin; the chair cannot decide before the
    #    quorum (3 votes from 3 functions) is met, and the refusal says what is missing.
    def committee_page(username):
        committee_member = new_page()
        log_in(committee_member, username, "/admin/login/?next=/admin/")
        return committee_member

    def vote(committee_member, comment=""):
        run_admin_action(committee_member, reference, "Vote")
        committee_member.get_by_label("Vote").select_option(label="Approve")
        committee_member.get_by_label("Comment").fill(comment)
        committee_member.locator("input[type=submit]").click()
        expect(committee_member.locator(".messagelist")).to_contain_text("done")

    finn = committee_page("finn")
    run_admin_action(finn, reference, "Start review")
    expect(finn.locator(".messagelist")).to_contain_text("done")
    run_admin_action(finn, reference, "Vote")
    finn.get_by_label("Vote").select_option(label="Approve")
    finn.get_by_label("Comment").fill(VOTE_COMMENT)
    shot(finn, "06-admin-vote")
    finn.locator("input[type=submit]").click()
    expect(finn.locator(".messagelist")).to_contain_text("done")
    vote(committee_page("hana"))

    admin = committee_page("claire")

    def decide(override=""):
        run_admin_action(admin, reference, "Record the decision (chair)")
        admin.get_by_label("Outcome").select_option(label="Approved")
        admin.get_by_label("Rationale").fill("Clear value, data in production, a platform we already run.")
        admin.get_by_label("Conditions").fill("Category managers keep a veto on every markdown during the pilot.")
        if override:
            admin.get_by_label("Override the dependency gate").fill(override)
        admin.locator("input[type=submit]").click()

    decide()
    refusal = admin.locator(".messagelist")
    expect(refusal).to_contain_text("Quorum not met: 1 more vote(s) needed (2 of 3 cast, abstentions excluded)")
    expect(refusal).to_contain_text("1 more function(s) needed among the votes (2 of 3); not yet voted:")
    shot(admin, "07-admin-quorum-not-met")
    vote(committee_page("leo"), "Transparency notice checked.")
    decide()
    # It depends on the demand forecast, still in review: the dependency gate holds the approval, and
    # the chair lifts it with a reason, which the audit trail keeps.
    expect(admin.locator(".messagelist")).to_contain_text("depends on use cases that are not approved")
    shot(admin, "07-admin-dependency-gate")
    decide(override="The forecast is in review with no objection; the pilot runs on its current version.")
    expect(admin.locator(".messagelist")).to_contain_text("done")
    shot(admin, "07-admin-decided")

    # 6. The team member sees the decision and the committee's comment.
    page.reload()
    expect(page.locator(".head-meta .badge")).to_have_text("Approved")
    feedback = page.locator("section[aria-labelledby=h-feedback]")
    expect(feedback).to_contain_text("Approved")
    expect(feedback).to_contain_text("Clear value, data in production")
    expect(feedback).to_contain_text("Category managers keep a veto")
    expect(feedback).to_contain_text(VOTE_COMMENT)
    expect(page.locator(".timeline")).to_contain_text("Approve")
    shot(page, "08-decision-seen-by-the-team")

    # 7. The organisation-wide catalogue, filtered.
    page.get_by_role("link", name="Explore").click()
    page.get_by_label("Ambition").select_option(label="Transformation")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=forecasting.title)).to_have_count(0)
    shot(page, "09-explore-filtered")

    # 8. In French, from the switcher in the header.
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="FR", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Retour du comité")).to_be_visible()
    shot(page, "10-detail-in-french")


def test_pages_fit_a_phone(new_page, shot):
    data = seed()
    page = new_page(viewport=PHONE)
    log_in(page, "alice", "/accounts/login/")
    shot(page, "11-phone-my-use-cases")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], "no horizontal scrolling on a phone"

    page.goto("/use-cases/new/")
    shot(page, "12-phone-form")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"/use-cases/{data['forecasting'].reference}/")
    shot(page, "13-phone-detail")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_keyboard_alone_reaches_the_form_and_saves_a_draft(new_page, shot):
    seed()
    page = new_page()
    log_in(page, "alice", "/accounts/login/")
    page.goto("/use-cases/new/")

    # Every control has a label a screen reader announces.
    controls = "form.use-case-form :is(input:not([type=hidden]), select, textarea)"
    unlabelled = page.evaluate(
        f"""() => [...document.querySelectorAll('{controls}')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""
    )
    assert unlabelled == []

    # The first Tab reaches the skip link; then the form is reachable with Tab alone, no trap.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_title":
            break
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.keyboard.type("Shelf gap detection from store cameras")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_team"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_domain"
    page.keyboard.press("ArrowDown")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "save":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save draft"
    page.keyboard.press("Enter")

    expect(page.locator(".message--success")).to_contain_text("saved as a draft")
    expect(page.get_by_label("Title")).to_have_value("Shelf gap detection from store cameras")


def test_a_long_unbroken_title_wraps_and_more_related_use_cases_can_be_added(new_page, shot):
    data = seed()
    long_title = "Forecast" + "x" * 190  # one unbroken word of 198 characters (titles hold 200)
    long_one = UseCaseFactory(title=long_title, team=data["forecasting"].team, owner=data["forecasting"].owner)
    workflow.use_case_submit(actor=data["forecasting"].owner, use_case=long_one)
    page = new_page()
    log_in(page, "alice", "/accounts/login/")

    page.goto("/use-cases/?q=Forecast")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the title wraps"
    page.goto(f"/use-cases/{long_one.reference}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A use case of another team, reached from Explore: the Explore tab is the one marked.
    expect(page.locator(".main-nav a[aria-current]")).to_have_text("Explore")
    expect(page.get_by_role("link", name=re.compile(r"^Email "))).to_have_attribute("href", re.compile(r"^mailto:"))

    page.goto("/use-cases/new/")
    expect(page.locator("[data-link-row]")).to_have_count(1)
    page.get_by_role("button", name="Add another related use case").click()
    page.get_by_role("button", name="Add another related use case").click()
    expect(page.locator("[data-link-row]")).to_have_count(3)
    expect(page.locator("#id_links-2-target")).to_be_focused()
    expect(page.locator("input[name=links-TOTAL_FORMS]")).to_have_value("3")
    expect(page.locator("#id_links-2-strength")).to_be_visible()
    expect(page.locator("#id_links-2-rationale")).to_be_visible()
    shot(page, "14-more-related-use-cases")
