"""Creating and editing a use case, submitting it and withdrawing it, through the team form."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from domains.models import UseCase
from portfolio.models import UseCaseLink
from tests.factories import FoundationFactory, function

pytestmark = pytest.mark.django_db
NEW = reverse("web:use_case_new")


def edit_url(use_case):
    return reverse("web:use_case_edit", args=[use_case.reference])


def form_data(org, **overrides):
    """A complete submission as the browser posts it."""
    data = {
        "title": "Dynamic pricing for fresh produce",
        "team": org.pricing.pk,
        "domain": org.domain.pk,
        "owner": org.alice.pk,
        "functions": [function("marketing").pk, function("finance").pk],
        "problem_statement": "Fresh produce is thrown away at closing time.",
        "proposed_solution": "Lower prices in the last hours according to forecast demand.",
        "journey_stages": ["choose", "purchase"],
        "ambition": "optimisation",
        "ai_technique": "classical_ml",
        "sourcing": "in_house",
        "business_value": "4",
        "feasibility": "3",
        "data_readiness": "2",
        "estimated_annual_benefit": "400000",
        "estimated_annual_cost": "120000",
        "risk_tier": "minimal",
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Access ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["web:use_case_new"])
def test_new_form_needs_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_edit_needs_a_login(client, org):
    use_case = org.use_case()
    response = client.post(edit_url(use_case), form_data(org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    use_case.refresh_from_db()
    assert use_case.title != "Dynamic pricing for fresh produce"


def test_form_renders_its_sections_with_the_ambition_lessons(alice_client, org):
    response = alice_client.get(NEW)
    assert response.status_code == 200
    for heading in (
        "The problem and the customer journey it changes",
        "Ambition",
        "Value, feasibility and data readiness",
        "Foundations it relies on",
        "Related use cases",
        "Side effects and success beyond efficiency",
    ):
        assert heading in response.text
    assert "Does an existing process faster, cheaper or with fewer errors." in response.text
    assert "required to submit" in response.text


def test_a_person_in_no_team_cannot_start_a_use_case(client, org):
    client.force_login(org.loner)
    response = client.get(NEW)
    assert response.status_code == 302
    assert UseCase.objects.count() == 0


def test_another_teams_member_may_not_edit(bob_client, org):
    use_case = org.submit(org.use_case())
    response = bob_client.get(edit_url(use_case))
    assert response.status_code == 403


def test_another_teams_draft_is_not_found_for_edit(bob_client, org):
    use_case = org.use_case()
    assert bob_client.post(edit_url(use_case), form_data(org)).status_code == 404


def test_team_member_cannot_pick_another_team(alice_client, org):
    response = alice_client.post(NEW, form_data(org, team=org.logistics.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert UseCase.objects.count() == 0


# Saving a draft -------------------------------------------------------------------------------------


def test_saving_a_draft_needs_only_title_team_and_domain(alice_client, org):
    data = {k: v for k, v in form_data(org).items() if k in {"title", "team", "domain", "owner", "action"}}
    data.update({k: v for k, v in form_data(org).items() if k.startswith("links-")})

    response = alice_client.post(NEW, data)

    use_case = UseCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(use_case)
    assert use_case.status == "draft"
    assert use_case.team == org.pricing
    assert use_case.owner == org.alice
    assert AuditEvent.objects.filter(use_case=use_case, action="use_case.created").exists()


def test_saving_a_full_draft_stores_every_field(alice_client, org):
    foundation = FoundationFactory(name="Point-of-sale history")
    alice_client.post(NEW, form_data(org, foundations=[foundation.pk]))

    use_case = UseCase.objects.get()
    assert use_case.journey_stages == ["choose", "purchase"]
    assert use_case.business_value == 4
    assert str(use_case.estimated_annual_benefit) == "400000.00"
    assert set(use_case.functions.values_list("slug", flat=True)) == {"marketing", "finance"}
    assert list(use_case.foundations.all()) == [foundation]
    assert use_case.status == "draft"


def test_missing_title_is_reported_at_the_top_and_beside_the_field(alice_client, org):
    response = alice_client.post(NEW, form_data(org, title=""))

    assert response.status_code == 200
    assert UseCase.objects.count() == 0
    summary = response.text[response.text.index('id="error-summary"') :]
    assert 'href="#field-title"' in summary
    assert '<div class="field__error" id="id_title_error">\n  <p>This field is required.</p>' in response.text
    assert 'aria-invalid="true" aria-describedby="id_title_error" id="id_title"' in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("business_value", "6", "Select a valid choice. 6 is not one of the available choices."),
        ("estimated_annual_cost", "-5", "Ensure this value is greater than or equal to 0."),
        ("estimated_annual_benefit", "lots", "Enter a number."),
        ("journey_stages", "teleport", "Select a valid choice. teleport is not one of the available choices."),
    ],
)
def test_bad_values_are_refused_with_the_field_named(alice_client, org, field, value, message):
    response = alice_client.post(NEW, form_data(org, **{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert f'href="#field-{field}"' in response.text
    assert UseCase.objects.count() == 0


def test_editing_a_draft_changes_it_and_audits_the_change(alice_client, org):
    use_case = org.use_case(title="Old title")
    response = alice_client.post(edit_url(use_case), form_data(org, title="New title"))
    assert response.status_code == 302
    use_case.refresh_from_db()
    assert use_case.title == "New title"
    assert AuditEvent.objects.filter(use_case=use_case, action="use_case.updated").exists()


def test_a_submitted_use_case_cannot_be_edited(alice_client, org):
    use_case = org.submit(org.use_case(title="Frozen"))

    get = alice_client.get(edit_url(use_case))
    post = alice_client.post(edit_url(use_case), form_data(org, title="Sneaky change"), follow=True)

    assert get.status_code == 302 and get["Location"] == reverse("web:use_case_detail", args=[use_case.reference])
    assert "it can be edited only while it is a draft or after the committee requested changes" in post.text
    use_case.refresh_from_db()
    assert use_case.title == "Frozen"


def test_changes_requested_can_be_edited_and_resubmitted(alice_client, org):
    use_case = org.request_changes(org.use_case(), "Say how you measure waste.")
    response = alice_client.post(
        edit_url(use_case), form_data(org, problem_statement="Waste is 4% of sales.", action="submit")
    )
    use_case.refresh_from_db()
    assert response.status_code == 302
    assert use_case.problem_statement == "Waste is 4% of sales."
    assert use_case.status == "submitted"


def test_the_form_never_sets_the_status(alice_client, org):
    alice_client.post(NEW, form_data(org, status="approved", reference="UC-7777"))
    use_case = UseCase.objects.get()
    assert use_case.status == "draft"
    assert use_case.reference != "UC-7777"


def test_csrf_token_is_required(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice)
    response = client.post(NEW, form_data(org))
    assert response.status_code == 403
    assert UseCase.objects.count() == 0


# Related use cases ----------------------------------------------------------------------------------


def test_links_are_created_with_their_kind(alice_client, org):
    other = org.submit(org.use_case(title="Demand forecasting", team=org.logistics, owner=org.bob))
    alice_client.post(NEW, form_data(org, **{"links-0-target": other.reference, "links-0-kind": "depends_on"}))
    link = UseCaseLink.objects.get()
    assert (link.source.title, link.target, link.kind) == ("Dynamic pricing for fresh produce", other, "depends_on")


def test_link_to_an_invisible_draft_is_refused_and_nothing_is_saved(alice_client, org):
    hidden = org.use_case(team=org.logistics, owner=org.bob)
    response = alice_client.post(
        NEW, form_data(org, **{"links-0-target": hidden.reference, "links-0-kind": "reinforces"})
    )
    assert f"No use case {hidden.reference} that you can see." in response.text
    assert UseCase.objects.count() == 1


def test_link_without_a_kind_is_refused(alice_client, org):
    other = org.submit(org.use_case(team=org.logistics, owner=org.bob))
    response = alice_client.post(NEW, form_data(org, **{"links-0-target": other.reference}))
    assert "Say how the two use cases relate." in response.text
    assert UseCase.objects.count() == 1


def test_a_dependency_cycle_is_refused_and_the_edit_rolled_back(alice_client, org):
    use_case = org.use_case(title="Before")
    other = org.submit(org.use_case(title="Upstream", team=org.logistics, owner=org.bob))
    UseCaseLink.objects.create(source=other, target=use_case, kind="depends_on")

    response = alice_client.post(
        edit_url(use_case),
        form_data(org, title="After", **{"links-0-target": other.reference, "links-0-kind": "depends_on"}),
    )

    assert response.status_code == 200
    assert "This dependency would close a cycle" in response.text
    use_case.refresh_from_db()
    assert use_case.title == "Before", "the content edit is rolled back with the refused link"
    assert UseCaseLink.objects.count() == 1


def test_existing_links_can_be_removed(alice_client, org):
    use_case = org.use_case()
    other = org.submit(org.use_case(team=org.logistics, owner=org.bob))
    link = UseCaseLink.objects.create(source=use_case, target=other, kind="reinforces")
    alice_client.post(edit_url(use_case), form_data(org, **{"links-existing-remove": [str(link.pk)]}))
    assert not UseCaseLink.objects.exists()


# Submitting and withdrawing -------------------------------------------------------------------------


def test_submit_with_missing_fields_saves_the_draft_and_lists_them(alice_client, org):
    response = alice_client.post(NEW, form_data(org, ambition="", problem_statement="", action="submit"), follow=True)

    use_case = UseCase.objects.get()
    assert use_case.status == "draft"
    assert use_case.title == "Dynamic pricing for fresh produce"
    text = response.text
    assert "cannot be submitted yet: 2 field(s) missing" in text
    summary = text[text.index('id="error-summary"') : text.index("</div>", text.index('id="error-summary"'))]
    assert 'href="#field-problem_statement"' in summary and 'href="#field-ambition"' in summary
    ambition = text[text.index('id="field-ambition"') :]
    assert "Needed before you can submit." in ambition[:2000]


def test_the_missing_fields_are_shown_once(alice_client, org):
    alice_client.post(NEW, form_data(org, ambition="", action="submit"))
    use_case = UseCase.objects.get()
    assert "Needed before you can submit." in alice_client.get(edit_url(use_case)).text
    assert "Needed before you can submit." not in alice_client.get(edit_url(use_case)).text


def test_submit_complete_use_case_goes_to_the_committee(alice_client, org):
    # A draft with its success measure beyond efficiency (the factory's growth measure): a new use
    # case has none until it is saved (tests/web/test_impact_pages.py covers that refusal).
    use_case = org.use_case()
    response = alice_client.post(edit_url(use_case), form_data(org, action="submit"), follow=True)
    use_case.refresh_from_db()
    assert use_case.status == "submitted"
    assert f"{use_case.reference} is submitted to the committee." in response.text


def test_submit_button_on_the_page(alice_client, org):
    use_case = org.use_case()
    response = alice_client.post(reverse("web:use_case_submit", args=[use_case.reference]))
    use_case.refresh_from_db()
    assert response.status_code == 302
    assert use_case.status == "submitted"


def test_submit_twice_is_refused_with_the_state_named(alice_client, org):
    use_case = org.submit(org.use_case())
    response = alice_client.post(reverse("web:use_case_submit", args=[use_case.reference]), follow=True)
    assert "is Submitted" in response.text
    assert "is not allowed in this state" in response.text


def test_another_team_cannot_submit_or_withdraw(bob_client, org):
    draft = org.use_case()
    submitted = org.submit(org.use_case())
    assert bob_client.post(reverse("web:use_case_submit", args=[draft.reference])).status_code == 404
    assert bob_client.post(reverse("web:use_case_withdraw", args=[submitted.reference])).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_submit_and_withdraw_refuse_get(alice_client, org):
    use_case = org.use_case()
    assert alice_client.get(reverse("web:use_case_submit", args=[use_case.reference])).status_code == 405
    assert alice_client.get(reverse("web:use_case_withdraw", args=[use_case.reference])).status_code == 405


def test_withdraw_takes_it_back_to_draft(alice_client, org):
    use_case = org.start_review(org.use_case())
    response = alice_client.post(reverse("web:use_case_withdraw", args=[use_case.reference]), follow=True)
    use_case.refresh_from_db()
    assert use_case.status == "draft"
    assert "is withdrawn from review and back in draft" in response.text


def test_withdrawing_a_draft_is_refused(alice_client, org):
    use_case = org.use_case()
    response = alice_client.post(reverse("web:use_case_withdraw", args=[use_case.reference]), follow=True)
    assert "is not allowed in this state" in response.text


def test_the_form_shows_what_the_committee_asked_to_change(alice_client, org):
    use_case = org.request_changes(org.use_case(), "Quantify the waste in euros.")
    response = alice_client.get(edit_url(use_case))
    assert "What the committee asked you to change" in response.text
    assert "Quantify the waste in euros." in response.text


def test_the_form_renders_in_a_fixed_number_of_queries(alice_client, org, django_assert_max_num_queries):
    use_case = org.use_case()

    def grow(n):
        for _ in range(n):
            FoundationFactory()
            other = org.submit(org.use_case(team=org.logistics, owner=org.bob))
            UseCaseLink.objects.create(source=use_case, target=other, kind="reinforces")

    grow(1)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(edit_url(use_case))
    grow(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(edit_url(use_case))
    assert response.text.count('name="links-existing-remove"') == 9


def test_an_owner_who_left_the_team_does_not_block_the_edit(alice_client, org):
    use_case = org.use_case(owner=org.paul)
    org.pricing.members.remove(org.paul)
    response = alice_client.post(edit_url(use_case), form_data(org, owner=org.paul.pk, title="Still editable"))
    assert response.status_code == 302
    use_case.refresh_from_db()
    assert (use_case.title, use_case.owner) == ("Still editable", org.paul)


def test_the_form_does_not_name_a_linked_use_case_that_went_back_to_another_teams_draft(alice_client, org):
    from domains.models import UseCase
    from portfolio.services import link_create

    use_case = org.use_case()
    neighbour = org.submit(org.use_case(title="Neighbour now private", team=org.logistics, owner=org.bob))
    link_create(actor=org.alice, source=use_case, target=neighbour, kind="reinforces")
    UseCase.objects.filter(pk=neighbour.pk).update(status="draft")  # withdrawn by its team

    page = alice_client.get(reverse("web:use_case_edit", args=[use_case.reference]))

    assert page.status_code == 200
    assert "Neighbour now private" not in page.text
