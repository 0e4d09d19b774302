"""The team pages for impact: a use case's success measures, their measurements and its side-effect
register (on its page and in section 8 of its form), the workflow's refusals shown beside that
section, and the "What can I build on" page of foundations."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from domains.models import UseCaseFoundation
from governance import services as workflow
from governance.models import Kpi, KpiMeasurement, SideEffect
from tests.factories import FoundationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def detail_url(use_case):
    return reverse("web:use_case_detail", args=[use_case.reference])


def kpi_data(org, **overrides):
    data = {
        "name": "Repeat purchase rate",
        "category": "lasting_results",
        "unit": "%",
        "baseline": "18",
        "target": "24",
        "target_date": (TODAY() + datetime.timedelta(days=180)).isoformat(),
        "direction": "higher",
        "frequency": "monthly",
        "owner": org.alice.pk,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def side_effect_data(org, **overrides):
    data = {
        "kind": "anticipated",
        "category": "workforce",
        "title": "Store staff lose the routine of ordering by hand",
        "description": "",
        "likelihood": "3",
        "severity": "4",
        "mitigation": "Train two staff per store to read the forecast.",
        "owner": org.paul.pk,
        "status": "open",
        "kpi": "",
    }
    data.update(overrides)
    return data


def measure(client, kpi, **fields):
    prefix = f"kpi-{kpi.pk}"
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    return client.post(reverse("web:kpi_measure", args=[kpi.use_case.reference, kpi.pk]), data)


def field_error(response, html_id: str) -> str:
    """The text of the error shown beside the field whose input has this id."""
    match = re.search(rf'<div class="field__error" id="{html_id}_error">(.*?)</div>', response.text, re.S)
    assert match, f"no error beside {html_id}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


# Success measures ------------------------------------------------------------------------------------


def test_a_team_member_adds_a_success_measure_created_and_audited(alice_client, org):
    use_case = org.use_case(outcome_kpi=False)

    response = alice_client.post(reverse("web:kpi_new", args=[use_case.reference]), kpi_data(org))

    assert response.status_code == 302
    assert response["Location"] == detail_url(use_case) + "#impact"
    kpi = Kpi.objects.get(use_case=use_case)
    assert (kpi.name, kpi.category, kpi.baseline, kpi.target, kpi.owner) == (
        "Repeat purchase rate",
        "lasting_results",
        18,
        24,
        org.alice,
    )
    assert AuditEvent.objects.filter(action="kpi.created", actor=org.alice, use_case=use_case).count() == 1
    page = alice_client.get(detail_url(use_case)).text
    assert "Repeat purchase rate" in page


def test_a_team_member_edits_then_removes_a_success_measure(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()

    alice_client.post(
        reverse("web:kpi_edit", args=[use_case.reference, kpi.pk]), kpi_data(org, name="Conversion at checkout")
    )
    kpi.refresh_from_db()
    assert kpi.name == "Conversion at checkout"
    assert AuditEvent.objects.filter(action="kpi.updated", actor=org.alice).exists()

    response = alice_client.post(reverse("web:kpi_delete", args=[use_case.reference, kpi.pk]))
    assert response.status_code == 302
    assert not Kpi.objects.filter(pk=kpi.pk).exists()
    assert AuditEvent.objects.filter(action="kpi.deleted", actor=org.alice).exists()


def test_the_edit_page_shows_the_figures_as_typed(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()  # baseline 2, target 3, kept with four decimals
    page = alice_client.get(reverse("web:kpi_edit", args=[use_case.reference, kpi.pk])).text
    assert re.search(r'name="baseline" value="2"', page) and re.search(r'name="target" value="3"', page)


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused_beside_the_target(alice_client, org):
    use_case = org.use_case(outcome_kpi=False)
    events = AuditEvent.objects.count()

    response = alice_client.post(
        reverse("web:kpi_new", args=[use_case.reference]), kpi_data(org, baseline="18", target="12")
    )

    assert response.status_code == 200
    assert "Higher is better, so the target must be above the baseline (18)." in field_error(response, "id_target")
    assert 'value="Repeat purchase rate"' in response.text  # what was typed is kept
    assert not Kpi.objects.filter(use_case=use_case).exists()
    assert AuditEvent.objects.count() == events


def test_a_baseline_that_is_not_a_number_is_refused_beside_it(alice_client, org):
    use_case = org.use_case(outcome_kpi=False)
    response = alice_client.post(reverse("web:kpi_new", args=[use_case.reference]), kpi_data(org, baseline="lots"))
    assert response.status_code == 200
    assert "Enter a number." in field_error(response, "id_baseline")
    assert not Kpi.objects.filter(use_case=use_case).exists()


def test_a_second_measure_with_the_same_name_is_refused_beside_the_name(alice_client, org):
    use_case = org.use_case()  # its measure is "Conversion rate"
    response = alice_client.post(
        reverse("web:kpi_new", args=[use_case.reference]), kpi_data(org, name="Conversion rate")
    )
    assert "already has a success measure with this name" in field_error(response, "id_name")
    assert use_case.kpis.count() == 1


def test_the_owner_is_chosen_among_the_teams_members(alice_client, org):
    use_case = org.use_case(outcome_kpi=False)
    response = alice_client.post(reverse("web:kpi_new", args=[use_case.reference]), kpi_data(org, owner=org.bob.pk))
    assert "Select a valid choice" in field_error(response, "id_owner")
    assert not Kpi.objects.filter(use_case=use_case).exists()


# Side effects --------------------------------------------------------------------------------------


def test_a_team_member_records_a_side_effect_created_and_audited(client, org):
    use_case = org.use_case(assessed_side_effect=False)
    client.force_login(org.paul)

    response = client.post(reverse("web:side_effect_new", args=[use_case.reference]), side_effect_data(org))

    assert response.status_code == 302
    effect = SideEffect.objects.get(use_case=use_case)
    assert (effect.title, effect.likelihood, effect.severity, effect.score, effect.owner) == (
        "Store staff lose the routine of ordering by hand",
        3,
        4,
        12,
        org.paul,
    )
    assert effect.last_reviewed_on == TODAY()
    assert AuditEvent.objects.filter(action="side_effect.created", actor=org.paul, use_case=use_case).count() == 1


def test_a_likelihood_of_7_is_refused_beside_the_likelihood(alice_client, org):
    use_case = org.use_case(assessed_side_effect=False)
    events = AuditEvent.objects.count()

    response = alice_client.post(
        reverse("web:side_effect_new", args=[use_case.reference]), side_effect_data(org, likelihood="7")
    )

    assert response.status_code == 200
    assert "Rate it from 1 (very low) to 5 (very high); 7 is not on the scale." in field_error(
        response, "id_likelihood"
    )
    assert "Store staff lose the routine" in response.text
    assert not SideEffect.objects.filter(use_case=use_case).exists()
    assert AuditEvent.objects.count() == events


def test_an_anticipated_side_effect_is_not_tied_to_a_measure(alice_client, org):
    use_case = org.use_case(assessed_side_effect=False)
    kpi = use_case.kpis.get()
    response = alice_client.post(
        reverse("web:side_effect_new", args=[use_case.reference]), side_effect_data(org, kpi=kpi.pk)
    )
    assert "Only an observed side effect is tied to a success measure" in field_error(response, "id_kpi")
    assert not SideEffect.objects.filter(use_case=use_case).exists()


def test_an_observed_side_effect_is_tied_to_the_measure_that_shows_it(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    alice_client.post(
        reverse("web:side_effect_new", args=[use_case.reference]),
        side_effect_data(org, kind="observed", kpi=kpi.pk, title="Fewer slots shown at peak"),
    )
    effect = SideEffect.objects.get(use_case=use_case, title="Fewer slots shown at peak")
    assert effect.kpi == kpi
    page = alice_client.get(detail_url(use_case)).text
    assert f'measured by <a href="#kpi-{kpi.pk}">Conversion rate</a>' in page


def test_the_register_shows_likelihood_times_severity_highest_first(alice_client, org):
    use_case = org.use_case()  # the factory's effect: 2 x 2
    workflow.side_effect_create(
        actor=org.alice,
        use_case=use_case,
        data={"category": "customer", "title": "Customers feel watched", "likelihood": 3, "severity": 5},
    )
    page = alice_client.get(detail_url(use_case)).text
    register = page.split('class="register"')[1]
    assert register.index("Customers feel watched") < register.index("Customers see fewer slots")
    assert "L3 × S5" in register and ">15<" in register and "High" in register
    assert "L2 × S2" in register and ">4<" in register and "Low" in register


def test_editing_and_removing_a_side_effect_and_marking_the_register_reviewed(alice_client, org):
    use_case = org.use_case()
    effect = use_case.side_effects.get()
    SideEffect.objects.filter(pk=effect.pk).update(last_reviewed_on=TODAY() - datetime.timedelta(days=100))

    alice_client.post(
        reverse("web:side_effect_edit", args=[use_case.reference, effect.pk]),
        side_effect_data(org, title="Customers see fewer slots", status="mitigating", severity="3"),
    )
    effect.refresh_from_db()
    assert (effect.status, effect.severity, effect.last_reviewed_on) == ("mitigating", 3, TODAY())

    SideEffect.objects.filter(pk=effect.pk).update(last_reviewed_on=TODAY() - datetime.timedelta(days=100))
    alice_client.post(reverse("web:side_effects_reviewed", args=[use_case.reference]))
    effect.refresh_from_db()
    assert effect.last_reviewed_on == TODAY()
    assert AuditEvent.objects.filter(action="side_effect.reviewed", actor=org.alice).exists()

    alice_client.post(reverse("web:side_effect_delete", args=[use_case.reference, effect.pk]))
    assert not SideEffect.objects.filter(pk=effect.pk).exists()
    assert AuditEvent.objects.filter(action="side_effect.deleted", actor=org.alice).exists()


# Who may ------------------------------------------------------------------------------------------


def test_another_teams_member_gets_403_and_writes_nothing(bob_client, org):
    use_case = org.submit(org.use_case())
    kpi = use_case.kpis.get()
    effect = use_case.side_effects.get()
    events = AuditEvent.objects.count()

    assert bob_client.get(reverse("web:kpi_new", args=[use_case.reference])).status_code == 403
    assert bob_client.post(reverse("web:kpi_new", args=[use_case.reference]), kpi_data(org)).status_code == 403
    assert bob_client.get(reverse("web:kpi_edit", args=[use_case.reference, kpi.pk])).status_code == 403
    assert bob_client.post(reverse("web:kpi_delete", args=[use_case.reference, kpi.pk])).status_code == 403
    assert measure(bob_client, kpi, date=TODAY().isoformat(), value="3").status_code == 403
    new_effect = reverse("web:side_effect_new", args=[use_case.reference])
    assert bob_client.post(new_effect, side_effect_data(org)).status_code == 403
    assert bob_client.post(reverse("web:side_effect_delete", args=[use_case.reference, effect.pk])).status_code == 403

    assert use_case.kpis.count() == 1 and use_case.side_effects.count() == 1
    assert not KpiMeasurement.objects.exists()
    assert AuditEvent.objects.count() == events
    page = bob_client.get(detail_url(use_case)).text
    assert "Conversion rate" in page  # seen, read-only
    assert reverse("web:kpi_new", args=[use_case.reference]) not in page
    assert reverse("web:kpi_measure", args=[use_case.reference, kpi.pk]) not in page


def test_another_teams_draft_answers_404_on_its_impact_pages(bob_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    assert bob_client.get(reverse("web:kpi_new", args=[use_case.reference])).status_code == 404
    assert bob_client.post(reverse("web:kpi_edit", args=[use_case.reference, kpi.pk]), kpi_data(org)).status_code == 404
    assert measure(bob_client, kpi, date=TODAY().isoformat(), value="3").status_code == 404
    assert bob_client.get(reverse("web:side_effect_new", args=[use_case.reference])).status_code == 404
    assert not KpiMeasurement.objects.exists()


def test_a_measure_of_another_use_case_is_not_found_under_this_one(alice_client, org):
    mine, other = org.use_case(), org.use_case()
    other_kpi = other.kpis.get()
    response = alice_client.get(reverse("web:kpi_edit", args=[mine.reference, other_kpi.pk]))
    assert response.status_code == 404


# Measurements ----------------------------------------------------------------------------------------


def test_a_team_member_records_a_measurement_in_delivery_and_sees_its_progress(client, org):
    use_case = org.approve(org.use_case())
    workflow.use_case_transition(actor=org.alice, use_case=use_case, action="start_delivery")
    kpi = use_case.kpis.get()  # baseline 2, target 3, no target date
    client.force_login(org.paul)

    response = measure(client, kpi, date=TODAY().isoformat(), value="2,6", note="From the web analytics")

    assert response.status_code == 302
    assert response["Location"] == detail_url(use_case) + f"#kpi-{kpi.pk}"
    row = KpiMeasurement.objects.get(kpi=kpi)
    assert (row.value, row.source, row.note, row.recorded_by) == (
        Decimal("2.6"),
        "manual",
        "From the web analytics",
        org.paul,
    )
    assert AuditEvent.objects.filter(action="kpi.measured", actor=org.paul).count() == 1
    page = client.get(detail_url(use_case)).text
    card = page.split(f'id="kpi-{kpi.pk}"')[1].split("</li>")[0]
    assert "On track" in card  # the badge says it in words
    assert "2.6\u00a0%" in card
    assert "<dt>Progress to target</dt><dd>60 %</dd>" in card
    assert '<svg class="sparkline"' in card


def test_the_same_measurement_date_twice_updates_it(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    day = (TODAY() - datetime.timedelta(days=3)).isoformat()

    measure(alice_client, kpi, date=day, value="2.4")
    response = measure(alice_client, kpi, date=day, value="2.7")

    assert response.status_code == 302
    assert list(KpiMeasurement.objects.filter(kpi=kpi).values_list("value", flat=True)) == [Decimal("2.7")]
    messages = alice_client.get(response["Location"]).text
    assert "Conversion rate: the value of" in messages and "is now 2.7" in messages


def test_a_measurement_that_is_not_a_number_is_refused_beside_the_value(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    events = AuditEvent.objects.count()

    response = measure(alice_client, kpi, date=TODAY().isoformat(), value="about three", note="Guess")

    assert response.status_code == 200
    assert field_error(response, f"id_kpi-{kpi.pk}-value") == "Not a number."
    assert 'value="about three"' in response.text and 'value="Guess"' in response.text
    assert re.search(r'<details class="kpi__record" open>\s*<summary>', response.text.split(f'id="kpi-{kpi.pk}"')[1])
    assert not KpiMeasurement.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_measurement_in_the_future_is_refused_beside_the_date(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    tomorrow = TODAY() + datetime.timedelta(days=1)

    response = measure(alice_client, kpi, date=tomorrow.isoformat(), value="2.5")

    assert response.status_code == 200
    assert "is in the future: a measurement records what was observed." in field_error(
        response, f"id_kpi-{kpi.pk}-date"
    )
    assert not KpiMeasurement.objects.exists()


def test_a_team_member_removes_a_wrong_measurement(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    measure(alice_client, kpi, date=TODAY().isoformat(), value="2.4")
    row = KpiMeasurement.objects.get()
    response = alice_client.post(reverse("web:measurement_delete", args=[use_case.reference, kpi.pk, row.pk]))
    assert response.status_code == 302
    assert not KpiMeasurement.objects.exists()


def test_the_trend_shows_the_last_twelve_measurements(alice_client, org):
    use_case = org.use_case()
    kpi = use_case.kpis.get()
    workflow.kpi_measurements_record(
        actor=org.alice,
        kpi=kpi,
        rows=[{"date": TODAY() - datetime.timedelta(days=7 * i), "value": 2 + i / 100} for i in range(15)],
    )
    page = alice_client.get(detail_url(use_case)).text
    card = page.split(f'id="kpi-{kpi.pk}"')[1].split("</li>")[0]
    points = re.search(r'<polyline class="sparkline__line" points="([^"]+)"', card).group(1)
    assert len(points.split()) == 12
    assert "The last 12 measurements" in card


# The workflow's refusals, beside the section -----------------------------------------------------------


def test_submit_without_an_outcome_measure_shows_the_refusal_in_the_section(alice_client, org):
    use_case = org.use_case(outcome_kpi=False)
    workflow.kpi_create(
        actor=org.alice, use_case=use_case, data={"name": "Hours saved", "category": "efficiency", "unit": "h"}
    )

    response = alice_client.post(reverse("web:use_case_submit", args=[use_case.reference]))

    assert response.status_code == 302
    assert response["Location"] == detail_url(use_case) + "#impact"
    use_case.refresh_from_db()
    assert use_case.status == "draft"
    page = alice_client.get(response["Location"]).text
    section = page.split('id="impact"')[1]
    refusal = section.split('class="impact-refusal" role="alert"')[1].split("</div>")[0]
    assert "Not submitted yet" in refusal
    assert "add at least one success measure beyond efficiency" in refusal
    assert "see “Side effects and success beyond efficiency” below" in page.split('id="impact"')[0]
    # shown once: the next visit no longer carries it
    assert "impact-refusal" not in alice_client.get(detail_url(use_case)).text


def test_submit_from_the_form_without_an_outcome_measure_comes_back_to_the_section(alice_client, org):
    from tests.web.test_web_edit import form_data

    response = alice_client.post(reverse("web:use_case_new"), form_data(org, action="submit"), follow=True)

    use_case = org.pricing.use_cases.get()
    assert use_case.status == "draft"
    assert response.redirect_chain[-1][0] == reverse("web:use_case_edit", args=[use_case.reference]) + "#section-impact"
    section = response.text.split('id="section-impact"')[1]
    assert "add at least one success measure beyond efficiency" in section
    assert f"{use_case.reference} is saved as a draft but not submitted" in response.text


def test_start_delivery_without_an_assessed_side_effect_shows_the_refusal(alice_client, org):
    use_case = org.approve(org.use_case(assessed_side_effect=False))

    response = alice_client.post(reverse("web:use_case_step", args=[use_case.reference, "start_delivery"]))

    assert response["Location"] == detail_url(use_case) + "#impact"
    use_case.refresh_from_db()
    assert use_case.status == "approved"
    section = alice_client.get(response["Location"]).text.split('id="impact"')[1]
    assert "Delivery not started yet" in section
    assert "has no assessed side effect" in section


def test_the_section_explains_what_submission_and_delivery_need(alice_client, org):
    use_case = org.use_case(outcome_kpi=False, assessed_side_effect=False)
    section = alice_client.get(detail_url(use_case)).text.split('id="impact"')[1]
    assert "To submit: a success measure beyond efficiency" in section
    assert "To start delivery or scale: an assessed side effect" in section
    assert section.count('class="gate gate--missing"') == 2


# Section 8 of the form ------------------------------------------------------------------------------


def test_the_form_lists_measures_and_side_effects_and_saves_before_adding_one(alice_client, org):
    from tests.web.test_web_edit import form_data

    use_case = org.use_case()
    edit = reverse("web:use_case_edit", args=[use_case.reference])
    section = alice_client.get(edit).text.split('id="section-impact"')[1]
    assert "Conversion rate" in section and "Customers see fewer slots" in section
    assert "likelihood 2 × severity 2 = 4" in section

    response = alice_client.post(edit, form_data(org, title="Renamed before adding", action="add_kpi"))

    assert response["Location"] == reverse("web:kpi_new", args=[use_case.reference]) + "?back=form"
    use_case.refresh_from_db()
    assert use_case.title == "Renamed before adding"
    # and saving the measure comes back to the form's section
    response = alice_client.post(response["Location"], {**kpi_data(org), "back": "form"})
    assert response["Location"] == edit + "#section-impact"


def test_a_new_use_case_is_saved_then_its_first_measure_added(alice_client, org):
    from tests.web.test_web_edit import form_data

    response = alice_client.post(reverse("web:use_case_new"), form_data(org, action="add_side_effect"))
    use_case = org.pricing.use_cases.get()
    assert response["Location"] == reverse("web:side_effect_new", args=[use_case.reference]) + "?back=form"


def test_the_form_removes_ticked_measures_and_side_effects_on_saving(alice_client, org):
    from tests.web.test_web_edit import form_data

    use_case = org.use_case()
    kpi, effect = use_case.kpis.get(), use_case.side_effects.get()
    alice_client.post(
        reverse("web:use_case_edit", args=[use_case.reference]),
        form_data(org, **{"impact-remove-kpis": [kpi.pk], "impact-remove-side_effects": [effect.pk]}),
    )
    assert not use_case.kpis.exists() and not use_case.side_effects.exists()
    assert AuditEvent.objects.filter(action="kpi.deleted", actor=org.alice).exists()


def test_a_refused_form_save_removes_nothing(alice_client, org):
    from tests.web.test_web_edit import form_data

    use_case = org.use_case()
    kpi = use_case.kpis.get()
    response = alice_client.post(
        reverse("web:use_case_edit", args=[use_case.reference]),
        form_data(org, title="", **{"impact-remove-kpis": [kpi.pk]}),
    )
    assert response.status_code == 200
    assert use_case.kpis.filter(pk=kpi.pk).exists()
    assert f'id="remove-kpi-{kpi.pk}" checked' in response.text  # the tick is kept


# Query counts ----------------------------------------------------------------------------------------


def test_the_detail_pages_queries_do_not_grow_with_measures_measurements_and_side_effects(
    alice_client, org, django_assert_max_num_queries
):
    use_case = org.use_case()
    first = use_case.kpis.get()
    workflow.kpi_measurements_record(actor=org.alice, kpi=first, rows=[{"date": TODAY(), "value": 2.5}])
    with CaptureQueriesContext(connection) as few:
        alice_client.get(detail_url(use_case))

    for i in range(6):
        kpi = workflow.kpi_create(
            actor=org.alice,
            use_case=use_case,
            data={"name": f"Measure {i}", "category": "engagement", "baseline": 10, "target": 20, "owner": org.paul},
        )
        workflow.kpi_measurements_record(
            actor=org.alice,
            kpi=kpi,
            rows=[{"date": TODAY() - datetime.timedelta(days=7 * d), "value": 10 + d} for d in range(15)],
        )
        workflow.side_effect_create(
            actor=org.alice,
            use_case=use_case,
            data={"category": "customer", "title": f"Effect {i}", "likelihood": 2, "severity": 3, "kpi": None},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(detail_url(use_case))
    assert response.text.count('class="sparkline"') == 7
    assert response.text.count('class="risk"') == 7


def test_the_foundations_pages_queries_do_not_grow_with_foundations(alice_client, org, django_assert_max_num_queries):
    def grow(n, readiness):
        for _ in range(n):
            foundation = FoundationFactory(readiness=readiness, owner_team=org.logistics)
            for use_case in (org.submit(org.use_case()), org.use_case()):
                UseCaseFoundation.objects.create(use_case=use_case, foundation=foundation)

    grow(1, 2)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(reverse("web:foundation_list"))
    grow(8, 2)
    grow(4, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(reverse("web:foundation_list"))
    assert response.text.count('class="foundation__rank"') == 13


# What can I build on ---------------------------------------------------------------------------------


def test_the_foundations_are_ranked_by_what_they_unlock_and_hide_other_teams_drafts(bob_client, org):
    platform = FoundationFactory(name="Forecasting platform", kind="platform", readiness=4, owner_team=org.logistics)
    feed = FoundationFactory(name="Weather feed", kind="data_source", readiness=2)
    FoundationFactory(name="Nobody uses this", readiness=3)
    big = org.submit(org.use_case(title="Fresh produce pricing", estimated_annual_benefit=900_000))
    small = org.submit(org.use_case(title="Markdown timing", estimated_annual_benefit=100_000))
    hidden = org.use_case(title="Pricing secret draft")
    for use_case in (big, hidden):
        UseCaseFoundation.objects.create(use_case=use_case, foundation=platform)
    UseCaseFoundation.objects.create(use_case=small, foundation=feed)

    response = bob_client.get(reverse("web:foundation_list"))

    assert response.status_code == 200
    page = response.text
    assert page.index("Forecasting platform") < page.index("Weather feed") < page.index("Nobody uses this")
    assert "Pricing secret draft" not in page and hidden.reference not in page
    card = page.split(f'id="foundation-{platform.slug}"')[1].split("</article>")[0]
    assert '<span class="visually-hidden">Rank </span>1</p>' in card
    assert "Platform" in card and "Logistics" in card and "Your team" in card
    assert "900,000 €" in card
    assert f'href="{detail_url(big)}"' in card
    weather = page.split(f'id="foundation-{feed.slug}"')[1].split("</article>")[0]
    assert "not ready" in weather
    assert "Holds back 1 use case until it is ready" in weather and "Markdown timing" in weather
    unused = page.split('id="h-unused"')[1]
    assert "Nobody uses this" in unused


def test_the_owning_team_sees_its_own_draft_building_on_a_foundation(alice_client, org):
    platform = FoundationFactory(name="Forecasting platform", kind="platform")
    draft = org.use_case(title="Our own draft")
    UseCaseFoundation.objects.create(use_case=draft, foundation=platform)
    page = alice_client.get(reverse("web:foundation_list")).text
    assert "Our own draft" in page


def test_the_foundations_page_filters_by_kind_and_is_in_the_menu(alice_client, org):
    FoundationFactory(name="Forecasting platform", kind="platform")
    FoundationFactory(name="Weather feed", kind="data_source")
    page = alice_client.get(reverse("web:foundation_list") + "?kind=platform").text
    assert "Forecasting platform" in page and "Weather feed" not in page
    nav = alice_client.get(reverse("web:my_use_cases")).text.split('class="main-nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("web:foundation_list")}"' in nav and "What can I build on" in nav


def test_the_foundations_page_needs_a_login(client):
    response = client.get(reverse("web:foundation_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("en", "1,000", "1000"),
        ("en", "12,500", "12500"),
        ("en", "1,234,567.5", "1234567.5"),
        ("en", "12,5", "12.5"),
        ("en", "1 000.25", "1000.25"),
        ("fr", "1,000", "1.000"),
        ("fr", "12,5", "12.5"),
        ("fr", "1.234,5", "1234.5"),
        ("fr", "1\u202f234,5", "1234.5"),
    ],
)
def test_a_typed_number_reads_as_its_language_writes_it(language, typed, read):
    from django.utils import translation

    from web.forms import normalise_typed_number

    with translation.override(language):
        assert normalise_typed_number(typed) == read


def test_the_last_assessed_side_effect_of_a_live_use_case_stays_and_the_page_says_why(alice_client, org):
    use_case = org.use_case()
    effect = use_case.side_effects.get()
    UseCase = type(use_case)
    UseCase.objects.filter(pk=use_case.pk).update(status="in_delivery")

    response = alice_client.post(reverse("web:side_effect_delete", args=[use_case.reference, effect.pk]), follow=True)

    assert response.status_code == 200
    assert SideEffect.objects.filter(pk=effect.pk).exists()
    assert "is the last assessed side effect of" in response.text
    assert not AuditEvent.objects.filter(action="side_effect.deleted").exists()
