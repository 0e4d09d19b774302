"""Clustering runs through a real `celery worker` process on a private Redis: a run handed out after
commit is executed and its progress is visible; the same task delivered twice executes the run once;
a worker SIGKILLed in the middle of writing its results leaves nothing behind, and the sweeper marks
the run failed; a run started while the broker is down waits, pending, and is executed once the
broker is back."""

from __future__ import annotations

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from core.actors import SYSTEM
from core.models import AuditAction, AuditEvent
from domains.models import ReferenceSequence
from portfolio import services
from portfolio.models import ClusteringRun, Portfolio, PortfolioMembership
from portfolio.tasks import execute_clustering_run_task
from tests.governance.conftest import private_broker  # noqa: F401
from tests.governance.test_faults import Workers
from tests.portfolio.conftest import Graph, groups, ids
from tests.utils import RowLockedElsewhere

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIT_SECONDS = 90


@pytest.fixture
def workers(postgres_only, private_broker, tmp_path):  # noqa: F811
    private_broker.start()
    kit = Workers(private_broker, tmp_path)
    try:
        yield kit
    finally:
        kit.stop_all()


def wait_for(condition, *, workers: Workers, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{workers.log()}")


def status(run) -> str:
    return ClusteringRun.objects.values_list("status", flat=True).get(pk=run.pk)


def test_a_run_handed_to_a_worker_is_executed_with_its_progress_visible(workers):
    graph = Graph()
    left, right = graph.use_cases(4), graph.use_cases(4)
    graph.chain(left)
    graph.chain(right)
    run = services.clustering_run_create(actor=SYSTEM)  # handed out after its commit
    assert status(run) == "pending"
    workers.start()
    wait_for(lambda: status(run) == "succeeded", workers=workers, what="the run to succeed")
    run.refresh_from_db()
    assert (run.progress, run.portfolio_count, run.started_at is not None) == (100, 2, True)
    assert sorted(map(frozenset, groups().values()), key=min) == sorted(
        [frozenset(ids(left)), frozenset(ids(right))], key=min
    )


def test_the_same_run_delivered_twice_is_executed_once(workers):
    graph = Graph()
    members = graph.use_cases(4)
    graph.chain(members)
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    execute_clustering_run_task.delay(run.pk)
    execute_clustering_run_task.delay(run.pk)
    workers.start()
    wait_for(lambda: status(run) == "succeeded", workers=workers, what="the run to succeed")
    wait_for(lambda: "not executed" in workers.log(), workers=workers, what="the second delivery to be refused")
    assert AuditEvent.objects.filter(action=AuditAction.CLUSTERING_RUN_FINISHED).count() == 1
    assert Portfolio.objects.count() == 1


def _lock_waiting_backend() -> int | None:
    """The pid of a session waiting for a row lock while rewriting portfolio memberships."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
            ["%portfolio_portfoliomembership%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_a_worker_killed_while_writing_its_results_leaves_nothing_behind(workers):
    # given a proposal {a, b, x} where the links now put x with c and d
    graph = Graph()
    a, b, e, x, c, d = graph.use_cases(6)
    graph.chain([a, b, e])
    graph.chain([x, c, d])
    number = ReferenceSequence.reserve("portfolio")[0]
    old = Portfolio.objects.create(reference=f"PF-{number:03d}", name="Before", member_count=3)
    memberships = [PortfolioMembership.objects.create(portfolio=old, use_case=u) for u in (a, b, x)]
    before = groups()

    # when the worker has written the new proposal and waits to rewrite x's membership...
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    with RowLockedElsewhere("portfolio_portfoliomembership", memberships[2].pk):
        execute_clustering_run_task.delay(run.pk)
        worker = workers.start()
        backend = wait_for(_lock_waiting_backend, workers=workers, what="the worker to block inside its write")
        assert status(run) == "running"
        # ...the machine goes
        workers.kill(worker)
    wait_for(lambda: not _backend_alive(backend), workers=workers, what="the dead worker's session to end")

    # then nothing it wrote is there: no new portfolio, the memberships as they were
    assert groups() == before
    assert list(Portfolio.objects.values_list("pk", flat=True)) == [old.pk]
    assert status(run) == "running"  # nobody has said otherwise yet

    # and the sweeper, once the heartbeat is stale, marks it failed
    later = timezone.now() + datetime.timedelta(seconds=services.settings.PORTFOLIO_RUN_STALE_SECONDS + 1)
    assert services.clustering_runs_sweep(now=later)["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "Nothing it computed was kept" in run.error

    # a new run, on a live worker, does the work
    retry = services.clustering_run_create(actor=SYSTEM)
    workers.start()
    wait_for(lambda: status(retry) == "succeeded", workers=workers, what="the new run")
    assert sorted(map(frozenset, groups().values()), key=min) == sorted(
        [frozenset(ids([a, b, e])), frozenset(ids([x, c, d]))], key=min
    )


def test_a_run_started_while_the_broker_is_down_waits_and_is_executed_when_it_is_back(workers, private_broker):  # noqa: F811
    graph = Graph()
    members = graph.use_cases(3)
    graph.chain(members)
    private_broker.stop()

    run = services.clustering_run_create(actor=SYSTEM)  # the request succeeds; the run is kept

    assert status(run) == "pending"
    private_broker.start()
    ClusteringRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert services.clustering_runs_sweep()["queued"] == 1
    workers.start()
    wait_for(lambda: status(run) == "succeeded", workers=workers, what="the run once the broker is back")
