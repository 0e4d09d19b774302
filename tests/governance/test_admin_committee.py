"""The committee cannot rewrite itself in the admin. A committee's mandate, quorum, domains and
members change only by an administrator or its chair, through audited services; nobody changes their
own membership; only an administrator names or changes a chair; teams are an administrator's. Every
change is an audit event, shown on the committee's timeline. (Each test reproduces what a probe did.)"""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from governance.models import CommitteeMembership
from tests.factories import TeamFactory, UserFactory, function

pytestmark = pytest.mark.django_db


def change_url(committee):
    return reverse("admin:governance_committee_change", args=[committee.pk])


def committee_post(committee, *, memberships=None, extra_rows=(), **fields):
    """What the committee's change form posts: its fields, then one row per membership."""
    data = {
        "name": committee.name,
        "mandate": committee.mandate,
        "domains": [d.pk for d in committee.domains.all()],
        "quorum_votes": committee.quorum_votes,
        "quorum_functions": committee.quorum_functions,
        **({"covers_all_domains": "on"} if committee.covers_all_domains else {}),
        **fields,
    }
    rows = list(committee.memberships.order_by("committee_id", "role", "user_id", "start_date"))
    memberships = memberships or {}
    for index, membership in enumerate(rows):
        row = {
            "id": membership.pk,
            "committee": committee.pk,
            "user": membership.user_id,
            "function": membership.function_id,
            "role": membership.role,
            "start_date": membership.start_date.isoformat(),
            "end_date": membership.end_date.isoformat() if membership.end_date else "",
            **memberships.get(membership.user.username, {}),
        }
        data.update({f"memberships-{index}-{key}": value for key, value in row.items()})
        # A field with a callable default carries its initial value in a hidden input, as the page does.
        data[f"initial-memberships-{index}-start_date"] = membership.start_date.isoformat()
    for offset, row in enumerate(extra_rows):
        index = len(rows) + offset
        data.update({f"memberships-{index}-{key}": value for key, value in {"committee": committee.pk, **row}.items()})
    data.update(
        {
            "memberships-TOTAL_FORMS": len(rows) + len(extra_rows),
            "memberships-INITIAL_FORMS": len(rows),
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
        }
    )
    return {key: value for key, value in data.items() if value is not None}


def roles(committee) -> dict[str, str]:
    return dict(committee.memberships.values_list("user__username", "role"))


def committee_events():
    return AuditEvent.objects.filter(action__startswith="committee.")


def test_the_secretary_cannot_make_herself_a_voting_member(committee_admin, world):
    client = committee_admin(world.secretary)
    response = client.post(change_url(world.committee), committee_post(world.committee))
    assert response.status_code == 403  # she sees the committee, read-only
    response = client.post(
        change_url(world.committee), committee_post(world.committee, memberships={"secretary": {"role": "member"}})
    )
    assert response.status_code == 403
    assert roles(world.committee)["secretary"] == "secretary"
    assert not committee_events().exists()
    page = client.get(change_url(world.committee))
    assert page.status_code == 200
    assert 'name="quorum_votes"' not in page.text  # read-only for her


def test_a_member_cannot_lower_the_quorum_or_make_herself_chair(committee_admin, world):
    client = committee_admin(world.finance)
    response = client.post(
        change_url(world.committee),
        committee_post(
            world.committee,
            quorum_votes=1,
            quorum_functions=1,
            memberships={"chair": {"role": "member"}, "finance": {"role": "chair"}},
        ),
    )
    assert response.status_code == 403
    world.committee.refresh_from_db()
    assert (world.committee.quorum_votes, world.committee.quorum_functions) == (3, 2)
    assert roles(world.committee)["chair"] == "chair" and roles(world.committee)["finance"] == "member"
    assert not committee_events().exists()


def test_a_member_cannot_add_herself_to_a_team(committee_admin, world):
    client = committee_admin(world.finance)
    team = world.use_case.team
    url = reverse("admin:domains_team_change", args=[team.pk])
    response = client.post(
        url,
        {
            "name": team.name,
            "slug": team.slug,
            "function": team.function_id,
            "members": [*team.members.values_list("pk", flat=True), world.finance.pk],
        },
    )
    assert response.status_code == 403
    assert not team.members.filter(pk=world.finance.pk).exists()
    assert client.get(reverse("admin:domains_team_add")).status_code == 403


def test_the_chair_changes_the_quorum_and_it_is_audited_on_the_timeline(committee_admin, world):
    client = committee_admin(world.chair)
    response = client.post(change_url(world.committee), committee_post(world.committee, quorum_votes=4))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    world.committee.refresh_from_db()
    assert world.committee.quorum_votes == 4
    event = committee_events().get()
    assert event.action == "committee.updated" and event.actor == world.chair
    assert event.data == {"changes": {"quorum_votes": [3, 4]}}
    page = client.get(change_url(world.committee)).text
    assert "Committee changed: quorum: votes: 3 → 4" in page


def test_the_chair_adds_a_member_and_changes_another_but_not_herself_nor_a_chair(committee_admin, world):
    client = committee_admin(world.chair)
    newcomer = UserFactory(username="newcomer")
    response = client.post(
        change_url(world.committee),
        committee_post(
            world.committee,
            memberships={"hr": {"function": function("it").pk}},
            extra_rows=[
                {"user": newcomer.pk, "function": function("sales").pk, "role": "member", "start_date": "2026-01-01"}
            ],
        ),
    )
    assert response.status_code == 302
    assert roles(world.committee)["newcomer"] == "member"
    assert world.committee.memberships.get(user=world.hr).function.slug == "it"
    assert set(committee_events().values_list("action", flat=True)) == {
        "committee.member_added",
        "committee.member_changed",
    }

    own = client.post(
        change_url(world.committee), committee_post(world.committee, memberships={"chair": {"role": "member"}})
    )
    assert own.status_code == 200  # the form again, the refusal beside the row
    assert "Nobody changes their own membership" in own.text
    appoint = client.post(
        change_url(world.committee), committee_post(world.committee, memberships={"finance": {"role": "chair"}})
    )
    assert "Only an administrator appoints, changes or ends the chair" in appoint.text
    assert roles(world.committee)["chair"] == "chair" and roles(world.committee)["finance"] == "member"
    assert committee_events().count() == 2


def test_memberships_are_ended_not_deleted(committee_admin, world):
    client = committee_admin(world.chair)
    response = client.post(
        change_url(world.committee),
        committee_post(world.committee, memberships={"hr": {"DELETE": "on", "end_date": "2026-12-31"}}),
    )
    assert response.status_code == 302
    membership = CommitteeMembership.objects.get(user=world.hr)  # still there, with its end date
    assert membership.end_date.isoformat() == "2026-12-31"


def test_an_administrator_changes_a_team_and_it_is_audited(client, world):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    team = TeamFactory(slug="data", name="Data")
    url = reverse("admin:domains_team_change", args=[team.pk])
    response = client.post(
        url,
        {"name_en": "Data", "name_fr": "", "slug": "data", "function": team.function_id, "members": [world.finance.pk]},
    )
    assert response.status_code == 302
    assert list(team.members.values_list("username", flat=True)) == ["finance"]
    event = AuditEvent.objects.get(action="team.updated")
    assert event.data == {"changes": {"members": [[], ["finance"]]}}
