"""Preparing the next meeting, and the demo committee."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from domains.models import BusinessFunction
from governance import services
from governance.demo.committees import DEMO_COMMITTEE, load_committees
from governance.models import AgendaItem, Committee, CommitteeMembership
from tests.factories import CommitteeMembershipFactory, UseCaseFactory, UserFactory, function
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


class CountingReport:
    """The loader's report interface (governance.demo.loader.LoadReport)."""

    def __init__(self) -> None:
        self.created: dict[str, int] = {}

    def count(self, kind: str, created: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1


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


def test_demo_committee_takes_the_users_with_a_committee_role_and_is_idempotent(db):
    rows = [
        {"username": "claire", "function": "finance", "committee_role": "chair"},
        {"username": "marc", "function": "marketing", "committee_role": "member"},
        {"username": "sophie", "function": "legal-compliance", "committee_role": "secretary"},
        {"username": "tom", "function": "it", "committee_role": ""},
    ]
    users = {row["username"]: UserFactory(username=row["username"]) for row in rows}
    functions = {f.slug: f for f in BusinessFunction.objects.all()}
    report = CountingReport()

    load_committees(report, users, rows, functions)
    load_committees(report, users, rows, functions)

    committee = Committee.objects.get(name=DEMO_COMMITTEE)
    assert committee.covers_all_domains
    assert sorted(
        CommitteeMembership.objects.filter(committee=committee).values_list("user__username", "role", "function__slug")
    ) == [("claire", "chair", "finance"), ("marc", "member", "marketing"), ("sophie", "secretary", "legal-compliance")]
    assert report.created == {"committees": 1, "committee memberships": 3}


def test_use_cases_seeded_in_review_get_their_open_round_once(world):
    from governance.demo.committees import open_seeded_review_rounds
    from governance.models import ReviewRound

    seeded = UseCaseFactory(team=world.use_case.team, owner=world.owner)
    type(seeded).objects.filter(pk=seeded.pk).update(status="in_review")
    reviewed = advance(world, "in_review")
    report = CountingReport()

    open_seeded_review_rounds(report)
    open_seeded_review_rounds(report)

    assert list(ReviewRound.objects.filter(use_case=seeded).values_list("number", "committee")) == [
        (1, world.committee.pk)
    ]
    assert ReviewRound.objects.filter(use_case=reviewed).count() == 1
    assert report.created == {"review rounds": 1}
    meeting = services.meeting_prepare_next(actor=world.chair, committee=world.committee, date=NEXT_WEEK)
    assert set(meeting.items.values_list("use_case", flat=True)) == {seeded.pk, reviewed.pk}
