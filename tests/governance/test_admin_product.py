"""The committee's admin reads as a product (issue 11), as a committee member works there: staff in the
committee's admin group, never a superuser. Impact in the admin (success measures with their values
and progress, side effects, measurements, snapshots, saved through the services and audited, the
review action and filters, the foundations ranked by what they unlock), and what a newcomer saw of the
internals before: rows named by database ids, raw values in the history, the status missing from it,
titles wrapping down the list with the status as plain text, and a vote with "Approve" already chosen
on a page that did not say what it was about. The layout at 1366 px is tests/browser/test_admin_product.py."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.actors import SYSTEM
from core.models import AuditEvent
from domains import services as content
from domains.models import UseCaseFoundation
from governance import services
from governance.models import AgendaItem, ImpactSnapshot, Kpi, KpiMeasurement, SideEffect, Vote
from portfolio.models import UseCaseLink
from tests.admin_forms import admin_change_form_data
from tests.factories import FoundationFactory, UseCaseFactory, UseCaseLinkFactory
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:domains_usecase_changelist")
TODAY = timezone.localdate()


@pytest.fixture
def as_user(committee_admin, world):
    """Log in as one of the world's people the way the committee works in the admin."""

    def login(role: str):
        return committee_admin(world.role(role))

    return login


@pytest.fixture
def member(as_user):
    return as_user("finance")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def change_page(use_case) -> str:
    return reverse("admin:domains_usecase_change", args=[use_case.pk])


def run_action(client, action: str, use_cases, **data):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [uc.pk for uc in use_cases], **data}, follow=True
    )


def inline(response, prefix: str):
    return next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)


def measure(use_case, **data):
    values = {"name": "Handling time", "category": "efficiency", "unit": "minutes", "direction": "lower"}
    return services.kpi_create(actor=SYSTEM, use_case=use_case, data={**values, **data})


# A. Impact in the admin ------------------------------------------------------------------------------


def test_the_use_case_page_shows_each_measure_with_its_latest_value_and_a_progress_badge(member, world):
    kpi = measure(world.use_case, baseline=Decimal(10), target=Decimal(5))
    services.kpi_measurements_record(actor=SYSTEM, kpi=kpi, rows=[{"date": TODAY.isoformat(), "value": 6}])

    response = member.get(change_page(world.use_case))

    assert response.status_code == 200
    rows = inline(response, "kpis")
    assert {form.form.instance.name for form in rows if form.original} == {"Conversion rate", "Handling time"}
    html = response.content.decode()
    assert re.search(r"6 minutes on \d", html)
    # The badge says it in words (and a mark), never by colour alone: 80% of the way from 10 to 5.
    assert 'class="badge badge-progress badge-progress-on_track">✓ On track, 80% of the way</span>' in html
    assert "No measurement yet" in html  # the growth measure, never measured


def test_a_measure_added_on_the_use_case_page_goes_through_the_service_and_is_audited(member, world):
    url = change_page(world.use_case)
    data = admin_change_form_data(member.get(url))
    index = int(data["kpis-TOTAL_FORMS"])
    data["kpis-TOTAL_FORMS"] = index + 1
    data.update(
        {
            f"kpis-{index}-name": "Repeat purchases",
            f"kpis-{index}-category": "growth",
            f"kpis-{index}-unit": "%",
            f"kpis-{index}-baseline": "20",
            f"kpis-{index}-target": "30",
            f"kpis-{index}-direction": "higher",
        }
    )

    response = member.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    kpi = Kpi.objects.get(use_case=world.use_case, name="Repeat purchases")
    assert (kpi.baseline, kpi.target) == (Decimal(20), Decimal(30))
    event = AuditEvent.objects.get(action="kpi.created", use_case_id=world.use_case.pk)
    assert event.actor == world.finance


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused_beside_the_row(member, world):
    url = change_page(world.use_case)
    data = admin_change_form_data(member.get(url))
    data["kpis-0-target"] = "1"  # the growth measure goes from 2, higher is better

    response = member.post(url, data)

    assert response.status_code == 200
    assert "The target must be better than the baseline" in response.content.decode()
    assert Kpi.objects.get(use_case=world.use_case).target == Decimal(3)
    assert not AuditEvent.objects.filter(action="kpi.updated").exists()


def test_removing_the_last_outcome_measure_is_refused_with_the_services_message(member, world):
    advance(world, "submitted")
    url = change_page(world.use_case)
    data = admin_change_form_data(member.get(url))
    data["kpis-0-DELETE"] = "on"

    response = member.post(url, data, follow=True)

    assert any("is the last success measure of" in m for m in messages_of(response)), messages_of(response)
    assert Kpi.objects.filter(use_case=world.use_case).count() == 1
    assert not AuditEvent.objects.filter(action="kpi.deleted").exists()


def test_a_side_effect_rated_on_the_use_case_page_is_reviewed_today_and_audited(member, world):
    side_effect = SideEffect.objects.get(use_case=world.use_case)
    url = change_page(world.use_case)
    data = admin_change_form_data(member.get(url))
    data["side_effects-0-severity"] = "4"

    response = member.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    side_effect.refresh_from_db()
    assert (side_effect.severity, side_effect.last_reviewed_on) == (4, TODAY)
    event = AuditEvent.objects.get(action="side_effect.updated")
    assert event.actor == world.finance
    assert event.data["changes"]["severity"] == [2, 4]


def test_someone_outside_the_committee_and_the_team_reads_the_impact_rows_without_changing_them(committee_admin, world):
    advance(world, "submitted")  # past draft: everyone signed in sees it
    client = committee_admin(world.staff)  # staff in the committee's group, on no committee, in no team

    response = client.get(change_page(world.use_case))

    assert response.status_code == 200
    for prefix in ("kpis", "side_effects"):
        rows = inline(response, prefix)
        assert not rows.has_add_permission and not rows.has_change_permission and not rows.has_delete_permission


def test_the_measures_list_filters_and_shows_progress(member, world):
    kpi = measure(world.use_case)

    response = member.get(reverse("admin:governance_kpi_changelist"), {"category__exact": "efficiency"})

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [kpi.pk]
    assert "badge-progress-no_data" in response.content.decode()


def test_a_measures_page_records_a_value_through_the_service_and_lists_values_read_only(member, world):
    kpi = measure(world.use_case, baseline=Decimal(10), target=Decimal(5))
    url = reverse("admin:governance_kpi_change", args=[kpi.pk])
    page = member.get(url)
    assert not inline(page, "measurements").has_change_permission
    data = admin_change_form_data(page)
    data.update({"recorded-0-date": TODAY.isoformat(), "recorded-0-value": "7.5", "recorded-0-note": "March"})

    response = member.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    recorded = KpiMeasurement.objects.get(kpi=kpi)
    assert (recorded.value, recorded.source, recorded.recorded_by) == (Decimal("7.5"), "manual", world.finance)
    assert AuditEvent.objects.filter(action="kpi.measured", actor=world.finance).exists()
    assert "7.5 minutes" in member.get(url).content.decode()


def test_a_measurement_in_the_future_is_refused_with_the_services_message(member, world):
    kpi = measure(world.use_case)
    url = reverse("admin:governance_kpi_change", args=[kpi.pk])
    data = admin_change_form_data(member.get(url))
    future = TODAY + datetime.timedelta(days=3)
    data.update({"recorded-0-date": future.isoformat(), "recorded-0-value": "7"})

    response = member.post(url, data, follow=True)

    assert any("is in the future" in m and "date" in m for m in messages_of(response)), messages_of(response)
    assert not KpiMeasurement.objects.exists()


def test_the_measurements_list_filters_by_source_and_is_read_only(member, world):
    kpi = measure(world.use_case)
    services.kpi_measurements_record(actor=SYSTEM, kpi=kpi, rows=[{"date": "2026-01-31", "value": 8}])
    services.kpi_measurements_record(actor=SYSTEM, kpi=kpi, rows=[{"date": "2026-02-28", "value": 7}], source="api")
    listing = reverse("admin:governance_kpimeasurement_changelist")

    response = member.get(listing, {"source__exact": "api"})

    assert [m.value for m in response.context["cl"].result_list] == [Decimal(7)]
    assert member.get(reverse("admin:governance_kpimeasurement_add")).status_code == 403
    measurement = KpiMeasurement.objects.first()
    page = member.get(reverse("admin:governance_kpimeasurement_change", args=[measurement.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_impact_snapshots_are_read_only_with_their_figures_named(member, world):
    snapshot = ImpactSnapshot.objects.create(taken_on=TODAY, figures={"use_cases": 12, "live_use_cases": 3})

    page = member.get(reverse("admin:governance_impactsnapshot_change", args=[snapshot.pk]))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert "<td>12</td>" in page.content.decode()
    assert member.get(reverse("admin:governance_impactsnapshot_add")).status_code == 403
    delete = reverse("admin:governance_impactsnapshot_delete", args=[snapshot.pk])
    assert member.post(delete, {"post": "yes"}).status_code == 403
    assert ImpactSnapshot.objects.exists()


def test_a_side_effects_page_saves_through_the_service(member, world):
    side_effect = SideEffect.objects.get(use_case=world.use_case)
    url = reverse("admin:governance_sideeffect_change", args=[side_effect.pk])
    data = admin_change_form_data(member.get(url))
    data["status"] = "mitigating"
    data["mitigation"] = "Show the three best slots first."

    response = member.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    side_effect.refresh_from_db()
    assert side_effect.status == "mitigating"
    assert AuditEvent.objects.filter(action="side_effect.updated", actor=world.finance).exists()


def test_mark_side_effects_reviewed_summarises_them_then_dates_the_review(member, world):
    SideEffect.objects.filter(use_case=world.use_case).update(last_reviewed_on=TODAY - datetime.timedelta(days=40))
    unrated = SideEffect.objects.create(use_case=world.use_case, category="workforce", title="Agents deskilled")

    page = run_action(member, "mark_side_effects_reviewed", [world.use_case])
    html = page.content.decode()
    assert "Customers see fewer slots" in html and "2 × 2 = 4" in html
    assert "Agents deskilled" not in html  # not assessed: nothing to review yet
    assert page.context["form"]["reviewed_on"].value() == TODAY

    yesterday = TODAY - datetime.timedelta(days=1)
    response = run_action(
        member, "mark_side_effects_reviewed", [world.use_case], apply="1", reviewed_on=yesterday.isoformat()
    )

    assert f"{world.use_case}: 1 side effect marked reviewed." in messages_of(response)
    assert SideEffect.objects.get(title="Customers see fewer slots").last_reviewed_on == yesterday
    unrated.refresh_from_db()
    assert unrated.last_reviewed_on is None
    assert AuditEvent.objects.get(action="side_effect.reviewed").actor == world.finance


def test_mark_side_effects_reviewed_refuses_a_future_date_and_a_use_case_with_nothing_assessed(member, world):
    response = run_action(
        member,
        "mark_side_effects_reviewed",
        [world.use_case],
        apply="1",
        reviewed_on=(TODAY + datetime.timedelta(days=2)).isoformat(),
    )
    assert response.context["form"].errors == {"reviewed_on": ["A review date cannot be in the future."]}

    bare = UseCaseFactory(team=world.use_case.team, owner=world.owner, assessed_side_effect=False)
    response = run_action(member, "mark_side_effects_reviewed", [bare], apply="1", reviewed_on=TODAY.isoformat())
    assert any("has no assessed side effect to review" in m for m in messages_of(response))
    assert not AuditEvent.objects.filter(action="side_effect.reviewed").exists()


def test_the_use_case_list_filters_side_effects_not_reviewed_for_n_days(member, world):
    team, owner = world.use_case.team, world.owner
    stale = UseCaseFactory(team=team, owner=owner)
    fresh = UseCaseFactory(team=team, owner=owner)
    closed = UseCaseFactory(team=team, owner=owner)
    SideEffect.objects.filter(use_case=stale).update(last_reviewed_on=TODAY - datetime.timedelta(days=100))
    SideEffect.objects.filter(use_case=fresh).update(last_reviewed_on=TODAY - datetime.timedelta(days=10))
    SideEffect.objects.filter(use_case=closed).update(status="closed", last_reviewed_on=None)

    def listed(value):
        response = member.get(CHANGELIST, {"not_reviewed_for": value})
        assert response.status_code == 200
        return {uc.pk for uc in response.context["cl"].result_list}

    # world.use_case's side effect was never reviewed: it is stale however many days are asked.
    assert listed("90") == {stale.pk, world.use_case.pk}
    assert listed("30") == {stale.pk, world.use_case.pk}
    assert listed("never") == {world.use_case.pk}


def test_the_use_case_list_filters_use_cases_without_an_outcome_measure(member, world):
    cost_only = UseCaseFactory(team=world.use_case.team, owner=world.owner, outcome_kpi=False)
    measure(cost_only)
    unmeasured = UseCaseFactory(team=world.use_case.team, owner=world.owner, outcome_kpi=False)

    response = member.get(CHANGELIST, {"outcome_kpi": "missing"})
    assert {uc.pk for uc in response.context["cl"].result_list} == {cost_only.pk, unmeasured.pk}
    response = member.get(CHANGELIST, {"outcome_kpi": "none"})
    assert {uc.pk for uc in response.context["cl"].result_list} == {unmeasured.pk}


def _ranking_world(world, foundations: int, *, low: bool = True):
    """A foundation at readiness 1 that world.use_case builds on (when `low`), and `foundations` more
    at readiness 4, each unlocking a submitted use case of 1,000 EUR a year."""
    held = None
    if low:
        held = FoundationFactory(name="Customer 360", readiness=1)
        UseCaseFoundation.objects.create(use_case=world.use_case, foundation=held)
    for _ in range(foundations):
        foundation = FoundationFactory(readiness=4)
        other = UseCaseFactory(team=world.use_case.team, owner=world.owner, estimated_annual_benefit=Decimal(1000))
        advance(world, "submitted", use_case=other)
        UseCaseFoundation.objects.create(use_case=other, foundation=foundation)
    return held


def test_the_foundations_ranking_lists_what_each_unlocks_from_the_foundations_list(member, world):
    advance(world, "in_review")
    low = _ranking_world(world, 1)
    listing = member.get(reverse("admin:domains_foundation_changelist"))
    ranking_url = reverse("admin:domains_foundation_ranking")
    assert ranking_url in listing.content.decode()

    response = member.get(ranking_url)

    assert response.status_code == 200
    first = response.context["rows"][0]
    assert (first["rank"], first["row"].foundation, first["benefit"]) == (1, low, "250,000")
    assert first["by_status"] == [("in_review", "In review", 1)]
    assert first["row"].held_back == [world.use_case]
    html = response.content.decode()
    assert "1 - Idea" in html and "low</span>" in html


def test_the_foundations_ranking_downloads_as_csv(member, world):
    advance(world, "in_review")
    _ranking_world(world, 1)

    response = member.get(reverse("admin:domains_foundation_ranking"), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["rank"] == "1" and rows[0]["foundation"] == "Customer 360"
    assert (rows[0]["unlocked_in_review"], rows[0]["benefit_enabled_eur"]) == ("1", "250000")
    assert rows[0]["held_back"] == world.use_case.reference
    assert rows[1]["unlocked_submitted"] == "1" and rows[1]["held_back"] == ""


def test_the_foundations_ranking_reads_in_a_fixed_number_of_queries(member, world):
    _ranking_world(world, 2)
    url = reverse("admin:domains_foundation_ranking")
    member.get(url)  # the session and the permission caches, as on any page after the first

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert member.get(url).status_code == 200
        return len(context)

    few = queries()
    _ranking_world(world, 10, low=False)
    assert queries() == few
    # 10: the sidebar's priority weights row asks once whether the member still sits on the committee.
    assert few <= 10


# B. The admin reads as a product --------------------------------------------------------------------


def test_rows_are_named_in_words_not_database_ids(world):
    other = UseCaseFactory(title="Agent assist", team=world.use_case.team, owner=world.owner)
    usage = UseCaseFoundation.objects.create(use_case=other, foundation=FoundationFactory(name="Customer 360"))
    link = UseCaseLinkFactory(source=other, target=world.use_case, kind="shares_data")
    depends = UseCaseLinkFactory(source=other, target=UseCaseFactory(), kind="depends_on")
    meeting = services.meeting_prepare_next(actor=world.secretary, committee=world.committee, date=TODAY)
    item = AgendaItem.objects.create(meeting=meeting, use_case=other, position=1)

    assert str(usage) == f"{other.reference} Agent assist uses Customer 360"
    assert str(link) == f"{other.reference} shares data with {world.use_case.reference}"
    assert str(depends) == f"{other.reference} depends on {depends.target.reference}"
    assert str(item) == f"1. {other.reference} Agent assist"


def test_inline_rows_carry_no_title_line_repeating_their_columns(member, world):
    UseCaseFoundation.objects.create(use_case=world.use_case, foundation=FoundationFactory(name="Customer 360"))
    UseCaseLinkFactory(source=world.use_case, target=UseCaseFactory(), kind="shares_data")

    response = member.get(change_page(world.use_case))

    for prefix in ("kpis", "side_effects", "foundation_usages", "outgoing_links", "incoming_links"):
        assert "plain-rows" in inline(response, prefix).classes
    html = response.content.decode()
    # The stylesheet that hides those lines is on the page, and the line no longer reads like ids.
    assert "core/admin.css" in html
    assert f"{world.use_case.reference} {world.use_case.title} uses Customer 360" in html
    assert not re.search(rf"\b{world.use_case.pk} uses ", html)
    assert "shares_data" not in re.sub(r'value="shares_data"', "", html)


def test_a_meetings_agenda_names_its_use_cases(member, world):
    advance(world, "in_review")
    meeting = services.meeting_prepare_next(actor=world.secretary, committee=world.committee, date=TODAY)

    response = member.get(reverse("admin:governance_meeting_change", args=[meeting.pk]))

    assert "plain-rows" in inline(response, "items").classes
    assert f"1. {world.use_case.reference} {world.use_case.title}" in response.content.decode()


def test_the_history_says_each_change_by_labels_and_names_with_the_status_as_it_moved(member, world):
    content.use_case_update(
        actor=world.owner,
        use_case=world.use_case,
        data={"ai_technique": "generative", "risk_tier": "not_assessed", "sponsor": world.owner},
    )
    advance(world, "in_review")

    response = member.get(reverse("admin:domains_usecase_history", args=[world.use_case.pk]))

    assert response.status_code == 200
    deltas = [
        [(change.field, change.old, change.new) for change in record.history_delta_changes]
        for record in response.context["page_obj"]
        if getattr(record, "history_delta_changes", None)
    ]
    owner = world.owner.get_full_name()
    assert deltas == [
        [("Status", "Submitted", "In review")],
        [("Status", "Draft", "Submitted")],
        [
            ("Sponsor", "—", owner),
            ("AI technique", "Classical machine learning", "Generative AI"),
            ("EU AI Act risk tier", "Minimal risk", "Not yet assessed"),
        ],
    ]
    html = response.content.decode()
    for raw in ("classical_ml", "not_assessed", "None"):
        assert raw not in html
    assert "the system" in html  # the factory's first version was no person's


def test_the_history_of_a_long_history_compares_across_pages(member, world):
    from domains.admin import UseCaseAdminBase

    for value in range(1, 5):
        content.use_case_update(actor=world.owner, use_case=world.use_case, data={"business_value": value})
    per_page = UseCaseAdminBase.history_list_per_page
    UseCaseAdminBase.history_list_per_page = 2
    try:
        response = member.get(reverse("admin:domains_usecase_history", args=[world.use_case.pk]))
    finally:
        UseCaseAdminBase.history_list_per_page = per_page

    last_on_page = list(response.context["page_obj"])[-1]
    assert [(c.field, c.old, c.new) for c in last_on_page.history_delta_changes] == [("Business value", "2", "3")]


def test_the_list_cuts_long_titles_and_shows_the_status_as_a_badge_in_words(member, world):
    long_title = "Agent assist for the contact centre: suggested replies, next-best actions and summaries " * 2
    content.use_case_update(actor=world.owner, use_case=world.use_case, data={"title": long_title.strip()})

    response = member.get(CHANGELIST)

    html = response.content.decode()
    cut = re.search(r'<span class="list-title" title="([^"]+)">([^<]+)</span>', html)
    assert cut.group(1) == long_title.strip()
    assert len(cut.group(2)) <= 70 and cut.group(2).endswith("…")
    assert f'<span class="list-where">{world.use_case.domain} · {world.use_case.team}</span>' in html
    assert '<span class="badge badge-status badge-status-draft">Draft</span>' in html


def test_the_vote_chooses_nothing_for_the_member_and_a_vote_without_choice_is_refused(member, world):
    advance(world, "in_review")

    page = run_action(member, "workflow_vote", [world.use_case])
    choice = page.context["form"]["choice"]
    assert choice.value() in (None, "")
    assert choice.field.choices[0] == ("", "Choose your vote")
    select = re.search(r'<select name="choice".*?</select>', page.content.decode(), re.S).group(0)
    assert re.findall(r'<option value="([^"]*)" selected>', select) == [""]

    response = run_action(member, "workflow_vote", [world.use_case], apply="1", comment="Looks fine.")

    assert response.context["form"].errors == {"choice": ["This field is required."]}
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "action, state, role",
    [
        ("workflow_vote", "in_review", "finance"),
        ("workflow_decide", "in_review", "chair"),
        ("workflow_request_changes", "in_review", "finance"),
        ("mark_side_effects_reviewed", "in_delivery", "finance"),
    ],
)
def test_every_action_page_summarises_the_use_cases_it_acts_on(as_user, world, action, state, role):
    advance(world, state)
    measure(world.use_case)
    SideEffect.objects.create(use_case=world.use_case, category="workforce", title="Agents deskilled")

    page = run_action(as_user(role), action, [world.use_case])

    assert page.status_code == 200
    summary = page.content.decode().split('class="module scroll-box action-summary"', 1)[1].split("</table>", 1)[0]
    uc = world.use_case
    for shown in (
        uc.reference,
        uc.title,
        str(uc.domain),
        str(uc.team),
        f">{uc.get_status_display()}</span>",
        f"{uc.business_value} / {uc.feasibility}",
        uc.get_risk_tier_display(),
        "2 measures",
        "1 beyond efficiency",
        "2 recorded",
        "2 live",
        "1 not assessed",
    ):
        assert shown in summary, shown


def test_the_decision_chooses_no_outcome_for_the_chair(as_user, world):
    advance(world, "in_review")

    page = run_action(as_user("chair"), "workflow_decide", [world.use_case])

    assert page.context["form"]["outcome"].value() in (None, "")
    assert page.context["form"].fields["outcome"].choices[0] == ("", "Choose the outcome")


def test_link_rows_read_as_a_sentence_in_the_links_list(member, world):
    other = UseCaseFactory()
    UseCaseLink.objects.create(source=world.use_case, target=other, kind="reinforces")

    response = member.get(reverse("admin:portfolio_usecaselink_changelist"))

    assert response.status_code == 200
    link = UseCaseLink.objects.get(source=world.use_case)
    page = member.get(reverse("admin:portfolio_usecaselink_change", args=[link.pk]))
    assert f"{world.use_case.reference} reinforces {other.reference}" in page.content.decode()


def test_reference_data_is_found_by_its_name_in_either_language(member):
    foundation = FoundationFactory(name="Customer 360")
    foundation.name_fr = "Client 360"
    foundation.save()
    url = reverse("admin:domains_foundation_changelist")

    for language, query in (("fr", "Customer 360"), ("en", "Client 360"), ("fr", "Client 360")):
        response = member.get(url, {"q": query}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert [row.pk for row in response.context["cl"].result_list] == [foundation.pk], (language, query)
