"""The network map in the admin: its page and its JSON, in a fixed number of queries whatever the
number of use cases; what the JSON carries (portfolio colours, sizes by value, isolated use cases,
link kinds and directions, server-side positions); its filters; who may open it; and the page under
the Content Security Policy (no inline script)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from domains.models import UseCase
from portfolio import selectors
from portfolio.models import Portfolio
from tests.factories import DomainFactory
from tests.portfolio.conftest import run_clustering
from tests.test_csp import InlineScriptFinder

pytestmark = pytest.mark.django_db

MAP = reverse("admin:portfolio_portfolio_map")
DATA = reverse("admin:portfolio_portfolio_map_data")


@pytest.fixture(autouse=True)
def _fresh_layout_cache():
    cache.clear()


@pytest.fixture
def member(world, committee_admin):
    return committee_admin(world.finance)


def build(graph, count: int) -> None:
    """`count` use cases in groups of five (every pair linked, the first two sharing a foundation),
    clustered into proposals: the shape of the data whatever its size."""
    for _ in range(count // 5):
        group = graph.use_cases(5)
        graph.chain(group)
        graph.foundation(group[:2])
    run_clustering()


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(context)


def data(client, **params) -> dict:
    response = client.get(DATA, params)
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


@pytest.mark.parametrize("url", [MAP, DATA])
def test_the_map_and_its_data_read_in_a_fixed_number_of_queries(member, graph, url, django_assert_max_num_queries):
    build(graph, 5)
    assert UseCase.objects.count() == 6  # the world's draft, and five covered
    with_5 = queries(member, url, foundations="on")
    build(graph, 45)
    assert Portfolio.objects.count() == 10
    cache.clear()  # a new graph is laid out again: the layout's cost is not in queries

    with django_assert_max_num_queries(with_5):
        with_50 = queries(member, url, foundations="on")

    assert with_50 == with_5
    assert with_5 <= 16


def test_the_data_draws_each_portfolio_in_its_colour_and_sizes_nodes_by_value(member, graph):
    big, small = graph.use_cases(3, estimated_annual_benefit=Decimal("900000")), graph.use_cases(3)
    graph.chain(big)
    graph.chain(small)
    (loner,) = graph.use_cases(1, estimated_annual_benefit=None, business_value=2)
    run_clustering()

    payload = data(member)

    nodes = {node["pk"]: node for node in payload["nodes"]}
    assert set(nodes) == {uc.pk for uc in (*big, *small, loner)}  # the world's draft is not covered
    portfolios = {p["id"]: p for p in payload["portfolios"]}
    assert len(portfolios) == 2 and len({p["colour"] for p in portfolios.values()}) == 2
    for use_case in (*big, *small):
        node = nodes[use_case.pk]
        assert node["colour"] == portfolios[node["portfolio"]]["colour"]
        assert isinstance(node["x"], int | float) and isinstance(node["y"], int | float)
    assert nodes[big[0].pk]["size"] > nodes[small[0].pk]["size"] > nodes[loner.pk]["size"]
    assert nodes[loner.pk]["isolated"] and nodes[loner.pk]["portfolio"] is None
    assert nodes[loner.pk]["colour"] == selectors.MAP_NO_PORTFOLIO
    assert payload["counts"] == {"use_cases": 7, "links": 6, "isolated": 1, "in_portfolios": 6}
    assert payload["urls"]["use_case"].replace("{pk}", str(loner.pk)) == reverse(
        "admin:domains_usecase_change", args=[loner.pk]
    )


def test_links_keep_their_kind_and_direction_and_conflicts_are_drawn(member, graph):
    first, second, third = graph.use_cases(3)
    graph.link(first, second, kind="depends_on")
    graph.link(second, third, kind="conflicts_with")
    graph.link(first, third, kind="shares_data")

    links = data(member)["links"]

    assert {(link["source"], link["target"], link["kind"]) for link in links} == {
        (first.pk, second.pk, "depends_on"),
        (second.pk, third.pk, "conflicts_with"),
        (first.pk, third.pk, "shares_data"),
    }


def test_shared_foundations_are_drawn_only_when_asked(member, graph):
    users = graph.use_cases(3)
    foundation = graph.foundation(users, name="Customer 360")

    plain, shown = data(member), data(member, foundations="on")

    assert plain["foundations"] == [] and plain["ties"] == []
    assert [(f["pk"], f["name"], f["users"]) for f in shown["foundations"]] == [(foundation.pk, "Customer 360", 3)]
    assert {tie["source"] for tie in shown["ties"]} == {uc.pk for uc in users}
    assert not any(node["isolated"] for node in shown["nodes"])  # a shared foundation is a tie


def test_the_filters_keep_one_domain_or_one_portfolio(member, graph):
    other = DomainFactory(name="Supply", slug="supply")
    retail, supply = graph.use_cases(3), graph.use_cases(3, domain=other)
    graph.chain(retail)
    graph.chain(supply)
    run_clustering()
    supply_portfolio = Portfolio.objects.get(memberships__use_case=supply[0])

    by_domain = data(member, domain="supply")
    by_portfolio = data(member, portfolio=supply_portfolio.reference)

    assert {node["pk"] for node in by_domain["nodes"]} == {uc.pk for uc in supply}
    assert {node["pk"] for node in by_portfolio["nodes"]} == {uc.pk for uc in supply}
    # A portfolio keeps its colour whatever the filter.
    everything = {p["id"]: p["colour"] for p in data(member)["portfolios"]}
    assert {p["id"]: p["colour"] for p in by_portfolio["portfolios"]} == everything


def test_an_unknown_filter_value_answers_400_naming_the_parameter(member, graph):
    response = member.get(DATA, {"domain": "atlantis"})

    assert response.status_code == 400
    assert "domain" in json.loads(response.content)["errors"]


def test_the_layout_is_the_same_each_time(member, graph):
    build(graph, 15)
    graph.use_cases(2)  # two scattered pilots

    first = {n["pk"]: (n["x"], n["y"]) for n in data(member)["nodes"]}
    cache.clear()
    second = {n["pk"]: (n["x"], n["y"]) for n in data(member)["nodes"]}

    assert first == second
    assert len(set(first.values())) == len(first)  # no two nodes on the same spot


def test_nodes_do_not_overlap(member, graph):
    build(graph, 30)

    nodes = data(member)["nodes"]

    for index, a in enumerate(nodes):
        for b in nodes[index + 1 :]:
            distance = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert distance >= (a["size"] + b["size"]) / 2 - 1, (a["reference"], b["reference"])


def test_the_page_has_filters_a_legend_and_no_inline_script(member, graph):
    build(graph, 5)

    response = member.get(MAP, {"foundations": "on"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "portfolio/vendor/cytoscape.min.js" in text and "portfolio/network_map.js" in text
    assert f'data-source="{DATA}?foundations=on"' in text
    assert "Legend" in text and "Depends on" in text and "Conflicts with" in text
    assert "scattered pilot" in text
    finder = InlineScriptFinder()
    finder.feed(text)
    assert finder.found == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_map_is_linked_from_the_portfolio_list_and_the_app_page(member, graph):
    build(graph, 5)

    assert MAP in member.get(reverse("admin:portfolio_portfolio_changelist")).content.decode()
    assert MAP in member.get(reverse("admin:app_list", args=["portfolio"])).content.decode()
    portfolio = Portfolio.objects.get()
    page = member.get(reverse("admin:portfolio_portfolio_change", args=[portfolio.pk])).content.decode()
    assert f"{MAP}?portfolio={portfolio.reference}" in page


@pytest.mark.parametrize("url", [MAP, DATA])
def test_the_map_is_the_committees(client, world, url):
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(world.team_member)
    assert client.get(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(world.staff)  # staff outside the committee
    assert client.get(url).status_code == 403


def test_the_map_shows_only_what_the_reader_may_see(graph, world, monkeypatch):
    """The map covers submitted to scaled, which everyone signed in sees today; the selector still
    applies the visibility rule, so a use case the rule hides is on no one's map, nor its links, nor
    a foundation it alone shares with the rest."""
    shown, hidden = graph.use_cases(2), graph.use_cases(1)[0]
    graph.chain([*shown, hidden])
    graph.foundation([shown[0], hidden], name="Only through the hidden one")
    rule = Q(pk__in=[uc.pk for uc in shown])
    monkeypatch.setattr(selectors, "use_case_visibility_filter", lambda actor: rule)

    payload = selectors.network_map(actor=world.other_team_member, foundations=True)

    assert {node["pk"] for node in payload["nodes"]} == {uc.pk for uc in shown}
    assert all(hidden.pk not in (link["source"], link["target"]) for link in payload["links"])
    assert payload["foundations"] == [] and payload["ties"] == []
