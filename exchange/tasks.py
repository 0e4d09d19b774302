"""Celery tasks of the exchange app: thin, taking ids. The run row is the truth: a task delivered
twice executes the run once (the claim refuses the second); a run left queued while the broker was
down is handed out again by the sweeper."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="exchange.execute_import_run_task", ignore_result=True, acks_late=True)
def execute_import_run_task(run_id: int) -> str:
    """Execute one import run; returns its final status, or "refused" when it was not queued."""
    try:
        run = services.import_run_execute(run_id=run_id)
    except services.RunNotQueued as exc:
        logger.warning("Import run %s not executed: %s", run_id, exc.message)
        return "refused"
    return run.status


@shared_task(name="exchange.sweep_import_runs_task", ignore_result=True)
def sweep_import_runs_task() -> dict:
    """Beat, every minute: fail the runs whose worker died, queue the runs left queued."""
    return services.import_runs_sweep()
