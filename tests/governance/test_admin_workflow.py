"""The committee works the workflow from the admin: actions that call the services (refusals shown
as error messages), the queue filters, and the timeline panel on the use-case page."""

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from domains.models import UseCase
from governance.admin import UseCaseAdmin
from governance.models import Decision, Vote
from tests.factories import UseCaseFactory
from tests.governance.conftest import advance, approve_votes

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:domains_usecase_changelist")


@pytest.fixture
def as_user(committee_admin, world):
    """Log in as one of the world's people the way the committee works in the admin (staff in the
    committee's group, never a superuser): the workflow rules decide what each may do."""

    def login(role: str):
        return committee_admin(world.role(role))

    return login


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def run_action(client, action: str, use_cases, **data):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [uc.pk for uc in use_cases], **data}, follow=True
    )


def test_start_review_action_goes_through_the_service(as_user, world):
    advance(world, "submitted")
    response = run_action(as_user("secretary"), "workflow_start_review", [world.use_case])
    assert response.status_code == 200
    world.use_case.refresh_from_db()
    assert world.use_case.status == "in_review"
    assert any("Start review done" in m for m in messages_of(response))


def test_a_refusal_is_an_error_message_not_a_crash(as_user, world):
    # a draft cannot be reviewed; staff outside the committee may not
    response = run_action(as_user("secretary"), "workflow_start_review", [world.use_case])
    assert response.status_code == 200
    assert any('is Draft: "Start review" is not allowed' in m for m in messages_of(response))
    advance(world, "submitted")
    response = run_action(as_user("staff"), "workflow_start_review", [world.use_case])
    assert any("Only a member of the committee" in m for m in messages_of(response))
    world.use_case.refresh_from_db()
    assert world.use_case.status == "submitted"


def test_vote_action_asks_for_the_vote_then_records_it(as_user, world):
    advance(world, "in_review")
    client = as_user("finance")
    form_page = client.post(CHANGELIST, {"action": "workflow_vote", "_selected_action": [world.use_case.pk]})
    assert form_page.status_code == 200
    assert b'name="choice"' in form_page.content

    run_action(client, "workflow_vote", [world.use_case], apply="1", choice="approve", comment="Fits the strategy.")

    vote = Vote.objects.get()
    assert (vote.voter, vote.choice, vote.comment) == (world.finance, "approve", "Fits the strategy.")


def test_decide_action_shows_the_missing_quorum(as_user, world):
    advance(world, "in_review")
    response = run_action(
        as_user("chair"), "workflow_decide", [world.use_case], apply="1", outcome="approved", rationale="Good."
    )
    assert any(m.startswith("Quorum not met: 3 more vote(s) needed") for m in messages_of(response))
    assert not Decision.objects.exists()

    approve_votes(world, world.use_case)
    run_action(as_user("chair"), "workflow_decide", [world.use_case], apply="1", outcome="approved", rationale="Good.")
    world.use_case.refresh_from_db()
    assert world.use_case.status == "approved"


def test_request_changes_action_needs_a_comment(as_user, world):
    advance(world, "in_review")
    client = as_user("finance")
    response = run_action(client, "workflow_request_changes", [world.use_case], apply="1", comment="")
    assert b"This field is required" in response.content
    run_action(client, "workflow_request_changes", [world.use_case], apply="1", comment="Show the data lineage.")
    world.use_case.refresh_from_db()
    assert world.use_case.status == "changes_requested"


def test_queue_filters(as_user, world):
    waiting = advance(world, "in_review")
    voted = advance(world, "in_review", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
    decided = advance(world, "approved", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
    client = as_user("finance")
    from governance import services

    services.vote_cast(actor=world.finance, use_case=voted, choice="approve")

    def listed(queue):
        response = client.get(CHANGELIST, {"queue": queue})
        assert response.status_code == 200
        return {uc.pk for uc in response.context["cl"].result_list}

    assert listed("awaiting_my_vote") == {waiting.pk}
    assert listed("in_review") == {waiting.pk, voted.pk}
    assert listed("decided_this_month") == {decided.pk}


def test_the_use_case_page_shows_the_workflow_timeline(as_user, world):
    advance(world, "changes_requested")
    client = as_user("chair")
    response = client.get(reverse("admin:domains_usecase_change", args=[world.use_case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Workflow timeline" in html
    assert "Submit: Draft → Submitted" in html
    assert "Changes requested: Quantify the benefit." in html
    assert "Changes requested by the committee: 1 comment." in html


def test_status_is_never_a_form_field(world, staff_user):
    request = RequestFactory().get("/")
    request.user = staff_user
    model_admin = UseCaseAdmin(UseCase, __import__("django.contrib.admin", fromlist=["site"]).site)
    form = model_admin.get_form(request, world.use_case)()
    assert "status" not in form.fields
    assert "status" in model_admin.get_readonly_fields(request, world.use_case)


def _queries(client, url, data=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("queue", ["awaiting_my_vote", "in_review", "decided_this_month"])
def test_queue_filters_read_in_a_fixed_number_of_queries(as_user, world, queue):
    client = as_user("finance")
    advance(world, "in_review")
    advance(world, "approved", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
    few = _queries(client, CHANGELIST, {"queue": queue})
    for _ in range(4):
        advance(world, "in_review", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
        advance(world, "approved", use_case=UseCaseFactory(team=world.use_case.team, owner=world.owner))
    assert _queries(client, CHANGELIST, {"queue": queue}) == few


def test_the_timeline_panel_reads_in_a_fixed_number_of_queries(as_user, world):
    client = as_user("chair")
    use_case = advance(world, "in_review")
    page = reverse("admin:domains_usecase_change", args=[use_case.pk])
    few = _queries(client, page)
    approve_votes(world, use_case)
    from governance import services

    services.use_case_request_changes(actor=world.chair, use_case=use_case, comment="More.")
    services.use_case_submit(actor=world.owner, use_case=use_case)
    services.use_case_start_review(actor=world.chair, use_case=use_case)
    assert _queries(client, page) == few
