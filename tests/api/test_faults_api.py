"""With Redis (the Celery broker and the Django cache) unreachable, the API keeps answering API
tokens and sessions with its normal success codes: reads, CSV exports, writes and the workflow's
submissions, votes and decisions. Their notifications wait in the outbox and go out once, and only
once, when Redis is back.

Each request runs its after-commit callbacks (the dispatch to the broker) before it returns, as a
real commit does: a dispatch that raised would fail the test, as it would turn the answer into a 500."""

import datetime

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from rest_framework.test import APIClient

from config.celery_app import app
from core.actors import SYSTEM
from core.services import api_token_create
from domains.choices import AITechnique, Ambition, Sourcing
from domains.models import UseCase
from governance import services
from governance.models import Decision, Notification, Vote
from governance.tasks import dispatch_pending_notifications_task
from tests.api.conftest import body, router_lists
from tests.factories import DomainFactory
from tests.governance.conftest import private_broker  # noqa: F401  (a redis-server of our own, stopped)

pytestmark = pytest.mark.django_db

COMMITTEE_EMAILS = {f"{u}@example.com" for u in ("chair", "finance", "marketing", "hr", "secretary")}
TEAM_EMAILS = {"owner@example.com", "team-member@example.com"}


@pytest.fixture
def redis_down(private_broker, settings):  # noqa: F811
    """Broker and cache both point at the private redis-server, which is not running: every
    connection is refused at once. `.start()` on the returned broker brings Redis back."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{private_broker.port}/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE = datetime.timedelta(0)
    with pytest.raises(redis.exceptions.ConnectionError):  # the premise: the cache really is unreachable
        cache.get("anything")
    return private_broker


class CommittingClient(APIClient):
    """The test's transaction never commits: run each request's after-commit callbacks before the
    call returns, as the commit of its service would."""

    def request(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**kwargs)


def committed(service, **kwargs):
    """A service called directly, its after-commit callbacks run as a real commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def token_client(user, *, can_write: bool) -> APIClient:
    _token, key = api_token_create(actor=SYSTEM, user=user, name="robot" if can_write else "BI", can_write=can_write)
    client = CommittingClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def session_client(user) -> APIClient:
    client = CommittingClient()
    client.force_login(user)
    return client


def url(use_case, verb: str) -> str:
    return f"/api/v1/use-cases/{use_case.pk}/{verb}/"


def new_use_case_payload(team_slug: str) -> dict:
    """Everything a submission needs, as a team's client would send it."""
    return {
        "title": "Written while Redis is down",
        "domain": DomainFactory(slug="retail").slug,
        "team": team_slug,
        "functions": ["marketing"],
        "problem_statement": "Shoppers abandon baskets at delivery-slot selection.",
        "proposed_solution": "Predict slot availability and propose the best three slots.",
        "ambition": Ambition.TRANSFORMATION.value,
        "ai_technique": AITechnique.CLASSICAL_ML.value,
        "business_value": 4,
        "feasibility": 3,
        "data_readiness": 3,
        "estimated_annual_benefit": "250000",
        "estimated_annual_cost": "80000",
        "sourcing": Sourcing.IN_HOUSE.value,
    }


def deliver_when_redis_is_back(broker) -> list[str]:
    """Redis returns; the beat sweeper queues what waited, and a worker takes the messages."""
    broker.start()
    dispatch_pending_notifications_task.apply()
    return broker.run_queued_tasks(app)


def assert_each_notification_went_out_once() -> None:
    rows = sorted(Notification.objects.values_list("email", "subject"))
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == rows
    # a second sweep finds nothing left to send
    assert dispatch_pending_notifications_task.apply().get() == 0
    assert len(mail.outbox) == len(rows)


def assert_waiting_for_the_broker(count: int) -> None:
    """The writes stood while their notifications could not reach the broker: never handed to it."""
    assert Notification.objects.filter(status="pending", dispatched_at__isnull=True).count() == count
    assert Notification.objects.count() == count
    assert mail.outbox == []


def test_a_read_only_token_reads_every_list_and_the_csv_export_while_redis_is_down(redis_down, world):
    # A list read with a token goes through the per-token throttle, which counts in the cache: a
    # throttle that lets the cache's ConnectionError through answers 500 to every token request.
    committed(services.use_case_submit, actor=world.team_member, use_case=world.use_case)
    bi = token_client(world.staff, can_write=False)

    codes = {path: bi.get(path).status_code for path, _viewset in router_lists()}
    csv = bi.get("/api/v1/use-cases/?format=csv")

    assert codes == dict.fromkeys(codes, 200)
    assert len(codes) >= 10  # the router's lists really were read
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert world.use_case.reference.encode() in body(csv)


def test_a_write_token_reads_and_creates_and_submits_while_redis_is_down_and_the_committee_hears_of_it_once(
    redis_down, world
):
    team = token_client(world.team_member, can_write=True)

    listed = team.get("/api/v1/use-cases/")
    exported = team.get("/api/v1/use-cases/?format=csv")
    created = team.post("/api/v1/use-cases/", new_use_case_payload(world.use_case.team.slug), format="json")
    assert (listed.status_code, exported.status_code, created.status_code) == (200, 200, 201), created.content
    new = UseCase.objects.get(pk=created.json()["id"])
    # Submission needs a success measure beyond efficiency: the integration adds one first.
    measure = {"use_case": new.pk, "name": "Basket conversion", "category": "growth", "baseline": 2, "target": 3}
    measured = team.post("/api/v1/kpis/", measure, format="json")
    submitted = team.post(url(new, "submit"))

    assert measured.status_code == 201, measured.content
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert_waiting_for_the_broker(len(COMMITTEE_EMAILS))

    # when Redis is back, the committee hears of the submission, each member once
    ran = deliver_when_redis_is_back(redis_down)

    assert ran == ["governance.deliver_notification_task"] * len(COMMITTEE_EMAILS)
    assert {m.to[0] for m in mail.outbox} == COMMITTEE_EMAILS
    assert all(m.subject == f"{new.reference} submitted for review" for m in mail.outbox)
    assert_each_notification_went_out_once()


def test_review_votes_and_the_decision_by_token_answer_while_redis_is_down_and_the_team_hears_of_it_once(
    redis_down, world
):
    committed(services.use_case_submit, actor=world.team_member, use_case=world.use_case)
    use_case = world.use_case
    secretary = token_client(world.secretary, can_write=True)
    voters = [token_client(user, can_write=True) for user in (world.finance, world.marketing, world.hr)]
    chair = token_client(world.chair, can_write=True)

    review = secretary.post(url(use_case, "start-review"))
    votes = [v.post(url(use_case, "votes"), {"choice": "approve", "comment": "Sound."}, format="json") for v in voters]
    decision = chair.post(
        url(use_case, "decide"), {"outcome": "approved", "rationale": "Value outweighs the risk."}, format="json"
    )

    assert review.status_code == 200, review.content
    assert [v.status_code for v in votes] == [201, 201, 201], [v.content for v in votes]
    assert decision.status_code == 201, decision.content
    use_case.refresh_from_db()
    assert use_case.status == "approved"
    assert (Vote.objects.count(), Decision.objects.count()) == (3, 1)
    assert_waiting_for_the_broker(len(COMMITTEE_EMAILS) + len(TEAM_EMAILS))

    # when Redis is back: the committee's submission mail and the team's decision mail, once each
    deliver_when_redis_is_back(redis_down)

    decided = [m for m in mail.outbox if "Approved by the committee" in m.subject]
    assert sorted(m.to[0] for m in decided) == sorted(TEAM_EMAILS)
    assert_each_notification_went_out_once()


def test_the_same_calls_with_a_session_still_answer_while_redis_is_down(redis_down, world):
    # Regression: sessions never touched the throttle's cache; they must keep working as the
    # throttle changes.
    team = session_client(world.team_member)
    use_case = world.use_case

    reads = [team.get("/api/v1/use-cases/").status_code, team.get("/api/v1/use-cases/?format=csv").status_code]
    created = team.post("/api/v1/use-cases/", new_use_case_payload(use_case.team.slug), format="json")
    submitted = team.post(url(use_case, "submit"))
    review = session_client(world.secretary).post(url(use_case, "start-review"))
    votes = [
        session_client(user).post(url(use_case, "votes"), {"choice": "approve", "comment": "Sound."}, format="json")
        for user in (world.finance, world.marketing, world.hr)
    ]
    decision = session_client(world.chair).post(
        url(use_case, "decide"), {"outcome": "approved", "rationale": "Value outweighs the risk."}, format="json"
    )

    assert reads == [200, 200]
    assert created.status_code == 201, created.content
    assert submitted.status_code == 200, submitted.content
    assert review.status_code == 200, review.content
    assert [v.status_code for v in votes] == [201, 201, 201]
    assert decision.status_code == 201, decision.content
    assert_waiting_for_the_broker(len(COMMITTEE_EMAILS) + len(TEAM_EMAILS))

    deliver_when_redis_is_back(redis_down)

    assert_each_notification_went_out_once()
