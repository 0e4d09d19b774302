"""Celery tasks of governance: thin, idempotent, taking ids. The outbox rows are the truth; tasks
only move them along, so a task run twice, late or never (the sweeper catches up) loses nothing, and
a task delivered twice sends nothing twice (the claim refuses the second). One case sends a mail
twice, never zero times: a worker killed after the mail server took the message but before the row
was marked sent; after NOTIFICATION_CLAIM_TIMEOUT the sweeper hands the row out again
(tests/governance/test_faults.py)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from core.actors import SYSTEM

from . import services

logger = logging.getLogger(__name__)

# How many pending notifications one sweep hands out; the next sweep takes the rest.
SWEEP_BATCH_SIZE = 500


@shared_task(bind=True, name="governance.deliver_notification_task", ignore_result=True, max_retries=None)
def deliver_notification_task(self, notification_id: int) -> bool:
    """Send one notification. Claims the row first, so a duplicate or retried message after success
    finds it sent and does nothing. Transient failures retry with exponential backoff (the row
    records the attempts and gives up after NOTIFICATION_MAX_ATTEMPTS)."""
    try:
        return services.notification_deliver(notification_id=notification_id)
    except services.NotificationDeliveryFailed as exc:
        if exc.retry_in is None:
            logger.error("Notification %s failed for good: %s", notification_id, exc)
            return False
        raise self.retry(exc=exc, countdown=exc.retry_in.total_seconds())


@shared_task(name="governance.dispatch_pending_notifications_task", ignore_result=True)
def dispatch_pending_notifications_task() -> int:
    """Beat, every minute: queue the notifications still pending (written while the broker was down,
    or waiting for their next attempt). Rows younger than the grace period are left to the
    dispatch their own transaction made after commit."""
    ids = services.notifications_due(limit=SWEEP_BATCH_SIZE, grace=settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE)
    return services.notifications_dispatch(ids)


@shared_task(name="governance.remind_overdue_reviews_task", ignore_result=True)
def remind_overdue_reviews_task() -> int:
    """Beat, daily: remind each committee of its use cases in review for longer than N days."""
    return len(services.notifications_remind_overdue_reviews(days=settings.GOVERNANCE_REVIEW_REMINDER_DAYS))


@shared_task(name="governance.remind_missing_votes_task", ignore_result=True)
def remind_missing_votes_task() -> int:
    """Beat, daily: remind members who have not voted a few days before a meeting."""
    return len(
        services.notifications_remind_missing_votes(days_before=settings.GOVERNANCE_VOTE_REMINDER_DAYS_BEFORE_MEETING)
    )


@shared_task(name="governance.remind_stale_side_effects_task", ignore_result=True)
def remind_stale_side_effects_task() -> int:
    """Beat, daily: remind teams and committees of live use cases whose side effects were not reviewed
    for GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS days."""
    return len(services.notifications_remind_stale_side_effects(days=settings.GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS))


@shared_task(name="governance.snapshot_impact_task", ignore_result=True)
def snapshot_impact_task() -> int:
    """Beat, weekly: the dashboard's headline figures of the day, for its trend lines. Taken twice the
    same day, the day's row is updated, not doubled. Returns the snapshot's id."""
    return services.impact_snapshot_take(actor=SYSTEM).pk
