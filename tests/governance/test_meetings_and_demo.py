"""Preparing the next meeting, and the committee's quorum rules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import services
from governance.models import AgendaItem
from tests.factories import CommitteeMembershipFactory, UseCaseFactory, UserFactory, function
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


def _in_review_since(world, days_ago: int):
    use_case = advance(world, "in_review", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
    type(use_case).objects.filter(pk=use_case.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return use_case


def test_the_agenda_lists_use_cases_in_review_oldest_first_and_grows_on_a_second_run(world):
    recent, oldest, middle = _in_review_since(world, 1), _in_review_since(world, 30), _in_review_since(world, 10)
    advance(world, "submitted")  # not in review: not on the agenda

    meeting = services.meeting_prepare_next(actor=world.secretary, committee=world.committee, date=NEXT_WEEK)
    assert list(meeting.items.values_list("position", "use_case")) == [(1, oldest.pk), (2, middle.pk), (3, recent.pk)]

    newest = _in_review_since(world, 0)
    again = services.meeting_prepare_next(actor=world.chair, committee=world.committee, date=NEXT_WEEK)
    assert again.pk == meeting.pk
    assert list(again.items.values_list("position", "use_case")) == [
        (1, oldest.pk),
        (2, middle.pk),
        (3, recent.pk),
        (4, newest.pk),
    ]


def test_only_committee_members_prepare_meetings_and_never_in_the_past(world):
    with pytest.raises(PermissionDenied):
        services.meeting_prepare_next(actor=world.staff, committee=world.committee, date=NEXT_WEEK)
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_prepare_next(
            actor=world.chair, committee=world.committee, date=timezone.localdate() - datetime.timedelta(days=1)
        )
    assert excinfo.value.message_dict == {"date": ["The next meeting cannot be in the past."]}


def test_a_use_case_is_on_an_agenda_once(world):
    use_case = advance(world, "in_review")
    meeting = services.meeting_prepare_next(actor=world.chair, committee=world.committee, date=NEXT_WEEK)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, use_case=use_case, position=9)


def test_a_committee_has_one_open_chair_and_a_person_one_open_membership(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMembershipFactory(committee=world.committee, user=UserFactory(username="chair-2"), role="chair")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMembershipFactory(committee=world.committee, user=world.finance, function=function("hr"))


def test_quorum_functions_cannot_exceed_quorum_votes(world):
    world.committee.quorum_functions = 4
    with pytest.raises(ValidationError, match="at most the number of votes"):
        world.committee.full_clean()
