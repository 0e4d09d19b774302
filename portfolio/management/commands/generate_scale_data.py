"""Generate a deterministic organisation at scale for benchmarks: N use cases, M links.

    python manage.py generate_scale_data --use-cases 100000 --links 100000 [--seed 2026]
        [--statuses submitted,approved,...] [--foundations 60] [--group-size 25 --in-group-share 0.6]

By default statuses are drawn from every status (drafts, rejected and retired included), links are
drawn 70% within the source's domain, and each use case uses 0 to 3 of 60 foundations. For the
portfolio benchmarks: `--statuses` draws only from these statuses (e.g. those a clustering run covers);
`--group-size` plants groups of that many consecutive use cases (the portfolios the links were
designed for), `--in-group-share` of the links falling inside the source's group and each use case
using its group's own foundation with probability `--in-group-share` (the others drawn as by
default); `--foundations` sets how many foundations there are.

The same seed gives the same rows (titles, scores, statuses, timestamps, links). On PostgreSQL the
rows go in with COPY (100,000 use cases in seconds); elsewhere with bulk_create, where auto_now
stamps the current time instead of the generated one. Bulk-loaded rows have no audit events or
history: they are test data, not business writes. Dependencies always point from a later use case
to an earlier one, so they cannot form a cycle; the cycle trigger is paused during the load for
speed and restored in the same transaction.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg.types.json import Jsonb

from domains.choices import AITechnique, Ambition, FoundationKind, JourneyStage, RiskTier, Sourcing, Status
from domains.models import (
    BusinessFunction,
    Domain,
    Foundation,
    ReferenceSequence,
    Team,
    UseCase,
    UseCaseFoundation,
    User,
    format_reference,
)
from portfolio.choices import LinkKind
from portfolio.models import UseCaseLink

EXTERNAL_ID_PREFIX = "scale:"
BASE_TIME = datetime(2025, 1, 1, tzinfo=timezone.utc)  # not datetime.UTC: Python 3.10 has none
BATCH_SIZE = 5000
USERS, DOMAINS, TEAMS, FOUNDATIONS = 50, 12, 40, 60
# Share of links drawn inside the source's domain: portfolios are denser within a domain.
SAME_DOMAIN_SHARE = 0.7
STATUS_WEIGHTS = {
    Status.DRAFT: 10,
    Status.SUBMITTED: 10,
    Status.IN_REVIEW: 10,
    Status.CHANGES_REQUESTED: 5,
    Status.APPROVED: 15,
    Status.REJECTED: 5,
    Status.ON_HOLD: 5,
    Status.IN_DELIVERY: 20,
    Status.SCALED: 15,
    Status.RETIRED: 5,
}
KIND_WEIGHTS = {
    LinkKind.SHARES_DATA: 30,
    LinkKind.SHARES_PLATFORM: 20,
    LinkKind.DEPENDS_ON: 20,
    LinkKind.REINFORCES: 25,
    LinkKind.CONFLICTS_WITH: 5,
}


class Command(BaseCommand):
    help = "Generate N use cases and M links, deterministically, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--use-cases", type=int, required=True, dest="use_cases")
        parser.add_argument("--links", type=int, default=0)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--statuses",
            default="",
            help="Comma-separated statuses to draw from (their usual proportions); default: every status.",
        )
        parser.add_argument("--foundations", type=int, default=FOUNDATIONS)
        parser.add_argument(
            "--group-size", type=int, default=0, dest="group_size", help="Plant groups of this many use cases."
        )
        parser.add_argument(
            "--in-group-share",
            type=float,
            default=0.6,
            dest="in_group_share",
            help="With --group-size: share of the links inside the source's group.",
        )

    def handle(
        self,
        *args,
        use_cases: int,
        links: int,
        seed: int,
        statuses: str = "",
        foundations: int = FOUNDATIONS,
        group_size: int = 0,
        in_group_share: float = 0.6,
        **options,
    ):
        if use_cases < 1:
            raise CommandError("--use-cases must be at least 1.")
        chosen = tuple(s.strip() for s in statuses.split(",") if s.strip()) if isinstance(statuses, str) else statuses
        unknown = sorted(set(chosen) - set(Status.values))
        if unknown:
            raise CommandError(f"--statuses: unknown {', '.join(unknown)}; allowed: {', '.join(Status.values)}.")
        if foundations < 0:
            raise CommandError("--foundations must be at least 0.")
        if group_size < 0 or group_size == 1:
            raise CommandError("--group-size must be 0 (no planted groups) or at least 2.")
        if not 0 <= in_group_share <= 1:
            raise CommandError("--in-group-share must be between 0 and 1.")
        if group_size and in_group_share == 1:
            full, rest = divmod(use_cases, group_size)
            capacity = full * group_size * (group_size - 1) // 2 + rest * (rest - 1) // 2
            if links > capacity:
                raise CommandError(f"--links must be at most {capacity} when every link stays in its group.")
        if links < 0 or links > use_cases * (use_cases - 1) // 2:
            raise CommandError(
                f"--links must be between 0 and {use_cases * (use_cases - 1) // 2} for {use_cases} use cases."
            )
        if UseCase.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).exists():
            raise CommandError("Scale data is already here: generate it into a fresh database.")
        started = time.monotonic()
        generate_scale_data(
            use_cases=use_cases,
            links=links,
            seed=seed,
            statuses=chosen,
            foundations=foundations,
            group_size=group_size,
            in_group_share=in_group_share,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{use_cases} use cases and {links} links in {time.monotonic() - started:.1f} s (seed {seed})."
            )
        )


@transaction.atomic
def generate_scale_data(
    *,
    use_cases: int,
    links: int,
    seed: int = 2026,
    statuses: tuple[str, ...] = (),
    foundations: int = FOUNDATIONS,
    group_size: int = 0,
    in_group_share: float = 0.6,
) -> None:
    """`statuses`: draw only from these (empty: all). `group_size` > 0 plants groups of consecutive
    use cases: `in_group_share` of the links stay inside the source's group, and each use case uses
    its group's own foundation with that probability."""
    rng = random.Random(seed)
    if connection.vendor == "postgresql":
        # A bulk load, not a request: the request timeouts (DB_STATEMENT_TIMEOUT_MS) do not apply to it.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
    functions = list(BusinessFunction.objects.order_by("slug"))
    if not functions:
        raise CommandError("No business functions: run `manage.py migrate` first.")
    users = _ensure(
        User,
        [{"username": f"scale-user-{i:03d}", "first_name": "Scale", "last_name": f"User {i}"} for i in range(USERS)],
        "username",
    )
    domains = _ensure(
        Domain, [{"slug": f"scale-domain-{i:02d}", "name": f"Scale domain {i:02d}"} for i in range(DOMAINS)], "slug"
    )
    teams = _ensure(
        Team,
        [
            {"slug": f"scale-team-{i:02d}", "name": f"Scale team {i:02d}", "function": functions[i % len(functions)]}
            for i in range(TEAMS)
        ],
        "slug",
    )
    kinds = list(FoundationKind.values)
    foundation_rows = _ensure(
        Foundation,
        [
            {
                "slug": f"scale-foundation-{i:02d}",
                "name": f"Scale foundation {i:02d}",
                "kind": kinds[i % len(kinds)],
                "readiness": 1 + i % 5,
            }
            for i in range(foundations)
        ],
        "slug",
    )
    use_case_ids, domain_of = _use_cases(rng, use_cases, users, domains, teams, statuses)
    _use_case_functions(rng, use_case_ids, functions)
    _use_case_foundations(rng, use_case_ids, foundation_rows, group_size, in_group_share)
    _links(rng, links, use_case_ids, domain_of, group_size, in_group_share)


def _ensure(model, rows: list[dict], key: str) -> list:
    existing = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})}
    missing = [model(**row) for row in rows if row[key] not in existing]
    model.objects.bulk_create(missing)
    found = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})}
    return [found[row[key]] for row in rows]


def _copy(model, columns: list[str], rows) -> None:
    """COPY on PostgreSQL; bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        statement = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table), ", ".join(connection.ops.quote_name(c) for c in columns)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([Jsonb(v) if isinstance(v, list) else v for v in row])
        return
    attnames = {f.column: f.attname for f in model._meta.concrete_fields}
    batch = []
    for row in rows:
        batch.append(model(**{attnames.get(c, c): v for c, v in zip(columns, row, strict=True)}))
        if len(batch) >= BATCH_SIZE:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 1000))


def _use_cases(rng, count, users, domains, teams, only=()) -> tuple[list[int], dict[int, int]]:
    numbers = ReferenceSequence.reserve("use_case", count)
    statuses = [status for status in STATUS_WEIGHTS if not only or status in only]
    status_weights = [STATUS_WEIGHTS[status] for status in statuses]
    ambitions, techniques = list(Ambition.values), list(AITechnique.values)
    tiers, sourcings, stages = list(RiskTier.values), list(Sourcing.values), list(JourneyStage.values)
    domain_index = {}

    def rows():
        for i, number in enumerate(numbers):
            domain = rng.randrange(len(domains))
            domain_index[i] = domain
            created = BASE_TIME + timedelta(minutes=i)
            updated = created + timedelta(seconds=rng.randrange(0, 30 * 24 * 3600), microseconds=rng.randrange(10**6))
            status = rng.choices(statuses, status_weights)[0]
            yield (
                format_reference(number),
                f"Scale use case {i}",
                domains[domain].pk,
                teams[rng.randrange(len(teams))].pk,
                users[rng.randrange(len(users))].pk,
                users[rng.randrange(len(users))].pk if rng.random() < 0.5 else None,
                f"Problem {i}: a process that AI could make faster or better.",
                f"Solution {i}: a model in the loop.",
                rng.choice(ambitions),
                rng.sample(stages, rng.randrange(0, 3)),
                rng.choice(techniques),
                rng.randint(1, 5),
                rng.randint(1, 5),
                rng.randint(1, 5),
                _money(rng, 10_000, 2_000_000),
                _money(rng, 5_000, 800_000),
                rng.choice(tiers),
                rng.random() < 0.1,
                rng.random() < 0.3,
                rng.choice(sourcings),
                status,
                None if status == Status.DRAFT else updated,
                # A use case on hold returns to where it was; generated ones were on hold from submission.
                Status.SUBMITTED if status == Status.ON_HOLD else "",
                f"{EXTERNAL_ID_PREFIX}{i}",
                created,
                updated,
            )

    columns = [
        "reference", "title", "domain_id", "team_id", "owner_id", "sponsor_id", "problem_statement",
        "proposed_solution", "ambition", "journey_stages", "ai_technique", "business_value", "feasibility",
        "data_readiness", "estimated_annual_benefit", "estimated_annual_cost", "risk_tier", "is_high_impact",
        "uses_personal_data", "sourcing", "status", "status_changed_at", "status_before_hold", "external_id",
        "created_at", "updated_at",
    ]  # fmt: skip
    _copy(UseCase, columns, rows())
    ids_by_external = dict(
        UseCase.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).values_list("external_id", "id")
    )
    ids = [ids_by_external[f"{EXTERNAL_ID_PREFIX}{i}"] for i in range(count)]
    return ids, {ids[i]: d for i, d in domain_index.items()}


def _use_case_functions(rng, ids, functions) -> None:
    def rows():
        for pk in ids:
            for function in rng.sample(functions, rng.randint(1, 3)):
                yield (pk, function.pk)

    _copy(UseCase.functions.through, ["usecase_id", "businessfunction_id"], rows())


def _use_case_foundations(rng, ids, foundations, group_size=0, in_group_share=0.0) -> None:
    if not foundations:
        return
    # With planted groups, each group has a foundation of its own (drawn once per group).
    home: dict[int, int] = {}

    def rows():
        for position, pk in enumerate(ids):
            chosen = rng.sample(foundations, min(len(foundations), rng.randint(0, 3)))
            if group_size:
                group = position // group_size
                if group not in home:
                    home[group] = rng.randrange(len(foundations))
                if rng.random() < in_group_share and foundations[home[group]] not in chosen:
                    chosen[:1] = [foundations[home[group]]]
            for foundation in chosen:
                yield (pk, foundation.pk, "", BASE_TIME, BASE_TIME)

    _copy(UseCaseFoundation, ["use_case_id", "foundation_id", "note", "created_at", "updated_at"], rows())


def _links(rng, count, ids, domain_of, group_size=0, in_group_share=0.0) -> None:
    if not count:
        return
    by_domain: dict[int, list[int]] = {}
    for pk in ids:
        by_domain.setdefault(domain_of[pk], []).append(pk)
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    seen: set[tuple[int, int]] = set()

    def rows():
        made = 0
        while made < count:
            position = rng.randrange(len(ids))
            source = ids[position]
            if group_size and rng.random() < in_group_share:
                start = position - position % group_size
                target = ids[rng.randrange(start, min(start + group_size, len(ids)))]
            else:
                pool = by_domain[domain_of[source]] if rng.random() < SAME_DOMAIN_SHARE else ids
                target = pool[rng.randrange(len(pool))]
            pair = (min(source, target), max(source, target))
            if source == target or pair in seen:
                continue
            seen.add(pair)
            kind = rng.choices(kinds, kind_weights)[0]
            if kind == LinkKind.DEPENDS_ON:
                # Later depends on earlier: no cycle can form.
                source, target = pair[1], pair[0]
            stamp = BASE_TIME + timedelta(seconds=rng.randrange(0, 60 * 24 * 3600))
            made += 1
            yield (source, target, kind, rng.randint(1, 3), "", stamp, stamp)

    columns = ["source_id", "target_id", "kind", "strength", "rationale", "created_at", "updated_at"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE portfolio_usecaselink DISABLE TRIGGER link_no_dependency_cycle")
            _copy(UseCaseLink, columns, rows())
            # Check the deferred foreign keys now: ALTER TABLE refuses while trigger events are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE portfolio_usecaselink ENABLE TRIGGER link_no_dependency_cycle")
    else:
        _copy(UseCaseLink, columns, rows())
