"""Clustering quality: partition_find recovers planted groups, the same graph and seed give the same
membership, and the check discriminates (groups drowned in noise are not "recovered").

The small, deterministic version of the bench's quality table (tests/benchmarks/portfolios.py)."""

from __future__ import annotations

import io
import random

import igraph
import pytest
from django.core.management import call_command

from portfolio.clustering import normalized_mutual_information, partition_find, scaled_resolution
from portfolio.graph import DEFAULT_STATUSES, GraphOptions, graph_build

GROUPS, SIZE, DEGREE = 8, 25, 10


def planted_partition(*, groups: int, size: int, degree: float, mixing: float, seed: int):
    """`groups` of `size` vertices, each expecting `degree` edges of which a share `mixing` leaves
    its group: pairs inside a group drawn with the probability that gives (1 - mixing) * degree,
    the edges between groups drawn uniformly among the pairs of different groups."""
    rng = random.Random(seed)
    n = groups * size
    p_in = (1 - mixing) * degree / (size - 1)
    edges = set()
    for g in range(groups):
        first = g * size
        for a in range(first, first + size):
            for b in range(a + 1, first + size):
                if rng.random() < p_in:
                    edges.add((a, b))
    outside = round(n * degree * mixing / 2)
    while outside:
        a, b = rng.randrange(n), rng.randrange(n)
        if a // size == b // size:
            continue
        pair = (min(a, b), max(a, b))
        if pair not in edges:
            edges.add(pair)
            outside -= 1
    graph = igraph.Graph(n=n, edges=sorted(edges), directed=False)
    graph.es["weight"] = [1.0] * graph.ecount()
    return graph, [v // size for v in range(n)]


def recovered(mixing: float, *, seed: int = 7, trials: int = 5) -> float:
    graph, truth = planted_partition(groups=GROUPS, size=SIZE, degree=DEGREE, mixing=mixing, seed=seed)
    partition = partition_find(graph, resolution=1.0, seed=42, trials=trials)
    return normalized_mutual_information(partition.membership, truth)


@pytest.mark.parametrize("mixing", [0.1, 0.2, 0.3])
def test_planted_groups_are_recovered_while_mixing_is_at_most_a_third(mixing):
    assert recovered(mixing) >= 0.9


def test_groups_drowned_in_noise_are_not_recovered():
    # The control: with 90% of each vertex's edges leaving its group there is nothing to find, and
    # the measure says so (a test that passed on any graph would show nothing).
    assert recovered(0.9) < 0.5


def test_the_same_graph_and_seed_give_the_same_membership():
    first, _ = planted_partition(groups=GROUPS, size=SIZE, degree=DEGREE, mixing=0.2, seed=7)
    again, _ = planted_partition(groups=GROUPS, size=SIZE, degree=DEGREE, mixing=0.2, seed=7)
    assert first.get_edgelist() == again.get_edgelist()

    one = partition_find(first, resolution=1.0, seed=42, trials=3)
    two = partition_find(again, resolution=1.0, seed=42, trials=3)

    assert one.membership == two.membership
    assert one.modularity == two.modularity and one.seed == two.seed


def ring_of_cliques(cliques: int, size: int):
    """The textbook case of modularity's resolution limit: `cliques` complete graphs of `size`, each
    tied to the next by one edge. Each clique is plainly a group; at resolution 1, once there are
    many of them, modularity prefers merging neighbours."""
    edges = []
    for c in range(cliques):
        first = c * size
        edges += [(first + a, first + b) for a in range(size) for b in range(a + 1, size)]
        edges.append((first, ((c + 1) % cliques) * size + 1))
    graph = igraph.Graph(n=cliques * size, edges=edges, directed=False)
    graph.es["weight"] = [1.0] * graph.ecount()
    return graph, [v // size for v in range(cliques * size)]


def test_a_large_graph_keeps_its_small_groups_at_the_scaled_resolution():
    graph, truth = ring_of_cliques(100, 5)  # 1,100 edges of weight 1

    plain = partition_find(graph, resolution=1.0, seed=42, trials=5, reference_weight=0)
    scaled = partition_find(graph, resolution=1.0, seed=42, trials=5, reference_weight=100)

    # The control: plain modularity merges cliques (its resolution limit), so the test can fail.
    assert plain.resolution == 1.0
    assert len(set(plain.membership)) < 100
    # Scaled (1,100 / 100 = 11 times), every clique is one group, whatever the seed.
    assert scaled.resolution == pytest.approx(11.0)
    assert normalized_mutual_information(scaled.membership, truth) == pytest.approx(1.0)
    assert partition_find(graph, resolution=1.0, seed=7, reference_weight=100).membership == scaled.membership


def test_the_resolution_is_scaled_only_above_the_reference_weight():
    assert scaled_resolution(1.5, total_weight=800, reference_weight=1000) == 1.5
    assert scaled_resolution(1.5, total_weight=1000, reference_weight=1000) == 1.5
    assert scaled_resolution(1.5, total_weight=4000, reference_weight=1000) == 6.0
    assert scaled_resolution(1.5, total_weight=4000, reference_weight=0) == 1.5  # 0 turns it off


def test_a_small_graph_is_clustered_at_plain_modularity():
    graph, truth = planted_partition(groups=GROUPS, size=SIZE, degree=DEGREE, mixing=0.2, seed=7)
    plain = partition_find(graph, resolution=1.0, seed=42, trials=3)
    with_reference = partition_find(graph, resolution=1.0, seed=42, trials=3, reference_weight=10_000)
    assert with_reference.resolution == 1.0
    assert with_reference.membership == plain.membership


@pytest.mark.django_db
def test_groups_planted_in_the_database_come_back_through_the_graph():
    """The same through the real graph: generate_scale_data plants groups of 20 (90% of links
    inside), graph_build reads them with their foundations, Leiden finds them."""
    call_command(
        "generate_scale_data",
        use_cases=200,
        links=600,
        seed=5,
        statuses=",".join(DEFAULT_STATUSES),
        foundations=10,
        group_size=20,
        in_group_share=0.9,
        stdout=io.StringIO(),
    )
    graph = graph_build(GraphOptions.from_settings())
    assert graph.node_count == 200

    partition = partition_find(graph.to_igraph(), resolution=1.0, seed=42, trials=5)

    truth = [position // 20 for position in range(graph.node_count)]  # ids follow the generation order
    assert normalized_mutual_information(partition.membership[: graph.node_count], truth) >= 0.9
