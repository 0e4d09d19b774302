"""Every list runs the same number of queries for 10 rows as for 1,000: JSON pages, cursor pages, CSV."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.actors import SYSTEM
from core.services import audit_record
from portfolio.management.commands.generate_scale_data import generate_scale_data
from tests.api.conftest import body, committee_record_lists, router_lists

pytestmark = pytest.mark.django_db

# Every list of the router; the committee's records have their own test with their own data
# (tests/api/test_governance_records.py).
LISTS = [path for path, _viewset in router_lists() if path not in committee_record_lists()]
MODES = {
    "page": {"page_size": 1000},
    "cursor": {"pagination": "cursor", "page_size": 1000},
    "csv": {"format": "csv"},
}
# Session and user, count (pages only), rows, one per to-many column; the committee's permission
# check. Pinned so that a query per row cannot creep in.
MAX_QUERIES = 8


def queries_for(client, path: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
        assert response.status_code == 200, body(response)[:300]
        body(response)  # a streamed CSV runs its queries while it is read
    return len(captured)


@pytest.fixture
def counts_at():
    """{(path, mode): queries} with n use cases, n links and n audit events in the database."""

    def measure(client, n: int) -> dict:
        generate_scale_data(use_cases=n, links=n, seed=7)
        from domains.models import UseCase

        for use_case in UseCase.objects.all()[:n]:
            audit_record(actor=SYSTEM, action="use_case.updated", target=use_case)
        return {(path, mode): queries_for(client, path, params) for path in LISTS for mode, params in MODES.items()}

    return measure


def test_query_count_does_not_grow_with_rows(committee_client, counts_at, django_db_blocker):
    small = counts_at(committee_client, 10)
    from domains.models import UseCase
    from portfolio.models import UseCaseLink

    UseCaseLink.objects.all().delete()
    UseCase.objects.filter(external_id__startswith="scale:").update(external_id="")
    large = counts_at(committee_client, 1000)

    assert "/api/v1/use-cases/" in LISTS and "/api/v1/graph/edges/" in LISTS
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, {k: v for k, v in large.items() if v > MAX_QUERIES}


def test_token_query_count_is_fixed_too(make_token, counts_at):
    bi = make_token()
    counts = counts_at(bi, 50)
    assert max(counts.values()) <= MAX_QUERIES
