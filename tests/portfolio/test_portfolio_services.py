"""The committee's portfolio services: adopt, rename, dismiss, archive, place and take out use cases,
pin them; each audited, each respected by later runs. Who may call them: tests/test_service_permissions.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import BusinessRuleError
from core.limits import NOTE_MAX_CHARS
from core.models import AuditAction, AuditEvent
from portfolio import services
from portfolio.models import Portfolio, PortfolioMembership
from tests.portfolio.conftest import groups, ids, run_clustering

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_proposals(graph):
    left, right = graph.use_cases(4), graph.use_cases(4)
    graph.chain(left)
    graph.chain(right)
    run_clustering()
    by_members = {frozenset(members): reference for reference, members in groups().items()}
    return (
        Portfolio.objects.get(reference=by_members[frozenset(ids(left))]),
        Portfolio.objects.get(reference=by_members[frozenset(ids(right))]),
        left,
        right,
    )


def last_event(action):
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_adopting_a_proposal_names_it_gives_it_an_owner_and_is_audited(world, two_proposals):
    proposal, _other, _left, _right = two_proposals
    adopted = services.portfolio_adopt(
        actor=world.chair, portfolio=proposal, name="Churn prevention", owner=world.finance
    )
    assert (adopted.status, adopted.name, adopted.name_is_custom, adopted.owner) == (
        "adopted",
        "Churn prevention",
        True,
        world.finance,
    )
    event = last_event(AuditAction.PORTFOLIO_ADOPTED)
    assert event.actor == world.chair and event.target_id == str(proposal.pk)
    assert event.data == {"from": "proposed", "to": "adopted", "reason": ""}
    with pytest.raises(BusinessRuleError, match="only a proposal can be adopted"):
        services.portfolio_adopt(actor=world.chair, portfolio=adopted)


def test_a_dismissed_proposal_frees_its_use_cases_and_is_not_proposed_again(world, two_proposals):
    proposal, other, left, _right = two_proposals
    services.portfolio_dismiss(actor=world.finance, portfolio=proposal, reason="Already funded elsewhere")
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.member_count == 0
    assert set(proposal.remembered_members) == ids(left)
    assert not PortfolioMembership.objects.filter(use_case__in=left).exists()
    assert last_event(AuditAction.PORTFOLIO_DISMISSED).data["reason"] == "Already funded elsewhere"

    run = run_clustering()

    assert set(groups()) == {other.reference}
    assert run.changes["suppressed"] == [{"id": proposal.pk, "reference": proposal.reference, "name": proposal.name}]


def test_archiving_an_adopted_portfolio_closes_it(world, two_proposals):
    proposal, _other, left, _right = two_proposals
    services.portfolio_adopt(actor=world.chair, portfolio=proposal)
    with pytest.raises(BusinessRuleError, match="only a proposal can be dismissed"):
        services.portfolio_dismiss(actor=world.chair, portfolio=proposal)
    services.portfolio_archive(actor=world.chair, portfolio=proposal, reason="Delivered")
    proposal.refresh_from_db()
    assert proposal.status == "archived" and set(proposal.remembered_members) == ids(left)
    event = last_event(AuditAction.PORTFOLIO_ARCHIVED)
    assert sorted(event.data["members"]) == sorted(u.reference for u in left)


def test_placing_a_use_case_moves_it_pins_it_and_updates_both_portfolios(world, two_proposals):
    proposal, other, left, right = two_proposals
    moved = right[0]
    membership = services.portfolio_member_add(actor=world.marketing, portfolio=proposal, use_case=moved)
    assert (membership.portfolio, membership.pinned, membership.source, membership.added_by) == (
        proposal,
        True,
        "committee",
        world.marketing,
    )
    proposal.refresh_from_db()
    other.refresh_from_db()
    assert (proposal.member_count, other.member_count) == (5, 3)
    assert membership.strength == 0  # its links are all to the other group
    event = last_event(AuditAction.PORTFOLIO_MEMBER_ADDED)
    assert event.use_case_id == moved.pk
    assert event.data == {
        "portfolio": proposal.reference,
        "use_case": moved.reference,
        "pinned": True,
        "from": other.reference,
    }

    run_clustering()  # the pin holds against the links
    assert PortfolioMembership.objects.get(use_case=moved).portfolio == proposal


def test_a_use_case_taken_out_is_not_put_back_by_the_next_run(world, two_proposals):
    proposal, _other, left, _right = two_proposals
    membership = PortfolioMembership.objects.get(use_case=left[0])
    services.portfolio_member_remove(actor=world.finance, membership=membership)
    proposal.refresh_from_db()
    assert proposal.member_count == 3 and proposal.excluded_use_cases == [left[0].pk]
    assert last_event(AuditAction.PORTFOLIO_MEMBER_REMOVED).data["use_case"] == left[0].reference

    run_clustering()
    assert groups()[proposal.reference] == ids(left[1:])
    assert not PortfolioMembership.objects.filter(use_case=left[0]).exists()


def test_unpinning_lets_runs_move_it_again_and_is_audited(world, two_proposals):
    proposal, _other, left, _right = two_proposals
    membership = PortfolioMembership.objects.get(use_case=left[0])
    services.portfolio_member_pin(actor=world.finance, membership=membership, pinned=True)
    services.portfolio_member_pin(actor=world.finance, membership=membership, pinned=False)
    assert [
        e.data["pinned"] for e in AuditEvent.objects.filter(action=AuditAction.PORTFOLIO_MEMBER_PINNED).order_by("pk")
    ] == [
        True,
        False,
    ]
    assert PortfolioMembership.objects.get(pk=membership.pk).pinned is False


def test_a_closed_portfolio_takes_no_members(world, two_proposals):
    proposal, _other, _left, right = two_proposals
    services.portfolio_dismiss(actor=world.finance, portfolio=proposal)
    with pytest.raises(BusinessRuleError, match="Dismissed: it cannot be changed"):
        services.portfolio_member_add(actor=world.finance, portfolio=proposal, use_case=right[0])


def test_an_edit_names_the_field_it_refuses_and_writes_nothing(world, two_proposals):
    proposal, _other, _left, _right = two_proposals
    with pytest.raises(ValidationError) as refused:
        services.portfolio_update(actor=world.finance, portfolio=proposal, data={"status": "adopted"})
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.portfolio_update(actor=world.finance, portfolio=proposal, data={"theme": "x" * (NOTE_MAX_CHARS + 1)})
    assert "theme" in refused.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.theme == ""
    assert not AuditEvent.objects.filter(action=AuditAction.PORTFOLIO_UPDATED).exists()
