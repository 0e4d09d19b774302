"""Notifications are outbox rows written with the event that causes them; Celery delivers them,
retries with backoff, never twice, and a broker that is down only delays them."""

import datetime
import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from config.celery_app import app
from governance import services
from governance.models import Meeting, Notification
from governance.tasks import deliver_notification_task, dispatch_pending_notifications_task
from tests.governance.conftest import advance

pytestmark = pytest.mark.django_db

COMMITTEE_EMAILS = {f"{u}@example.com" for u in ("chair", "finance", "marketing", "hr", "secretary")}
TEAM_EMAILS = {"owner@example.com", "team-member@example.com"}


@pytest.fixture
def eager(settings):
    """Run tasks in-process whatever the environment (the PostgreSQL run has a real broker)."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_submission_notifies_every_committee_member_after_commit(world, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.use_case_submit(actor=world.team_member, use_case=world.use_case)
        # inside the transaction: rows written, nothing sent yet
        assert Notification.objects.filter(status="pending").count() == 5
        assert mail.outbox == []

    assert {m.to[0] for m in mail.outbox} == COMMITTEE_EMAILS
    assert mail.outbox[0].subject == f"{world.use_case.reference} submitted for review"
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_rolled_back_event_leaves_no_notification(world, eager, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.use_case_submit(actor=world.team_member, use_case=world.use_case)
        raise RuntimeError("the request failed after the submission")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("step", ["approve", "reject", "request_changes"])
def test_the_owning_team_hears_of_every_decision_and_change_request(
    world, eager, step, django_capture_on_commit_callbacks
):
    state = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}[step]
    with django_capture_on_commit_callbacks(execute=True):
        advance(world, state)
    team_mail = [m for m in mail.outbox if m.to[0] in TEAM_EMAILS]
    assert {m.to[0] for m in team_mail} == TEAM_EMAILS
    expected = {
        "approve": "Approved by the committee",
        "reject": "Rejected by the committee",
        "request_changes": "the committee requests changes",
    }[step]
    assert all(expected in m.subject for m in team_mail)


def _pending_notification(world) -> Notification:
    return Notification.objects.create(
        kind="submitted", recipient=world.chair, email="chair@example.com", subject="Hello", body="Body"
    )


def test_a_notification_is_never_delivered_twice(world):
    notification = _pending_notification(world)

    first = deliver_notification_task.apply(args=[notification.pk]).get()
    # the broker redelivers the message (acks_late), or the task is retried after it succeeded
    second = deliver_notification_task.apply(args=[notification.pk]).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert notification.sent_at is not None


def test_a_failed_send_goes_back_to_pending_with_backoff(world):
    notification = _pending_notification(world)
    with (
        mock.patch("governance.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")),
        pytest.raises(services.NotificationDeliveryFailed) as excinfo,
    ):
        services.notification_deliver(notification_id=notification.pk)
    assert excinfo.value.retry_in == datetime.timedelta(seconds=30)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected: gone" in notification.last_error
    assert notification.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)
    # not due yet: a duplicate message does nothing
    assert services.notification_deliver(notification_id=notification.pk) is False
    # due: it goes out
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert services.notification_deliver(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_the_task_retries_a_transient_failure_with_backoff(world):
    # The task runs as Celery runs it (apply: eagerly, retries included); only the mail server fails.
    notification = _pending_notification(world)
    before = timezone.now()
    with (
        mock.patch("governance.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")),
        pytest.raises(Retry) as excinfo,
    ):
        deliver_notification_task.apply(args=[notification.pk])

    assert excinfo.value.when == 30.0
    notification.refresh_from_db()
    # One attempt made; the retry found it not yet due (30 s of backoff), so nothing was sent twice.
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in notification.last_error
    waited = (notification.next_attempt_at - before).total_seconds()
    assert 29 <= waited <= 31


def test_backoff_doubles_and_the_last_attempt_marks_the_row_failed(world):
    notification = _pending_notification(world)
    waits = []
    with mock.patch("governance.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        for _ in range(services.NOTIFICATION_MAX_ATTEMPTS):
            Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
            with pytest.raises(services.NotificationDeliveryFailed) as excinfo:
                services.notification_deliver(notification_id=notification.pk)
            waits.append(excinfo.value.retry_in and excinfo.value.retry_in.total_seconds())
    assert waits == [30, 60, 120, 240, 480, None]
    notification.refresh_from_db()
    assert notification.status == "failed"


def test_a_row_claimed_by_a_dead_worker_is_handed_out_again_but_a_live_claim_is_not(world):
    notification = _pending_notification(world)
    Notification.objects.filter(pk=notification.pk).update(status="sending", claimed_at=timezone.now())
    assert services.notification_deliver(notification_id=notification.pk) is False
    assert services.notifications_due(limit=10) == []

    long_ago = timezone.now() - services.NOTIFICATION_CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
    Notification.objects.filter(pk=notification.pk).update(claimed_at=long_ago)
    assert services.notifications_due(limit=10) == [notification.pk]
    assert services.notification_deliver(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_with_the_broker_down_a_submission_succeeds_and_its_mail_goes_out_when_it_is_back(
    world, private_broker, settings, django_capture_on_commit_callbacks, caplog
):
    settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE = datetime.timedelta(0)
    # given: the broker is down (never started)

    # when: a team submits
    with django_capture_on_commit_callbacks(execute=True):
        services.use_case_submit(actor=world.team_member, use_case=world.use_case)

    # then: the submission stands, its notifications wait
    world.use_case.refresh_from_db()
    assert world.use_case.status == "submitted"
    assert Notification.objects.filter(status="pending", dispatched_at__isnull=True).count() == 5
    assert mail.outbox == []
    assert "Notifications left pending, broker unavailable" in caplog.text

    # when: the broker is back and the beat sweeper runs, then a worker takes the messages
    private_broker.start()
    assert dispatch_pending_notifications_task.apply().get() == 5
    ran = private_broker.run_queued_tasks(app)

    # then: each notification went out once
    assert ran == ["governance.deliver_notification_task"] * 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(COMMITTEE_EMAILS)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}

    # and a second sweep finds nothing; a replayed message sends nothing
    assert dispatch_pending_notifications_task.apply().get() == 0
    for notification in Notification.objects.all():
        deliver_notification_task.apply(args=[notification.pk])
    assert len(mail.outbox) == 5


def test_the_sweeper_does_not_queue_a_row_again_while_its_message_may_still_wait(world, eager):
    notification = _pending_notification(world)
    long_ago = timezone.now() - datetime.timedelta(minutes=1)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=long_ago, next_attempt_at=long_ago, dispatched_at=timezone.now()
    )
    assert services.notifications_due(limit=10) == []
    Notification.objects.filter(pk=notification.pk).update(
        dispatched_at=timezone.now() - services.NOTIFICATION_REDISPATCH_AFTER - datetime.timedelta(seconds=1)
    )
    assert services.notifications_due(limit=10) == [notification.pk]


def test_without_a_broker_one_failing_mail_does_not_hold_back_the_others(world, eager):
    first, second = _pending_notification(world), _pending_notification(world)
    real_send = services.send_mail

    def send_mail(subject, body, sender, recipients):
        if Notification.objects.get(status="sending").pk == first.pk:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(subject, body, sender, recipients)

    with mock.patch("governance.services.send_mail", side_effect=send_mail):
        assert services.notifications_dispatch([first.pk, second.pk]) == 1

    assert dict(Notification.objects.values_list("pk", "status")) == {first.pk: "pending", second.pk: "sent"}
    assert len(mail.outbox) == 1


def test_the_sweeper_leaves_fresh_rows_to_their_own_dispatch(world, settings):
    settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE = datetime.timedelta(seconds=30)
    fresh = _pending_notification(world)
    assert services.notifications_due(limit=10, grace=settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE) == []
    Notification.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=1),
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert services.notifications_due(limit=10, grace=settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE) == [fresh.pk]


def test_committee_is_reminded_once_a_day_of_use_cases_waiting_in_review(world):
    use_case = advance(world, "in_review")
    recent = advance(world, "in_review", use_case=_another_use_case(world))
    type(use_case).objects.filter(pk=use_case.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=20))

    created = services.notifications_remind_overdue_reviews(days=14)

    assert {n.email for n in created} == COMMITTEE_EMAILS
    assert all(use_case.reference in n.body and recent.reference not in n.body for n in created)
    assert created[0].subject == "1 use case waiting in review for more than 14 days"
    assert services.notifications_remind_overdue_reviews(days=14) == []  # same day: nothing new
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert len(services.notifications_remind_overdue_reviews(days=14, now=tomorrow)) == 5


def test_members_who_have_not_voted_are_reminded_before_a_meeting(world):
    use_case = advance(world, "in_review")
    services.vote_cast(actor=world.finance, use_case=use_case, choice="approve")
    meeting = services.meeting_prepare_next(
        actor=world.secretary, committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=2)
    )
    Meeting.objects.create(committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=10))

    created = services.notifications_remind_missing_votes(days_before=3)

    # the chair and the members who have not voted; not the secretary (no vote), not finance (voted)
    assert {n.email for n in created} == {"chair@example.com", "marketing@example.com", "hr@example.com"}
    assert all(str(use_case) in n.body for n in created)
    assert date_format(meeting.date) in created[0].subject  # "1 Dec 2026"
    assert services.notifications_remind_missing_votes(days_before=3) == []


def test_no_vote_reminder_when_the_meeting_is_further_away(world):
    use_case = advance(world, "in_review")
    services.meeting_prepare_next(
        actor=world.secretary, committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=5)
    )
    assert use_case.agenda_items.count() == 1
    assert services.notifications_remind_missing_votes(days_before=3) == []


def test_the_beat_schedule_runs_the_sweeper_and_the_reminders(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "governance.dispatch_pending_notifications_task",
        "governance.remind_overdue_reviews_task",
        "governance.remind_missing_votes_task",
        "governance.remind_stale_side_effects_task",
        "governance.snapshot_impact_task",
    } <= tasks
    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    assert tasks <= set(app.tasks)


def _another_use_case(world):
    from tests.factories import UseCaseFactory

    return UseCaseFactory(team=world.use_case.team, owner=world.owner)


def test_each_committee_member_reads_the_submission_in_their_language(world):
    # given: the chair reads French, a member English, the others the site's default (English)
    type(world.chair).objects.filter(pk=world.chair.pk).update(language="fr")
    type(world.finance).objects.filter(pk=world.finance.pk).update(language="en")
    domain, team = world.use_case.domain, world.use_case.team
    domain.name_fr, team.name_fr = "Tarification dynamique", "Prix"
    domain.save()
    team.save()

    # when
    services.use_case_submit(actor=world.team_member, use_case=world.use_case)

    # then: one row per member, each in its reader's language, the domain and team named in it too
    rows = {n.email: n for n in Notification.objects.filter(kind="submitted")}
    assert set(rows) == COMMITTEE_EMAILS
    french, english = rows["chair@example.com"], rows["finance@example.com"]
    reference = world.use_case.reference
    assert french.subject == f"{reference} soumis pour revue"
    assert "a soumis" in french.body
    assert "(Tarification dynamique, équipe Prix)" in french.body
    assert english.subject == f"{reference} submitted for review"
    assert f"({domain.name_en}, team {team.name_en})" in english.body
    assert rows["hr@example.com"].subject == english.subject  # no language: the site's default


def test_the_team_reads_the_committee_request_in_each_members_language(world):
    use_case = advance(world, "in_review")
    type(world.owner).objects.filter(pk=world.owner.pk).update(language="fr")

    services.use_case_request_changes(actor=world.finance, use_case=use_case, comment="Quantify the benefit.")

    rows = {n.email: n for n in Notification.objects.filter(kind="changes_requested")}
    assert rows["owner@example.com"].subject == f"{use_case.reference} : le comité demande des modifications"
    assert "Quantify the benefit." in rows["owner@example.com"].body
    assert rows["team-member@example.com"].subject == f"{use_case.reference}: the committee requests changes"


def test_reminders_are_written_in_each_readers_language_with_its_dates(world):
    use_case = advance(world, "in_review")
    type(use_case).objects.filter(pk=use_case.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=20))
    type(world.chair).objects.filter(pk=world.chair.pk).update(language="fr")

    created = {n.email: n for n in services.notifications_remind_overdue_reviews(days=14)}

    since = timezone.localdate() - datetime.timedelta(days=20)
    with translation.override("fr"):
        french_date = date_format(since)
    assert created["chair@example.com"].subject == "1 cas d'usage en attente de revue depuis plus de 14 jours"
    assert french_date in created["chair@example.com"].body
    assert created["finance@example.com"].subject == "1 use case waiting in review for more than 14 days"
