"""`make bench`: API bulk paths against plain baselines, on PostgreSQL, at 10,000 and 100,000 use cases.

For each size a fresh database is created and migrated, `generate_scale_data` fills it, and each
figure is measured beside its baseline, interleaved, best of `--repeat` runs (5 by default; a
shared machine is noisy, and the best run is the one least disturbed):

- JSON: every visible use case (or link) pulled through cursor pages of 10,000 with an API token,
  through the whole Django stack (the time of the requests; the client reading `next` out of each
  page is not counted), against `values()` of the same scalar columns over the same keyset pages +
  `orjson.dumps` (the baseline leaves out the to-many columns, functions and foundations, that the
  API adds with one query each per page).
- CSV: every visible use case streamed by `?format=csv`, against `values_list().iterator()` +
  `csv.writer` of the same columns.
- CSV memory: peak Python memory (tracemalloc) while streaming, against the baseline's; it must not
  grow with the rows.

    python -m tests.benchmarks [--sizes 10000 100000] [--links-per-use-case 1] [--repeat 3]

Then the portfolio benchmarks (tests/benchmarks/portfolios.py: clustering runs end to end, against
networkx, quality and stability), and the import benchmark (tests/benchmarks/imports.py: the federal
file and generated files of 10,000 and 100,000 rows, against DictReader + bulk_create). `--only api`,
`--only portfolios` or `--only imports` runs one of them:

    python -m tests.benchmarks --only portfolios [--portfolio-sizes 10000 100000] [--networkx-max-size 10000]
    python -m tests.benchmarks --only imports [--import-sizes 10000 100000]
    python -m tests.benchmarks --only intelligence [--intelligence-sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.benchmarks import imports, intelligence, portfolios  # noqa: E402

TARGETS = {"json": 1.5, "csv": 2.0}
PAGE = 10_000


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def best_pair(api, baseline, repeat: int) -> tuple[float, float]:
    """Each callable returns the seconds it measured; the best of `repeat` interleaved runs."""
    api_times, base_times = [], []
    for _ in range(repeat):
        base_times.append(baseline())
        api_times.append(api())
    return min(api_times), min(base_times)


def peak_memory(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Bench:
    def __init__(self, size: int, links: int, repeat: int):
        from core.actors import SYSTEM
        from core.services import api_token_create
        from domains.models import User

        self.size, self.links, self.repeat = size, links, repeat
        user, _ = User.objects.get_or_create(username="bench-bi")
        _, key = api_token_create(actor=SYSTEM, user=user, name="bench", rate_limit="1000000/min")
        self.client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        self.rows: list[tuple] = []

    # API ---------------------------------------------------------------------------------------------

    def api_pull(self, path: str) -> tuple[int, float]:
        """Rows pulled, and the seconds spent serving them: reading `next` from each page is the
        client's work, so it is left out of the time."""
        url, count, serving = f"{path}?pagination=cursor&page_size={PAGE}", 0, 0.0
        while url:
            started = time.perf_counter()
            response = self.client.get(url)
            serving += time.perf_counter() - started
            assert response.status_code == 200, response.content[:300]
            body = orjson.loads(response.content)
            count += len(body["results"])
            url = body["next"]
        return count, serving

    def api_csv(self, path: str) -> int:
        response = self.client.get(f"{path}?format=csv")
        assert response.status_code == 200
        return sum(len(chunk) for chunk in response.streaming_content)

    # Baselines ---------------------------------------------------------------------------------------

    @staticmethod
    def baseline_pull(queryset, columns) -> int:
        from core.api.flat import orjson_default

        queryset = queryset.order_by("updated_at", "pk")
        position, count = None, 0
        while True:
            page = queryset
            if position is not None:
                stamp, pk = position
                page = page.filter(Q(updated_at__gte=stamp) & (Q(updated_at__gt=stamp) | Q(pk__gt=pk)))
            rows = list(page.values(*columns)[:PAGE])
            orjson.dumps(rows, default=orjson_default)
            count += len(rows)
            if len(rows) < PAGE:
                return count
            position = (rows[-1]["updated_at"], rows[-1]["id"])

    @staticmethod
    def baseline_csv(queryset, columns) -> int:
        buffer, size = io.StringIO(), 0
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for n, row in enumerate(queryset.order_by("updated_at", "pk").values_list(*columns).iterator(chunk_size=2000)):
            writer.writerow(row)
            if n % 1000 == 999:
                size += len(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        return size + len(buffer.getvalue().encode())

    def run(self) -> list[tuple]:
        from core.api.flat import flat_spec
        from domains.api.serializers import UseCaseSerializer
        from domains.models import UseCase
        from portfolio.api.serializers import UseCaseLinkSerializer
        from portfolio.models import UseCaseLink

        visible = UseCase.objects.exclude(status="draft")
        uc_columns = list(flat_spec(UseCaseSerializer).scalar_paths)
        link_columns = list(flat_spec(UseCaseLinkSerializer).scalar_paths)
        visible_links = UseCaseLink.objects.exclude(source__status="draft").exclude(target__status="draft")
        n_uc, n_links = visible.count(), visible_links.count()
        assert self.api_pull("/api/v1/use-cases/")[0] == n_uc == self.baseline_pull(visible, uc_columns)
        assert self.api_pull("/api/v1/links/")[0] == n_links == self.baseline_pull(visible_links, link_columns)
        results = []

        api, base = best_pair(
            lambda: self.api_pull("/api/v1/use-cases/")[1],
            lambda: timed(lambda: self.baseline_pull(visible, uc_columns)),
            self.repeat,
        )
        results.append(("use cases, JSON cursor pages of 10,000", n_uc, api, base, "json"))
        api, base = best_pair(
            lambda: self.api_pull("/api/v1/links/")[1],
            lambda: timed(lambda: self.baseline_pull(visible_links, link_columns)),
            self.repeat,
        )
        results.append(("links, JSON cursor pages of 10,000", n_links, api, base, "json"))
        api, base = best_pair(
            lambda: timed(lambda: self.api_csv("/api/v1/use-cases/")),
            lambda: timed(lambda: self.baseline_csv(visible, uc_columns)),
            self.repeat,
        )
        results.append(("use cases, CSV streamed", n_uc, api, base, "csv"))
        api_mem = peak_memory(lambda: self.api_csv("/api/v1/use-cases/"))
        base_mem = peak_memory(lambda: self.baseline_csv(visible, uc_columns))
        results.append(("use cases, CSV peak memory (MiB)", n_uc, api_mem / 2**20, base_mem / 2**20, "memory"))
        return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--links-per-use-case", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--only", choices=["api", "portfolios", "imports", "intelligence"], help="run one of the benchmarks"
    )
    portfolios.add_arguments(parser)
    imports.add_arguments(parser)
    intelligence.add_arguments(parser)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("make bench runs on PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    setup_test_environment()
    settings.DEBUG = False
    original_name = settings.DATABASES["default"]["NAME"]
    if args.only in (None, "api"):
        api_bench(args, original_name)
    status = 0
    if args.only in (None, "portfolios"):
        print(flush=True)
        status = portfolios.run(args)
    if args.only in (None, "imports"):
        print(flush=True)
        status = imports.run(args) or status
    if args.only in (None, "intelligence"):
        print(flush=True)
        status = intelligence.run(args) or status
    return status


def api_bench(args, original_name: str) -> None:
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{original_name}_bench"
    table = []
    for size in args.sizes:
        links = int(size * args.links_per_use_case)
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            started = time.perf_counter()
            call_command("generate_scale_data", use_cases=size, links=links, stdout=io.StringIO())
            generated = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"# {size:,} use cases, {links:,} links generated in {generated:.1f} s", flush=True)
            for row in Bench(size, links, args.repeat).run():
                table.append((size, *row))
                print_row(size, *row)
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)
    print()
    print("| use cases | figure | rows | API | baseline | ratio | target |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size, label, rows, api, base, kind in table:
        unit = "MiB" if kind == "memory" else "s"
        target = f"≤ {TARGETS[kind]}x" if kind in TARGETS else "flat as rows grow"
        print(
            f"| {size:,} | {label} | {rows:,} | {api:.3f} {unit} | {base:.3f} {unit} | {api / base:.2f}x | {target} |"
        )


def print_row(size, label, rows, api, base, kind) -> None:
    unit = "MiB" if kind == "memory" else "s"
    print(
        f"{size:>7,} {label:<42} {rows:>7,} rows  api {api:8.3f} {unit}  "
        f"baseline {base:8.3f} {unit}  {api / base:5.2f}x",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
