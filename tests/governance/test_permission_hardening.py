"""Who may change what, whichever door they come through: the demo committee cannot manage
accounts or act as someone else, links follow their source's rules, non-committee staff see in the
admin only what they would see elsewhere, and committee records do not leak drafts or tokens."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import HttpRequest

from core.exceptions import BusinessRuleError
from core.models import ApiToken
from core.services import api_token_create
from domains.models import UseCase, User
from domains.services import use_case_update
from portfolio.models import UseCaseLink
from portfolio.services import link_create, link_delete
from tests.factories import TeamFactory, UseCaseFactory, UseCaseLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


def _committee_member_client(client):
    call_command("load_demo")
    member = "sophie.laurent"  # a member of the demo committee (demo/data/organisation.yaml)
    assert client.login(request=HttpRequest(), username=member, password="demo-pass-2026")
    return User.objects.get(username=member)


def test_demo_committee_cannot_change_accounts(client):
    member = _committee_member_client(client)
    target = User.objects.exclude(pk=member.pk).first()

    page = client.get(f"/admin/domains/user/{target.pk}/change/")
    # The committee looks people up (view permission): the page is read-only, with nothing to save.
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    response = client.post(f"/admin/domains/user/{target.pk}/change/", {"username": target.username})
    assert response.status_code == 403
    assert not member.has_perm("domains.change_user")


def test_committee_member_may_create_a_token_only_for_themselves():
    member, other = UserFactory(username="member-x"), UserFactory(username="other-y")
    token, _key = api_token_create(actor=member, user=member, name="My Power BI")
    assert token.user == member
    with pytest.raises(PermissionDenied):
        api_token_create(actor=member, user=other, name="Act as someone else", can_write=True)
    assert ApiToken.objects.count() == 1


def test_admin_token_form_offers_only_the_requester_to_non_superusers(client):
    member = _committee_member_client(client)
    response = client.get("/admin/core/apitoken/add/")
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields["user"].queryset) == [member]


def test_another_team_cannot_delete_or_add_a_link_from_someone_elses_use_case():
    outsider = UserFactory(username="outsider")
    TeamFactory(members=[outsider])
    link = UseCaseLinkFactory(kind=UseCaseLink.Kind.DEPENDS_ON)
    with pytest.raises(PermissionDenied):
        link_delete(actor=outsider, link=link)
    with pytest.raises(PermissionDenied):
        link_create(actor=outsider, source=link.source, target=UseCaseFactory(), kind="reinforces")
    assert UseCaseLink.objects.filter(pk=link.pk).exists()


def test_the_team_cannot_relink_its_use_case_once_submitted_but_can_while_draft():
    member = UserFactory(username="team-member-z")
    team = TeamFactory(members=[member])
    source, target, other = UseCaseFactory(team=team, owner=member), UseCaseFactory(), UseCaseFactory()
    UseCase.objects.filter(pk__in=[target.pk, other.pk]).update(status="submitted")  # visible to every team
    link_create(actor=member, source=source, target=target, kind="reinforces")
    UseCase.objects.filter(pk=source.pk).update(status="approved")
    with pytest.raises(BusinessRuleError) as excinfo:
        link_create(actor=member, source=source, target=other, kind="shares_data")
    assert "can be edited only while it is a draft" in excinfo.value.message


def test_staff_outside_the_committee_neither_edit_nor_see_other_teams_drafts_in_the_admin(client):
    staff = UserFactory(username="it-admin", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_usecase", "change_usecase"]))
    draft = UseCaseFactory(title="Another team's draft")
    approved = UseCaseFactory(title="Approved elsewhere")
    UseCase.objects.filter(pk=approved.pk).update(status="approved")
    client.force_login(staff)

    listed = client.get("/admin/domains/usecase/").context["cl"].result_list
    assert approved in listed and draft not in listed
    with pytest.raises(PermissionDenied):
        use_case_update(actor=staff, use_case=approved, data={"title": "Edited by IT"})


def test_api_audit_events_hide_token_events_from_non_superusers(client):
    member = _committee_member_client(client)
    api_token_create(actor=member, user=member, name="Metabase")
    actions = [row["action"] for row in client.get("/api/v1/audit-events/", {"page_size": 1000}).json()["results"]]
    assert actions and not any(a.startswith("api_token.") for a in actions)


def test_team_and_committee_membership_changes_keep_their_history():
    from tests.factories import CommitteeFactory, CommitteeMembershipFactory, function

    team = TeamFactory(name="Pricing")
    team.name = "Pricing & Revenue"
    team.save()
    member = UserFactory(username="joiner")
    membership = CommitteeMembershipFactory(committee=CommitteeFactory(), user=member, function=function("hr"))
    membership.role = "chair"
    membership.save()

    assert [h.name for h in team.history.order_by("history_date")] == ["Pricing", "Pricing & Revenue"]
    assert [h.role for h in membership.history.order_by("history_date")] == ["member", "chair"]
