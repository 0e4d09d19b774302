"""The real 2024 U.S. federal AI use-case inventory, imported whole with the shipped mapping, then
clustered: the counts the issue names, and portfolios of use cases that share a system."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count

from core.actors import SYSTEM
from domains.models import Domain, Foundation, Team, UseCase
from exchange import services
from exchange.mapping import normalised
from exchange.models import ImportRun
from exchange.selectors import shipped_mapping_path
from portfolio import services as portfolio_services
from portfolio.models import Portfolio, PortfolioMembership

FEDERAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "federal-ai-inventory-2024.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def federal_file() -> bytes:
    assert FEDERAL.is_file(), (
        f"The federal inventory is missing at {FEDERAL}: the shared data set must be beside the clone."
    )
    return FEDERAL.read_bytes()


def _rows() -> list[dict]:
    with FEDERAL.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _import(content: bytes) -> ImportRun:
    run = services.import_run_create(
        actor=SYSTEM,
        file_name=FEDERAL.name,
        content=content,
        definition=shipped_mapping_path("us-federal-ai-inventory-2024").read_text(),
        dry_run=False,
        enqueue=False,
    )
    return services.import_run_execute(run_id=run.pk, actor=SYSTEM)


def test_the_whole_federal_file_imports_with_the_shipped_mapping(federal_file):
    rows = _rows()
    identical = len(rows) - len({tuple(row.values()) for row in rows})

    run = _import(federal_file)

    assert run.status == ImportRun.Status.SUCCEEDED, run.problems[:5]
    assert (len(rows), identical) == (1757, 3)
    assert run.rows_total == 1757
    assert run.duplicate_count == 3
    assert run.created_count == UseCase.objects.count() == 1757 - 3
    # Agencies become domains, spelled once whatever the spacing.
    agencies = {normalised(row["3_agency"]) for row in rows}
    assert Domain.objects.count() == len(agencies)
    # The same bureau name in several agencies is several teams.
    assert Team.objects.filter(name__endswith=" · OCIO").values("name").distinct().count() >= 2
    # Development stages become statuses.
    statuses = Counter(UseCase.objects.values_list("status", flat=True))
    stages = Counter(row["16_dev_stage"].strip() for row in {tuple(r.values()): r for r in rows}.values())
    assert statuses["scaled"] == stages["Operation and Maintenance"] + stages["In production"] + stages["In mission"]
    assert statuses["retired"] == stages["Retired"]
    # Shared systems become foundations that several use cases build on.
    shared = Foundation.objects.annotate(users=Count("usages")).filter(users__gte=2).count()
    assert Foundation.objects.count() >= 300
    assert shared >= 60
    # The longest titles are kept whole.
    assert max(len(title) for title in UseCase.objects.values_list("title", flat=True)) == 342
    assert run.cleaning["surrounding whitespace trimmed"] > 1000


def test_importing_the_federal_file_again_changes_nothing(federal_file):
    _import(federal_file)

    again = _import(federal_file)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1754)
    assert UseCase.objects.count() == 1754


def test_clustering_the_federal_inventory_finds_portfolios_sharing_a_system(federal_file):
    _import(federal_file)

    run = portfolio_services.clustering_run_create(actor=SYSTEM, dispatch=False)
    run = portfolio_services.clustering_run_execute(run_id=run.pk)

    assert run.status == run.Status.SUCCEEDED, run.error
    portfolios = Portfolio.objects.filter(proposed_by_run=run)
    assert portfolios.count() >= 10
    sharing = 0
    for portfolio in portfolios:
        members = PortfolioMembership.objects.filter(portfolio=portfolio).values_list("use_case_id", flat=True)
        systems = Counter(Foundation.objects.filter(usages__use_case__in=list(members)).values_list("pk", flat=True))
        if any(count >= 2 for count in systems.values()):
            sharing += 1
    assert sharing >= 5
