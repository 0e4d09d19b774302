"""A real Celery worker, started as a subprocess against the local Redis, delivers the
notifications of a submission. The worker writes mail to files and marks the outbox rows sent, so
this process sees the delivery."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from governance import services
from governance.models import Notification

WORKER_TIMEOUT_SECONDS = 60


@pytest.fixture
def worker_env(postgres_only, tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker talks to the local Redis")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "LOG_LEVEL": "WARNING",
    }
    return env, mail_dir


@pytest.fixture
def celery_worker(worker_env, tmp_path):
    env, _ = worker_env
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_the_submission_notifications(worker_env, celery_worker, world, tmp_path):
    _, mail_dir = worker_env

    services.use_case_submit(actor=world.team_member, use_case=world.use_case)

    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not Notification.objects.exclude(status="sent").exists():
            break
        assert celery_worker.poll() is None, (tmp_path / "worker.log").read_text()
        time.sleep(0.2)
    statuses = list(Notification.objects.values_list("status", flat=True))
    assert statuses == ["sent"] * 5, (tmp_path / "worker.log").read_text()

    mails = "".join(path.read_text() for path in Path(mail_dir).iterdir())
    subject = f"Subject: {world.use_case.reference} submitted for review"
    assert mails.count(subject) == 5
    for username in ("chair", "finance", "marketing", "hr", "secretary"):
        assert f"To: {username}@example.com" in mails
