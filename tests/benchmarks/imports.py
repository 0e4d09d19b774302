"""The import benchmark (issue 12): an inventory file imported end to end (stored, parsed, cleaned,
written, audited: exchange.services.import_run_create then import_run_execute, as the admin's confirm
and the command run it), beside a baseline in the same run: the same rows read with csv.DictReader and
written with bulk_create, one domain and one team, no cleaning, no mapping, no history, no audit.

- The real 2024 federal file (../shared/data/federal-ai-inventory-2024.csv, the shipped mapping);
  target 15 s.
- Generated files in the same layout, built from the real rows (each name numbered, so that every row
  is a use case of its own, with the real file's spellings, blanks, dates and lists to clean), at the
  `--import-sizes` (10,000 and 100,000 rows by default); target 3 minutes at 100,000, with flat
  memory: the peak resident set's growth is printed for each size, and their ratio (flat: at most 2x
  for 10x the rows).

Each figure is one run on a fresh database (a second import of the same file is an update, another
figure): a shared machine is noisy, compare the import with the baseline of the same run.

    python -m tests.benchmarks --only imports [--import-sizes 10000 100000]
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.benchmarks.portfolios import bench_database, mib, peak_rss, verdict

FEDERAL_FILE = Path(settings.BASE_DIR).parent / "shared" / "data" / "federal-ai-inventory-2024.csv"
MAPPING = "us-federal-ai-inventory-2024"
FEDERAL_TARGET_SECONDS = 15.0
LARGE_TARGET_SECONDS = 180.0
LARGE_SIZE = 100_000


@dataclass
class Figures:
    label: str
    rows: int
    seconds: float
    baseline: float
    rss: int
    baseline_rss: int
    file_bytes: int
    created: int
    problems: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline if self.baseline else float("inf")


def add_arguments(parser) -> None:
    parser.add_argument("--import-sizes", type=int, nargs="+", default=[10_000, LARGE_SIZE])


def generated_file(source: bytes, size: int) -> bytes:
    """`size` rows in the federal layout, the real rows over and over, each name numbered."""
    text = source.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [row for row in reader if row]
    name = header.index("2_use_case_name")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for n in range(size):
        row = list(rows[n % len(rows)])
        row[name] = f"{row[name].strip()} #{n + 1}"
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def import_file(content: bytes, name: str):
    from core.actors import SYSTEM
    from exchange import services
    from exchange.selectors import shipped_mapping_path

    run = services.import_run_create(
        actor=SYSTEM,
        file_name=name,
        content=content,
        definition=shipped_mapping_path(MAPPING).read_text(),
        dry_run=False,
        enqueue=False,
        size_limited=False,
    )
    return services.import_run_execute(run_id=run.pk, actor=SYSTEM)


def baseline_load(content: bytes) -> int:
    """The same rows, as plainly as Django writes them: csv.DictReader and bulk_create in batches of
    2,000 in one transaction, into one domain and one team, the text as it is (cut to the column)."""
    from django.db import transaction

    from domains.models import Domain, Team, UseCase
    from domains.models.use_cases import TITLE_MAX_CHARS

    with transaction.atomic():
        domain = Domain.objects.create(name="Baseline agency", slug="baseline-agency")
        team = Team.objects.create(name="Baseline bureau", slug="baseline-bureau", function=_a_function())
        batch, count = [], 0
        for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")):
            count += 1
            batch.append(
                UseCase(
                    reference=f"BL-{count:06d}",
                    title=row["2_use_case_name"][:TITLE_MAX_CHARS],
                    problem_statement=row["11_purpose_benefits"],
                    proposed_solution=row["12_outputs"],
                    domain=domain,
                    team=team,
                    status="submitted",
                    external_source="baseline",
                    external_id=str(count),
                )
            )
            if len(batch) == 2000:
                UseCase.objects.bulk_create(batch)
                batch = []
        UseCase.objects.bulk_create(batch)
    return count


def _a_function():
    from domains.models import BusinessFunction

    return BusinessFunction.objects.order_by("pk").first()


def measure(label: str, content: bytes, name: str, database: str) -> Figures:
    """The import on one fresh database, the baseline on another: neither finds the other's rows."""
    with bench_database(f"{database}_import", keepdb=False), peak_rss() as rss:
        started = time.perf_counter()
        run = import_file(content, name)
        seconds = time.perf_counter() - started
    with bench_database(f"{database}_baseline", keepdb=False), peak_rss() as baseline_rss:
        started = time.perf_counter()
        loaded = baseline_load(content)
        baseline = time.perf_counter() - started
    assert run.status == "succeeded", run.error or run.problems[:5]
    figures = Figures(
        label=label,
        rows=loaded,
        seconds=seconds,
        baseline=baseline,
        rss=rss[0],
        baseline_rss=baseline_rss[0],
        file_bytes=len(content),
        created=run.created_count,
        problems=run.problem_count,
    )
    print(
        f"{label:<34} {figures.rows:>8,} rows  import {seconds:8.2f} s  baseline {baseline:7.2f} s  "
        f"{figures.ratio:6.1f}x  created {run.created_count:,}  problems {run.problem_count:,}  "
        f"peak RSS growth {mib(figures.rss)} (baseline {mib(figures.baseline_rss)})",
        flush=True,
    )
    return figures


def run(args) -> int:
    if not FEDERAL_FILE.is_file():
        print(f"# imports: {FEDERAL_FILE} is missing; the import benchmark needs the real file.", flush=True)
        return 1
    source = FEDERAL_FILE.read_bytes()
    base = settings.DATABASES["default"]["NAME"]
    results = [measure("federal 2024 file", source, FEDERAL_FILE.name, f"{base}_federal")]
    for size in args.import_sizes:
        results.append(
            measure("generated, federal layout", generated_file(source, size), f"generated-{size}.csv", f"{base}_gen")
        )
    print()
    print(
        "| file | rows | import (parse, clean, write, audit) | baseline (DictReader + bulk_create) | ratio | "
        "peak RSS growth | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for figures in results:
        if figures.label.startswith("federal"):
            target = f"≤ {FEDERAL_TARGET_SECONDS:.0f} s: {verdict(figures.seconds <= FEDERAL_TARGET_SECONDS)}"
        elif figures.rows >= LARGE_SIZE:
            target = f"≤ {LARGE_TARGET_SECONDS:.0f} s: {verdict(figures.seconds <= LARGE_TARGET_SECONDS)}"
        else:
            target = ""
        print(
            f"| {figures.label} | {figures.rows:,} | {figures.seconds:.2f} s | {figures.baseline:.2f} s | "
            f"{figures.ratio:.1f}x | {mib(figures.rss)} | {target} |"
        )
    generated = [figures for figures in results if not figures.label.startswith("federal")]
    if len(generated) >= 2:
        small, large = generated[0], generated[-1]
        print(
            f"\nMemory as rows grow: {small.rows:,} -> {large.rows:,} rows ({large.rows / small.rows:.0f}x) took the "
            f"peak resident set's growth from {mib(small.rss)} to {mib(large.rss)} "
            f"({large.rss / max(small.rss, 1):.1f}x): {verdict(large.rss <= 2 * small.rss)} (flat: at most 2x). "
            f"The files are {mib(small.file_bytes)} and {mib(large.file_bytes)}; the run stores and reads them a "
            f"piece at a time (exchange.storage)."
        )
    return 0
