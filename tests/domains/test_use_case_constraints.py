"""Every invariant on use cases holds twice: in full_clean (a readable message for forms, the admin
and the API) and in the database (for whatever skips the form)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.actors import SYSTEM
from domains.models import Foundation, UseCase, UseCaseFoundation
from tests.factories import FoundationFactory, UseCaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("business_value", 6, "Ensure this value is less than or equal to 5."),
        ("business_value", 0, "Ensure this value is greater than or equal to 1."),
        ("feasibility", 9, "Ensure this value is less than or equal to 5."),
        ("data_readiness", 0, "Ensure this value is greater than or equal to 1."),
        ("estimated_annual_benefit", Decimal("-1"), "Ensure this value is greater than or equal to 0."),
        ("estimated_annual_cost", Decimal("-10"), "Ensure this value is greater than or equal to 0."),
    ],
)
def test_out_of_range_value_is_refused_by_full_clean_and_database(field, value, message):
    use_case = UseCaseFactory()
    setattr(use_case, field, value)

    with pytest.raises(ValidationError) as excinfo:
        use_case.full_clean()
    assert excinfo.value.message_dict[field] == [message]

    with pytest.raises(IntegrityError), transaction.atomic():
        UseCase.objects.filter(pk=use_case.pk).update(**{field: value})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("business_value", 6, "Business value must be between 1 and 5."),
        ("estimated_annual_cost", Decimal("-10"), "Estimated annual cost cannot be negative."),
    ],
)
def test_database_constraint_message_names_the_field_when_validators_are_skipped(field, value, message):
    use_case = UseCaseFactory()
    setattr(use_case, field, value)
    with pytest.raises(ValidationError) as excinfo:
        use_case.validate_constraints()
    assert excinfo.value.messages == [message]


def test_unknown_status_is_refused_by_the_database():
    use_case = UseCaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCase.objects.filter(pk=use_case.pk).update(status="launched")


def test_unknown_journey_stage_is_refused_with_the_stage_named():
    use_case = UseCaseFactory(journey_stages=["choose"])
    use_case.journey_stages = ["choose", "teleport"]
    with pytest.raises(ValidationError) as excinfo:
        use_case.full_clean()
    assert "teleport" in excinfo.value.message_dict["journey_stages"][0]


def test_external_id_is_unique_when_present():
    UseCaseFactory(external_id="DOJ-42")
    duplicate = UseCaseFactory.build(
        external_id="DOJ-42", domain=UseCase.objects.get().domain, team=UseCase.objects.get().team
    )
    duplicate.owner = UseCase.objects.get().owner
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Another use case from this source already has this external id." in str(excinfo.value)

    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseFactory(external_id="DOJ-42")


def test_blank_external_ids_do_not_collide():
    UseCaseFactory(external_id="")
    UseCaseFactory(external_id="")
    assert UseCase.objects.filter(external_id="").count() == 2


def test_foundation_listed_twice_is_refused():
    use_case, foundation = UseCaseFactory(), FoundationFactory()
    UseCaseFoundation.objects.create(use_case=use_case, foundation=foundation)

    with pytest.raises(ValidationError) as excinfo:
        UseCaseFoundation(use_case=use_case, foundation=foundation).full_clean()
    assert "This use case already lists this foundation." in str(excinfo.value)

    with pytest.raises(IntegrityError), transaction.atomic():
        UseCaseFoundation.objects.create(use_case=use_case, foundation=foundation)


def test_foundation_readiness_outside_1_to_5_is_refused():
    foundation = FoundationFactory()
    foundation.readiness = 7
    with pytest.raises(ValidationError):
        foundation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Foundation.objects.filter(pk=foundation.pk).update(readiness=7)


def test_references_are_assigned_in_sequence_and_never_reused():
    first, second = UseCaseFactory(), UseCaseFactory()
    assert first.reference.startswith("UC-") and len(first.reference) == 7
    assert int(second.reference[3:]) == int(first.reference[3:]) + 1
    second.delete()
    third = UseCaseFactory()
    assert int(third.reference[3:]) == int(first.reference[3:]) + 2


def test_missing_for_submission_lists_empty_required_fields_in_form_order():
    use_case = UseCaseFactory(proposed_solution="", business_value=None, functions=[])
    missing = use_case.missing_for_submission()
    assert missing == ["proposed_solution", "business_value", "functions"]
    assert [UseCase.field_label(name) for name in missing] == [
        "proposed solution",
        "business value",
        "functions involved",
    ]


def test_status_cannot_be_set_through_the_service():
    from domains.services import use_case_update

    use_case = UseCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        use_case_update(actor=SYSTEM, use_case=use_case, data={"status": "approved"})
    assert "status" in excinfo.value.message_dict
    use_case.refresh_from_db()
    assert use_case.status == UseCase.Status.DRAFT


def test_owner_must_belong_to_the_team_when_assigned():
    from tests.factories import UserFactory

    use_case = UseCaseFactory()
    outsider = UserFactory(username="outsider-owner")
    use_case.owner = outsider
    with pytest.raises(ValidationError) as excinfo:
        use_case.full_clean()
    assert excinfo.value.message_dict["owner"] == [
        f"The owner must be a member of the submitting team ({use_case.team})."
    ]


def test_an_owner_who_left_the_team_can_stay_owner_while_the_team_edits():
    use_case = UseCaseFactory()
    use_case.team.members.remove(use_case.owner)
    reloaded = UseCase.objects.get(pk=use_case.pk)
    reloaded.title = "Edited after the owner moved on"
    reloaded.full_clean()
