"""Celery tasks of the portfolio app: thin, taking ids. The run row is the truth: a task delivered
twice executes the run once (the claim refuses the second), a task lost with the broker is handed
out again by the sweeper, and a worker that dies is noticed by the sweeper."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="portfolio.execute_clustering_run_task", ignore_result=True, acks_late=True)
def execute_clustering_run_task(run_id: int) -> str:
    """Execute one run; returns its final status, or "refused" when it was not pending."""
    try:
        run = services.clustering_run_execute(run_id=run_id)
    except services.RunNotPending as exc:
        logger.warning("Clustering run %s not executed: %s", run_id, exc.message)
        return "refused"
    return run.status


@shared_task(name="portfolio.sweep_clustering_runs_task", ignore_result=True)
def sweep_clustering_runs_task() -> dict:
    """Beat, every minute: fail the runs whose worker died, queue the runs left pending."""
    return services.clustering_runs_sweep()
