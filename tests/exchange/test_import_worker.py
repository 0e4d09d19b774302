"""Imports through a real `celery worker` process on a private Redis (issue 12: a large file runs as a
Celery task): an import confirmed in a request is executed by the worker after commit, its rows read
and its counts recorded; an import started while the broker is down is kept, queued, and executed
once the broker is back and the sweeper hands it out again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.actors import SYSTEM
from domains.models import UseCase
from exchange import services
from exchange.models import ImportRun
from tests.governance.conftest import private_broker  # noqa: F401
from tests.portfolio.test_run_worker import wait_for, workers  # noqa: F401  (the worker kit and its wait)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAPPING = {
    "name": "Worker inventory",
    "source": "worker-inventory",
    "external_id": "ID",
    "fields": {
        "title": "Name",
        "domain": {"column": "Domain", "create": True},
        "team": {"column": "Team", "create": True, "function": "it"},
    },
}
ROWS = 250


def inventory(rows: int = ROWS) -> bytes:
    lines = ["ID,Name,Domain,Team"] + [f"{n},Use case {n},Operations,Team {n % 7}" for n in range(1, rows + 1)]
    return ("\r\n".join(lines) + "\r\n").encode()


def status(run) -> str:
    return ImportRun.objects.values_list("status", flat=True).get(pk=run.pk)


def start_import() -> ImportRun:
    return services.import_run_create(
        actor=SYSTEM, file_name="inventory.csv", content=inventory(), definition=MAPPING, dry_run=False
    )


def test_an_import_handed_to_a_worker_is_executed_and_its_counts_recorded(workers):  # noqa: F811
    run = start_import()  # handed out after its commit
    assert status(run) == "queued"

    workers.start()

    wait_for(lambda: status(run) == "succeeded", workers=workers, what="the import to succeed")
    run.refresh_from_db()
    assert (run.rows_total, run.rows_processed, run.created_count, run.problem_count) == (ROWS, ROWS, ROWS, 0)
    assert services.import_run_progress(run) == ROWS
    assert UseCase.objects.filter(external_source="worker-inventory").count() == ROWS


def test_an_import_started_while_the_broker_is_down_waits_and_runs_when_it_is_back(workers, private_broker):  # noqa: F811
    private_broker.stop()

    run = start_import()  # the request succeeds: the file and the run are kept

    assert status(run) == "queued"
    private_broker.start()
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert services.import_runs_sweep()["queued"] == 1
    workers.start()
    wait_for(lambda: status(run) == "succeeded", workers=workers, what="the import to succeed")
    assert UseCase.objects.filter(external_source="worker-inventory").count() == ROWS
