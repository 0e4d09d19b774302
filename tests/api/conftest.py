import pytest
from rest_framework.test import APIClient

from core.actors import SYSTEM
from core.services import api_token_create
from domains.choices import Status
from domains.models import UseCase
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    TeamFactory,
    UseCaseFactory,
    UserFactory,
    function,
)
from tests.governance.conftest import world  # noqa: F401  (the committee and people around a use case)


def with_status(use_case: UseCase, status: str) -> UseCase:
    """Test data: put a use case in a state without replaying the workflow (issue 3 owns it)."""
    UseCase.objects.filter(pk=use_case.pk).update(status=status)
    use_case.refresh_from_db()
    return use_case


@pytest.fixture
def make_use_case(db):
    def make(status: str = Status.SUBMITTED, **kwargs) -> UseCase:
        return with_status(UseCaseFactory(**kwargs), status)

    return make


@pytest.fixture
def member(db):
    """A team member (not committee) and their team."""
    user = UserFactory(username="team-member")
    user.team = TeamFactory(slug="members-team", name="Members team", members=[user])
    return user


@pytest.fixture
def member_client(member):
    client = APIClient()
    client.force_login(member)
    return client


@pytest.fixture
def committee_member(db):
    """A member of a committee that covers every domain: the committee's own rights, no more."""
    committee = CommitteeFactory(name="API committee", covers_all_domains=True)
    user = UserFactory(username="committee-member", is_staff=True)
    CommitteeMembershipFactory(committee=committee, user=user, function=function("finance"), role="member")
    return user


@pytest.fixture
def committee_client(committee_member):
    client = APIClient()
    client.force_login(committee_member)
    return client


@pytest.fixture
def superuser_client(staff_user):
    """An administrator (superuser), where one is meant."""
    client = APIClient()
    client.force_login(staff_user)
    return client


@pytest.fixture
def make_token(db):
    """A client authenticated by a fresh API token; the token is on `client.token`."""

    def make(*, user=None, can_write: bool = False, rate_limit: str = "") -> APIClient:
        user = user or UserFactory(username="bi-robot")
        token, key = api_token_create(actor=SYSTEM, user=user, name="BI", can_write=can_write, rate_limit=rate_limit)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        client.token, client.key = token, key
        return client

    return make


def body(response):
    """The bytes of a response, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def router_lists() -> list[tuple[str, type]]:
    """(list path, viewset) of every list the API router has: tests read endpoints from here, so a
    new endpoint is covered without anyone copying it into a test."""
    from django.urls import reverse

    from config.api_router import router

    return [
        (reverse(f"api:{basename}-list"), viewset)
        for _prefix, viewset, basename in router.registry
        if hasattr(viewset, "list")
    ]


def committee_record_lists() -> list[str]:
    """The committee's records (read-only lists of governance.api.committee)."""
    return [path for path, viewset in router_lists() if viewset.__module__ == "governance.api.committee"]
