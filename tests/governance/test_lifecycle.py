"""The lifecycle a team and a committee live, at the services: the team takes approved work to
delivery and scale and may discard a draft; a committee member never reviews, votes on or decides
their own team's use case; a decision needs an assessed EU AI Act risk tier; a held use case resumes
where it was."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from core.exceptions import BusinessRuleError
from core.models import AuditEvent
from domains.models import UseCase
from domains.selectors import use_case_list
from governance import services
from governance.exceptions import QuorumNotMet
from governance.models import Decision, Vote
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db


def test_a_team_member_who_is_not_the_owner_takes_approved_work_to_delivery_then_scale(world):
    use_case = advance(world, "approved")

    services.use_case_transition(actor=world.team_member, use_case=use_case, action="start_delivery")
    services.use_case_transition(actor=world.team_member, use_case=use_case, action="scale")

    use_case.refresh_from_db()
    assert use_case.status == "scaled"
    actions = list(AuditEvent.objects.filter(use_case=use_case).order_by("id").values_list("action", "actor"))
    assert actions[-2:] == [
        ("workflow.start_delivery", world.team_member.pk),
        ("workflow.scale", world.team_member.pk),
    ]


def test_another_team_may_not_take_it_to_delivery(world):
    use_case = advance(world, "approved")
    with pytest.raises(PermissionDenied, match="a member of the team that owns the use case or the committee chair"):
        services.use_case_transition(actor=world.other_team_member, use_case=use_case, action="start_delivery")
    use_case.refresh_from_db()
    assert use_case.status == "approved"


def test_a_discarded_draft_is_kept_audited_and_seen_only_by_the_committee(world):
    services.use_case_transition(actor=world.team_member, use_case=world.use_case, action="discard")

    kept = UseCase.objects.get(pk=world.use_case.pk)
    assert kept.status == "discarded"
    assert AuditEvent.objects.filter(use_case=kept, action="workflow.discard", actor=world.team_member).count() == 1
    assert not use_case_list(actor=world.team_member).filter(pk=kept.pk).exists()
    assert not use_case_list(actor=world.other_team_member).filter(pk=kept.pk).exists()
    assert not use_case_list(actor=None).filter(pk=kept.pk).exists()
    assert use_case_list(actor=world.secretary).filter(pk=kept.pk).exists()


def test_only_a_draft_is_discarded(world):
    use_case = advance(world, "submitted")
    with pytest.raises(BusinessRuleError, match='"Discard the draft" is not allowed'):
        services.use_case_transition(actor=world.team_member, use_case=use_case, action="discard")


@pytest.fixture
def finance_in_the_team(world):
    """The finance member of the committee also works in the team that owns the use case."""
    world.use_case.team.members.add(world.finance)
    return world.finance


RECUSAL = re.escape("belongs to your team (Pricing): a committee member does not review, vote on or decide")


def test_a_committee_member_does_not_start_the_review_of_their_own_teams_use_case(world, finance_in_the_team):
    use_case = advance(world, "submitted")
    with pytest.raises(PermissionDenied, match=RECUSAL):
        services.use_case_start_review(actor=finance_in_the_team, use_case=use_case)
    use_case.refresh_from_db()
    assert use_case.status == "submitted"


def test_a_committee_member_does_not_vote_on_or_request_changes_to_their_own_teams_use_case(world, finance_in_the_team):
    use_case = advance(world, "in_review")
    with pytest.raises(PermissionDenied, match=RECUSAL):
        services.vote_cast(actor=finance_in_the_team, use_case=use_case, choice="approve")
    with pytest.raises(PermissionDenied, match=RECUSAL):
        services.use_case_request_changes(actor=finance_in_the_team, use_case=use_case, comment="Rework it.")
    assert not Vote.objects.exists()
    use_case.refresh_from_db()
    assert use_case.status == "in_review"


def test_the_chair_does_not_decide_on_their_own_teams_use_case(world):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    use_case.team.members.add(world.chair)
    with pytest.raises(PermissionDenied, match=RECUSAL):
        services.use_case_decide(actor=world.chair, use_case=use_case, outcome="approved", rationale="Go.")
    assert not Decision.objects.exists()


def test_the_quorum_awaits_the_functions_of_the_other_members_only(world, finance_in_the_team):
    use_case = advance(world, "in_review")
    services.vote_cast(actor=world.marketing, use_case=use_case, choice="approve")

    with pytest.raises(QuorumNotMet) as excinfo:
        services.use_case_decide(actor=world.chair, use_case=use_case, outcome="approved", rationale="Go.")

    # Finance sits in the owning team: it is not awaited; HR and Operations (the chair) are.
    assert excinfo.value.functions_not_voted == ["Human Resources", "Operations"]


@pytest.mark.parametrize("outcome", ["approved", "rejected"])
def test_a_decision_needs_an_assessed_risk_tier(world, outcome):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    UseCase.objects.filter(pk=use_case.pk).update(risk_tier="not_assessed")

    with pytest.raises(BusinessRuleError) as excinfo:
        services.use_case_decide(actor=world.chair, use_case=use_case, outcome=outcome, rationale="Weighed.")

    assert excinfo.value.code == "risk_not_assessed"
    assert "no EU AI Act risk tier yet (not yet assessed)" in excinfo.value.message
    assert not Decision.objects.exists()


@pytest.mark.parametrize("held_from", ["submitted", "in_review", "approved"])
def test_a_use_case_resumes_where_it_was_put_on_hold(world, held_from):
    use_case = advance(world, held_from)
    services.use_case_transition(actor=world.secretary, use_case=use_case, action="put_on_hold")
    use_case.refresh_from_db()
    assert (use_case.status, use_case.status_before_hold) == ("on_hold", held_from)

    services.use_case_transition(actor=world.secretary, use_case=use_case, action="resume")

    use_case.refresh_from_db()
    assert (use_case.status, use_case.status_before_hold) == (held_from, "")


def test_resume_without_a_recorded_origin_is_refused_not_crashed(world):
    use_case = advance(world, "submitted")
    services.use_case_transition(actor=world.secretary, use_case=use_case, action="put_on_hold")
    UseCase.objects.filter(pk=use_case.pk).update(status_before_hold="")  # written around the workflow

    with pytest.raises(BusinessRuleError) as excinfo:
        services.use_case_transition(actor=world.secretary, use_case=use_case, action="resume")

    assert excinfo.value.code == "hold_origin_unknown"
    assert UseCase.objects.get(pk=use_case.pk).status == "on_hold"


def test_withdrawing_a_held_use_case_forgets_where_it_was_held_from(world):
    use_case = advance(world, "in_review")
    services.use_case_transition(actor=world.secretary, use_case=use_case, action="put_on_hold")
    services.use_case_withdraw(actor=world.team_member, use_case=use_case)
    assert UseCase.objects.values_list("status", "status_before_hold").get(pk=use_case.pk) == ("draft", "")


def test_the_timeline_does_not_list_the_hold_bookkeeping_as_a_change(world):
    from governance.selectors import use_case_timeline

    use_case = advance(world, "submitted")
    services.use_case_transition(actor=world.secretary, use_case=use_case, action="put_on_hold")
    services.use_case_transition(actor=world.secretary, use_case=use_case, action="resume")
    texts = [entry.text for entry in use_case_timeline(use_case=use_case)]
    assert not any("status before hold" in text for text in texts)
    assert texts[-1] == "Resume: On hold → Submitted"


def test_a_member_is_not_awaited_on_their_own_teams_use_case(world, finance_in_the_team):
    from governance.selectors import use_cases_awaiting_vote

    use_case = advance(world, "in_review")
    assert list(use_cases_awaiting_vote(user=finance_in_the_team)) == []
    assert list(use_cases_awaiting_vote(user=world.hr)) == [use_case]


def test_a_committee_member_does_not_correct_their_own_teams_use_case_in_review(world, finance_in_the_team):
    from domains.services import use_case_update

    use_case = advance(world, "in_review")
    with pytest.raises(BusinessRuleError, match="can be edited only while it is a draft"):
        use_case_update(actor=finance_in_the_team, use_case=use_case, data={"title": "Better title"})
    use_case_update(actor=world.hr, use_case=use_case, data={"title": "Corrected by the committee"})
    assert UseCase.objects.get(pk=use_case.pk).title == "Corrected by the committee"


def test_a_member_whose_membership_ended_no_longer_sees_other_teams_drafts(world, committee_admin):
    import datetime

    from django.utils import timezone

    from governance.models import CommitteeMembership

    committee_admin(world.hr)  # in the committee's admin group, as the demo's members are
    assert use_case_list(actor=world.hr).filter(pk=world.use_case.pk).exists()
    CommitteeMembership.objects.filter(user=world.hr).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1),
        start_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    hr = type(world.hr).objects.get(pk=world.hr.pk)  # a fresh user: no permission cache
    assert not use_case_list(actor=hr).filter(pk=world.use_case.pk).exists()
