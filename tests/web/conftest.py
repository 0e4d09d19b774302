"""An organisation for the team pages: two teams, a committee that can reach a decision, and a
helper that walks a use case through the workflow services."""

from dataclasses import dataclass

import pytest

from domains.models import Domain, Team, UseCase, User
from governance import services as workflow
from governance.models import Committee
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    DomainFactory,
    TeamFactory,
    UseCaseFactory,
    UserFactory,
    function,
)


@dataclass
class Org:
    committee: Committee
    chair: User
    finance: User
    marketing: User
    alice: User  # Pricing team
    paul: User  # Pricing team
    bob: User  # Logistics team
    loner: User  # in no team
    pricing: Team
    logistics: Team
    domain: Domain
    other_domain: Domain

    def use_case(self, **kwargs) -> UseCase:
        kwargs.setdefault("team", self.pricing)
        kwargs.setdefault("owner", self.alice)
        kwargs.setdefault("domain", self.domain)
        return UseCaseFactory(**kwargs)

    def submit(self, use_case: UseCase) -> UseCase:
        member = use_case.team.members.first()
        return workflow.use_case_submit(actor=member, use_case=use_case)

    def start_review(self, use_case: UseCase) -> UseCase:
        self.submit(use_case)
        return workflow.use_case_start_review(actor=self.chair, use_case=use_case)

    def request_changes(self, use_case: UseCase, comment: str = "Quantify the benefit.") -> UseCase:
        self.start_review(use_case)
        workflow.use_case_request_changes(actor=self.chair, use_case=use_case, comment=comment)
        use_case.refresh_from_db()
        return use_case

    def approve(self, use_case: UseCase, *, conditions: str = "") -> UseCase:
        self.start_review(use_case)
        workflow.vote_cast(actor=self.finance, use_case=use_case, choice="approve", comment="Strong business case.")
        workflow.vote_cast(
            actor=self.marketing, use_case=use_case, choice="request_changes", comment="Check the consent flows."
        )
        workflow.vote_cast(actor=self.chair, use_case=use_case, choice="approve")
        workflow.use_case_decide(
            actor=self.chair,
            use_case=use_case,
            outcome="approved",
            rationale="Clear value for customers.",
            conditions=conditions,
        )
        use_case.refresh_from_db()
        return use_case


@pytest.fixture
def org(db) -> Org:
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=3, quorum_functions=2)
    people = {}
    for username, slug, role in [
        ("chair", "operations", "chair"),
        ("finance", "finance", "member"),
        ("marketing", "marketing", "member"),
    ]:
        user = UserFactory(username=username, first_name=username.title(), last_name="Member", is_staff=True)
        CommitteeMembershipFactory(committee=committee, user=user, function=function(slug), role=role)
        people[username] = user
    alice = UserFactory(username="alice", first_name="Alice", last_name="Martin")
    paul = UserFactory(username="paul", first_name="Paul", last_name="Durand")
    bob = UserFactory(username="bob", first_name="Bob", last_name="Leroy")
    loner = UserFactory(username="loner")
    pricing = TeamFactory(name="Pricing", slug="pricing", members=[alice, paul])
    logistics = TeamFactory(name="Logistics", slug="logistics", function=function("supply-chain"), members=[bob])
    return Org(
        committee=committee,
        alice=alice,
        paul=paul,
        bob=bob,
        loner=loner,
        pricing=pricing,
        logistics=logistics,
        domain=DomainFactory(name="Customer experience", slug="customer-experience"),
        other_domain=DomainFactory(name="Supply chain", slug="supply-chain"),
        **people,
    )


@pytest.fixture
def alice_client(client, org):
    client.force_login(org.alice)
    return client


@pytest.fixture
def bob_client(client, org):
    client.force_login(org.bob)
    return client
