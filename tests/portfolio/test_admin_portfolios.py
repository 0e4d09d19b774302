"""The committee's admin for portfolios and clustering runs: the list and the page, the committee's
verbs (adopt, dismiss, archive, place, take out, pin) through the services and audited, refusals as
messages, "Propose portfolios" and the run's page. The committee member is the real role: staff, in
the committee's admin group, with an active membership (tests/conftest.py committee_admin)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.celery_app import app as celery_app
from core.models import AuditEvent
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio import services
from portfolio.models import ClusteringRun, Portfolio, PortfolioMembership
from tests.admin_forms import admin_change_form_data
from tests.factories import UserFactory
from tests.portfolio.conftest import run_clustering

pytestmark = pytest.mark.django_db

LIST = reverse("admin:portfolio_portfolio_changelist")
RUNS = reverse("admin:portfolio_clusteringrun_changelist")
PROPOSE = reverse("admin:portfolio_clusteringrun_add")


def page(portfolio) -> str:
    return reverse("admin:portfolio_portfolio_change", args=[portfolio.pk])


def run_page(run) -> str:
    return reverse("admin:portfolio_clusteringrun_change", args=[run.pk])


@pytest.fixture(autouse=True)
def _fresh_layout_cache():
    cache.clear()


@pytest.fixture
def groups_of_use_cases(graph):
    """Two tight groups of four approved use cases (one sharing a data source) and one use case tied
    to nothing: a run proposes two portfolios and finds one scattered pilot."""
    first, second = graph.use_cases(4), graph.use_cases(4)
    graph.chain(first)
    graph.chain(second, kind="shares_data")
    graph.foundation(first[:2], name="Customer 360")
    (loner,) = graph.use_cases(1, title="Lonely pilot")
    return first, second, loner


@pytest.fixture
def proposed(groups_of_use_cases):
    run = run_clustering()
    assert run.status == "succeeded", run.error
    return run, list(Portfolio.objects.order_by("reference"))


@pytest.fixture
def member(world, committee_admin):
    """finance, a voting member of the committee, signed in to the admin as the committee works."""
    return committee_admin(world.finance)


@pytest.fixture
def outsider(client, world):
    """Staff, but on no committee and not in its admin group."""
    client.force_login(world.staff)
    return client


@pytest.fixture
def former_member(client, db):
    """Staff in the committee's admin group, with no active membership: may read, not manage."""
    user = UserFactory(username="former", is_staff=True)
    group, created = Group.objects.get_or_create(name=COMMITTEE_ADMIN_GROUP)
    if created:
        group.permissions.set(committee_admin_permissions())
    user.groups.add(group)
    client.force_login(user)
    return client


def action(name: str, portfolio, **extra) -> dict:
    return {"action": name, "index": "0", "_selected_action": [str(portfolio.pk)], **extra}


def events(action_name: str):
    return AuditEvent.objects.filter(action=action_name)


# The list and the page ---------------------------------------------------------------------------------


def test_the_list_shows_each_portfolio_with_its_metrics_and_links_to_the_map(member, proposed):
    run, portfolios = proposed

    response = member.get(LIST)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    text = response.content.decode()
    for portfolio in portfolios:
        assert portfolio.reference in text and portfolio.name in text
    assert "1,000,000" in text  # four members of 250,000 EUR each
    assert reverse("admin:portfolio_portfolio_map") in text
    assert reverse("admin:portfolio_clusteringrun_change", args=[run.pk]) in text


def test_the_list_filters_by_status_and_searches_by_reference(member, proposed, world):
    _run, (first, second) = proposed
    services.portfolio_adopt(actor=world.chair, portfolio=first)

    adopted = member.get(LIST, {"status__exact": "adopted"}).context["cl"].result_list
    found = member.get(LIST, {"q": second.reference}).context["cl"].result_list

    assert [p.pk for p in adopted] == [first.pk]
    assert [p.pk for p in found] == [second.pk]


def test_the_list_runs_a_fixed_number_of_queries(member, graph):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert member.get(LIST).status_code == 200
        return len(context)

    for _ in range(2):
        graph.chain(graph.use_cases(3))
    run_clustering()
    with_two = queries()
    for _ in range(6):
        graph.chain(graph.use_cases(3))
    run_clustering()
    assert Portfolio.objects.count() == 8
    assert queries() == with_two


def test_the_page_shows_why_foundations_members_their_ties_and_the_audit_trail(member, proposed, world):
    _run, portfolios = proposed
    portfolio = next(p for p in portfolios if p.shared_foundations)
    services.portfolio_update(actor=world.chair, portfolio=portfolio, data={"theme": "Know the customer."})
    membership = portfolio.memberships.select_related("use_case").first()

    response = member.get(page(portfolio))

    assert response.status_code == 200
    text = response.content.decode()
    assert portfolio.why and portfolio.why in text
    assert "Customer 360" in text
    assert reverse("admin:domains_usecase_change", args=[membership.use_case.pk]) in text
    assert membership.ties[0]["reference"] in text  # its strongest tie
    assert "What happened to it" in text and "Know the customer." in text
    assert reverse("admin:portfolio_portfolio_history", args=[portfolio.pk]) in text
    assert 'value="adopt_portfolios"' in text and 'value="dismiss_portfolios"' in text
    assert 'value="archive_portfolios"' not in text  # a proposal is not archived


def test_the_page_runs_a_fixed_number_of_queries_whatever_its_members(member, graph):
    from portfolio.priorities import forget_table

    def queries(portfolio) -> int:
        forget_table()  # its members by priority: the table computed afresh for each, as after a change
        with CaptureQueriesContext(connection) as context:
            assert member.get(page(portfolio)).status_code == 200
        return len(context)

    small, large = graph.use_cases(3), graph.use_cases(12)
    graph.chain(small)
    graph.chain(large)
    run_clustering()
    by_size = {p.member_count: p for p in Portfolio.objects.all()}
    assert set(by_size) == {3, 12}

    assert queries(by_size[12]) == queries(by_size[3])


def test_the_history_page_lists_the_field_versions(member, proposed, world):
    _run, (portfolio, _other) = proposed
    services.portfolio_update(actor=world.chair, portfolio=portfolio, data={"name": "Know the customer"})

    response = member.get(reverse("admin:portfolio_portfolio_history", args=[portfolio.pk]))

    assert response.status_code == 200
    assert "Know the customer" in response.content.decode()


def test_renaming_on_the_page_goes_through_the_service_and_is_audited(member, proposed, world):
    _run, (portfolio, _other) = proposed
    data = admin_change_form_data(member.get(page(portfolio)))
    data.update(name="Know the customer", theme="One view of each customer.", owner=str(world.owner.pk))

    response = member.post(page(portfolio), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    portfolio.refresh_from_db()
    assert (portfolio.name, portfolio.theme, portfolio.owner, portfolio.name_is_custom) == (
        "Know the customer",
        "One view of each customer.",
        world.owner,
        True,
    )
    event = events("portfolio.updated").get()
    assert event.actor == world.finance
    assert set(event.data["changes"]) == {"name", "theme", "owner"}


# The committee's verbs --------------------------------------------------------------------------------


def test_adopting_from_the_list_asks_for_a_reason_then_adopts_and_audits(member, proposed, world):
    _run, (portfolio, _other) = proposed

    asked = member.post(LIST, action("adopt_portfolios", portfolio))
    done = member.post(LIST, action("adopt_portfolios", portfolio, apply="1", reason="Funded for 2026."))

    assert asked.status_code == 200 and "reason" in asked.context["form"].fields
    assert done.status_code == 302
    portfolio.refresh_from_db()
    assert (portfolio.status, portfolio.status_reason) == ("adopted", "Funded for 2026.")
    event = events("portfolio.adopted").get()
    assert (event.actor, event.data["reason"]) == (world.finance, "Funded for 2026.")


def test_dismissing_from_the_page_comes_back_to_the_page(member, proposed):
    _run, (portfolio, _other) = proposed
    members = set(portfolio.memberships.values_list("use_case_id", flat=True))

    response = member.post(LIST, action("dismiss_portfolios", portfolio, apply="1", reason="", _from_page="1"))

    assert response.status_code == 302 and response["Location"] == page(portfolio)
    portfolio.refresh_from_db()
    assert portfolio.status == "dismissed" and set(portfolio.remembered_members) == members
    assert not PortfolioMembership.objects.filter(portfolio=portfolio).exists()
    assert events("portfolio.dismissed").count() == 1


def test_archiving_an_adopted_portfolio_is_audited(member, proposed, world):
    _run, (portfolio, _other) = proposed
    services.portfolio_adopt(actor=world.chair, portfolio=portfolio)

    member.post(LIST, action("archive_portfolios", portfolio, apply="1", reason="Done."))

    portfolio.refresh_from_db()
    assert portfolio.status == "archived"
    assert events("portfolio.archived").get().actor == world.finance


def test_a_refused_step_is_a_message_not_a_500(member, proposed, world):
    _run, (portfolio, _other) = proposed
    services.portfolio_adopt(actor=world.chair, portfolio=portfolio)

    response = member.post(LIST, action("adopt_portfolios", portfolio, apply="1", reason=""), follow=True)

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("only a proposal can be adopted" in text for text in shown), shown
    assert events("portfolio.adopted").count() == 1  # the chair's, not a second one


def test_placing_a_use_case_through_the_page_pins_it_there_and_is_audited(member, proposed, world):
    _run, (first, second) = proposed
    moved = second.memberships.select_related("use_case").first().use_case
    data = admin_change_form_data(member.get(page(first)))
    prefix = "memberships-2"  # the second inline on the same relation: placing a use case
    data.update({f"{prefix}-0-use_case": str(moved.pk), f"{prefix}-0-pin": "on"})

    response = member.post(page(first), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    membership = PortfolioMembership.objects.get(use_case=moved)
    assert (membership.portfolio, membership.pinned, membership.source) == (first, True, "committee")
    event = events("portfolio.member_added").get()
    assert (event.actor, event.data["from"]) == (world.finance, second.reference)


def test_pinning_and_taking_out_through_the_member_rows(member, proposed):
    _run, (portfolio, _other) = proposed
    rows = list(portfolio.memberships.order_by("-strength", "use_case__reference"))
    data = admin_change_form_data(member.get(page(portfolio)))
    data["memberships-0-pin"] = "on"
    data["memberships-1-take_out"] = "on"

    response = member.post(page(portfolio), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    rows[0].refresh_from_db()
    assert rows[0].pinned
    assert not PortfolioMembership.objects.filter(pk=rows[1].pk).exists()
    portfolio.refresh_from_db()
    assert rows[1].use_case_id in portfolio.excluded_use_cases
    assert events("portfolio.member_pinned").count() == 1
    assert events("portfolio.member_removed").count() == 1


def test_no_portfolio_is_added_or_deleted_in_the_admin(member, proposed):
    _run, (portfolio, _other) = proposed

    assert member.get(reverse("admin:portfolio_portfolio_add")).status_code == 403
    assert member.get(reverse("admin:portfolio_portfolio_delete", args=[portfolio.pk])).status_code == 403
    offered = [name for name, _label in member.get(LIST).context["action_form"].fields["action"].choices]
    assert "delete_selected" not in offered and "adopt_portfolios" in offered


# Who may ------------------------------------------------------------------------------------------------


def test_a_staff_user_outside_the_committee_gets_403_everywhere(outsider, proposed):
    run, (portfolio, _other) = proposed

    assert outsider.get(LIST).status_code == 403
    assert outsider.get(page(portfolio)).status_code == 403
    assert outsider.post(LIST, action("adopt_portfolios", portfolio, apply="1", reason="")).status_code == 403
    assert outsider.get(RUNS).status_code == 403
    assert outsider.get(PROPOSE).status_code == 403
    assert outsider.post(PROPOSE, {}).status_code == 403
    assert outsider.get(reverse("admin:portfolio_portfolio_map")).status_code == 403
    assert outsider.get(reverse("admin:portfolio_portfolio_map_data")).status_code == 403
    portfolio.refresh_from_db()
    assert portfolio.status == "proposed"
    assert ClusteringRun.objects.count() == 1
    assert not events("portfolio.adopted").exists()


def test_a_former_member_in_the_group_reads_but_has_no_controls_and_cannot_adopt(former_member, proposed):
    _run, (portfolio, _other) = proposed

    listed = former_member.get(LIST)
    shown = former_member.get(page(portfolio))
    adopted = former_member.post(LIST, action("adopt_portfolios", portfolio, apply="1", reason=""))
    saved = former_member.post(page(portfolio), {"name": "Taken over"})

    assert listed.status_code == 200 and listed.context["action_form"] is None
    assert shown.status_code == 200
    text = shown.content.decode()
    assert 'value="adopt_portfolios"' not in text and 'name="name"' not in text
    assert 'name="memberships-0-pin"' not in text and 'name="memberships-2-0-use_case"' not in text
    # No action is offered to her: the list ignores the POST and shows itself again (200).
    assert adopted.status_code == 200
    assert saved.status_code == 403
    assert former_member.get(PROPOSE).status_code == 403
    portfolio.refresh_from_db()
    assert portfolio.status == "proposed" and portfolio.name != "Taken over"
    assert not events("portfolio.adopted").exists()


# Clustering runs -----------------------------------------------------------------------------------------


@pytest.fixture
def eager():
    """Tasks in process whatever the environment (with REDIS_URL set they would go to a broker)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def test_propose_portfolios_starts_a_pending_run_that_a_worker_executes(
    member, groups_of_use_cases, world, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = member.post(PROPOSE, {"resolution": "1.0", "seed": "7", "trials": "2", "min_size": ""})
    run = ClusteringRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_page(run)
    assert (run.status, run.started_by) == ("pending", world.finance)
    assert (run.parameters["seed"], run.parameters["trials"], run.parameters["min_size"]) == (7, 2, 3)
    assert events("clustering.run_started").get().actor == world.finance

    for callback in callbacks:  # the commit hands the run to the (eager) worker
        callback()

    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert run.portfolio_count == 2 and run.isolated_count == 1


def test_propose_with_every_field_left_empty_takes_the_settings(member, settings):
    response = member.post(PROPOSE, {})

    run = ClusteringRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_page(run)
    assert (run.parameters["resolution"], run.parameters["seed"]) == (
        settings.PORTFOLIO_RESOLUTION,
        settings.PORTFOLIO_SEED,
    )


def test_the_propose_page_shows_the_defaults(member):
    response = member.get(PROPOSE)

    assert response.status_code == 200
    form = response.context["form"]
    assert "Default 1.0" in str(form.fields["resolution"].help_text)
    assert set(form.fields) == {"resolution", "seed", "trials", "min_size", "statuses", "domains"}


@pytest.mark.parametrize(
    ("posted", "field", "text"),
    [
        ({"resolution": "500"}, "resolution", "Must be from 0.01 to 100.0"),
        ({"trials": "0"}, "trials", "Must be from 1 to 20"),
        ({"seed": "seven"}, "seed", "whole number"),
        ({"statuses": ["launched"]}, "statuses", "launched"),
    ],
)
def test_bad_input_is_an_error_beside_its_field_and_starts_nothing(member, posted, field, text):
    response = member.post(PROPOSE, posted)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and text in " ".join(errors[field]), errors
    assert not ClusteringRun.objects.exists()


def test_the_run_page_shows_what_it_changed_and_the_scattered_pilots(member, proposed, groups_of_use_cases):
    run, portfolios = proposed
    loner = groups_of_use_cases[2]

    response = member.get(run_page(run))

    assert response.status_code == 200
    text = response.content.decode()
    assert "What this run changed" in text and "2 new portfolios proposed" in text
    for portfolio in portfolios:
        assert reverse("admin:portfolio_portfolio_change", args=[portfolio.pk]) in text
    assert "Use cases joining" in text
    assert "Scattered pilots" in text and loner.reference in text and "Lonely pilot" in text
    assert run.fingerprint in text
    assert 'http-equiv="refresh"' not in text  # finished: nothing to follow


def test_a_run_page_lists_the_most_moved_portfolios_and_counts_the_rest(member, graph, monkeypatch):
    monkeypatch.setattr(services, "CHANGE_PORTFOLIO_LIMIT", 1)
    small, large = graph.use_cases(3), graph.use_cases(4)
    graph.chain(small)
    graph.chain(large)
    run = run_clustering()

    assert run.changes["joined_portfolios"] == 2 and len(run.changes["joined"]) == 1
    assert run.changes["joined"][0]["count"] == 4  # the one with most movement is listed
    text = member.get(run_page(run)).content.decode()
    assert "Portfolios not listed here: 1" in text


def test_a_second_run_says_which_portfolios_kept_their_identity(member, proposed, graph):
    graph.chain(graph.use_cases(3))
    second = run_clustering()

    text = member.get(run_page(second)).content.decode()

    assert "2 portfolios kept their identity" in text
    assert "New portfolio proposed" in text


def test_a_pending_run_page_shows_its_progress_and_refreshes_itself(member, world):
    run = services.clustering_run_create(actor=world.chair, dispatch=False)
    ClusteringRun.objects.filter(pk=run.pk).update(status="running", progress=40, progress_message="Clustering")

    text = member.get(run_page(run)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in text
    assert '<progress max="100" value="40">' in text and "Clustering" in text


def test_a_failed_run_page_shows_the_error(member, world):
    run = services.clustering_run_create(actor=world.chair, dispatch=False)
    ClusteringRun.objects.filter(pk=run.pk).update(status="failed", error="MemoryError: out of memory")

    text = member.get(run_page(run)).content.decode()

    assert "Failed: nothing it computed was kept" in text and "MemoryError: out of memory" in text


def test_runs_are_never_edited_or_deleted(member, proposed):
    run, _portfolios = proposed

    assert member.post(run_page(run), {}).status_code == 403
    assert member.get(reverse("admin:portfolio_clusteringrun_delete", args=[run.pk])).status_code == 403


def test_the_run_list_shows_counts_and_the_propose_button(member, proposed):
    run, _portfolios = proposed

    response = member.get(RUNS)

    assert response.status_code == 200
    text = response.content.decode()
    assert f"#{run.pk}" in text and "Propose portfolios" in text and PROPOSE in text
    assert "the system" in text  # started by the test's SYSTEM actor
