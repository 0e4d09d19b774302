"""`make bench`, portfolios: clustering runs end to end on PostgreSQL, against networkx's Louvain, with
the quality and stability figures of issue 10 ("Speed and quality").

For each size a fresh database (named after DATABASE_URL's, `<name>_portfolios_<size>`) is created
and migrated, and `generate_scale_data` fills it with use cases whose statuses a run covers
(submitted to scaled), `--portfolio-links-per-use-case` links each (10: 100,000 links for 10,000 use
cases), one foundation per 20 use cases, and planted groups (`--group-size` use cases, 60% of their
links inside, each member using its group's foundation with that probability): the portfolios
the links were designed for. Then:

- End to end: `clustering_run_execute` on a freshly created run (read the graph, cluster with the
  settings' trials, match identities, write proposals and memberships in one transaction), with
  no portfolio in the database ("first run"; the portfolio tables are emptied before each repeat),
  then again on the same data ("re-run": identities matched with the previous run's portfolios).
  Best of `--portfolio-repeat`. The breakdown comes from the run's own progress reports: read
  (claim, graph_build, to_igraph, fingerprint), cluster (Leiden trials, communities), match+write
  (the transaction, through commit). Peak memory: growth of the process's peak resident set
  (/proc/self/status VmHWM, reset before the run through /proc/self/clear_refs) over its resident
  set at the start: Python objects, psycopg buffers and igraph's C memory alike; and, in a separate
  untimed re-run, the peak of Python allocations alone (tracemalloc).
- Components, each timed on its own: graph_build, to_igraph, fingerprint, partition_find,
  portfolio_facts; and where one re-run's time goes, each function portfolio.services calls
  wrapped in a timer (no profiler overhead). A size that misses its time target is also profiled
  (cProfile: a re-run, and portfolio_facts alone); `--profile` profiles every size.
- networkx: `louvain_communities(weight="weight", seed=42)` on an nx.Graph of the same weighted
  edges (parallel edges summed, as to_igraph does), against our partition_find and our end to end;
  the modularity of both partitions by igraph's `Graph.modularity` with the weights.
- Seed stability: NMI over the use cases between partitions from different seeds, trials=1 and
  trials=PORTFOLIO_TRIALS, on the demo's graph and on the generated ones up to `--seed-max-size`;
  there too, for the setting (resolution scaled with the graph's weight) and for plain modularity at
  resolutions 1, 2 and 4, the resolution used, the communities found, their NMI with the planted
  groups and their seed stability.
- Stability: on the 10,000 graph, one link added (link_create, as a person would), run again: the
  share of members that moved, and whether every portfolio that still overlaps a group above the
  match threshold kept its identity (those not kept: merged into another kept portfolio, or
  replaced by a new one). `--stability-links` links, alternately between two random use cases
  and inside one portfolio, with the setting and, for comparison, with plain modularity at
  `--stability-plain-resolutions` (1).
- Quality (no database): planted partitions (igraph's SBM, and networkx's LFR where it converges),
  mixing 0.1 to 0.4: NMI of our partition against the planted groups, with the setting (the
  verdict) and with plain modularity at 1, 2 and 4 (for comparison).

Every figure with a target says met or MISSED.

    python -m tests.benchmarks --only portfolios [--portfolio-sizes 10000 100000]
        [--networkx-max-size 10000 | --skip-networkx] [--portfolio-repeat 3] [--seed-max-size 100000]
        [--keepdb] [--profile]
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import random
import re
import statistics
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.management import call_command
from django.db import connection

TARGET_SECONDS = {10_000: 1.0, 100_000: 10.0}
TARGET_RATIO = {10_000: 15.0, 100_000: 50.0}
TARGET_NMI = 0.9  # planted groups recovered while mixing <= 0.3
TARGET_SEED_NMI = 0.9
TARGET_MOVED = 0.02
MIXINGS = (0.1, 0.2, 0.3, 0.4)
RESOLUTIONS = (1.0, 2.0, 4.0)  # the quality and resolution tables compare the setting with plain modularity at these


def reference() -> float:
    """The setting's reference weight: above it the resolution grows with the graph (portfolio.clustering)."""
    return settings.PORTFOLIO_RESOLUTION_REFERENCE_WEIGHT


STABILITY_RATIONALE = "bench: one more link"


# Measuring ---------------------------------------------------------------------------------------------


def _status_kib(field_name: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field_name}:\s+(\d+) kB", status.read(), re.MULTILINE).group(1))


@contextmanager
def peak_rss():
    """Growth of the peak resident set over the resident set at the start, in bytes (result[0])."""
    result = [0]
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset VmHWM to the current RSS (Linux 4.0+)
        start = _status_kib("VmRSS")
    except OSError:  # not Linux: ru_maxrss cannot be reset, the figure is then 0 unless a new peak
        import resource

        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        yield result
    finally:
        try:
            peak = _status_kib("VmHWM")
        except OSError:
            import resource

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result[0] = max(0, peak - start) * 1024


def python_peak(function) -> tuple[object, int]:
    gc.collect()
    tracemalloc.start()
    try:
        value = function()
        return value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def best_of(function, repeat: int) -> tuple[float, object]:
    """Best time of `repeat` calls, and the last call's value."""
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return min(times), value


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


# The database ------------------------------------------------------------------------------------------


@contextmanager
def bench_database(name: str, *, keepdb: bool):
    original = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keepdb)
    try:
        yield
    finally:
        if keepdb:
            connection.close()
            settings.DATABASES["default"]["NAME"] = original
            connection.settings_dict["NAME"] = original
        else:
            connection.creation.destroy_test_db(original, verbosity=0)


def portfolios_reset() -> None:
    """No portfolio, no membership (a first run); the runs stay."""
    from portfolio.models import Portfolio, PortfolioMembership

    tables = []
    for model in (PortfolioMembership, Portfolio):
        tables.append(model._meta.db_table)
        if hasattr(model, "history"):  # simple_history's table, if the model keeps one
            tables.append(model.history.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE {}".format(", ".join(connection.ops.quote_name(t) for t in tables)))


def scale_data(size: int, links: int, *, group_size: int, in_group_share: float, keepdb: bool) -> str:
    from domains.models import UseCase
    from portfolio.graph import DEFAULT_STATUSES
    from portfolio.models import UseCaseLink

    if keepdb and UseCase.objects.filter(external_id__startswith="scale:").exists():
        UseCaseLink.objects.filter(rationale=STABILITY_RATIONALE).delete()
        return "kept from an earlier bench (--keepdb)"
    started = time.perf_counter()
    call_command(
        "generate_scale_data",
        use_cases=size,
        links=links,
        statuses=",".join(DEFAULT_STATUSES),
        foundations=max(1, size // 20),
        group_size=group_size,
        in_group_share=in_group_share,
        stdout=io.StringIO(),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"generated in {time.perf_counter() - started:.1f} s"


# End to end --------------------------------------------------------------------------------------------


@dataclass
class RunFigures:
    total: float
    read: float
    cluster: float
    write: float
    peak_rss: int
    run: object = None


def run_once(**choices) -> RunFigures:
    """A run created pending (with the settings, or `choices`), then executed and timed (only the
    execution is timed)."""
    from core.actors import SYSTEM
    from portfolio.choices import RunStatus
    from portfolio.services import clustering_run_create, clustering_run_execute

    run = clustering_run_create(actor=SYSTEM, dispatch=False, **choices)
    marks: list[tuple[float, int]] = []

    def report(progress, _message):
        marks.append((time.perf_counter(), progress))

    with peak_rss() as peak:
        started = time.perf_counter()
        run = clustering_run_execute(run_id=run.pk, report=report)
        ended = time.perf_counter()
    assert run.status == RunStatus.SUCCEEDED, run.error
    cluster_start = next(t for t, p in marks if p >= 25)
    write_start = next(t for t, p in marks if p >= 75)
    done = next(t for t, p in marks if p >= 100)
    return RunFigures(
        total=ended - started,
        read=cluster_start - started,
        cluster=write_start - cluster_start,
        write=done - write_start,
        peak_rss=peak[0],
        run=run,
    )


def best_run(figures: list[RunFigures]) -> RunFigures:
    best = min(figures, key=lambda f: f.total)
    best.peak_rss = max(f.peak_rss for f in figures)
    return best


def profile_rerun(limit: int = 22) -> str:
    """One re-run under cProfile: the functions that cost the most, cumulative then own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_once()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write("-- by cumulative time --\n")
    stats.sort_stats("cumulative").print_stats(limit)
    out.write("-- by own time --\n")
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


@contextmanager
def stopwatches():
    """Time the steps of a run from outside, with no profiler overhead: the functions
    portfolio.services calls (looked up in its namespace at call time) wrapped in timers."""
    import portfolio.services as services
    from portfolio.graph import PortfolioGraph
    from portfolio.models import PortfolioMembership

    spent: dict[str, float] = {}
    patched: list[tuple[object, str, object, bool]] = []

    def wrap(owner, name: str, label: str) -> None:
        if not hasattr(owner, name):  # the services change: time what is there
            return
        own = name in vars(owner)
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)
        patched.append((owner, name, original, own))

    wrap(services, "graph_build", "read: graph_build (4 queries + Python)")
    wrap(PortfolioGraph, "to_igraph", "read: to_igraph")
    wrap(PortfolioGraph, "fingerprint", "read: fingerprint")
    wrap(services, "partition_find", "cluster: partition_find (Leiden, all trials)")
    wrap(services, "communities_of", "cluster: communities_of")
    wrap(services, "isolated_of", "cluster: isolated_of")
    wrap(services, "_write_results", "match+write: _write_results (all of it)")
    wrap(services, "proposals_match", "match+write: proposals_match")
    wrap(services, "portfolio_facts", "match+write: portfolio_facts (metrics, ties, why)")
    wrap(services, "copy_create_with_history", "match+write: new Portfolio rows + history (COPY)")
    wrap(services, "bulk_update_with_history", "match+write: kept Portfolio rows + history")
    wrap(services, "_memberships_write", "match+write: memberships (diff, delete, COPY or bulk_create)")
    if not hasattr(services, "_memberships_write"):
        wrap(PortfolioMembership.objects, "bulk_create", "match+write: memberships bulk_create")
        wrap(PortfolioMembership.objects, "bulk_update", "match+write: pinned memberships bulk_update")
    wrap(services, "changes_between", "match+write: changes_between")
    wrap(services, "_summary", "match+write: _summary (change JSON)")
    wrap(services, "_run_step", "progress updates (_run_step)")
    wrap(services, "audit_record", "audit_record")
    try:
        yield spent
    finally:
        for owner, name, original, own in reversed(patched):
            if own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)


def timed_steps() -> tuple[float, dict[str, float]]:
    """One re-run with its steps timed. The part of _write_results no step accounts for (the lock,
    reading the live portfolios and their memberships, the portfolio updates) is given as its rest,
    and what no step of the run accounts for (the claim, the final update of the run, the commit) as
    the run's."""
    with stopwatches() as spent:
        figures = run_once()
    steps = dict(spent)
    write = steps.get("match+write: _write_results (all of it)", 0.0)
    inner = sum(v for k, v in steps.items() if k.startswith("match+write: ") and "(all of it)" not in k)
    steps["match+write: the rest (lock, read live portfolios and memberships, updates)"] = write - inner
    accounted = sum(v for k, v in steps.items() if "(all of it)" not in k)
    steps["claim, final run update, commit, the rest of the run"] = figures.total - accounted
    return figures.total, steps


def profile_facts(graph, groups, limit: int = 18) -> str:
    """portfolio_facts alone under cProfile, by own time."""
    from portfolio.metrics import portfolio_facts

    profiler = cProfile.Profile()
    profiler.enable()
    portfolio_facts(graph, groups)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(limit)
    return out.getvalue()


# networkx, seeds, stability ----------------------------------------------------------------------------


def networkx_graph(graph):
    """The nx.Graph of the same weighted edges: parallel edges summed, loops dropped (to_igraph)."""
    import networkx as nx

    summed: dict[tuple[int, int], float] = {}
    for (i, j), weight in zip(graph.edges, graph.weights, strict=True):
        if i == j:
            continue
        key = (i, j) if i < j else (j, i)
        summed[key] = summed.get(key, 0.0) + weight
    nx_graph = nx.Graph()
    nx_graph.add_nodes_from(range(graph.vertex_count))
    nx_graph.add_weighted_edges_from((i, j, w) for (i, j), w in summed.items())
    return nx_graph


def louvain_membership(nx_graph, vertex_count: int, seed: int, resolution: float = 1.0) -> list[int]:
    from networkx.algorithms.community import louvain_communities

    membership = [0] * vertex_count
    communities = louvain_communities(nx_graph, weight="weight", seed=seed, resolution=resolution)
    for label, community in enumerate(communities):
        for vertex in community:
            membership[vertex] = label
    return membership


def seed_stability(
    network,
    node_count: int,
    *,
    trials: int,
    seeds: int = 6,
    resolution: float | None = None,
    reference_weight: float | None = None,
) -> tuple[float, float]:
    """Mean and lowest NMI, over the use cases, between the partitions of `seeds` different seeds
    (seeds 0, trials, 2*trials...: no two share a trial)."""
    from portfolio.clustering import normalized_mutual_information, partition_find

    if resolution is None:
        resolution = settings.PORTFOLIO_RESOLUTION
    if reference_weight is None:
        reference_weight = reference()
    partitions = [
        partition_find(
            network, resolution=resolution, seed=k * trials, trials=trials, reference_weight=reference_weight
        ).membership[:node_count]
        for k in range(seeds)
    ]
    values = [
        normalized_mutual_information(partitions[a], partitions[b]) for a in range(seeds) for b in range(a + 1, seeds)
    ]
    return statistics.mean(values), min(values)


def memberships_now() -> tuple[dict[int, int], dict[int, set[int]]]:
    from portfolio.models import PortfolioMembership

    where: dict[int, int] = {}
    groups: dict[int, set[int]] = {}
    for use_case_id, portfolio_id in PortfolioMembership.objects.values_list("use_case_id", "portfolio_id"):
        where[use_case_id] = portfolio_id
        groups.setdefault(portfolio_id, set()).add(use_case_id)
    return where, groups


@dataclass
class StabilityFigures:
    link: str
    resolution: float
    reference_weight: float
    members_before: int
    moved: int  # use cases whose portfolio changed (joined, left or moved), from the memberships
    moved_reported: int  # the run's own count (changes["moved"])
    expected: int  # old portfolios some new group overlaps at least at the threshold
    kept: int  # of those, the ones that kept their identity
    lost: list = field(default_factory=list)
    seconds: float = 0.0


def one_more_link(
    rng: random.Random,
    ids: list[int],
    where: dict[int, int],
    *,
    inside: bool,
    resolution: float,
    reference_weight: float,
) -> StabilityFigures:
    """Add one reinforces link (between two members of one portfolio if `inside`, else between two
    use cases drawn at random), run again, and compare."""
    from core.actors import SYSTEM
    from domains.models import UseCase
    from portfolio.matching import jaccard
    from portfolio.models import Portfolio, UseCaseLink
    from portfolio.services import link_create

    groups: dict[int, list[int]] = {}
    for pk, portfolio in where.items():
        groups.setdefault(portfolio, []).append(pk)
    pools = [sorted(members) for _pk, members in sorted(groups.items()) if len(members) >= 3]
    while True:
        a, b = rng.sample(rng.choice(pools) if inside and pools else ids, 2)
        if not UseCaseLink.objects.filter(source__in=(a, b), target__in=(a, b)).exists():
            break
    source, target = UseCase.objects.get(pk=a), UseCase.objects.get(pk=b)
    link_create(actor=SYSTEM, source=source, target=target, kind="reinforces", rationale=STABILITY_RATIONALE)
    same = where.get(a) is not None and where.get(a) == where.get(b)
    label = f"{source.reference}-{target.reference} ({'same portfolio' if same else 'across portfolios'})"

    before_where, before = memberships_now()
    figures = run_once(resolution=resolution, reference_weight=reference_weight)
    after_where, after = memberships_now()
    moved = sum(1 for pk in set(before_where) | set(after_where) if before_where.get(pk) != after_where.get(pk))
    threshold = settings.PORTFOLIO_MATCH_THRESHOLD
    expected, kept, lost = 0, 0, []
    live_after = set(Portfolio.objects.filter(pk__in=list(after)).values_list("pk", flat=True))
    for pk, members in before.items():
        best, holder = max(((jaccard(members, group), key) for key, group in after.items()), default=(0.0, None))
        if best < threshold:
            continue
        expected += 1
        if pk in live_after and pk in figures.run.changes.get("kept", []):
            kept += 1
        else:
            # Its best group went to another portfolio of before (a merge: one identity survives) or
            # to a new one (an identity lost although the overlap stayed above the threshold).
            went = f"#{holder} (merged)" if holder in before else f"new #{holder}"
            lost.append(f"#{pk} J={best:.2f} -> {went}")
    return StabilityFigures(
        link=label,
        resolution=resolution,
        reference_weight=reference_weight,
        members_before=len(before_where),
        moved=moved,
        moved_reported=figures.run.changes.get("moved", -1),
        expected=expected,
        kept=kept,
        lost=lost,
        seconds=figures.total,
    )


# Quality on planted partitions -------------------------------------------------------------------------


def sbm_graph(*, groups: int, size: int, degree: float, mixing: float, seed: int):
    """igraph's stochastic block model: `groups` of `size`, each vertex expecting `degree` edges of
    which a share `mixing` leaves its group."""
    import igraph

    n = groups * size
    p_in = min(1.0, (1 - mixing) * degree / (size - 1))
    p_out = mixing * degree / (n - size)
    preference = [[p_in if a == b else p_out for b in range(groups)] for a in range(groups)]
    previous = random.getstate()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        graph = igraph.Graph.SBM(preference, [size] * groups, directed=False)
    finally:
        igraph.set_random_number_generator(random)
        random.setstate(previous)
    graph.es["weight"] = [1.0] * graph.ecount()
    return graph, [v // size for v in range(n)]


def lfr_graph(*, n: int, mixing: float, seed: int):
    """networkx's LFR benchmark (power-law degrees and community sizes), or None if it does not
    converge for these parameters."""
    import igraph
    import networkx as nx

    for attempt in range(5):
        try:
            nx_graph = nx.LFR_benchmark_graph(
                n,
                tau1=2.5,
                tau2=1.5,
                mu=mixing,
                average_degree=15,
                max_degree=60,
                min_community=20,
                max_community=100,
                seed=seed + attempt,
            )
            break
        except nx.ExceededMaxIterations:
            continue
    else:
        return None
    labels: dict[frozenset, int] = {}
    truth = [labels.setdefault(frozenset(nx_graph.nodes[v]["community"]), len(labels)) for v in range(n)]
    graph = igraph.Graph(n=n, edges=[(u, v) for u, v in nx_graph.edges() if u != v], directed=False)
    graph.es["weight"] = [1.0] * graph.ecount()
    return graph, truth


def quality_rows(trials: int) -> list[tuple]:
    from portfolio.clustering import normalized_mutual_information, partition_find

    rows = []
    cases = [
        ("SBM 1,000: 40 groups of 25, degree 10", partial(sbm_graph, groups=40, size=25, degree=10, seed=7)),
        (
            "SBM 10,000: 400 groups of 25, degree 20",
            partial(sbm_graph, groups=400, size=25, degree=20, seed=7),
        ),
        (
            "SBM 10,000: 100 groups of 100, degree 20",
            partial(sbm_graph, groups=100, size=100, degree=20, seed=7),
        ),
        ("LFR 1,000 (communities 20-100, degree 15)", partial(lfr_graph, n=1000, seed=11)),
        ("LFR 10,000 (communities 20-100, degree 15)", partial(lfr_graph, n=10_000, seed=11)),
    ]
    for label, make in cases:
        for mixing in MIXINGS:
            made = make(mixing=mixing)
            if made is None:
                rows.append((label, mixing, None, None, None, None, {}))
                continue
            graph, truth = made
            started = time.perf_counter()
            partition = partition_find(
                graph,
                resolution=settings.PORTFOLIO_RESOLUTION,
                seed=settings.PORTFOLIO_SEED,
                trials=trials,
                reference_weight=reference(),
            )
            seconds = time.perf_counter() - started
            nmi = normalized_mutual_information(partition.membership, truth)
            found = len(set(partition.membership))
            others = {}
            for resolution in RESOLUTIONS:  # plain modularity (no scaling), for comparison
                other = partition_find(graph, resolution=resolution, seed=settings.PORTFOLIO_SEED, trials=trials)
                others[resolution] = normalized_mutual_information(other.membership, truth)
            rows.append((label, mixing, nmi, found, len(set(truth)), seconds, others))
            print(
                f"  quality {label}, mixing {mixing}: NMI {nmi:.3f} ({found} found / {len(set(truth))} planted, "
                f"{seconds:.2f} s)",
                flush=True,
            )
    return rows


# One size ----------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    links: int
    nodes: int = 0
    vertices: int = 0
    edges: int = 0
    portfolios: int = 0
    modularity: float = 0.0
    first: RunFigures | None = None
    rerun: RunFigures | None = None
    python_peak: int = 0
    components: dict = field(default_factory=dict)
    networkx: dict | None = None
    seeds: dict = field(default_factory=dict)
    stability: list = field(default_factory=list)
    profile: str = ""
    steps: dict = field(default_factory=dict)
    steps_total: float = 0.0
    resolutions: list = field(default_factory=list)
    facts_profile: str = ""


def bench_size(size: int, links: int, args) -> SizeResult:
    from portfolio.clustering import communities_of, partition_find
    from portfolio.graph import GraphOptions, graph_build
    from portfolio.metrics import portfolio_facts

    result = SizeResult(size=size, links=links)
    repeat = args.portfolio_repeat

    first = []
    for _ in range(repeat):
        portfolios_reset()
        first.append(run_once())
        print(f"  first run {first[-1].total:.3f} s", flush=True)
    result.first = best_run(first)
    reruns = []
    for _ in range(repeat):
        reruns.append(run_once())
        print(f"  re-run    {reruns[-1].total:.3f} s", flush=True)
    result.rerun = best_run(reruns)
    run = result.rerun.run
    result.nodes, result.edges, result.portfolios, result.modularity = (
        run.node_count,
        run.edge_count,
        run.portfolio_count,
        run.modularity,
    )
    result.steps_total, result.steps = timed_steps()
    if not args.no_tracemalloc:
        _, result.python_peak = python_peak(run_once)

    # Components, each on its own.
    options = GraphOptions.from_settings()
    seconds, graph = best_of(lambda: graph_build(options), repeat)
    result.components["graph_build"] = seconds
    seconds, network = best_of(graph.to_igraph, repeat)
    result.components["to_igraph"] = seconds
    result.components["fingerprint"] = best_of(graph.fingerprint, repeat)[0]
    result.vertices = graph.vertex_count
    trials = settings.PORTFOLIO_TRIALS
    seconds, partition = best_of(
        lambda: partition_find(
            network,
            resolution=settings.PORTFOLIO_RESOLUTION,
            seed=settings.PORTFOLIO_SEED,
            trials=trials,
            reference_weight=reference(),
        ),
        repeat,
    )
    result.components[f"partition_find (trials={trials})"] = seconds
    result.components["partition_find (trials=1)"] = best_of(
        lambda: partition_find(
            network,
            resolution=settings.PORTFOLIO_RESOLUTION,
            seed=settings.PORTFOLIO_SEED,
            reference_weight=reference(),
        ),
        repeat,
    )[0]
    groups, _unplaced = communities_of(graph, partition, min_size=settings.PORTFOLIO_MIN_SIZE)
    result.components["portfolio_facts"] = best_of(lambda: portfolio_facts(graph, dict(enumerate(groups))), repeat)[0]
    ours = partition.modularity

    if not args.skip_networkx and size <= args.networkx_max_size:
        started = time.perf_counter()
        nx_graph = networkx_graph(graph)
        built = time.perf_counter() - started
        print(f"  networkx graph built in {built:.1f} s; louvain_communities...", flush=True)
        started = time.perf_counter()
        # At the resolution our run used (scaled with the graph's weight): the same objective.
        used = partition.resolution
        membership = louvain_membership(nx_graph, graph.vertex_count, seed=settings.PORTFOLIO_SEED, resolution=used)
        seconds = time.perf_counter() - started
        result.networkx = {
            "seconds": seconds,
            "build": built,
            "resolution": used,
            "modularity": network.modularity(membership, weights="weight", resolution=used),
            "ours_modularity": network.modularity(partition.membership, weights="weight", resolution=used),
            "standard": network.modularity(membership, weights="weight"),
            "ours_standard": network.modularity(partition.membership, weights="weight"),
            "ours_cluster": result.components[f"partition_find (trials={trials})"],
            "ours_cluster_1": result.components["partition_find (trials=1)"],
            "communities": len(set(membership)),
            "ours_communities": len(set(partition.membership)),
        }
        print(f"  networkx louvain {seconds:.1f} s", flush=True)
        del nx_graph, membership  # millions of objects: they would slow the collector in the runs that follow
        gc.collect()
    assert abs(ours - network.modularity(partition.membership, weights="weight")) < 1e-9

    if size <= args.seed_max_size:
        result.seeds["trials=1"] = seed_stability(network, graph.node_count, trials=1)
        result.seeds[f"trials={trials}"] = seed_stability(network, graph.node_count, trials=trials)
        if args.group_size:
            result.resolutions = resolution_sweep(network, graph.node_count, args.group_size, trials)

    target = TARGET_SECONDS.get(size)
    missed = target is not None and min(result.first.total, result.rerun.total) > target
    if args.profile or missed:
        result.profile = profile_rerun()
        result.facts_profile = profile_facts(graph, dict(enumerate(groups)))

    if size <= args.stability_max_size:
        # The setting first, then plain modularity at the comparison resolutions.
        choices = [(settings.PORTFOLIO_RESOLUTION, reference())]
        choices += [(resolution, 0.0) for resolution in args.stability_plain_resolutions]
        for number, (resolution, reference_weight) in enumerate(choices):
            rng = random.Random(2026 + int(resolution * 100) + number)
            if number:
                # the portfolios of this choice, before any link
                run_once(resolution=resolution, reference_weight=reference_weight)
            for k in range(args.stability_links):
                where, _groups = memberships_now()
                s = one_more_link(
                    rng,
                    graph.use_case_ids,
                    where,
                    inside=k % 2 == 1,
                    resolution=resolution,
                    reference_weight=reference_weight,
                )
                result.stability.append(s)
                print(
                    f"  {choice_label(resolution, reference_weight)}, one more link {s.link}: "
                    f"moved {s.moved}/{s.members_before}, kept {s.kept}/{s.expected}",
                    flush=True,
                )
    return result


def choice_label(resolution: float, reference_weight: float) -> str:
    if reference_weight > 0:
        return f"resolution {resolution:g} scaled above weight {reference_weight:,.0f} (the setting)"
    return f"plain modularity, resolution {resolution:g} (comparison)"


def resolution_sweep(network, node_count: int, group_size: int, trials: int) -> list[tuple]:
    """At a few resolutions: communities found, their NMI with the planted groups of the generated
    data (ids follow the generation order, every use case covered), and seed stability."""
    from portfolio.clustering import normalized_mutual_information, partition_find

    truth = [position // group_size for position in range(node_count)]
    rows = []
    choices = [(settings.PORTFOLIO_RESOLUTION, reference())] + [(r, 0.0) for r in RESOLUTIONS]
    for resolution, reference_weight in choices:
        partition = partition_find(
            network,
            resolution=resolution,
            seed=settings.PORTFOLIO_SEED,
            trials=trials,
            reference_weight=reference_weight,
        )
        members = partition.membership[:node_count]
        rows.append(
            (
                choice_label(resolution, reference_weight),
                partition.resolution,
                len(set(members)),
                normalized_mutual_information(members, truth),
                seed_stability(
                    network,
                    node_count,
                    trials=trials,
                    seeds=4,
                    resolution=resolution,
                    reference_weight=reference_weight,
                ),
            )
        )
    return rows


def demo_seeds(args) -> dict:
    """Seed stability on the demo's graph (the demo loaded into its own database)."""
    from portfolio.graph import GraphOptions, graph_build

    name = f"{settings.DATABASES['default']['NAME']}_portfolios_demo"
    with bench_database(name, keepdb=args.keepdb):
        from domains.models import UseCase

        if not UseCase.objects.exists():
            call_command("load_demo", stdout=io.StringIO())
        graph = graph_build(GraphOptions.from_settings())
        network = graph.to_igraph()
        trials = settings.PORTFOLIO_TRIALS
        return {
            "nodes": graph.node_count,
            "edges": network.ecount(),
            "trials=1": seed_stability(network, graph.node_count, trials=1, seeds=10),
            f"trials={trials}": seed_stability(network, graph.node_count, trials=trials, seeds=10),
        }


# Entry point and tables --------------------------------------------------------------------------------


def add_arguments(parser) -> None:
    group = parser.add_argument_group("portfolios")
    group.add_argument("--portfolio-sizes", type=int, nargs="+", default=[10_000, 100_000])
    group.add_argument("--portfolio-links-per-use-case", type=float, default=10.0)
    group.add_argument("--group-size", type=int, default=25, help="planted groups in the data (0: none)")
    group.add_argument("--in-group-share", type=float, default=0.6)
    group.add_argument("--portfolio-repeat", type=int, default=3)
    group.add_argument("--networkx-max-size", type=int, default=100_000, help="skip networkx above this size")
    group.add_argument("--skip-networkx", action="store_true")
    group.add_argument("--seed-max-size", type=int, default=10_000)
    group.add_argument("--stability-max-size", type=int, default=10_000)
    group.add_argument("--stability-links", type=int, default=6)
    group.add_argument(
        "--stability-plain-resolutions",
        type=float,
        nargs="*",
        default=[1.0],
        help="after the setting, the stability runs compare plain modularity (no scaling) at these",
    )
    group.add_argument("--no-demo", action="store_true", help="skip seed stability on the demo data")
    group.add_argument("--no-quality", action="store_true", help="skip the planted-partition quality table")
    group.add_argument("--no-tracemalloc", action="store_true")
    group.add_argument("--profile", action="store_true", help="profile a re-run even when on target")
    group.add_argument("--keepdb", action="store_true", help="keep the databases (and reuse them next time)")


def run(args) -> int:
    from portfolio.clustering import MULTI_TRIAL_MAX_EDGES

    trials = settings.PORTFOLIO_TRIALS
    print(
        f"# portfolios: resolution {settings.PORTFOLIO_RESOLUTION}, scaled above a link weight of {reference():,.0f}, "
        f"seed {settings.PORTFOLIO_SEED}, trials {trials} (one above {MULTI_TRIAL_MAX_EDGES:,} edges), "
        f"min size {settings.PORTFOLIO_MIN_SIZE}, match threshold {settings.PORTFOLIO_MATCH_THRESHOLD}",
        flush=True,
    )
    quality = [] if args.no_quality else quality_rows(trials)
    demo = None if args.no_demo else demo_seeds(args)
    results = []
    base = settings.DATABASES["default"]["NAME"]
    for size in args.portfolio_sizes:
        links = int(size * args.portfolio_links_per_use_case)
        with bench_database(f"{base}_portfolios_{size}", keepdb=args.keepdb):
            note = scale_data(
                size, links, group_size=args.group_size, in_group_share=args.in_group_share, keepdb=args.keepdb
            )
            print(f"# {size:,} use cases, {links:,} links: {note}", flush=True)
            results.append(bench_size(size, links, args))
    print_tables(results, quality, demo, args)
    return 0


def print_tables(results: list[SizeResult], quality: list, demo: dict | None, args) -> None:
    trials = settings.PORTFOLIO_TRIALS
    print()
    print(
        f"Data: generate_scale_data, statuses submitted..scaled, links per use case "
        f"{args.portfolio_links_per_use_case:g}, one foundation per 20 use cases, planted groups of "
        f"{args.group_size} ({args.in_group_share:.0%} of links inside). Trials {trials}. Best of "
        f"{args.portfolio_repeat}; peak memory: the highest of the repeats."
    )
    print()
    print("### End to end (clustering_run_execute, PostgreSQL)")
    print()
    print(
        "| use cases | links | graph (vertices / edges) | run | total | read | cluster | match+write | "
        "peak RSS growth (incl. igraph C) | portfolios | modularity | target | verdict |"
    )
    print("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        target = TARGET_SECONDS.get(r.size)
        for label, f in (("first run", r.first), ("re-run (matches the first's)", r.rerun)):
            ok = target is None or f.total <= target
            print(
                f"| {r.size:,} | {r.links:,} | {r.vertices:,} / {r.edges:,} | {label} | {f.total:.3f} s | "
                f"{f.read:.3f} s | {f.cluster:.3f} s | {f.write:.3f} s | {mib(f.peak_rss)} | {r.portfolios:,} | "
                f"{r.modularity:.4f} | {f'≤ {target:g} s' if target else '-'} | "
                f"{verdict(ok) if target else '-'} |"
            )
    if any(r.python_peak for r in results):
        print()
        print(
            "Peak Python allocations of a re-run (tracemalloc, untimed run): "
            + ", ".join(f"{r.size:,}: {mib(r.python_peak)}" for r in results if r.python_peak)
        )
    print()
    print("### Components (each timed on its own, best of the repeats)")
    print()
    names = list(results[0].components) if results else []
    print("| use cases | " + " | ".join(names) + " |")
    print("|---:|" + "---:|" * len(names))
    for r in results:
        print(f"| {r.size:,} | " + " | ".join(f"{r.components[n]:.3f} s" for n in names) + " |")

    if any(r.steps for r in results):
        print()
        print("### Where a re-run's time goes (each step timed from outside, no profiler; one re-run)")
        print()
        print("| step | " + " | ".join(f"{r.size:,}" for r in results if r.steps) + " |")
        print("|---|" + "---:|" * sum(1 for r in results if r.steps))
        labels = list(dict.fromkeys(label for r in results for label in r.steps))
        for label in labels:
            cells = []
            for r in results:
                if r.steps:
                    value = r.steps.get(label)
                    cells.append("-" if value is None else f"{value:.3f} s ({value / r.steps_total:.0%})")
            print(f"| {label} | " + " | ".join(cells) + " |")
        print("| **total (this run)** | " + " | ".join(f"{r.steps_total:.3f} s" for r in results if r.steps) + " |")

    print()
    print(
        "### Against networkx louvain_communities (same weighted graph, same resolution, same process; the target "
        "is on the clustering, the end-to-end ratio is for information)"
    )
    print()
    print(
        f"| use cases | resolution | networkx | ours: partition_find (trials={trials}) | ours: end to end | "
        "ratio (cluster) | ratio (end to end) | target | ratio if trials=1 (cluster) | "
        "modularity at that resolution, networkx / ours | standard modularity, networkx / ours | "
        "communities nx / ours | verdict |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        if r.networkx is None:
            print(f"| {r.size:,} | | skipped | | | | | | | | | | |")
            continue
        n = r.networkx
        end = min(r.first.total, r.rerun.total)
        ratio_cluster, ratio_end = n["seconds"] / n["ours_cluster"], n["seconds"] / end
        target = TARGET_RATIO.get(r.size)
        speed = target is None or ratio_end >= target
        speed_cluster = target is None or ratio_cluster >= target
        quality_ok = n["ours_modularity"] >= n["modularity"] - 1e-9
        notes = [
            f"speed {verdict(speed_cluster)}",
            f"modularity {verdict(quality_ok)}",
            f"(end to end {ratio_end:.1f}x{'' if speed else ' is below the target ratio'})",
        ]
        print(
            f"| {r.size:,} | {n['resolution']:.2f} | {n['seconds']:.2f} s | {n['ours_cluster']:.3f} s | {end:.3f} s | "
            f"{ratio_cluster:.1f}x | {ratio_end:.1f}x | {f'≥ {target:g}x' if target else '-'} | "
            f"{n['seconds'] / n['ours_cluster_1']:.1f}x | {n['modularity']:.4f} / {n['ours_modularity']:.4f} | "
            f"{n['standard']:.4f} / {n['ours_standard']:.4f} | {n['communities']:,} / {n['ours_communities']:,} | "
            f"{'; '.join(notes)} |"
        )

    if quality:
        print()
        print(f"### Quality: planted partitions, NMI of partition_find (trials {trials}) vs the planted groups")
        print()
        others = list(RESOLUTIONS)
        print(
            f"| graph | mixing μ | NMI (the setting: resolution {settings.PORTFOLIO_RESOLUTION:g}, scaled above "
            f"{reference():,.0f}) | communities found / planted | seconds | target | verdict | "
            + " | ".join(f"NMI, plain modularity at resolution {r:g} (comparison)" for r in others)
            + " |"
        )
        print("|---|---:|---:|---:|---:|---:|---|" + "---:|" * len(others))
        for label, mixing, nmi, found, planted, seconds, compared in quality:
            if nmi is None:
                print(f"| {label} | {mixing} | did not converge | | | | |" + " |" * len(others))
                continue
            target = mixing <= 0.3
            print(
                f"| {label} | {mixing} | {nmi:.3f} | {found:,} / {planted:,} | {seconds:.2f} s | "
                f"{'≥ 0.9' if target else '(none)'} | {verdict(nmi >= TARGET_NMI) if target else '-'} | "
                + " | ".join(f"{compared[r]:.3f}" for r in others)
                + " |"
            )

    print()
    print("### Seed stability: NMI over the use cases between partitions of different seeds (mean / lowest)")
    print()
    print(f"| graph | use cases | trials=1 | trials={trials} | target | verdict (trials={trials}) |")
    print("|---|---:|---:|---:|---:|---|")
    rows = []
    if demo:
        rows.append(("demo (10 seeds)", demo["nodes"], demo["trials=1"], demo[f"trials={trials}"]))
    for r in results:
        if r.seeds:
            rows.append(("generated (6 seeds)", r.nodes, r.seeds["trials=1"], r.seeds[f"trials={trials}"]))
    for label, nodes, one, many in rows:
        print(
            f"| {label} | {nodes:,} | {one[0]:.3f} / {one[1]:.3f} | {many[0]:.3f} / {many[1]:.3f} | ≥ 0.9 | "
            f"{verdict(many[1] >= TARGET_SEED_NMI)} |"
        )

    for r in results:
        if not r.resolutions:
            continue
        print()
        print(
            f"### Resolution on the generated {r.size:,} graph (planted groups of {args.group_size}; trials {trials})"
        )
        print()
        print(
            "| clustering | resolution used | communities | NMI vs planted groups | seed NMI mean / lowest (4 seeds) |"
        )
        print("|---|---:|---:|---:|---:|")
        for label, used, found, nmi, (mean, low) in r.resolutions:
            print(f"| {label} | {used:.2f} | {found:,} | {nmi:.3f} | {mean:.3f} / {low:.3f} |")

    for r in results:
        if not r.stability:
            continue
        print()
        print(
            f"### Stability: {r.size:,} use cases, one link added (link_create, reinforces), then a run "
            f"(threshold {settings.PORTFOLIO_MATCH_THRESHOLD})"
        )
        print()
        print(
            "| clustering | link added | members before | moved (memberships) | moved (run's changes) | share moved | "
            "identities kept / expected | run | verdict (≤ 2% moved; every identity kept) |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---|")
        for s in r.stability:
            share = s.moved / s.members_before if s.members_before else 0.0
            replaced = sum(1 for text in s.lost if "-> new" in text)
            merged = len(s.lost) - replaced
            lost = f" (not kept: {'; '.join(s.lost[:6])})" if s.lost else ""
            print(
                f"| {choice_label(s.resolution, s.reference_weight)} | {s.link} | {s.members_before:,} | "
                f"{s.moved:,} | {s.moved_reported:,} | {share:.2%} | {s.kept} / {s.expected}{lost} | "
                f"{s.seconds:.3f} s | moved {verdict(share <= TARGET_MOVED)}; identities "
                f"{verdict(s.kept == s.expected)}"
                + (f" ({merged} merged into a kept portfolio, {replaced} replaced by a new one)" if s.lost else "")
                + " |"
            )

    for r in results:
        if r.profile:
            print()
            print(f"### Profile of a re-run at {r.size:,} use cases (cProfile; inflates Python-heavy code)")
            print()
            print("```")
            print(r.profile.rstrip())
            print("```")
        if r.facts_profile:
            print()
            print(f"### Profile of portfolio_facts alone at {r.size:,} use cases (cProfile, by own time)")
            print()
            print("```")
            print(r.facts_profile.rstrip())
            print("```")
