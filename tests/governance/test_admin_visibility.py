"""Staff who are not, or no longer, on a committee see no other team's draft in the admin, on change
pages' inlines as on lists: a foundation's use cases, a use case's links both ways."""

import pytest
from django.urls import reverse

from domains.choices import Status
from tests.factories import FoundationFactory, TeamFactory, UseCaseFactory, UseCaseLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_inlines_hide_drafts_from_a_former_committee_member(committee_admin, world):
    former = UserFactory(username="former", is_staff=True)
    client = committee_admin(former)  # in the committee's admin group, with no membership
    other_team = TeamFactory(slug="secret-team")
    draft = UseCaseFactory(team=other_team, title="Unannounced merger scoring")
    shared = UseCaseFactory(team=other_team, title="Shared approved work")
    type(shared).objects.filter(pk=shared.pk).update(status=Status.APPROVED)
    UseCaseLinkFactory(source=draft, target=shared)
    foundation = FoundationFactory(slug="crm")
    draft.foundations.add(foundation)

    use_case_page = client.get(reverse("admin:domains_usecase_change", args=[shared.pk]))
    foundation_page = client.get(reverse("admin:domains_foundation_change", args=[foundation.pk]))

    assert use_case_page.status_code == 200 and foundation_page.status_code == 200
    for page in (use_case_page, foundation_page):
        assert "Unannounced merger scoring" not in page.content.decode()
        assert draft.reference not in page.content.decode()
