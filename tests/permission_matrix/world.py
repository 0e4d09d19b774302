"""The people and objects the permission matrix is checked against, built once per test module.

Two teams (Pricing, whose use cases the rows are about, and Logistics), the committee that covers
every domain (a chair, three members, a secretary), an administrator on no committee and in no team,
and two API tokens: who plays which role is docs/permissions.md's "Who is who". Every use case got
where it is through the workflow services, so rounds, votes, decisions, change requests, meetings,
notifications and audit events exist as in real data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.actors import SYSTEM
from core.models import ApiToken, AuditEvent
from core.services import api_token_create
from domains.models import Domain, Foundation, Team, UseCase, User
from governance import services as workflow
from governance.models import ChangeRequest, Committee, Decision, Meeting, Notification, ReviewRound, Vote
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio.models import UseCaseLink
from portfolio.services import link_create
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    DomainFactory,
    FoundationFactory,
    TeamFactory,
    UseCaseFactory,
    UserFactory,
    function,
)
from tests.governance.conftest import advance, approve_votes

ROLES = ("anonymous", "team", "other team", "member", "secretary", "chair", "admin", "read token", "write token")
PEOPLE = {
    "team": "team_member",
    "other team": "other_team_member",
    "member": "finance",
    "secretary": "secretary",
    "chair": "chair",
    "admin": "administrator",
}
TOKENS = {"read token": "read_key", "write token": "write_key"}


@dataclass
class MatrixWorld:
    committee: Committee
    group: Group
    chair: User
    finance: User
    marketing: User
    hr: User
    secretary: User
    owner: User
    team_member: User
    other_team_member: User
    administrator: User
    pricing: Team
    logistics: Team
    domain: Domain
    foundation: Foundation
    use_cases: dict[str, UseCase]
    links: dict[str, UseCaseLink]
    read_token: ApiToken
    read_key: str
    write_token: ApiToken
    write_key: str
    meeting: Meeting
    sessions: dict[str, str] = field(default_factory=dict)
    # POST data of admin change pages, read once from the administrator's page (see requests.py).
    forms: dict[str, dict] = field(default_factory=dict)

    def who(self, role: str) -> User | None:
        """The person a request acts as: the signed-in person, or the user a token acts as."""
        if role in PEOPLE:
            return getattr(self, PEOPLE[role])
        if role in TOKENS:
            return getattr(self, TOKENS[role].replace("_key", "_token")).user
        return None

    def uc(self, name: str) -> UseCase:
        return self.use_cases[name]

    def client(self, role: str, *, api: bool) -> Client:
        """A fresh client signed in as `role`: people by their session (made once, at build time),
        tokens by their header. A token on a page or in the admin is just a header they ignore."""
        client = APIClient() if api else Client()
        if role in PEOPLE:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        elif role in TOKENS:
            header = f"Token {getattr(self, TOKENS[role])}"
            if api:
                client.credentials(HTTP_AUTHORIZATION=header)
            else:
                client.defaults["HTTP_AUTHORIZATION"] = header
        return client

    # Records the rows are about ------------------------------------------------------------------

    def round_of(self, name: str) -> ReviewRound:
        return ReviewRound.objects.filter(use_case=self.uc(name)).order_by("-number").first()

    def vote_on(self, name: str) -> Vote:
        return Vote.objects.filter(round__use_case=self.uc(name)).order_by("pk").first()

    def decision_on(self, name: str) -> Decision:
        return Decision.objects.get(use_case=self.uc(name))

    def change_request_on(self, name: str) -> ChangeRequest:
        return ChangeRequest.objects.filter(use_case=self.uc(name)).order_by("pk").first()

    def event_about(self, name: str) -> AuditEvent:
        return AuditEvent.objects.filter(use_case=self.uc(name)).order_by("pk").first()

    def notification(self) -> Notification:
        return Notification.objects.order_by("pk").first()


def _committee_admin(user: User, group: Group) -> None:
    """As the committee works in the admin (tests/conftest.py committee_admin): staff in its group."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)


def build_world() -> MatrixWorld:
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=3, quorum_functions=2)
    group, created = Group.objects.get_or_create(name=COMMITTEE_ADMIN_GROUP)
    if created:
        group.permissions.set(committee_admin_permissions())
    people = {}
    for username, slug, role in [
        ("chair", "operations", "chair"),
        ("finance", "finance", "member"),
        ("marketing", "marketing", "member"),
        ("hr", "hr", "member"),
        ("secretary", "legal-compliance", "secretary"),
    ]:
        user = UserFactory(username=username)
        CommitteeMembershipFactory(
            committee=committee, user=user, function=function(slug), role=role, start_date=datetime.date(2025, 1, 1)
        )
        _committee_admin(user, group)
        people[username] = user
    owner = UserFactory(username="owner")
    team_member = UserFactory(username="team-member")
    other_team_member = UserFactory(username="other-team-member")
    administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True)
    pricing = TeamFactory(name="Pricing", slug="pricing", members=[owner, team_member])
    logistics = TeamFactory(
        name="Logistics", slug="logistics", function=function("supply-chain"), members=[other_team_member]
    )
    domain = DomainFactory(name="Customer experience", slug="customer-experience")
    foundation = FoundationFactory(name="Customer data platform", slug="customer-data-platform")

    def pricing_use_case(title: str) -> UseCase:
        return UseCaseFactory(title=title, team=pricing, owner=owner, domain=domain)

    world = MatrixWorld(
        committee=committee,
        group=group,
        owner=owner,
        team_member=team_member,
        other_team_member=other_team_member,
        administrator=administrator,
        pricing=pricing,
        logistics=logistics,
        domain=domain,
        foundation=foundation,
        use_cases={},
        links={},
        read_token=None,
        read_key="",
        write_token=None,
        write_key="",
        meeting=None,
        **people,
    )
    ucs = world.use_cases
    ucs["draft"] = pricing_use_case("Pricing confidential draft")
    for state in ("submitted", "in_review", "changes_requested", "approved", "in_delivery", "on_hold"):
        ucs[state] = advance(world, state, pricing_use_case(f"Pricing {state.replace('_', ' ')}"))
    ucs["voted"] = advance(world, "in_review", pricing_use_case("Pricing voted"))
    approve_votes(world, ucs["voted"])
    ucs["discarded"] = pricing_use_case("Pricing discarded draft")
    workflow.use_case_transition(actor=team_member, use_case=ucs["discarded"], action="discard")
    # A draft again, after a review: its round, vote and change request are its team's business too.
    ucs["withdrawn"] = advance(world, "in_review", pricing_use_case("Pricing withdrawn draft"))
    workflow.vote_cast(actor=world.finance, use_case=ucs["withdrawn"], choice="approve", comment="Fine.")
    workflow.use_case_request_changes(actor=world.finance, use_case=ucs["withdrawn"], comment="Quantify it.")
    workflow.use_case_withdraw(actor=team_member, use_case=ucs["withdrawn"])
    ucs["logistics_draft"] = UseCaseFactory(
        title="Logistics draft", team=logistics, owner=other_team_member, domain=domain
    )
    ucs["logistics_submitted"] = UseCaseFactory(
        title="Logistics submitted", team=logistics, owner=other_team_member, domain=domain
    )
    workflow.use_case_submit(actor=other_team_member, use_case=ucs["logistics_submitted"])

    world.links["draft"] = link_create(
        actor=team_member, source=ucs["draft"], target=ucs["submitted"], kind="reinforces"
    )
    world.links["shared"] = link_create(
        actor=SYSTEM, source=ucs["submitted"], target=ucs["logistics_submitted"], kind="shares_data"
    )
    world.links["logistics"] = link_create(
        actor=other_team_member, source=ucs["logistics_draft"], target=ucs["logistics_submitted"], kind="reinforces"
    )
    world.meeting = workflow.meeting_prepare_next(
        actor=world.secretary, committee=committee, date=timezone.localdate() + datetime.timedelta(days=7)
    )
    # Spare objects for the rows that add or delete: nothing refers to them.
    UserFactory(username="newcomer")
    TeamFactory(name="Empty team", slug="empty")
    DomainFactory(name="Unused domain", slug="unused")
    FoundationFactory(name="Unused foundation", slug="unused")
    CommitteeFactory(name="Dormant committee", covers_all_domains=False)
    # A failed sign-in, as django-axes records it (the sessions below record successful ones).
    attempt = {"username": "team-member", "ip_address": "192.0.2.1", "user_agent": "test", "path_info": "/"}
    AccessAttempt.objects.create(**attempt, http_accept="*/*", get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt, http_accept="*/*")
    world.read_token, world.read_key = api_token_create(actor=SYSTEM, user=world.finance, name="Power BI")
    world.write_token, world.write_key = api_token_create(
        actor=SYSTEM, user=team_member, name="Pricing integration", can_write=True
    )
    for role, attribute in PEOPLE.items():
        client = Client()
        client.force_login(getattr(world, attribute))
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    for uc in ucs.values():
        uc.refresh_from_db()
    return world
