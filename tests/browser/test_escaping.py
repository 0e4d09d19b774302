"""What people write is shown as text, never run, on every page where it appears: the team site, the
admin and the API's browsable pages, as the people who see it there.

Every text field of a use case, a link, a foundation, a committee, a meeting and the committee's
feedback (votes, decision, change requests, a workflow comment) carries a script payload for each
context it could land in: element content (`<script>`, `<img onerror>`), a double- or single-quoted
attribute (a quote that would close it, then `autofocus onfocus=`), and a `javascript:` URL. Under
the Content Security Policy an unescaped payload would not run, so `window.__xss` alone would prove
little: each page is also searched for markup the payload would have created (an element with the
`xss` attribute or an on*= handler naming `__xss`, an `<img src=x>`, a script mentioning `__xss`)
and fails on any CSP violation the browser reports, on any dialog and on any uncaught error. Each
page must show the payload as text (or as a field's value), so a page that failed to render fails
too. One screenshot per area goes to the screenshots folder."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from domains import services as content
from governance import services as workflow
from governance.models import Meeting
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio import services as links
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

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
DOUBLE_QUOTED = '" autofocus onfocus="window.__xss=1" xss="'
SINGLE_QUOTED = "' autofocus onfocus='window.__xss=1' xss='"
JS_URL = "javascript:window.__xss=1"


def payload(label: str) -> str:
    """`label` names the field, so a page can be asked to show it."""
    return f"{label} {SCRIPT}{IMG}{DOUBLE_QUOTED}{SINGLE_QUOTED}"


def short_payload(label: str) -> str:
    """For names with room for fewer characters (teams, domains, foundations, committees, people)."""
    return f"{label} {IMG}{DOUBLE_QUOTED}"


def shown(label: str) -> str:
    """What a page shows of a payload when it escapes it: the label and the markup, as text."""
    return f"{label} {SCRIPT}"


def shown_short(label: str) -> str:
    return f"{label} <img src=x onerror="


# What an unescaped payload would have left in the page, whether or not the policy let it run.
INJECTED_MARKUP = """() => {
  const found = [];
  const describe = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name === "xss" || (name.startsWith("on") && value.includes("__xss"))) found.push(describe(el));
      if (["href", "src", "action", "formaction"].includes(name) && value.startsWith("javascript:")) {
        found.push(describe(el));
      }
    }
    if (el.tagName === "SCRIPT" && !el.src && el.textContent.includes("__xss")
        && (!el.type || /javascript|module/i.test(el.type))) found.push(describe(el));
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") found.push(describe(el));
  }
  return found;
}"""


class Guard:
    """Watches a page: a dialog, a CSP violation reported in the console or an uncaught error is a
    problem, wherever it happens."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught error {error}"))

    def _dialog(self, dialog):
        self.problems.append(f"{self.page.url}: a {dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(f"{self.page.url}: {message.text}")

    def check(self, *, texts=(), values=None):
        """The page shows each text (visibly) and each field its value; nothing was injected."""
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate(INJECTED_MARKUP) == [], f"{page.url}: markup was injected"
        assert page.evaluate("() => typeof window.__xss") == "undefined", f"{page.url}: a payload ran"
        assert self.problems == []
        for text in texts:
            expect(page.get_by_text(text).filter(visible=True).first).to_be_visible()
        for selector, value in (values or {}).items():
            expect(page.locator(selector)).to_have_value(value)
        assert self.problems == []


def open_guarded(new_page):
    page = new_page()
    return page, Guard(page)


def log_in(page, username: str, next_url: str):
    page.goto(next_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def seed():
    """A committee and a team whose every text field carries a payload, and two use cases taken
    through the workflow by the services: one approved after a hold, a change request and a vote
    (decision, votes, conditions, timeline), one waiting for the changes the committee asked for."""
    committee = CommitteeFactory(
        name=short_payload("CM-NAME"), mandate=payload("CM-MANDATE"), quorum_votes=2, quorum_functions=2
    )
    group = Group.objects.create(name=COMMITTEE_ADMIN_GROUP)
    group.permissions.set(committee_admin_permissions())
    chair = UserFactory(username="chair", first_name="Claire", last_name=short_payload("CHAIR-NAME"), is_staff=True)
    finn = UserFactory(username="finn", first_name="Finn", last_name="Moreau", is_staff=True)
    for person, slug, role in [(chair, "operations", "chair"), (finn, "finance", "member")]:
        person.groups.add(group)
        CommitteeMembershipFactory(committee=committee, user=person, function=function(slug), role=role)
    alice = UserFactory(username="alice", first_name="Alice", last_name=short_payload("ALICE-NAME"))
    bob = UserFactory(username="bob", first_name="Bob", last_name="Leroy")
    team = TeamFactory(name=short_payload("TEAM"), slug="pricing", description=payload("TEAM-DESC"), members=[alice])
    TeamFactory(name="Store Logistics", slug="logistics", function=function("supply-chain"), members=[bob])
    domain = DomainFactory(name=short_payload("DOMAIN"), slug="customer", description=payload("DOMAIN-DESC"))
    foundation = FoundationFactory(
        name=short_payload("FOUNDATION"), slug="payload-foundation", description=payload("FOUNDATION-DESC")
    )

    def use_case(prefix):
        return UseCaseFactory(
            title=payload(f"{prefix}-OLD-TITLE"),
            problem_statement=payload(f"{prefix}-PROBLEM"),
            proposed_solution=payload(f"{prefix}-SOLUTION"),
            external_id=short_payload(f"{prefix}-EXT"),
            team=team,
            owner=alice,
            domain=domain,
            functions=[function("marketing")],
        )

    approved, waiting = use_case("UC1"), use_case("UC2")
    for one, prefix in [(approved, "UC1"), (waiting, "UC2")]:
        content.use_case_update(actor=alice, use_case=one, data={"title": payload(f"{prefix}-TITLE")})
    content.foundation_usage_add(actor=alice, use_case=approved, foundation=foundation, note=payload("USAGE-NOTE"))
    link = links.link_create(
        actor=alice,
        source=approved,
        target=waiting,
        kind="reinforces",
        strength=3,
        rationale=f"{JS_URL} {payload('LINK-RATIONALE')}",
    )

    workflow.use_case_submit(actor=alice, use_case=approved)
    workflow.use_case_start_review(actor=chair, use_case=approved)
    workflow.use_case_transition(actor=chair, use_case=approved, action="put_on_hold", comment=payload("HOLD-COMMENT"))
    workflow.use_case_transition(actor=chair, use_case=approved, action="resume")
    workflow.use_case_request_changes(actor=finn, use_case=approved, comment=payload("CR1-COMMENT"))
    workflow.use_case_submit(actor=alice, use_case=approved)
    workflow.use_case_start_review(actor=chair, use_case=approved)
    meeting = workflow.meeting_prepare_next(
        actor=chair, committee=committee, date=timezone.localdate() + datetime.timedelta(days=7)
    )
    # Minutes are typed in the admin's meeting form; no service writes them.
    Meeting.objects.filter(pk=meeting.pk).update(minutes=payload("MINUTES"))
    workflow.vote_cast(actor=finn, use_case=approved, choice="approve", comment=payload("VOTE-FINN"))
    workflow.vote_cast(actor=chair, use_case=approved, choice="approve", comment=payload("VOTE-CHAIR"))
    workflow.use_case_decide(
        actor=chair,
        use_case=approved,
        outcome="approved",
        rationale=payload("DECISION-RATIONALE"),
        conditions=payload("DECISION-CONDITIONS"),
    )

    workflow.use_case_submit(actor=alice, use_case=waiting)
    workflow.use_case_start_review(actor=chair, use_case=waiting)
    workflow.use_case_request_changes(actor=chair, use_case=waiting, comment=payload("CR2-COMMENT"))
    for one in (approved, waiting):
        one.refresh_from_db()
    return {
        "approved": approved,
        "waiting": waiting,
        "link": link,
        "foundation": foundation,
        "committee": committee,
        "meeting": meeting,
    }


def test_the_team_site_shows_what_people_wrote_as_text(new_page, shot):
    data = seed()
    approved, waiting = data["approved"], data["waiting"]

    # A javascript: URL as the page to go to after logging in is not followed.
    page, guard = open_guarded(new_page)
    page.goto(f"/accounts/login/?next={JS_URL}")
    guard.check()
    log_in(page, "alice", page.url)
    expect(page).to_have_url(re.compile(r"/$"))

    guard.check(
        texts=[
            shown("UC1-TITLE"),
            shown("UC2-TITLE"),
            shown_short("TEAM"),
            shown_short("DOMAIN"),
            shown_short("ALICE-NAME"),
            shown("DECISION-CONDITIONS"),  # "Approved with conditions: ..." is what the team does next
        ]
    )

    page.goto(f"/use-cases/{approved.reference}/")
    guard.check(
        texts=[
            shown("UC1-TITLE"),
            shown("UC1-PROBLEM"),
            shown("UC1-SOLUTION"),
            shown_short("FOUNDATION"),
            shown("USAGE-NOTE"),
            shown("UC2-TITLE"),
            shown("LINK-RATIONALE"),
            shown("DECISION-RATIONALE"),
            shown("DECISION-CONDITIONS"),
            shown("VOTE-FINN"),
            shown("VOTE-CHAIR"),
            shown_short("CHAIR-NAME"),
            shown("HOLD-COMMENT"),
            shown("CR1-COMMENT"),
        ]
    )
    expect(page.get_by_text(f"{JS_URL} LINK-RATIONALE")).to_be_visible()
    shot(page, "xss-01-team-use-case-detail")

    page.goto(f"/use-cases/{waiting.reference}/")
    guard.check(texts=[shown("UC2-TITLE"), shown("UC2-PROBLEM"), shown("CR2-COMMENT"), shown("UC1-TITLE")])

    # The form puts each value in an attribute or a textarea; its picker suggests use cases by script.
    page.goto(f"/use-cases/{waiting.reference}/edit/")
    guard.check(
        texts=[shown("CR2-COMMENT"), shown_short("FOUNDATION")],
        values={
            "#id_title": payload("UC2-TITLE"),
            "#id_problem_statement": payload("UC2-PROBLEM"),
            "#id_proposed_solution": payload("UC2-SOLUTION"),
        },
    )
    page.get_by_label("Find a foundation").fill("FOUNDATION")
    expect(page.get_by_label(short_payload("FOUNDATION"))).to_be_visible()
    page.locator("#id_links-0-target").press_sequentially("UC1", delay=30)
    suggestion = page.locator(f"#use-case-options option[value='{approved.reference}']")
    expect(suggestion).to_have_count(1)
    assert payload("UC1-TITLE") in suggestion.get_attribute("label")
    page.get_by_role("button", name="Add another related use case").click()
    expect(page.locator("[data-link-row]")).to_have_count(2)
    guard.check()
    shot(page, "xss-02-team-use-case-form")

    page.goto("/use-cases/")
    guard.check(texts=[shown("UC1-TITLE"), shown("UC1-PROBLEM"), shown_short("TEAM")])
    # What a search reflects back: the words typed, in the search box and in the page links.
    search = short_payload("SEARCH")
    page.get_by_label("Search").fill(search)
    page.get_by_role("button", name="Filter").click()
    guard.check(values={"input[name=q]": search})
    shot(page, "xss-03-team-explore")

    # Another team reads the use case, and may email its owner about it.
    other, other_guard = open_guarded(new_page)
    log_in(other, "bob", f"/use-cases/{approved.reference}/")
    other_guard.check(texts=[shown("UC1-TITLE"), shown_short("TEAM"), shown("DECISION-RATIONALE")])
    expect(other.get_by_role("link", name=re.compile(r"^Email "))).to_have_attribute("href", re.compile(r"^mailto:"))


def test_the_admin_shows_what_people_wrote_as_text(new_page, shot):
    data = seed()
    approved, waiting, link = data["approved"], data["waiting"], data["link"]
    page, guard = open_guarded(new_page)
    log_in(page, "chair", "/admin/login/?next=/admin/")
    guard.check()

    page.goto("/admin/domains/usecase/")
    guard.check(texts=[shown("UC1-TITLE"), shown("UC2-TITLE"), shown_short("TEAM"), shown_short("DOMAIN")])

    page.goto(f"/admin/domains/usecase/{approved.pk}/change/")
    guard.check(
        texts=[
            shown("HOLD-COMMENT"),
            shown("CR1-COMMENT"),
            shown("VOTE-FINN"),
            shown("DECISION-RATIONALE"),
            shown("DECISION-CONDITIONS"),
            shown_short("DOMAIN"),  # the autocomplete widget draws the chosen domain by script
            shown_short("TEAM"),
        ],
        values={
            "#id_title": payload("UC1-TITLE"),
            "#id_problem_statement": payload("UC1-PROBLEM"),
            "#id_proposed_solution": payload("UC1-SOLUTION"),
            "#id_external_id": short_payload("UC1-EXT"),
            "input[name$='-0-note']": payload("USAGE-NOTE"),
            "textarea[name$='-0-rationale']": f"{JS_URL} {payload('LINK-RATIONALE')}",
        },
    )
    shot(page, "xss-04-admin-use-case-change-form")

    # The autocomplete lists other use cases by their titles, drawn by script as you type.
    page.goto(f"/admin/portfolio/usecaselink/{link.pk}/change/")
    guard.check(values={"#id_rationale": f"{JS_URL} {payload('LINK-RATIONALE')}"})
    page.locator(".field-target .select2-selection").click()
    page.locator(".select2-search__field").fill("UC")
    expect(page.locator(".select2-results__option").filter(has_text=shown("UC1-TITLE"))).to_be_visible()
    guard.check()
    shot(page, "xss-05-admin-autocomplete")
    page.keyboard.press("Escape")

    page.goto(f"/admin/domains/usecase/{approved.pk}/history/")
    guard.check(texts=[shown("UC1-OLD-TITLE"), shown("UC1-TITLE")])
    shot(page, "xss-06-admin-history")
    page.locator("#change-history a[href*='/history/']").first.click()
    guard.check(values={"#id_problem_statement": payload("UC1-PROBLEM")})

    page.goto(f"/admin/domains/usecase/{waiting.pk}/change/")
    guard.check(
        texts=[shown("CR2-COMMENT")],
        values={"textarea[name$='-0-rationale']": f"{JS_URL} {payload('LINK-RATIONALE')}"},
    )

    pages = [
        ("/admin/domains/foundation/", [shown_short("FOUNDATION")], {}),
        (
            f"/admin/domains/foundation/{data['foundation'].pk}/change/",
            [],
            {"#id_name_en": short_payload("FOUNDATION"), "#id_description_en": payload("FOUNDATION-DESC")},
        ),
        ("/admin/domains/team/", [shown_short("TEAM")], {}),
        ("/admin/domains/domain/", [shown_short("DOMAIN")], {}),
        ("/admin/governance/committee/", [shown_short("CM-NAME")], {}),
        (
            f"/admin/governance/committee/{data['committee'].pk}/change/",
            [shown_short("CHAIR-NAME")],
            {"#id_name": short_payload("CM-NAME"), "#id_mandate": payload("CM-MANDATE")},
        ),
        ("/admin/portfolio/usecaselink/", [shown("UC1-TITLE")], {}),
        ("/admin/governance/meeting/", [shown_short("CM-NAME")], {}),
        (
            f"/admin/governance/meeting/{data['meeting'].pk}/change/",
            [shown("UC1-TITLE")],
            {"#id_minutes": payload("MINUTES")},
        ),
        ("/admin/governance/reviewround/", [shown("UC1-TITLE"), shown_short("CM-NAME")], {}),
        ("/admin/governance/vote/", [shown_short("CHAIR-NAME")], {}),
        ("/admin/governance/decision/", [shown("UC1-TITLE")], {}),
        ("/admin/governance/changerequest/", [shown("UC2-TITLE")], {}),
        ("/admin/core/auditevent/", [shown("UC1-OLD-TITLE"), shown("UC1-TITLE")], {}),
        ("/admin/governance/notification/", [], {}),
    ]
    for url, texts, values in pages:
        page.goto(url)
        guard.check(texts=texts, values=values)

    # The read-only records: each one's page shows what was written, as text.
    for model, search, texts in [
        ("vote", "VOTE-FINN", [shown("VOTE-FINN")]),
        ("decision", "DECISION-RATIONALE", [shown("DECISION-RATIONALE"), shown("DECISION-CONDITIONS")]),
        ("changerequest", "CR2-COMMENT", [shown("CR2-COMMENT")]),
        ("notification", "approved", [shown("DECISION-RATIONALE")]),  # the team's "approved" email
    ]:
        page.goto(f"/admin/governance/{model}/?q={search}")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        page.locator("#result_list tbody tr th a").first.click()
        guard.check(texts=texts)
    shot(page, "xss-07-admin-read-only-record")

    # A workflow action asks for its input on a page of its own, listing the use cases it acts on.
    page.goto(f"/admin/domains/usecase/?q={waiting.reference}")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(label="Request changes")
    page.locator("button[name=index]").click()
    guard.check(texts=[shown("UC2-TITLE")])

    # The committee's name in a message after an action.
    page.goto("/admin/governance/committee/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(
        label="Prepare the next meeting (agenda from the use cases in review)"
    )
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text(shown_short("CM-NAME"))
    guard.check()


def test_the_browsable_api_and_its_docs_show_what_people_wrote_as_text(new_page, shot):
    data = seed()
    approved = data["approved"]
    page, guard = open_guarded(new_page)
    log_in(page, "alice", "/accounts/login/")

    for url, texts in [
        ("/api/v1/", []),
        ("/api/v1/use-cases/", [shown("UC1-TITLE"), shown("UC1-PROBLEM"), shown("UC2-SOLUTION")]),
        (f"/api/v1/use-cases/{approved.pk}/", [shown("UC1-TITLE"), shown("UC1-SOLUTION")]),
        ("/api/v1/links/", [shown("LINK-RATIONALE")]),
        ("/api/v1/foundations/", [shown_short("FOUNDATION"), shown("FOUNDATION-DESC")]),
        ("/api/v1/teams/", [shown_short("TEAM"), shown("TEAM-DESC")]),
        ("/api/v1/domains/", [shown_short("DOMAIN"), shown("DOMAIN-DESC")]),
        ("/api/v1/committees/", [shown_short("CM-NAME"), shown("CM-MANDATE")]),
        ("/api/v1/votes/", [shown("VOTE-FINN"), shown("VOTE-CHAIR")]),
        ("/api/v1/decisions/", [shown("DECISION-RATIONALE"), shown("DECISION-CONDITIONS")]),
        ("/api/v1/change-requests/", [shown("CR1-COMMENT"), shown("CR2-COMMENT")]),
        ("/api/v1/meetings/", [shown("MINUTES")]),
    ]:
        page.goto(url)
        guard.check(texts=texts)
        if url == "/api/v1/use-cases/":
            shot(page, "xss-08-api-browsable")

    # The docs run Swagger UI from files of this origin: it draws the operations, nothing is refused.
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("AI Use-Case Portfolio API")
    expect(page.locator(".opblock").first).to_be_visible()
    guard.check()
    shot(page, "xss-09-api-docs")
