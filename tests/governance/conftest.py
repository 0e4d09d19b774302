"""A committee and the people around one use case, for the workflow tests."""

from dataclasses import dataclass

import pytest

from domains.models import UseCase, User
from governance.models import Committee
from tests.factories import (
    CommitteeFactory,
    CommitteeMembershipFactory,
    TeamFactory,
    UseCaseFactory,
    UserFactory,
    function,
)


@dataclass
class World:
    committee: Committee
    chair: User
    finance: User
    marketing: User
    hr: User
    secretary: User
    owner: User
    team_member: User
    other_team_member: User
    staff: User
    use_case: UseCase

    def role(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture
def world(db) -> World:
    committee = CommitteeFactory(name="AI Steering Committee", quorum_votes=3, quorum_functions=2)
    people = {}
    for username, slug, role in [
        ("chair", "operations", "chair"),
        ("finance", "finance", "member"),
        ("marketing", "marketing", "member"),
        ("hr", "hr", "member"),
        ("secretary", "legal-compliance", "secretary"),
    ]:
        user = UserFactory(username=username, is_staff=True)
        CommitteeMembershipFactory(committee=committee, user=user, function=function(slug), role=role)
        people[username] = user
    owner = UserFactory(username="owner")
    team_member = UserFactory(username="team-member")
    other_team_member = UserFactory(username="other-team-member")
    team = TeamFactory(name="Pricing", slug="pricing", members=[owner, team_member])
    TeamFactory(name="Logistics", slug="logistics", members=[other_team_member])
    staff = UserFactory(username="staff", is_staff=True)
    use_case = UseCaseFactory(team=team, owner=owner)
    return World(
        committee=committee,
        owner=owner,
        team_member=team_member,
        other_team_member=other_team_member,
        staff=staff,
        use_case=use_case,
        **people,
    )


def approve_votes(world: World, use_case: UseCase, choice: str = "approve") -> None:
    """Three votes from three functions: meets the world's quorum (3 votes, 2 functions)."""
    from governance import services

    for voter in (world.finance, world.marketing, world.hr):
        services.vote_cast(actor=voter, use_case=use_case, choice=choice, comment="Reviewed.")


def advance(world: World, state: str, use_case: UseCase | None = None) -> UseCase:
    """Bring the use case to `state` through the services, as the people who may."""
    from governance import services

    uc = use_case or world.use_case
    path = {
        "draft": [],
        "submitted": ["submit"],
        "in_review": ["submit", "start_review"],
        "changes_requested": ["submit", "start_review", "request_changes"],
        "approved": ["submit", "start_review", "approve"],
        "rejected": ["submit", "start_review", "reject"],
        "on_hold": ["submit", "put_on_hold"],
        "in_delivery": ["submit", "start_review", "approve", "start_delivery"],
        "scaled": ["submit", "start_review", "approve", "start_delivery", "scale"],
        "retired": ["submit", "start_review", "approve", "start_delivery", "scale", "retire"],
    }[state]
    for step in path:
        if step == "submit":
            services.use_case_submit(actor=world.team_member, use_case=uc)
        elif step == "start_review":
            services.use_case_start_review(actor=world.secretary, use_case=uc)
        elif step == "request_changes":
            services.use_case_request_changes(actor=world.finance, use_case=uc, comment="Quantify the benefit.")
        elif step in ("approve", "reject"):
            approve_votes(world, uc, "approve" if step == "approve" else "reject")
            services.use_case_decide(
                actor=world.chair,
                use_case=uc,
                outcome="approved" if step == "approve" else "rejected",
                rationale="The committee weighed value and risk.",
            )
        elif step == "put_on_hold":
            services.use_case_transition(actor=world.secretary, use_case=uc, action="put_on_hold")
        else:
            services.use_case_transition(actor=world.owner, use_case=uc, action=step)
    assert uc.status == state
    return uc


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateBroker:
    """A redis-server of our own, on a free port, that a test may stop and start (the shared Redis
    is never touched). While it is active the Celery app publishes to it, not eagerly."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import subprocess
        import time

        import redis

        subprocess.run(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--daemonize", "yes"],
            check=True,
            capture_output=True,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        try:
            # No retries: after SHUTDOWN the connection drops, and redis-py's default retries with
            # backoff would wait seconds for a server that is meant to be gone.
            redis.Redis(port=self.port, retry=Retry(NoBackoff(), 0)).shutdown(nosave=True)
        except redis.ConnectionError:
            pass

    def run_queued_tasks(self, app) -> list[str]:
        """Take every message the broker holds and run its task here, as a worker would."""
        ran = []
        with app.connection_for_read() as conn:
            queue = conn.SimpleQueue("celery")
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                args, kwargs, _embed = message.decode()
                name = message.headers["task"]
                app.tasks[name].apply(args=args, kwargs=kwargs)
                message.ack()
                ran.append(name)
            queue.close()
        return ran


def _reset_producers(app) -> None:
    """Forget pooled connections so the next publish connects to the broker now configured. kombu
    keeps producer pools in a global registry keyed by broker URL: reset it too, or a pool closed
    here would be handed out again for the same URL."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker():
    import shutil

    from config.celery_app import app

    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on PATH to run a private broker")
    broker = PrivateBroker()
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = broker.url, False
    _reset_producers(app)
    try:
        yield broker
    finally:
        broker.stop()
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_producers(app)
