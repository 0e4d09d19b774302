"""The lifecycle in the committee's admin, as committee members (staff in the committee's group,
not superusers): refusals shown as messages, history to read and never to revert, no delete."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from domains.models import UseCase
from governance.models import Decision, Vote
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:domains_usecase_changelist")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def run_action(client, action: str, use_case, **data):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [use_case.pk], **data}, follow=True)


def test_a_member_voting_on_their_own_teams_use_case_is_told_why_not(committee_admin, world):
    use_case = advance(world, "in_review")
    use_case.team.members.add(world.finance)
    client = committee_admin(world.finance)

    response = run_action(client, "workflow_vote", use_case, apply="1", choice="approve", comment="")

    assert response.status_code == 200
    assert any("does not review, vote on or decide their own team's use case" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_the_chair_deciding_without_an_assessed_risk_tier_is_told_so(committee_admin, world):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    UseCase.objects.filter(pk=use_case.pk).update(risk_tier="not_assessed")
    client = committee_admin(world.chair)

    response = run_action(
        client, "workflow_decide", use_case, apply="1", outcome="approved", rationale="Go.", conditions=""
    )

    assert any("no EU AI Act risk tier yet (not yet assessed)" in m for m in messages_of(response))
    assert not Decision.objects.exists()


def test_the_history_page_offers_no_revert_and_refuses_one(committee_admin, world):
    use_case = advance(world, "approved")
    title = UseCase.objects.get(pk=use_case.pk).title
    client = committee_admin(world.secretary)
    history = client.get(reverse("admin:domains_usecase_history", args=[use_case.pk]))
    assert history.status_code == 200
    assert "revert" not in history.text.lower()
    version = use_case.history.order_by("history_id").first()
    form_url = reverse("admin:domains_usecase_simple_history", args=[use_case.pk, version.history_id])
    page = client.get(form_url)
    assert page.status_code == 200 and "Revert" not in page.text

    response = client.post(form_url, {"title": "Reverted title"})

    assert response.status_code == 403
    use_case.refresh_from_db()
    assert (use_case.status, use_case.title) == ("approved", title)
    assert title != "Reverted title"


def test_a_use_case_cannot_be_deleted_from_the_admin(committee_admin, world):
    client = committee_admin(world.secretary)
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.text
    assert client.get(reverse("admin:domains_usecase_delete", args=[world.use_case.pk])).status_code == 403
    assert UseCase.objects.filter(pk=world.use_case.pk).exists()


def test_the_committee_finds_a_discarded_draft_on_record(committee_admin, world):
    from governance import services

    services.use_case_transition(actor=world.team_member, use_case=world.use_case, action="discard")
    client = committee_admin(world.secretary)

    response = client.get(CHANGELIST, {"status__exact": "discarded"})

    assert response.context["cl"].result_count == 1
    assert world.use_case.reference in response.text


def test_the_history_of_a_draft_the_person_cannot_see_is_404(client, world):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    it_staff = UserFactory(username="it-admin", is_staff=True)
    it_staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_usecase", "view_historicalusecase"]))
    client.force_login(it_staff)
    assert client.get(reverse("admin:domains_usecase_history", args=[world.use_case.pk])).status_code == 404
