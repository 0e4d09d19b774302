"""A committee and the people around one use case, for the workflow tests."""

from dataclasses import dataclass

import pytest

from domains.models import UseCase, User
from governance.models import Committee
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    TeamFactory,
    UseCaseFactory,
    UserFactory,
    function,
)


@dataclass
class World:
    committee: Committee
    chair: User
    finance: User
    marketing: User
    hr: User
    secretary: User
    owner: User
    team_member: User
    other_team_member: User
    staff: User
    use_case: UseCase

    def role(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture
def world(db) -> World:
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=3, quorum_functions=2)
    people = {}
    for username, slug, role in [
        ("chair", "operations", "chair"),
        ("finance", "finance", "member"),
        ("marketing", "marketing", "member"),
        ("hr", "hr", "member"),
        ("secretary", "legal-compliance", "secretary"),
    ]:
        user = UserFactory(username=username, is_staff=True)
        CommitteeMembershipFactory(committee=committee, user=user, function=function(slug), role=role)
        people[username] = user
    owner = UserFactory(username="owner")
    team_member = UserFactory(username="team-member")
    other_team_member = UserFactory(username="other-team-member")
    team = TeamFactory(name="Pricing", slug="pricing", members=[owner, team_member])
    TeamFactory(name="Logistics", slug="logistics", members=[other_team_member])
    staff = UserFactory(username="staff", is_staff=True)
    use_case = UseCaseFactory(team=team, owner=owner)
    return World(
        committee=committee,
        owner=owner,
        team_member=team_member,
        other_team_member=other_team_member,
        staff=staff,
        use_case=use_case,
        **people,
    )
