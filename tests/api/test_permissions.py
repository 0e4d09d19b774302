"""Who sees what, and who may write: people by session, BI clients by token."""

import pytest
from django.urls import reverse

from config.api_router import router
from core.actors import SYSTEM
from core.models import ApiToken
from domains.choices import Status
from tests.factories import DomainFactory, TeamFactory, UseCaseLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


def listed(client, path="/api/v1/use-cases/") -> set[int]:
    response = client.get(path, {"page_size": 1000})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def drafts(member, make_use_case):
    """A draft of the member's team, a draft of another team, and a submitted use case."""
    return {
        "own_draft": make_use_case(status=Status.DRAFT, team=member.team),
        "other_draft": make_use_case(status=Status.DRAFT, team=TeamFactory()),
        "submitted": make_use_case(status=Status.SUBMITTED),
    }


def test_anonymous_requests_are_refused_with_401(client, drafts):
    response = client.get("/api/v1/use-cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_team_member_sees_their_teams_drafts_and_nothing_else_in_draft(member_client, drafts):
    assert listed(member_client) == {drafts["own_draft"].pk, drafts["submitted"].pk}
    assert member_client.get(f"/api/v1/use-cases/{drafts['other_draft'].pk}/").status_code == 404


def test_committee_sees_every_draft(committee_client, drafts):
    assert listed(committee_client) == {uc.pk for uc in drafts.values()}


def test_token_sees_everything_past_draft_even_when_it_acts_as_the_committee(make_token, committee_member, drafts):
    bi = make_token(user=committee_member)
    assert listed(bi) == {drafts["submitted"].pk}
    assert listed(bi, "/api/v1/graph/nodes/") == {drafts["submitted"].pk}


def test_links_and_audit_events_about_hidden_drafts_are_hidden(
    make_token, member, member_client, drafts, committee_member
):
    from domains.services import use_case_update

    to_a_draft = UseCaseLinkFactory(source=drafts["submitted"], target=drafts["own_draft"])
    use_case_update(actor=committee_member, use_case=drafts["other_draft"], data={"title": "Secret"})
    use_case_update(actor=committee_member, use_case=drafts["submitted"], data={"title": "Public"})
    bi = make_token()

    assert listed(bi, "/api/v1/links/") == set()
    client = make_token(user=member)  # a token never sees drafts, whoever it acts as
    assert listed(client, "/api/v1/links/") == set()
    events = bi.get("/api/v1/audit-events/", {"action": "use_case.updated"}).json()["results"]
    assert [e["use_case"] for e in events] == [drafts["submitted"].pk]
    # The link exists: the draft's own team, signed in, sees it.
    assert listed(member_client, "/api/v1/links/") == {to_a_draft.pk}


def write_requests(use_case_id: int, link_id: int) -> list[tuple[str, str]]:
    """Every unsafe method on every route the router has, list and detail."""
    sample_ids = {"use-case": use_case_id, "use-case-workflow": use_case_id, "link": link_id}
    requests = []
    for _prefix, viewset, basename in router.registry:
        # A viewset may serve only extra actions (the workflow verbs on /use-cases/{id}/...).
        if hasattr(viewset, "list"):
            requests.append(("post", reverse(f"api:{basename}-list")))
        if hasattr(viewset, "retrieve"):
            detail_url = reverse(f"api:{basename}-detail", args=[sample_ids.get(basename, 1)])
            requests += [("put", detail_url), ("patch", detail_url), ("delete", detail_url)]
        for action in viewset.get_extra_actions():
            if set(action.mapping) - {"get", "head", "options"}:
                name = f"api:{basename}-{action.url_name}"
                url = reverse(name, args=[sample_ids.get(basename, 1)]) if action.detail else reverse(name)
                requests += [(method, url) for method in action.mapping if method not in {"get", "head", "options"}]
    return requests


def test_read_only_token_gets_403_on_every_write(make_token, committee_member, make_use_case):
    use_case = make_use_case()
    link = UseCaseLinkFactory(source=use_case, target=make_use_case())
    bi = make_token(user=committee_member)  # even acting as a committee member
    requests = write_requests(use_case.pk, link.pk)
    assert len(requests) >= 36

    for method, url in requests:
        response = getattr(bi, method)(url, {"title": "x"}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert "read-only" in response.json()["detail"]


def test_write_token_may_create_a_use_case_for_its_team(make_token, member):
    writer = make_token(user=member, can_write=True)
    response = writer.post(
        "/api/v1/use-cases/",
        {"title": "Churn radar", "domain": DomainFactory().slug, "team": member.team.slug},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == member.username
    assert response.json()["status"] == Status.DRAFT


def test_write_token_sees_and_completes_its_teams_draft_but_a_read_only_token_does_not(make_token, member):
    writer = make_token(user=member, can_write=True)
    reader = make_token(user=member)
    created = writer.post(
        "/api/v1/use-cases/",
        {"title": "Churn radar", "domain": DomainFactory().slug, "team": member.team.slug},
        format="json",
    ).json()

    edited = writer.patch(f"/api/v1/use-cases/{created['id']}/", {"business_value": 4}, format="json")

    assert edited.status_code == 200, edited.content
    assert edited.json()["business_value"] == 4
    assert reader.get(f"/api/v1/use-cases/{created['id']}/").status_code == 404
    assert created["id"] not in [row["id"] for row in reader.get("/api/v1/use-cases/").json()["results"]]


def test_member_cannot_edit_another_teams_use_case_but_can_edit_their_draft(member_client, member, make_use_case):
    theirs = make_use_case(status=Status.SUBMITTED)
    own = make_use_case(status=Status.DRAFT, team=member.team)

    refused = member_client.patch(f"/api/v1/use-cases/{theirs.pk}/", {"title": "Mine now"}, format="json")
    accepted = member_client.patch(f"/api/v1/use-cases/{own.pk}/", {"title": "Sharper title"}, format="json")

    assert refused.status_code == 403
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["title"] == "Sharper title"


def test_member_editing_their_submitted_use_case_is_told_why_not(member_client, member, make_use_case):
    submitted = make_use_case(status=Status.SUBMITTED, team=member.team)
    response = member_client.patch(f"/api/v1/use-cases/{submitted.pk}/", {"title": "Late edit"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_editable"
    submitted.refresh_from_db()
    assert submitted.title != "Late edit"


def test_revoked_and_unknown_tokens_get_401(make_token, make_use_case):
    from core.services import api_token_revoke

    bi = make_token()
    assert bi.get("/api/v1/use-cases/").status_code == 200
    api_token_revoke(actor=SYSTEM, token=bi.token)
    revoked = bi.get("/api/v1/use-cases/")
    bi.credentials(HTTP_AUTHORIZATION=f"Token {bi.token.prefix}.not-the-secret")
    wrong = bi.get("/api/v1/use-cases/")

    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert wrong.status_code == 401


def test_token_is_stored_hashed_and_records_when_it_was_last_used(make_token):
    bi = make_token()
    stored = ApiToken.objects.get(pk=bi.token.pk)
    assert stored.last_used_at is None
    assert bi.key not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.key_hash == ApiToken.hash_key(bi.key)

    bi.get("/api/v1/domains/")

    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_each_token_is_throttled_on_its_own(make_token, settings):
    from django.core.cache import cache

    cache.clear()
    slow = make_token(rate_limit="2/min")
    other = make_token(user=UserFactory(username="other-robot"), rate_limit="2/min")

    codes = [slow.get("/api/v1/functions/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert "Retry-After" in slow.get("/api/v1/functions/")
    assert other.get("/api/v1/functions/").status_code == 200


def test_api_refuses_an_owner_outside_the_team_with_the_field_named(member_client, member, make_use_case):
    own = make_use_case(status=Status.DRAFT, team=member.team, owner=member)
    outsider = UserFactory(username="not-in-the-team")
    response = member_client.patch(f"/api/v1/use-cases/{own.pk}/", {"owner": outsider.username}, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()
    own.refresh_from_db()
    assert own.owner == member
