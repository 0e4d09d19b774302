"""On PostgreSQL, links created in opposite directions at the same moment: A->B and B->A lock the
same two use cases in the same (primary-key) order, so they wait for each other instead of
deadlocking. Every request gets a clear answer (created, or refused because the other one won),
none a 500, and each relation is stored once."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portfolio.choices import LinkKind
from portfolio.models import UseCaseLink
from tests.factories import TeamFactory, UseCaseFactory, UserFactory

WORKERS = 20
ROUNDS_PER_WORKER = 7  # 140 requests, as the probe sent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opposite_links_created_at_once_never_deadlock(postgres_only):
    member = UserFactory(username="linker")
    team = TeamFactory(slug="linkers", members=[member])
    # Two drafts of one team: its member may link them either way round.
    a = UseCaseFactory(team=team, owner=member, title="A")
    b = UseCaseFactory(team=team, owner=member, title="B")
    kinds = list(LinkKind.values)
    barrier = threading.Barrier(WORKERS)

    def work(index: int) -> list[tuple[int, str]]:
        client = APIClient()
        client.force_login(member)
        source, target = (a, b) if index % 2 else (b, a)
        answers = []
        try:
            barrier.wait(timeout=30)
            for round_ in range(ROUNDS_PER_WORKER):
                response = client.post(
                    "/api/v1/links/",
                    {"source": source.pk, "target": target.pk, "kind": kinds[(index + round_) % len(kinds)]},
                    format="json",
                )
                answers.append((response.status_code, response.content.decode()[:300]))
        finally:
            connection.close()
        return answers

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = [answer for answers in pool.map(work, range(WORKERS)) for answer in answers]

    codes = Counter(code for code, _ in results)
    assert len(results) == WORKERS * ROUNDS_PER_WORKER
    assert set(codes) <= {201, 400}, [r for r in results if r[0] not in (201, 400)][:3]
    # Each kind is stored exactly once: a symmetric kind once whichever way round, and
    # depends_on once, because the opposite direction would close a cycle.
    stored = Counter(UseCaseLink.objects.values_list("kind", flat=True))
    assert stored == dict.fromkeys(kinds, 1)
    assert codes[201] == len(kinds)
    refusals = [body for code, body in results if code == 400]
    assert all(("already" in body) or ("cycle" in body) for body in refusals), refusals[:3]
