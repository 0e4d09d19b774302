"""Reads of the portfolio app for the admin, the team site and the API. Each takes the actor and
applies use-case visibility (domains.selectors): a membership of a use case the actor may not see
(another team's draft placed by the committee) is not shown to them."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from domains.models import UseCase
from domains.selectors import use_case_visibility_filter

from .choices import LIVE_PORTFOLIO_STATUSES, PortfolioStatus, RunStatus
from .models import ClusteringRun, Portfolio, PortfolioMembership


def _visible_members(actor, queryset: QuerySet[PortfolioMembership]) -> QuerySet[PortfolioMembership]:
    visibility = use_case_visibility_filter(actor)
    if visibility is None:
        return queryset
    return queryset.filter(use_case__in=UseCase.objects.filter(visibility).values("pk"))


def portfolio_list(*, actor, statuses=None) -> QuerySet[Portfolio]:
    """Portfolios, with their owner; `statuses` limits them (e.g. adopted only for the team site)."""
    queryset = Portfolio.objects.select_related("owner", "proposed_by_run", "last_run")
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return queryset.order_by("reference")


def adopted_portfolios(*, actor) -> QuerySet[Portfolio]:
    """What the team site shows: adopted portfolios, each with its visible members (use case,
    domain, team) prefetched, in two queries whatever their number."""
    members = _visible_members(
        actor, PortfolioMembership.objects.select_related("use_case__domain", "use_case__team")
    ).order_by("-strength", "use_case__reference")
    return (
        portfolio_list(actor=actor, statuses=[PortfolioStatus.ADOPTED])
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="visible_members"))
    )


def membership_list(*, actor, queryset: QuerySet[PortfolioMembership] | None = None) -> QuerySet[PortfolioMembership]:
    queryset = PortfolioMembership.objects.all() if queryset is None else queryset
    return _visible_members(actor, queryset.select_related("portfolio", "use_case", "added_by"))


def portfolio_members(*, actor, portfolio: Portfolio) -> QuerySet[PortfolioMembership]:
    return membership_list(
        actor=actor, queryset=PortfolioMembership.objects.filter(portfolio=portfolio)
    ).select_related("use_case__domain", "use_case__team").order_by("-strength", "use_case__reference")


def use_case_portfolio(*, actor, use_case: UseCase) -> PortfolioMembership | None:
    """The live portfolio a use case belongs to (one at most), with its ties, or None."""
    return (
        PortfolioMembership.objects.select_related("portfolio")
        .filter(use_case=use_case, portfolio__status__in=LIVE_PORTFOLIO_STATUSES)
        .first()
    )


def clustering_run_list(*, actor) -> QuerySet[ClusteringRun]:
    return ClusteringRun.objects.select_related("started_by").order_by("-created_at", "-id")


def latest_succeeded_run(*, actor) -> ClusteringRun | None:
    return ClusteringRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-finished_at", "-id").first()


def isolated_use_cases(*, actor, run: ClusteringRun | None = None) -> QuerySet[UseCase]:
    """The use cases the latest run (or `run`) found with no link and no shared foundation: the
    scattered pilots the committee should connect or question."""
    run = run or latest_succeeded_run(actor=actor)
    if run is None or not run.isolated:
        return UseCase.objects.none()
    queryset = UseCase.objects.filter(pk__in=run.isolated)
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        queryset = queryset.filter(visibility)
    return queryset.select_related("domain", "team").order_by("reference")

