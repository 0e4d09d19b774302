"""Faults in the middle of work.

A worker killed in the middle of a notification batch (a real `celery worker` process, SIGKILLed):
nothing is lost, and nothing is sent twice unless the kill fell between the mail server taking the
message and the worker marking it sent, the one window an outbox in front of SMTP cannot close.

The database refusing the last write of a multi-row service: the service raises and nothing of its
earlier rows stays written, and none of its after-commit work (the notification dispatch) runs."""

from __future__ import annotations

import collections
import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from config.celery_app import app
from core.models import AuditEvent
from domains import services as domain_services
from domains.models import UseCase
from governance import services
from governance.models import Notification
from governance.tasks import dispatch_pending_notifications_task
from portfolio import services as link_services
from tests.factories import DomainFactory, UseCaseFactory, UserFactory, function
from tests.governance.conftest import advance, approve_votes, private_broker  # noqa: F401

# A worker kill ----------------------------------------------------------------------------------

BATCH = 30
VICTIM = "reader09@example.com"  # the tenth message of the batch: the worker is killed sending it
WAIT_SECONDS = 90
STALL_SECONDS = 300  # the stalled send never ends by itself: the kill always lands inside it


class JournalEmailBackend(BaseEmailBackend):
    """The worker's mail server in these tests (the worker's settings name it). Each message writes
    "begin <to> <pid>" when the worker starts sending it and "accepted <to> <pid>" once the server has
    it, to the journal file $FAULT_MAIL_JOURNAL, so the test sees deliveries and where a send is.
    $FAULT_MAIL_STALL_ON names a recipient whose first send stalls, $FAULT_MAIL_STALL says where:
    "before_accept" (mid-conversation) or "after_accept" (taken, not yet marked sent)."""

    def send_messages(self, email_messages) -> int:
        journal = Path(os.environ["FAULT_MAIL_JOURNAL"])
        stall_on, stall = os.environ.get("FAULT_MAIL_STALL_ON", ""), os.environ.get("FAULT_MAIL_STALL", "")
        for message in email_messages:
            recipient = message.to[0]
            # only the first attempt stalls: the second hand-out of the same message goes through
            stalls = recipient == stall_on and Journal(journal).begun(recipient) is None
            _journal_write(journal, f"begin {recipient} {os.getpid()}")
            if stalls and stall == "before_accept":
                time.sleep(STALL_SECONDS)
            _journal_write(journal, f"accepted {recipient} {os.getpid()}")
            if stalls and stall == "after_accept":
                time.sleep(STALL_SECONDS)
        return len(email_messages)


def _journal_write(journal: Path, line: str) -> None:
    with journal.open("a") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


@dataclass
class Journal:
    path: Path

    def entries(self, event: str) -> list[tuple[str, int]]:
        if not self.path.exists():
            return []
        rows = [line.split() for line in self.path.read_text().splitlines()]
        return [(to, int(pid)) for kind, to, pid in rows if kind == event]

    def accepted(self) -> collections.Counter:
        return collections.Counter(to for to, _pid in self.entries("accepted"))

    def begun(self, recipient: str) -> int | None:
        """The pid of the process that began sending to `recipient` (the pool process), if any."""
        return next((pid for to, pid in self.entries("begin") if to == recipient), None)


WORKER_SETTINGS = f'''from config.settings.local import *  # noqa: F403

EMAIL_BACKEND = "{__name__}.JournalEmailBackend"
'''


class Workers:
    """Real `celery worker` processes (prefork, one pool process, as `make worker` runs it) on the
    private Redis and the test database, writing their mail to the journal."""

    def __init__(self, broker, tmp_path: Path) -> None:
        (tmp_path / "fault_worker_settings.py").write_text(WORKER_SETTINGS)
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.journal = Journal(tmp_path / "mail-journal.txt")
        self.log_path = tmp_path / "workers.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
            "DJANGO_SETTINGS_MODULE": "fault_worker_settings",
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{address}/{db['NAME']}",
            "REDIS_URL": broker.url,
            "LOG_LEVEL": "WARNING",
            "FAULT_MAIL_JOURNAL": str(self.journal.path),
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, *, stall_on: str = "", stall: str = "") -> subprocess.Popen:
        log = self.log_path.open("a")
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config.celery_app", "worker"),
                *("--pool=prefork", "--concurrency=1", "--loglevel=WARNING", "--without-mingle", "--without-gossip"),
                f"--hostname=fault{len(self.processes)}@%h",
            ],
            cwd=settings.BASE_DIR,
            env={**self.env, "FAULT_MAIL_STALL_ON": stall_on, "FAULT_MAIL_STALL": stall},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """The machine goes: SIGKILL the worker and its pool process at once, no shutdown."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def wait_for(self, condition: Callable[[], object], *, alive: subprocess.Popen, what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            assert alive.poll() is None, f"the worker died waiting for {what}:\n{self.log()}"
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}; statuses {statuses()}; worker log:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def workers(postgres_only, private_broker, tmp_path):  # noqa: F811
    private_broker.start()
    kit = Workers(private_broker, tmp_path)
    try:
        yield kit
    finally:
        kit.stop_all()


def statuses() -> dict[str, int]:
    return dict(collections.Counter(Notification.objects.values_list("status", flat=True)))


def queue_a_batch() -> list[str]:
    """Thirty notifications written in one transaction and handed to the broker after its commit."""
    readers = [UserFactory(username=f"reader{index:02d}") for index in range(BATCH)]
    with transaction.atomic():
        services.notification_enqueue(
            kind="submitted", recipients=readers, subject="UC-0042 submitted for review", body="Please review."
        )
    assert Notification.objects.filter(status="pending", dispatched_at__isnull=False).count() == BATCH
    return [reader.email for reader in readers]


def fifteen_minutes_pass_for(email: str) -> None:
    """The outbox reads a claim's age from claimed_at: age the dead worker's claim past the timeout
    instead of waiting for it."""
    age = services.NOTIFICATION_CLAIM_TIMEOUT + datetime.timedelta(minutes=1)
    assert Notification.objects.filter(email=email, status="sending").update(claimed_at=F("claimed_at") - age) == 1


def kill_mid_batch_then_recover(workers: Workers, *, stall: str, kill: str) -> None:
    """Kill the worker while it sends to VICTIM; let a worker finish the batch; then, after the
    claim timeout, let the sweeper hand out again what the dead worker had claimed."""
    first = workers.start(stall_on=VICTIM, stall=stall)
    workers.wait_for(
        lambda: workers.journal.begun(VICTIM) and (stall != "after_accept" or workers.journal.accepted()[VICTIM]),
        alive=first,
        what=f"the worker to stall sending to {VICTIM}",
    )
    if kill == "worker":
        workers.kill(first)
        survivor = workers.start()  # a fresh worker takes the rest of the queue
    else:
        # Only the pool process (the OOM killer's pick): the worker sees it lost and re-queues
        # the message (acks_late + reject_on_worker_lost).
        os.kill(workers.journal.begun(VICTIM), signal.SIGKILL)
        survivor = first

    # The dead process's claim stands: the victim is neither sent again nor lost; the rest goes out.
    workers.wait_for(
        lambda: statuses() == {"sent": BATCH - 1, "sending": 1}, alive=survivor, what="the rest of the batch"
    )
    assert Notification.objects.get(status="sending").email == VICTIM
    # Within the claim timeout the sweeper leaves it alone: the dead worker might still be sending.
    assert services.notifications_due(limit=BATCH) == []

    fifteen_minutes_pass_for(VICTIM)
    handed_out = dispatch_pending_notifications_task.apply().get()
    if kill == "pool process" and handed_out == 0:
        # The killed pool process's message is re-queued (acks_late + reject_on_worker_lost) and runs
        # again in a new pool process. Before the claim timeout it leaves the claim alone; on a slow
        # machine it may come after the claim was aged just above and claim the row itself (its
        # second attempt), leaving the sweeper nothing to hand out. The row is still sent once.
        assert Notification.objects.get(email=VICTIM).attempts == 2
    else:
        assert handed_out == 1
    workers.wait_for(lambda: statuses() == {"sent": BATCH}, alive=survivor, what="the victim's second hand-out")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("kill", ["worker", "pool process"])
def test_a_worker_killed_mid_batch_before_the_mail_server_took_the_message_loses_nothing_and_sends_each_once(
    workers, kill
):
    # Without the outbox's claim (pending -> sending, then sent), the next worker or the sweeper
    # would send rows twice; without the claim timeout the victim would stay "sending" for ever.
    emails = queue_a_batch()

    kill_mid_batch_then_recover(workers, stall="before_accept", kill=kill)

    assert workers.journal.accepted() == collections.Counter(emails), workers.log()
    victim = Notification.objects.get(email=VICTIM)
    assert (victim.attempts, victim.claimed_at) == (2, None)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_after_the_mail_server_took_a_message_loses_nothing_and_repeats_only_that_one(workers):
    # The known gap: the mail server had the message, the row was still "sending" when the worker
    # died, so after the claim timeout the sweeper hands it out again. The outbox cannot know the
    # server took it; the promise is at most that one message twice, nothing lost.
    emails = queue_a_batch()

    kill_mid_batch_then_recover(workers, stall="after_accept", kill="worker")

    accepted = workers.journal.accepted()
    assert set(accepted) == set(emails), workers.log()  # nothing lost
    assert {email: count for email, count in accepted.items() if count > 1} == {VICTIM: 2}, accepted


@pytest.mark.django_db
def test_the_sweeper_hands_out_again_a_row_a_dead_worker_left_sending(world):
    # The same fault without a worker: a row claimed by a worker that died more than the claim
    # timeout ago. notifications_due lists it; the dispatch must queue it (here: run it in-process)
    # instead of dropping it for not being "pending", or it stays "sending" and is never sent.
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        long_ago = timezone.now() - services.NOTIFICATION_CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
        stuck = Notification.objects.create(
            kind="submitted",
            recipient=world.chair,
            email=world.chair.email,
            subject="Hello",
            body="Body",
            status="sending",
            claimed_at=long_ago,
            attempts=1,
        )
        assert services.notifications_due(limit=10) == [stuck.pk]

        queued = dispatch_pending_notifications_task.apply().get()
    finally:
        app.conf.task_always_eager = saved

    stuck.refresh_from_db()
    assert (queued, stuck.status, [m.to for m in mail.outbox]) == (1, "sent", [[world.chair.email]])


# The database refusing the last write -----------------------------------------------------------

PROJECT_APPS = ("core", "domains", "portfolio", "governance")


def database_contents() -> dict[str, list[dict]]:
    """Every row of the project's tables (history and many-to-many tables included), by model."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def changed_tables(before: dict, after: dict) -> set[str]:
    return {label for label in after if after[label] != before[label]}


class RefusedInsert:
    """A BEFORE INSERT trigger that lets `allowed` more rows into a table and refuses the next,
    as a full disk, a constraint or a lost connection would. It lives in the test's transaction."""

    def __init__(self, model, *, allowed: int) -> None:
        self.table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.table}")
            limit = cursor.fetchone()[0] + allowed
            cursor.execute(
                f"""
                CREATE FUNCTION fault_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (SELECT count(*) FROM {self.table}) >= {limit} THEN
                        RAISE EXCEPTION 'fault injected: % refused the insert', TG_TABLE_NAME;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER fault_refuse_insert BEFORE INSERT ON {self.table}
                    FOR EACH ROW EXECUTE FUNCTION fault_refuse_insert();
                """
            )

    def lift(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER fault_refuse_insert ON {self.table}")


@dataclass
class MultiRowService:
    """A service, ready to run, with the table its last write goes to and how many rows of it it
    writes before that last one, and the tables a successful run writes."""

    run: Callable[[], object]
    last_write: type
    rows_before_last: int
    writes: set[str]


def _decide(world) -> MultiRowService:
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    return MultiRowService(
        run=lambda: services.use_case_decide(
            actor=world.chair, use_case=UseCase.objects.get(pk=use_case.pk), outcome="approved", rationale="Sound."
        ),
        last_write=Notification,  # the team's second notification (owner, then team member)
        rows_before_last=1,
        writes={
            "governance.Decision",
            "governance.Decision_votes",
            "governance.ReviewRound",
            "domains.UseCase",
            "domains.HistoricalUseCase",
            "core.AuditEvent",
            "governance.Notification",
        },
    )


def _resubmit(world) -> MultiRowService:
    use_case = advance(world, "changes_requested")
    return MultiRowService(
        run=lambda: services.use_case_submit(actor=world.team_member, use_case=UseCase.objects.get(pk=use_case.pk)),
        last_write=Notification,  # the fifth committee member's notification
        rows_before_last=4,
        writes={
            "governance.ChangeRequest",  # resolved by the resubmission
            "domains.UseCase",
            "domains.HistoricalUseCase",
            "core.AuditEvent",
            "governance.Notification",
        },
    )


def _request_changes(world) -> MultiRowService:
    use_case = advance(world, "in_review")
    return MultiRowService(
        run=lambda: services.use_case_request_changes(
            actor=world.finance, use_case=UseCase.objects.get(pk=use_case.pk), comment="Quantify the benefit."
        ),
        last_write=Notification,
        rows_before_last=1,
        writes={
            "governance.ReviewRound",
            "governance.ChangeRequest",
            "domains.UseCase",
            "domains.HistoricalUseCase",
            "core.AuditEvent",
            "governance.Notification",
        },
    )


def _open_review_round(world) -> MultiRowService:
    use_case = advance(world, "submitted")
    return MultiRowService(
        run=lambda: services.use_case_start_review(actor=world.secretary, use_case=UseCase.objects.get(pk=use_case.pk)),
        last_write=AuditEvent,
        rows_before_last=0,
        writes={"governance.ReviewRound", "domains.UseCase", "domains.HistoricalUseCase", "core.AuditEvent"},
    )


def _vote(world) -> MultiRowService:
    use_case = advance(world, "in_review")
    return MultiRowService(
        run=lambda: services.vote_cast(
            actor=world.finance, use_case=UseCase.objects.get(pk=use_case.pk), choice="approve"
        ),
        last_write=AuditEvent,
        rows_before_last=0,
        writes={"governance.Vote", "core.AuditEvent"},
    )


def _link(world) -> MultiRowService:
    target = advance(world, "submitted", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
    return MultiRowService(
        run=lambda: link_services.link_create(
            actor=world.owner, source=world.use_case, target=target, kind="depends_on", strength=3
        ),
        last_write=AuditEvent,
        rows_before_last=0,
        writes={"portfolio.UseCaseLink", "portfolio.HistoricalUseCaseLink", "core.AuditEvent"},
    )


def _create_use_case(world) -> MultiRowService:
    domain = DomainFactory(slug="fault-domain")
    return MultiRowService(
        run=lambda: domain_services.use_case_create(
            actor=world.owner,
            data={"title": "Written in one piece", "domain": domain, "team": world.use_case.team, "owner": world.owner},
            functions=[function("finance"), function("marketing")],
        ),
        last_write=AuditEvent,
        rows_before_last=0,
        writes={
            "domains.ReferenceSequence",  # the next UC-nnnn reference: not used up by a refused write
            "domains.UseCase",
            "domains.HistoricalUseCase",
            "domains.UseCase_functions",
            "core.AuditEvent",
        },
    )


def _prepare_meeting(world) -> MultiRowService:
    advance(world, "in_review")
    return MultiRowService(
        run=lambda: services.meeting_prepare_next(
            actor=world.secretary, committee=world.committee, date=timezone.localdate() + datetime.timedelta(days=7)
        ),
        last_write=AuditEvent,
        rows_before_last=0,
        writes={"governance.Meeting", "governance.AgendaItem", "core.AuditEvent"},
    )


MULTI_ROW_SERVICES = {
    "decide": _decide,
    "resubmit": _resubmit,
    "request changes": _request_changes,
    "open a review round": _open_review_round,
    "vote": _vote,
    "create a link": _link,
    "create a use case": _create_use_case,
    "prepare a meeting": _prepare_meeting,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", MULTI_ROW_SERVICES)
def test_a_service_whose_last_write_is_refused_leaves_nothing_written_and_schedules_nothing(
    postgres_only, world, name, django_capture_on_commit_callbacks
):
    # given: a service ready to run, and a database that will refuse its last insert
    service = MULTI_ROW_SERVICES[name](world)
    before = database_contents()
    refusal = RefusedInsert(service.last_write, allowed=service.rows_before_last)

    # when: it runs (a service that wrote outside its one transaction, or committed in pieces,
    # would leave the decision, the closed round, the new status or the first notifications behind)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(DatabaseError, match="fault injected"),
    ):
        service.run()

    # then: every table is as it was, and no dispatch of the rolled-back notifications is queued
    assert changed_tables(before, database_contents()) == set()
    assert callbacks == []

    # and: once the database accepts the write, the same call succeeds and writes those tables (so
    # the tables checked above are the ones this service really writes)
    refusal.lift()
    service.run()
    assert changed_tables(before, database_contents()) == service.writes
