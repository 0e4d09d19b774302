"""On PostgreSQL, twenty chairs' requests deciding the same use case at the same moment: the row
lock lets exactly one through; the others, re-checking the state after the lock, get the
wrong-state refusal."""

import threading

import pytest
from django.db import connection

from core.models import AuditEvent
from governance import services
from governance.exceptions import WorkflowError
from governance.models import Decision
from tests.governance.conftest import advance, approve_votes

THREADS = 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_decisions_give_exactly_one(postgres_only, world):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    audit_before = AuditEvent.objects.count()
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def decide(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = services.use_case_decide(
                actor=world.chair,
                use_case=type(use_case).objects.get(pk=use_case.pk),
                outcome="approved" if index % 2 else "rejected",
                rationale=f"Decision attempt {index}",
            )
        except Exception as exc:  # collected and checked below
            result = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    decisions = [o for o in outcomes if isinstance(o, Decision)]
    refusals = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(outcomes) == THREADS
    assert len(decisions) == 1, outcomes
    assert len(refusals) == THREADS - 1, [o for o in outcomes if not isinstance(o, Decision | WorkflowError)]
    winner = decisions[0]
    state = winner.outcome
    assert all(r.details["current_state"] == state for r in refusals)
    assert Decision.objects.count() == 1
    use_case.refresh_from_db()
    assert use_case.status == state
    new_events = AuditEvent.objects.order_by("id")[audit_before:]
    assert [e.action for e in new_events] == ["workflow.approve" if state == "approved" else "workflow.reject"]
