"""The graph a clustering run reads: which use cases it covers, how links and foundations weigh, and
that it is read in a fixed number of queries with edges linear in the memberships."""

from __future__ import annotations

import pytest
from django.test import override_settings

from portfolio.graph import GraphOptions, graph_build

pytestmark = pytest.mark.django_db


def edge_weights(built) -> dict[tuple[int, int], float]:
    network = built.to_igraph()
    return {tuple(sorted(edge.tuple)): round(edge["weight"], 6) for edge in network.es}


def test_links_weigh_by_kind_times_strength_and_parallel_links_add_up(graph):
    a, b, c = graph.use_cases(3)
    graph.link(a, b, "shares_data", 3)
    graph.link(a, b, "reinforces", 1)
    graph.link(b, c, "shares_platform", 2)
    with override_settings(
        PORTFOLIO_LINK_WEIGHTS={
            "shares_data": 1.0,
            "reinforces": 2.0,
            "shares_platform": 0.5,
            "depends_on": 1.0,
            "conflicts_with": 0.0,
        },
        PORTFOLIO_STRENGTH_FACTORS={1: 0.5, 2: 1.0, 3: 1.5},
    ):
        built = graph_build(GraphOptions.from_settings())
    i = built.index
    assert edge_weights(built) == {
        tuple(sorted((i[a.pk], i[b.pk]))): 1.0 * 1.5 + 2.0 * 0.5,
        tuple(sorted((i[b.pk], i[c.pk]))): 0.5 * 1.0,
    }


def test_a_conflict_never_pulls_two_use_cases_together_even_when_weighted(graph):
    a, b = graph.use_cases(2)
    graph.link(a, b, "conflicts_with", 3)
    with override_settings(
        PORTFOLIO_LINK_WEIGHTS={
            "shares_data": 1.0,
            "reinforces": 1.0,
            "shares_platform": 1.0,
            "depends_on": 1.0,
            "conflicts_with": 5.0,
        }
    ):
        built = graph_build(GraphOptions.from_settings())
    assert edge_weights(built) == {}
    assert built.conflicts == [(built.index[a.pk], built.index[b.pk])]


def test_drafts_rejected_and_retired_are_left_out_unless_asked(graph):
    approved, submitted = graph.use_cases(1)[0], graph.use_cases(1, status="submitted")[0]
    draft = graph.use_cases(1, status="draft")[0]
    rejected = graph.use_cases(1, status="rejected")[0]
    retired = graph.use_cases(1, status="retired")[0]
    graph.link(approved, draft)
    graph.link(approved, submitted)

    default = graph_build(GraphOptions.from_settings())
    assert set(default.use_case_ids) == {approved.pk, submitted.pk}
    assert len(default.links) == 1  # the link to the draft is not in the graph

    asked = graph_build(GraphOptions.from_settings(statuses=["approved", "draft", "rejected", "retired"]))
    assert set(asked.use_case_ids) == {approved.pk, draft.pk, rejected.pk, retired.pk}
    assert len(asked.links) == 1


def test_a_run_limited_to_some_domains_covers_only_them_and_the_links_inside(graph):
    from tests.factories import DomainFactory

    other = DomainFactory(slug="finance")
    inside, also_inside = graph.use_cases(2)
    outside = graph.use_cases(1, domain=other)[0]
    graph.link(inside, also_inside)
    graph.link(inside, outside)
    built = graph_build(GraphOptions.from_settings(domains=["retail"]))
    assert set(built.use_case_ids) == {inside.pk, also_inside.pk}
    assert len(built.links) == 1


@override_settings(
    PORTFOLIO_FOUNDATION_WEIGHTS={"data_source": 0.8, "platform": 0.6, "model": 0.6, "infrastructure": 0.3}
)
def test_a_shared_foundation_is_one_hub_tied_to_each_user_with_weight_damped_by_its_users(graph):
    pair = graph.use_cases(2)
    crowd = graph.use_cases(10)
    lone = graph.use_cases(1)
    graph.foundation(pair, kind="data_source")
    lake = graph.foundation(crowd, kind="data_source")
    graph.foundation(lone, kind="platform")  # one user: shares nothing, no hub
    built = graph_build(GraphOptions.from_settings())
    assert [kind for kind, _pk in built.hubs] == ["foundation", "foundation"]
    weights = sorted({round(w, 6) for _i, _f, w in built.uses})
    assert weights == [round(0.8 * 2 / 10, 6), 0.8]  # W * (2/k): a pair shares W, ten users W/5 each
    lake_hub = built.node_count + [pk for _kind, pk in built.hubs].index(lake.pk)
    network = built.to_igraph()
    assert network.degree(lake_hub) == 10
    assert network.ecount() == 2 + 10  # one edge per use of a shared foundation


def test_a_foundation_used_by_a_hundred_use_cases_adds_a_hundred_edges_not_five_thousand(graph):
    users = graph.use_cases(100)
    graph.foundation(users, kind="platform")
    built = graph_build(GraphOptions.from_settings())
    assert built.to_igraph().ecount() == 100
    # and its total pull is that of one shared pair, whatever the number of users
    assert sum(w for _i, _f, w in built.uses) == pytest.approx(2 * 0.6)


@override_settings(PORTFOLIO_SAME_DOMAIN_WEIGHT=0.5)
def test_the_optional_same_domain_bonus_is_a_damped_hub_too(graph):
    graph.use_cases(4)
    built = graph_build(GraphOptions.from_settings())
    assert [kind for kind, _pk in built.hubs] == ["domain"]
    assert built.to_igraph().ecount() == 4


@pytest.mark.parametrize("size", [5, 60])
def test_the_graph_is_read_in_four_queries_whatever_its_size(graph, size, django_assert_num_queries):
    members = graph.use_cases(size)
    graph.chain(members[:5])
    for source, target in zip(members, members[1:], strict=False):
        graph.link(source, target, "shares_data", 1)
    graph.foundation(members[: size // 2], kind="data_source")
    with django_assert_num_queries(4):
        built = graph_build(GraphOptions.from_settings())
    assert built.node_count == size


def test_the_fingerprint_names_the_data_and_parameters(graph):
    a, b, c = graph.use_cases(3)
    graph.link(a, b)
    first = graph_build(GraphOptions.from_settings()).fingerprint()
    assert graph_build(GraphOptions.from_settings()).fingerprint() == first
    graph.link(b, c)
    second = graph_build(GraphOptions.from_settings()).fingerprint()
    assert second != first
    with override_settings(PORTFOLIO_FOUNDATION_DAMPING=0.5):
        assert graph_build(GraphOptions.from_settings()).fingerprint() != second


def test_the_bulk_reader_and_the_orm_reader_build_the_same_graph(graph, monkeypatch):
    """PostgreSQL reads links and foundation uses as arrays; other databases (the embedded SQLite
    of `make run`) through the ORM. Both must give the same graph, in the same canonical order."""
    from django.db import connection

    members = graph.use_cases(8)
    draft = graph.use_cases(1, status="draft")[0]
    graph.chain(members[:4])
    graph.link(members[5], members[4], "shares_data", 2)  # read in any order, sorted by vertex
    graph.link(members[4], members[6], "conflicts_with", 3)
    graph.link(members[6], draft, "reinforces", 3)  # the draft is not covered
    graph.foundation([*members[3:7], draft], kind="platform")
    graph.foundation(members[6:8], kind="data_source")
    graph.foundation(members[:1], kind="data_source")  # used once: no hub
    bulk = graph_build(GraphOptions.from_settings())
    monkeypatch.setattr(connection, "vendor", "sqlite")
    orm = graph_build(GraphOptions.from_settings())

    assert connection.vendor == "sqlite" and bulk.options == orm.options
    assert (bulk.use_case_ids, bulk.hubs, bulk.foundation_users) == (orm.use_case_ids, orm.hubs, orm.foundation_users)
    assert (bulk.links, bulk.uses, bulk.conflicts, bulk.edges) == (orm.links, orm.uses, orm.conflicts, orm.edges)
    assert bulk.fingerprint() == orm.fingerprint()
    assert len(bulk.links) == 7 and len(bulk.uses) == 6 and len(bulk.conflicts) == 1
    assert [(i, j) for i, j, _kind, _weight in bulk.links] == sorted((i, j) for i, j, _kind, _weight in bulk.links)


def test_links_that_all_touch_uncovered_use_cases_leave_an_empty_graph_not_an_error(graph):
    """Every conflict (and every link of some kind) may touch a draft or another domain: the pieces
    read for those kinds are empty, and the graph is still built (a run limited to a domain with no
    links of its own, while other domains have plenty)."""
    from tests.factories import DomainFactory

    finance = DomainFactory(slug="finance", name="Finance")
    lonely = graph.use_cases(2, domain=finance)
    retail = graph.use_cases(3)
    draft = graph.use_cases(1, status="draft")[0]
    graph.chain(retail)
    graph.link(retail[0], draft, "conflicts_with", 2)

    built = graph_build(GraphOptions.from_settings(domains=["finance"]))

    assert built.node_count == 2 and built.links == [] and built.conflicts == []
    assert built.to_igraph().ecount() == 0
    assert graph_build(GraphOptions.from_settings()).conflicts == []  # the draft is not covered
    assert built.use_case_ids == sorted(u.pk for u in lonely)
