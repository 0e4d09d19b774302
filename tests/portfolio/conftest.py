"""Small graphs for the portfolio tests: use cases the clustering covers (approved), links between
them, foundations they share, and a run executed in process."""

from __future__ import annotations

import pytest

from core.actors import SYSTEM
from domains.models import UseCaseFoundation
from portfolio import services
from portfolio.models import Portfolio, PortfolioMembership
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseFactory, UseCaseLinkFactory


class Graph:
    def __init__(self) -> None:
        self.domain = DomainFactory(name="Retail", slug="retail")
        self.team = TeamFactory(name="Data", slug="data")

    def use_cases(self, count: int, *, status: str = "approved", domain=None, **fields) -> list:
        return [
            UseCaseFactory(status=status, domain=domain or self.domain, team=self.team, **fields) for _ in range(count)
        ]

    @staticmethod
    def link(source, target, kind: str = "reinforces", strength: int = 3):
        return UseCaseLinkFactory(source=source, target=target, kind=kind, strength=strength)

    def chain(self, members, kind: str = "reinforces", strength: int = 3) -> None:
        """Every pair of `members` linked: a tight group."""
        for position, source in enumerate(members):
            for target in members[position + 1 :]:
                self.link(source, target, kind, strength)

    @staticmethod
    def foundation(users, **fields):
        foundation = FoundationFactory(**fields)
        for use_case in users:
            UseCaseFoundation.objects.create(use_case=use_case, foundation=foundation)
        return foundation


@pytest.fixture
def graph(db) -> Graph:
    return Graph()


def run_clustering(**choices):
    """Start and execute a run as the system, in this process."""
    run = services.clustering_run_create(actor=SYSTEM, dispatch=False, **choices)
    return services.clustering_run_execute(run_id=run.pk)


def groups() -> dict[str, set[int]]:
    """Live portfolios by reference, as sets of use-case ids."""
    found: dict[str, set[int]] = {
        p.reference: set() for p in Portfolio.objects.filter(status__in=["proposed", "adopted"])
    }
    for reference, use_case_id in PortfolioMembership.objects.values_list("portfolio__reference", "use_case_id"):
        found[reference].add(use_case_id)
    return found


def ids(use_cases) -> set[int]:
    return {use_case.pk for use_case in use_cases}
