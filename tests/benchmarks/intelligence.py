"""The portfolio-intelligence benchmark (issue 13), on generated data (generate_scale_data) at the
`--intelligence-sizes` (10,000 use cases by default, one link each):

- Duplicate suggestion for one draft: the index built once (cold, printed), then the median and the
  95th percentile of 25 suggestions for different drafts (warm): target 200 ms at 10,000 use cases.
  Baseline in the same run: PostgreSQL pg_trgm's `similarity()` over the same texts, the best of the
  database's own tools without an index made for it (`ORDER BY similarity(...) DESC LIMIT 5`).
- The priority table (standalone, synergy, keystones over the clustering graph): computed afresh, with
  its query count, which does not grow with the data; and one what-if of ten use cases on it.

    python -m tests.benchmarks --only intelligence [--intelligence-sizes 10000 100000]
"""

from __future__ import annotations

import io
import statistics
import time

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.benchmarks.portfolios import bench_database, verdict

SUGGESTION_TARGET_MS = 200.0
DRAFTS = (
    ("Predict customer churn for subscribers", "Subscribers cancel without warning; score who may leave."),
    ("Forecast store demand per product", "Orders copy last year's sales; forecast daily demand."),
    ("Summarise customer service calls", "Advisers write notes after each call; summarise them."),
    ("Match supplier invoices to orders", "Accounts payable match invoices by hand."),
    ("Optimise delivery routes", "Drivers follow fixed rounds; plan routes from the orders."),
)


def add_arguments(parser) -> None:
    parser.add_argument("--intelligence-sizes", type=int, nargs="+", default=[10_000])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _trigram_baseline(title: str, problem: str) -> float:
    from portfolio.duplicates import document

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM domains_usecase ORDER BY similarity(lower(title || ' ' || title || ' ' || "
            "problem_statement), %s) DESC LIMIT 5",
            [document(title, problem)],
        )
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def run(args) -> int:
    from portfolio.duplicates import current_index, forget_index, suggest
    from portfolio.priorities import forget_table, priority_table, what_if

    status = 0
    print("# portfolio intelligence: duplicate suggestions, priorities, what-if", flush=True)
    print("| what | size | ours | baseline | ratio | queries | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for size in args.intelligence_sizes:
        with bench_database("aiportfolio_bench_intelligence", keepdb=False):
            call_command("generate_scale_data", use_cases=size, links=size, stdout=io.StringIO())
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("ANALYZE")
            forget_index()
            started = time.perf_counter()
            index = current_index()
            cold = time.perf_counter() - started
            print(f"| duplicate index built (once per change) | {size:,} | {cold:.2f} s | | | | |", flush=True)
            ours, base = [], []
            for round_ in range(5):
                for title, problem in DRAFTS:
                    title = f"{title} {round_}"
                    started = time.perf_counter()
                    suggest(index, title=title, problem=problem)
                    ours.append((time.perf_counter() - started) * 1000)
                    base.append(_trigram_baseline(title, problem))
            median, p95 = statistics.median(ours), _percentile(ours, 0.95)
            base_median = statistics.median(base)
            ok = p95 <= SUGGESTION_TARGET_MS
            status = status or (0 if ok else 1)
            print(
                f"| duplicate suggestion for one draft (median; p95 {p95:.1f} ms) | {size:,} | {median:.1f} ms | "
                f"{base_median:.1f} ms (pg_trgm) | {median / base_median:.2f}x | 0 | "
                f"p95 <= {SUGGESTION_TARGET_MS:.0f} ms {verdict(ok)} |",
                flush=True,
            )
            forget_table()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                table = priority_table()
                seconds = time.perf_counter() - started
            print(
                f"| priority table (standalone, synergy, keystones) | {size:,} | {seconds:.2f} s | | | "
                f"{len(captured.captured_queries)} | |",
                flush=True,
            )
            stopped = table.ranked[:10]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                what_if(table, stopped)
                seconds = time.perf_counter() - started
            print(
                f"| what-if of the 10 highest-ranked | {size:,} | {seconds * 1000:.0f} ms | | | "
                f"{len(captured.captured_queries)} | |",
                flush=True,
            )
    return status
