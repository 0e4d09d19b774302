"""Clustering runs end to end, in process: what a run proposes and measures, that the same data and
parameters give the same portfolios, identity across runs (split, merge, new), pinned members kept,
a failed run leaving nothing behind, and a run executed once."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.actors import SYSTEM
from core.models import AuditAction, AuditEvent
from domains.models import UseCase
from portfolio import services
from portfolio.models import ClusteringRun, Portfolio, PortfolioMembership, UseCaseLink
from portfolio.tasks import execute_clustering_run_task, sweep_clustering_runs_task
from tests.portfolio.conftest import groups, ids, run_clustering

pytestmark = pytest.mark.django_db


def three_groups_and_a_loner(graph):
    first, second, third = graph.use_cases(4), graph.use_cases(4), graph.use_cases(4)
    for members in (first, second, third):
        graph.chain(members)
    graph.link(first[0], second[0], "shares_data", 1)  # a weak bridge does not merge them
    loner = graph.use_cases(1)[0]
    return first, second, third, loner


def test_a_run_proposes_the_linked_groups_measures_them_and_says_why(graph):
    first, second, third, loner = three_groups_and_a_loner(graph)
    data_lake = graph.foundation(first, name="Customer 360", kind="data_source")

    run = run_clustering()

    assert run.status == "succeeded", run.error
    assert sorted(map(frozenset, groups().values()), key=min) == sorted(
        [frozenset(ids(first)), frozenset(ids(second)), frozenset(ids(third))], key=min
    )
    assert (run.node_count, run.portfolio_count, run.isolated_count) == (13, 3, 1)
    assert run.isolated == [loner.pk]
    assert run.fingerprint and run.modularity > 0.5 and run.duration_seconds > 0 and run.finished_at
    portfolio = PortfolioMembership.objects.get(use_case=first[0]).portfolio
    assert portfolio.status == "proposed" and portfolio.proposed_by_run == run
    assert portfolio.member_count == 4
    assert portfolio.internal_weight == pytest.approx(6 * 1.2 * 1.5)  # six strong reinforcing links
    assert 0.9 < portfolio.cohesion < 1  # the weak bridge leaves the group
    assert str(portfolio.total_benefit) == "1000000.00" and portfolio.transformation_share == 1.0
    assert portfolio.domains == ["Retail"]
    assert portfolio.shared_foundations == [
        {"id": data_lake.pk, "name": "Customer 360", "kind": "data_source", "members": 4}
    ]
    assert portfolio.why.startswith("4 use cases sharing Customer 360 and reinforcing one another around ")
    assert portfolio.why.endswith(", within Retail")
    ties = PortfolioMembership.objects.get(use_case=first[1]).ties
    assert [tie["type"] for tie in ties] == ["link", "link", "link", "foundation"]  # strongest first
    assert ties[0]["weight"] >= ties[-1]["weight"]
    assert run.changes["new"] and len(run.changes["new"]) == 3


def test_the_same_data_and_parameters_give_the_same_portfolios(graph):
    three_groups_and_a_loner(graph)
    first = run_clustering(seed=7)
    before = groups()
    second = run_clustering(seed=7)
    assert groups() == before  # same references, same members
    assert second.fingerprint == first.fingerprint
    assert (second.moved_count, second.changes["new"]) == (0, [])
    assert sorted(second.changes["kept"]) == sorted(Portfolio.objects.values_list("pk", flat=True))


def test_a_rerun_rewrites_only_the_members_whose_ties_changed(graph):
    first, second, third, _loner = three_groups_and_a_loner(graph)
    run_clustering()
    written = dict(PortfolioMembership.objects.values_list("use_case_id", "updated_at"))
    digests = dict(PortfolioMembership.objects.values_list("use_case_id", "ties_digest"))
    assert all(len(digest) == 32 for digest in digests.values())

    run_clustering()  # nothing changed: no membership is written
    assert dict(PortfolioMembership.objects.values_list("use_case_id", "updated_at")) == written

    # A title a tie shows changes: the members tied to it are rewritten, and only they (written by
    # COPY on PostgreSQL: a backslash, a tab, a line break and quotes come back as they were).
    renamed, title = first[0], 'Renamed \\ hub\twith "quotes"\nand a line'
    UseCase.objects.filter(pk=renamed.pk).update(title=title)
    run_clustering()
    after = {m.use_case_id: m for m in PortfolioMembership.objects.all()}
    rewritten = {pk for pk, m in after.items() if m.updated_at != written[pk]}
    assert rewritten == set(ids(first[1:]))
    for pk in rewritten:
        assert any(tie.get("title") == title for tie in after[pk].ties)
        assert after[pk].ties_digest != digests[pk]

    # The same through the first write of a membership (the COPY of new rows).
    PortfolioMembership.objects.all().delete()
    run_clustering()
    member = PortfolioMembership.objects.get(use_case=first[1])
    assert any(tie.get("title") == title for tie in member.ties)


def test_a_group_whose_bridge_goes_splits_one_half_keeping_its_identity(graph):
    left, right = graph.use_cases(4), graph.use_cases(4)
    graph.chain(left + right)
    run_clustering()
    [(reference, members)] = groups().items()
    assert members == ids(left + right)

    UseCaseLink.objects.filter(source__in=left, target__in=right).delete()
    UseCaseLink.objects.filter(source__in=right, target__in=left).delete()
    run = run_clustering()

    after = groups()
    assert reference in after and len(after) == 2
    assert after[reference] in (ids(left), ids(right))
    [new] = run.changes["new"]
    assert {s["reference"] for s in run.changes["splits"]} == {reference}
    assert {p["reference"] for p in run.changes["splits"][0]["into"]} == set(after)
    assert new["members"] == 4 and run.moved_count == 4


def test_two_groups_linked_together_merge_into_the_closer_one_and_the_other_proposal_is_superseded(graph):
    left, right = graph.use_cases(5), graph.use_cases(3)
    graph.chain(left)
    graph.chain(right)
    run_clustering()
    before = groups()
    assert len(before) == 2
    keeper = next(reference for reference, members in before.items() if members == ids(left))

    for source in left:
        for target in right:
            graph.link(source, target)
    run = run_clustering()

    assert groups() == {keeper: ids(left + right)}
    [superseded] = run.changes["superseded"]
    closed = Portfolio.objects.get(pk=superseded["id"])
    assert closed.status == "archived" and "Superseded" in closed.status_reason
    assert set(closed.remembered_members) == ids(right)
    assert [m["reference"] for m in run.changes["merges"]] == [keeper]


def test_a_pinned_member_survives_a_run_that_would_move_it(graph):
    left, right = graph.use_cases(4), graph.use_cases(4)
    graph.chain(left)
    graph.chain(right)
    run_clustering()
    pinned, unpinned = left[0], left[1]
    membership = PortfolioMembership.objects.get(use_case=pinned)
    services.portfolio_member_pin(actor=SYSTEM, membership=membership, pinned=True)
    home = membership.portfolio.reference

    # Both now belong with the right-hand group by their links.
    for moving in (pinned, unpinned):
        UseCaseLink.objects.filter(source=moving).delete()
        UseCaseLink.objects.filter(target=moving).delete()
        for target in right:
            graph.link(moving, target)
    run_clustering()

    assert PortfolioMembership.objects.get(use_case=pinned).portfolio.reference == home
    assert PortfolioMembership.objects.get(use_case=pinned).pinned is True
    assert PortfolioMembership.objects.get(use_case=unpinned).portfolio.reference != home


def test_a_renamed_portfolio_keeps_its_name_across_runs_and_a_generated_one_follows_its_members(graph):
    left, right = graph.use_cases(4), graph.use_cases(4)
    graph.chain(left)
    graph.chain(right)
    run_clustering()
    named, generated = Portfolio.objects.order_by("reference")
    services.portfolio_update(actor=SYSTEM, portfolio=named, data={"name": "Churn prevention"})
    run_clustering()
    assert Portfolio.objects.get(pk=named.pk).name == "Churn prevention"
    assert Portfolio.objects.get(pk=generated.pk).name == generated.name  # regenerated, same members


def test_a_run_that_fails_while_writing_leaves_nothing_behind(graph, monkeypatch):
    left, right = graph.use_cases(4), graph.use_cases(4)
    graph.chain(left)
    run_clustering()
    graph.chain(right)
    before = (list(Portfolio.objects.values_list("pk", "name", "member_count")), groups())

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    # the new portfolio is written first; the memberships after it fail
    monkeypatch.setattr(services, "_memberships_write", refuse)
    run = run_clustering()

    assert run.status == "failed"
    assert run.error == "RuntimeError: disk full"
    assert (list(Portfolio.objects.values_list("pk", "name", "member_count")), groups()) == before
    assert run.portfolio_count is None and run.changes == {}
    assert AuditEvent.objects.filter(action=AuditAction.CLUSTERING_RUN_FINISHED, data__status="failed").count() == 1


def test_a_run_is_executed_once(graph):
    three_groups_and_a_loner(graph)
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    assert execute_clustering_run_task(run.pk) == "succeeded"
    with pytest.raises(services.RunNotPending, match="executed once"):
        services.clustering_run_execute(run_id=run.pk)
    assert execute_clustering_run_task(run.pk) == "refused"
    assert AuditEvent.objects.filter(action=AuditAction.CLUSTERING_RUN_FINISHED).count() == 1
    assert Portfolio.objects.count() == 3


def test_the_sweeper_fails_runs_whose_worker_went_silent_and_hands_out_the_pending(graph, monkeypatch):
    now = timezone.now()
    silent = ClusteringRun.objects.create(status="running", heartbeat_at=now - datetime.timedelta(minutes=11))
    busy = ClusteringRun.objects.create(status="running", heartbeat_at=now - datetime.timedelta(seconds=5))
    waiting = ClusteringRun.objects.create()
    ClusteringRun.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(minutes=2))
    handed = []
    monkeypatch.setattr(services, "clustering_runs_dispatch", lambda run_ids: handed.extend(run_ids) or len(run_ids))

    assert sweep_clustering_runs_task() == {"failed": 1, "queued": 1}

    silent.refresh_from_db()
    assert silent.status == "failed" and "stopped" in silent.error and "Nothing it computed was kept" in silent.error
    busy.refresh_from_db()
    assert busy.status == "running"
    assert handed == [waiting.pk]


def test_a_run_the_sweeper_gave_up_on_does_not_land_its_results(graph, monkeypatch):
    three_groups_and_a_loner(graph)
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False)
    real_facts = services.portfolio_facts

    def sweeper_strikes_meanwhile(*args, **kwargs):
        ClusteringRun.objects.filter(pk=run.pk).update(status="failed", error="The worker running it stopped")
        return real_facts(*args, **kwargs)

    monkeypatch.setattr(services, "portfolio_facts", sweeper_strikes_meanwhile)
    finished = services.clustering_run_execute(run_id=run.pk)
    assert finished.status == "failed"
    assert Portfolio.objects.count() == 0 and PortfolioMembership.objects.count() == 0


def test_bad_parameters_are_refused_each_naming_its_field(graph):
    with pytest.raises(ValidationError) as refused:
        services.clustering_run_create(
            actor=SYSTEM,
            resolution=0,
            seed=-1,
            trials=1.5,
            min_size=True,
            reference_weight=-5,
            statuses=["nope"],
            domains=["nowhere"],
        )
    assert set(refused.value.message_dict) == {
        "resolution",
        "seed",
        "trials",
        "min_size",
        "reference_weight",
        "statuses",
        "domains",
    }
    assert refused.value.message_dict["reference_weight"] == ["Must be from 0.0 to 1000000000000.0, not -5."]
    assert "0.01 to 100.0" in refused.value.message_dict["resolution"][0]
    assert refused.value.message_dict["domains"] == ["No such domain: nowhere."]
    assert ClusteringRun.objects.count() == 0


def test_a_run_records_the_resolution_it_used_scaled_with_the_graphs_weight(graph):
    three_groups_and_a_loner(graph)

    small = run_clustering()  # 32.9 of link weight: far below the reference, plain modularity
    assert small.parameters["reference_weight"] == 10_000.0
    assert small.resolution_used == 1.0

    scaled = run_clustering(resolution=2.0, reference_weight=4.0)
    total = 3 * 6 * 1.2 * 1.5 + 1.0 * 0.5  # three groups of six strong reinforcing links, the weak bridge
    assert scaled.resolution_used == pytest.approx(2.0 * total / 4.0, rel=1e-4)


def test_a_run_limited_to_a_domain_leaves_the_others_portfolios_alone(graph):
    from tests.factories import DomainFactory

    finance = DomainFactory(slug="finance", name="Finance")
    retail_group = graph.use_cases(3)
    finance_group = graph.use_cases(3, domain=finance)
    graph.chain(retail_group)
    graph.chain(finance_group)
    run = run_clustering(domains=["finance"])
    assert run.parameters["domains"] == ["finance"]
    assert list(groups().values()) == [ids(finance_group)]


def test_the_command_runs_a_proposal_with_progress_and_says_what_it_found(graph):
    three_groups_and_a_loner(graph)
    out, err = StringIO(), StringIO()
    call_command("cluster_portfolios", "--seed", "3", stdout=out, stderr=err)
    assert "13 use cases" in out.getvalue() and "3 portfolios (3 new), 1 isolated" in out.getvalue()
    assert ClusteringRun.objects.get().parameters["seed"] == 3
    with pytest.raises(CommandError, match="resolution: Must be from 0.01 to 100.0"):
        call_command("cluster_portfolios", "--resolution", "0", stdout=out, stderr=err)


def test_a_run_limited_to_a_domain_keeps_the_other_domains_portfolios_as_they_are(graph):
    from tests.factories import DomainFactory

    finance = DomainFactory(slug="finance", name="Finance")
    retail_group = graph.use_cases(3)
    finance_group = graph.use_cases(3, domain=finance)
    graph.chain(retail_group)
    graph.chain(finance_group)
    run_clustering()
    before = groups()
    assert len(before) == 2

    run = run_clustering(domains=["finance"])

    assert groups() == before
    assert run.changes["superseded"] == [] and run.moved_count == 0


def test_a_draft_never_names_a_portfolio_even_when_it_holds_the_group_together(graph):
    members = graph.use_cases(3)
    draft = graph.use_cases(1, status="draft", title="Secret draft idea")[0]
    graph.link(members[0], members[1], "shares_data", 1)
    for member in members:
        graph.link(draft, member, "reinforces", 3)  # the draft is the strongest-tied member
    run_clustering(statuses=["approved", "draft"])
    portfolio = Portfolio.objects.get()
    assert portfolio.member_count == 4
    assert "Secret draft idea" not in portfolio.name and "Secret draft idea" not in portfolio.why
