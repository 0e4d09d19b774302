"""Bulk pulls through the keyset cursor while the data changes between pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domains.models import UseCase
from domains.services import use_case_update

pytestmark = pytest.mark.django_db

PAGE = 5


def pull_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    data = response.json()
    return data["results"], data["next"]


@pytest.fixture
def twenty(make_use_case):
    """Twenty use cases a second apart, oldest first."""
    t0 = timezone.now() - timedelta(hours=1)
    rows = [make_use_case() for _ in range(20)]
    for i, use_case in enumerate(rows):
        UseCase.objects.filter(pk=use_case.pk).update(updated_at=t0 + timedelta(seconds=i))
    return rows


def test_cursor_pull_neither_skips_nor_repeats_while_rows_change_between_pages(
    committee_client, committee_member, make_use_case, twenty
):
    # given a pull that has read its first page
    seen: list[dict] = []
    results, url = pull_page(committee_client, f"/api/v1/use-cases/?pagination=cursor&page_size={PAGE}")
    seen += results
    # when, before the next page, a row not yet read is changed, one already read is changed, an
    # unread one is deleted and a new one is created
    unread_changed, read_changed, deleted = twenty[12], twenty[1], twenty[8]
    use_case_update(actor=committee_member, use_case=unread_changed, data={"title": "Changed before it was read"})
    use_case_update(actor=committee_member, use_case=read_changed, data={"title": "Changed after it was read"})
    UseCase.objects.filter(pk=deleted.pk).delete()
    created = make_use_case()
    while url:
        results, url = pull_page(committee_client, url)
        seen += results

    # then every row that did not change came exactly once, and nothing was skipped
    ids = [row["id"] for row in seen]
    unchanged = {uc.pk for uc in twenty} - {unread_changed.pk, read_changed.pk, deleted.pk}
    assert all(ids.count(pk) == 1 for pk in unchanged)
    assert deleted.pk not in ids
    assert ids.count(unread_changed.pk) == 1
    assert created.pk in ids
    # a row changed after it was read comes again, with its new values (the update is not lost)
    assert ids.count(read_changed.pk) == 2
    last_version = {row["id"]: row for row in seen}
    assert last_version[read_changed.pk]["title"] == "Changed after it was read"
    assert last_version[unread_changed.pk]["title"] == "Changed before it was read"
    # and the last version of each row is the database
    assert set(last_version) == set(UseCase.objects.values_list("pk", flat=True))


def test_cursor_pages_are_in_updated_order_and_break_ties_by_id(committee_client, make_use_case):
    same = timezone.now() - timedelta(minutes=5)
    rows = [make_use_case() for _ in range(7)]
    UseCase.objects.update(updated_at=same)  # every row has the same timestamp

    seen, url = [], "/api/v1/use-cases/?pagination=cursor&page_size=3"
    while url:
        results, url = pull_page(committee_client, url)
        seen += [row["id"] for row in results]

    assert seen == sorted(uc.pk for uc in rows)


def test_tampered_cursor_is_a_400_naming_the_cursor(committee_client, twenty):
    response = committee_client.get("/api/v1/use-cases/", {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_page_size_above_the_maximum_is_a_400(committee_client, twenty):
    response = committee_client.get("/api/v1/use-cases/", {"pagination": "cursor", "page_size": 10_001})
    assert response.status_code == 400
    assert "page_size" in response.json()
    assert committee_client.get("/api/v1/use-cases/", {"pagination": "cursor", "page_size": 10_000}).status_code == 200


def test_page_numbers_for_people(committee_client, twenty):
    first = committee_client.get("/api/v1/use-cases/", {"page_size": 8}).json()
    third = committee_client.get("/api/v1/use-cases/", {"page_size": 8, "page": 3}).json()

    assert first["count"] == 20
    assert len(first["results"]) == 8 and len(third["results"]) == 4
    assert first["previous"] is None and "page=2" in first["next"]
    assert third["next"] is None
    # newest first for people
    assert first["results"][0]["id"] == twenty[-1].pk
    assert committee_client.get("/api/v1/use-cases/", {"page": 9}).status_code == 404
