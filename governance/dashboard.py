"""The committee's dashboard (the admin's home page): one selector per chart, each returning the
chart's rows as plain data (dicts of text, numbers, dates as ISO text, None). The page draws those
rows, lists them in its data tables and serves them as CSV, unchanged, so what is downloaded is what
is drawn. Every selector reads a fixed number of queries whatever the number of use cases.

The headline figures are computed by one function, `headline_figures`, for the live page and for the
weekly `ImpactSnapshot` (governance.services.impact_snapshot_take): the snapshots' `figures` JSON has
the keys of FIGURES, so a trend compares like with like."""

from __future__ import annotations

import bisect
import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from domains.choices import Ambition, Status
from domains.models import Domain, UseCase
from domains.selectors import foundation_impact, sees_every_use_case, use_case_list
from domains.translation import localized
from portfolio.models import Portfolio

from .choices import LIVE_SIDE_EFFECT_STATUSES, KpiCategory, KpiProgress
from .models import ImpactSnapshot, Kpi, KpiMeasurement, SideEffect
from .selectors import (
    LIVE_USE_CASE_STATUSES,
    impact_rollup,
    kpi_progress_of,
    use_cases_awaiting_vote,
    use_cases_with_stale_side_effects,
)

# A side effect is "high" from this likelihood x severity on (the 5 x 5 matrix's top corner: 3 x 5,
# 4 x 4 and above); the headline counts those still live.
HIGH_SIDE_EFFECT_SCORE = 15
# The KPI progress chart covers this many months, the current one last.
KPI_PROGRESS_MONTHS = 12
# The headline's trend lines read this many weekly snapshots (half a year).
TREND_SNAPSHOTS = 26
# The statuses in which a use case waits for someone (the pipeline's "median days in each status");
# in the others (draft, decided against, in production, retired) time says nothing about the pipeline.
WAITING_STATUSES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.ON_HOLD,
    Status.APPROVED,
    Status.IN_DELIVERY,
)
# The pipeline's statuses, in the order of the workflow (discarded drafts are not in the portfolio).
PIPELINE_STATUSES = tuple(status for status in Status if status != Status.DISCARDED)
NO_AMBITION = "not_set"


# The scope: the use cases the actor may see, narrowed by the filters ---------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """The filter form's choices, applied to every chart: one domain, one live portfolio, or both."""

    domain: Domain | None = None
    portfolio: Portfolio | None = None

    @property
    def any(self) -> bool:
        return self.domain is not None or self.portfolio is not None


def dashboard_use_cases(*, actor, filters: DashboardFilters | None = None) -> QuerySet[UseCase]:
    """The portfolio the dashboard shows: the use cases `actor` may see (domains.selectors.use_case_list),
    without the drafts their teams discarded (kept on record, in no portfolio), narrowed by `filters`."""
    queryset = UseCase.objects.exclude(status=Status.DISCARDED)
    if filters is not None and filters.domain is not None:
        queryset = queryset.filter(domain=filters.domain)
    if filters is not None and filters.portfolio is not None:
        queryset = queryset.filter(portfolio_membership__portfolio=filters.portfolio)
    # The charts read values, not instances: the list's prefetches would be a query for nothing.
    return use_case_list(actor=actor, queryset=queryset).prefetch_related(None)


def _ids(use_cases: QuerySet[UseCase]) -> QuerySet:
    """The scope as a subquery (one query with the chart's own, never a list of ids)."""
    return use_cases.values("pk")


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# Value against feasibility -------------------------------------------------------------------------------


def value_feasibility(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """One bubble per use case scored for both business value and feasibility (1 to 5): its
    estimated annual benefit (the bubble's size) and its ambition (colour and shape). One query."""
    rows = (
        use_cases.filter(business_value__isnull=False, feasibility__isnull=False)
        .order_by("reference")
        .annotate(domain_name=localized("domain__name"))  # in the reader's language
        .values(
            "pk",
            "reference",
            "title",
            "domain_name",
            "status",
            "ambition",
            "business_value",
            "feasibility",
            "estimated_annual_benefit",
        )
    )
    return [
        {
            "id": row["pk"],
            "reference": row["reference"],
            "title": row["title"],
            "domain": row["domain_name"],
            "status": row["status"],
            "ambition": row["ambition"] or NO_AMBITION,
            "business_value": row["business_value"],
            "feasibility": row["feasibility"],
            "estimated_annual_benefit": _money(row["estimated_annual_benefit"]),
        }
        for row in rows
    ]


# Optimisation against transformation, per domain -----------------------------------------------------------


def ambition_by_domain(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """Per domain (by name): how many use cases optimise, how many transform, how many have no
    ambition yet (drafts), and each one's share of the domain's use cases. One query."""
    counts: dict[str, dict[str, int]] = {}
    for row in (
        use_cases.order_by()
        .annotate(domain_name=localized("domain__name"))  # in the reader's language
        .values("domain_name", "ambition")
        .annotate(total=Count("pk"))
        .values_list("domain_name", "ambition", "total")
    ):
        name, ambition, total = row
        counts.setdefault(name, dict.fromkeys((*Ambition.values, NO_AMBITION), 0))[ambition or NO_AMBITION] += total
    result = []
    for name in sorted(counts):
        by_ambition = counts[name]
        total = sum(by_ambition.values())
        result.append(
            {
                "domain": name,
                "optimisation": by_ambition[Ambition.OPTIMISATION],
                "transformation": by_ambition[Ambition.TRANSFORMATION],
                "not_set": by_ambition[NO_AMBITION],
                "use_cases": total,
                "optimisation_share": _share(by_ambition[Ambition.OPTIMISATION], total),
                "transformation_share": _share(by_ambition[Ambition.TRANSFORMATION], total),
                "not_set_share": _share(by_ambition[NO_AMBITION], total),
            }
        )
    return result


# Success measures: coverage per category, progress over time ------------------------------------------------


def kpi_coverage(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """Per KPI category: how many use cases have at least one measure of it, and their share of the
    use cases shown. Two queries."""
    total = use_cases.count()
    covered = dict(
        Kpi.objects.filter(use_case__in=_ids(use_cases))
        .order_by()
        .values("category")
        .annotate(use_cases=Count("use_case_id", distinct=True))
        .values_list("category", "use_cases")
    )
    return [
        {
            "category": category.value,
            "label": str(category.label),
            "use_cases": covered.get(category.value, 0),
            "share": _share(covered.get(category.value, 0), total),
        }
        for category in KpiCategory
    ]


def _month_ends(today: datetime.date, months: int) -> list[datetime.date]:
    """The last day of each of the last `months` months, oldest first; the current month ends today."""
    ends = [today]
    first = today.replace(day=1)
    for _month in range(months - 1):
        last = first - datetime.timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


def kpi_progress_over_time(
    *, use_cases: QuerySet[UseCase], today: datetime.date | None = None, months: int = KPI_PROGRESS_MONTHS
) -> list[dict[str, Any]]:
    """Per month (the last `months`, the current one last): the measures measured by the month's end
    with a baseline and a target, how many of them were on track, at risk and off track at that date
    (governance.selectors.kpi_progress_of on the values known then), and the share on track. Two
    queries: the measures, then their measurements."""
    today = today or timezone.localdate()
    tolerance = settings.GOVERNANCE_KPI_TOLERANCE
    kpis = list(Kpi.objects.filter(use_case__in=_ids(use_cases)).order_by("pk"))
    series: dict[int, tuple[list[datetime.date], list[Decimal]]] = {}
    for kpi_id, date, value in (
        KpiMeasurement.objects.filter(kpi__use_case__in=_ids(use_cases), date__lte=today)
        .order_by("kpi_id", "date")
        .values_list("kpi_id", "date", "value")
    ):
        dates, values = series.setdefault(kpi_id, ([], []))
        dates.append(date)
        values.append(value)
    result = []
    for end in _month_ends(today, months):
        counts = dict.fromkeys(KpiProgress.values, 0)
        for kpi in kpis:
            dates, values = series.get(kpi.pk, ((), ()))
            known = bisect.bisect_right(dates, end)
            if not known:
                continue
            progress = kpi_progress_of(
                kpi,
                latest=values[known - 1],
                latest_date=dates[known - 1],
                previous=values[known - 2] if known > 1 else None,
                first_date=dates[0],
                today=end,
                tolerance=tolerance,
            )
            counts[progress.status] += 1
        measured = counts[KpiProgress.ON_TRACK] + counts[KpiProgress.AT_RISK] + counts[KpiProgress.OFF_TRACK]
        result.append(
            {
                "month": end.strftime("%Y-%m"),
                "measured": measured,
                "on_track": counts[KpiProgress.ON_TRACK],
                "at_risk": counts[KpiProgress.AT_RISK],
                "off_track": counts[KpiProgress.OFF_TRACK],
                "on_track_share": _share(counts[KpiProgress.ON_TRACK], measured),
            }
        )
    return result


# Foundations: what each one unlocks --------------------------------------------------------------------------


def foundations_unlocked(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """The foundations the shown use cases build on (domains.selectors.foundation_impact over them):
    use cases unlocked (every shared one building on it), of which still going somewhere (not rejected
    or retired), the benefit those enable and the use cases held back while it is not ready. Most
    unlocked first. Three queries."""
    result = [
        {
            "id": impact.foundation.pk,
            "foundation": impact.foundation.name,
            "kind": impact.foundation.kind,
            "readiness": impact.foundation.readiness,
            "use_cases": impact.unlocked,
            "reusing": impact.reuse_count,
            "benefit_enabled": _money(impact.benefit_enabled),
            "held_back": len(impact.held_back),
        }
        for impact in foundation_impact(use_cases=use_cases)
        if impact.unlocked
    ]
    return sorted(result, key=lambda row: (-row["use_cases"], -row["reusing"], row["foundation"]))


# Side effects: likelihood x severity ---------------------------------------------------------------------------


def side_effect_heatmap(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """The 25 cells of the likelihood x severity matrix (1 to 5 each, likelihood first), each with the
    number of live side effects (open, being mitigated or accepted) rated there. One query."""
    counts = {
        (likelihood, severity): total
        for likelihood, severity, total in SideEffect.objects.filter(
            use_case__in=_ids(use_cases),
            status__in=LIVE_SIDE_EFFECT_STATUSES,
            likelihood__isnull=False,
            severity__isnull=False,
        )
        .order_by()
        .values("likelihood", "severity")
        .annotate(total=Count("pk"))
        .values_list("likelihood", "severity", "total")
    }
    return [
        {"likelihood": likelihood, "severity": severity, "side_effects": counts.get((likelihood, severity), 0)}
        for likelihood in range(1, 6)
        for severity in range(1, 6)
    ]


# Priorities: the highest-ranked use cases of the scope, standalone and synergy, keystones flagged ----------

PRIORITIES_SHOWN = 15


def top_priorities(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """The scope's highest priorities (portfolio.priorities), ranked among the scope's: standalone
    score, synergy, keystone and the sentence. Reads the priority table (a few queries, once per change
    of the data) and the scope's ids."""
    from portfolio.priorities import current_table

    table = current_table()
    scope = set(_ids(use_cases).values_list("pk", flat=True))
    rows = [table.rows[pk] for pk in table.ranked if pk in scope][:PRIORITIES_SHOWN]
    return [
        {
            "rank": rank,
            "id": row.use_case_id,
            "reference": row.reference,
            "title": row.title,
            "standalone": row.standalone,
            "synergy": row.synergy,
            "priority": row.priority,
            "keystone": row.keystone,
        }
        for rank, row in enumerate(rows, start=1)
    ]


# Isolated pilots: per domain and business function, use cases tied into a portfolio or standing alone ----------


def isolated_pilots(*, use_cases: QuerySet[UseCase]) -> list[dict[str, Any]]:
    """Per domain and business function (a use case counts in each of its functions; none: a row of
    its own), the use cases under consideration (submitted to scaled) tied into a live portfolio and
    those standing alone: the article's warning, isolated pilots nobody funds together. One query."""
    from portfolio.choices import LIVE_PORTFOLIO_STATUSES
    from portfolio.graph import DEFAULT_STATUSES

    no_function = str(_("No business function"))
    cells = (
        UseCase.objects.filter(pk__in=_ids(use_cases), status__in=DEFAULT_STATUSES)
        .order_by()
        .values(domain_name=localized("domain__name"), function_name=localized("functions__name"))
        .annotate(
            total=Count("pk", distinct=True),
            tied=Count(
                "pk", filter=Q(portfolio_membership__portfolio__status__in=LIVE_PORTFOLIO_STATUSES), distinct=True
            ),
        )
        .values_list("domain_name", "function_name", "total", "tied")
    )
    rows = [
        {
            "domain": domain,
            "function": function or no_function,
            "use_cases": total,
            "in_portfolio": tied,
            "standalone": total - tied,
            "standalone_share": _share(total - tied, total),
        }
        for domain, function, total, tied in cells
    ]
    return sorted(rows, key=lambda row: (row["domain"], row["function"]))


# The pipeline: use cases per status, and how long they wait in each ---------------------------------------------


def pipeline(*, use_cases: QuerySet[UseCase], now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Per status, in the workflow's order: the use cases in it now and, for the statuses where a use
    case waits for someone (WAITING_STATUSES), the median number of days spent in it. A stay is read
    from the audit trail: a workflow event enters a status (its data's "to") on its date, the use
    case's next workflow event leaves it; a stay still going counts up to now. Two queries (the
    counts; the workflow events of every use case shown, in one)."""
    now = now or timezone.now()
    counts = dict(use_cases.order_by().values("status").annotate(total=Count("pk")).values_list("status", "total"))
    stays: dict[str, list[float]] = defaultdict(list)
    current: tuple[int, datetime.datetime, str] | None = None
    for use_case_id, created_at, entered in (
        AuditEvent.objects.filter(use_case__in=_ids(use_cases), action__startswith="workflow.")
        .order_by("use_case_id", "created_at", "id")
        .values_list("use_case_id", "created_at", "data__to")
    ):
        if current is not None and current[0] == use_case_id:
            stays[current[2]].append((created_at - current[1]).total_seconds() / 86400)
        elif current is not None:
            stays[current[2]].append((now - current[1]).total_seconds() / 86400)
        current = (use_case_id, created_at, entered)
    if current is not None:
        stays[current[2]].append((now - current[1]).total_seconds() / 86400)
    result = []
    for status in PIPELINE_STATUSES:
        waits = stays.get(status.value, []) if status in WAITING_STATUSES else []
        result.append(
            {
                "status": status.value,
                "label": str(status.label),
                "use_cases": counts.get(status.value, 0),
                "median_days": round(statistics.median(waits), 1) if waits else None,
                "stays": len(waits),
            }
        )
    return result


# What needs the committee now ------------------------------------------------------------------------------------

QUEUE_LISTS = {
    "submitted": _("Submitted, review not started"),
    "awaiting_my_vote": _("Awaiting my vote"),
    "overdue_reviews": _("In review for too long"),
    "stale_side_effects": _("Side effects not reviewed"),
}


def _queue_row(key: str, use_case_id, reference, title, domain, status, since, today) -> dict[str, Any]:
    if isinstance(since, datetime.datetime):
        since = timezone.localtime(since).date()
    return {
        "list": key,
        "id": use_case_id,
        "reference": reference,
        "title": title,
        "domain": domain,
        "status": status,
        "since": since.isoformat() if since else None,
        "days": (today - since).days if since else None,
    }


def committee_queue(
    *, use_cases: QuerySet[UseCase], actor, now: datetime.datetime | None = None
) -> list[dict[str, Any]]:
    """What needs the committee now, as rows of four lists (QUEUE_LISTS), the longest waiting first:
    submitted use cases whose review has not started (since their submission); those in review awaiting
    the actor's vote (governance.selectors.use_cases_awaiting_vote); those in review for longer than
    GOVERNANCE_REVIEW_REMINDER_DAYS (the daily reminder's rule); and live use cases whose side effects
    were not reviewed for GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS (since the oldest review, None: never).
    Five queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    fields = ("pk", "reference", "title", "domain_name", "status", "status_changed_at")
    use_cases = use_cases.annotate(domain_name=localized("domain__name"))  # in the reader's language
    cutoff = now - datetime.timedelta(days=settings.GOVERNANCE_REVIEW_REMINDER_DAYS)
    rows: list[dict[str, Any]] = []
    waiting = list(
        use_cases.filter(Q(status=Status.SUBMITTED) | Q(status=Status.IN_REVIEW, status_changed_at__lte=cutoff))
        .order_by("status_changed_at", "reference")
        .values_list(*fields)
    )
    for row in waiting:
        if row[4] == Status.SUBMITTED:
            rows.append(_queue_row("submitted", *row, today))
    if getattr(actor, "pk", None) is not None:
        for row in (
            use_cases_awaiting_vote(user=actor)
            .filter(pk__in=_ids(use_cases))
            .annotate(domain_name=localized("domain__name"))
            .order_by("status_changed_at", "reference")
            .values_list(*fields)
        ):
            rows.append(_queue_row("awaiting_my_vote", *row, today))
    for row in waiting:
        if row[4] == Status.IN_REVIEW:
            rows.append(_queue_row("overdue_reviews", *row, today))
    stale = use_cases_with_stale_side_effects(days=settings.GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS, today=today)
    shown = set(use_cases.filter(pk__in=[pair[0].pk for pair in stale]).values_list("pk", flat=True))
    for use_case, last_review in stale:
        if use_case.pk in shown:
            rows.append(
                _queue_row(
                    "stale_side_effects",
                    use_case.pk,
                    use_case.reference,
                    use_case.title,
                    use_case.domain.name,
                    use_case.status,
                    last_review,
                    today,
                )
            )
    return rows


# The headline figures, live and in the weekly snapshots --------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    kind: str  # "count", "share" (0 to 1) or "money" (euros)
    better: str = "higher"  # which way a trend is good news


FIGURES = (
    Figure("use_cases", _("Use cases"), "count"),
    Figure("optimisation", _("Optimisation"), "count"),
    Figure("transformation", _("Transformation"), "count"),
    Figure("transformation_share", _("Share transformation"), "share"),
    Figure("live_use_cases", _("Live: in pilot or production"), "count"),
    Figure("kpis_measured", _("Success measures measured"), "count"),
    Figure("kpis_on_track_share", _("Measured success measures on track"), "share"),
    Figure("estimated_benefit", _("Estimated benefit, use cases measuring money"), "money"),
    Figure("realised_benefit", _("Benefit realised: their measures' gains"), "money"),
    Figure("open_high_side_effects", _("High side effects still open"), "count", better="lower"),
)
# The keys of an ImpactSnapshot's figures, and of the live headline.
FIGURE_KEYS = tuple(figure.key for figure in FIGURES)


def headline_figures(*, use_cases: QuerySet[UseCase], today: datetime.date | None = None) -> dict[str, Any]:
    """The headline figures (FIGURE_KEYS) of `use_cases`: the same function for the live page and the
    weekly snapshot. The benefits are governance.selectors.impact_rollup's: the estimated annual benefit
    of the use cases that measure money, beside the gain of those measures. Three queries."""
    counts = use_cases.aggregate(
        use_cases=Count("pk"),
        optimisation=Count("pk", filter=Q(ambition=Ambition.OPTIMISATION)),
        transformation=Count("pk", filter=Q(ambition=Ambition.TRANSFORMATION)),
        live_use_cases=Count("pk", filter=Q(status__in=LIVE_USE_CASE_STATUSES)),
    )
    rollups = impact_rollup(by="domain", use_cases=use_cases, today=today)
    on_track = sum(rollup.by_status[KpiProgress.ON_TRACK] for rollup in rollups)
    measured = sum(rollup.kpis - rollup.by_status[KpiProgress.NO_DATA] for rollup in rollups)
    high = (
        SideEffect.objects.filter(
            use_case__in=_ids(use_cases),
            status__in=LIVE_SIDE_EFFECT_STATUSES,
            likelihood__isnull=False,
            severity__isnull=False,
        )
        .annotate(score=F("likelihood") * F("severity"))
        .filter(score__gte=HIGH_SIDE_EFFECT_SCORE)
        .count()
    )
    with_ambition = counts["optimisation"] + counts["transformation"]
    figures = {
        "use_cases": counts["use_cases"],
        "optimisation": counts["optimisation"],
        "transformation": counts["transformation"],
        "transformation_share": _share(counts["transformation"], with_ambition),
        "live_use_cases": counts["live_use_cases"],
        "kpis_measured": measured,
        "kpis_on_track_share": _share(on_track, measured),
        "estimated_benefit": _money(sum((rollup.estimated_benefit for rollup in rollups), Decimal(0))),
        "realised_benefit": _money(sum((rollup.realised_benefit for rollup in rollups), Decimal(0))),
        "open_high_side_effects": high,
    }
    return figures


def headline(
    *,
    use_cases: QuerySet[UseCase],
    filters: DashboardFilters | None = None,
    today: datetime.date | None = None,
    with_trend: bool = True,
) -> list[dict[str, Any]]:
    """The headline's rows: the weekly snapshots of the last half year, oldest first (the trends), then
    today's live figures. Snapshots are of the whole portfolio: filtered, only the live row is shown
    (a trend of other use cases would mislead). Four queries."""
    today = today or timezone.localdate()
    rows = []
    if with_trend and (filters is None or not filters.any):
        snapshots = list(ImpactSnapshot.objects.order_by("-taken_on")[:TREND_SNAPSHOTS])[::-1]
        rows = [
            {"taken_on": s.taken_on.isoformat(), "source": "snapshot", **{k: s.figures.get(k) for k in FIGURE_KEYS}}
            for s in snapshots
        ]
    rows.append({"taken_on": today.isoformat(), "source": "live", **headline_figures(use_cases=use_cases, today=today)})
    return rows


def impact_by_group(*, use_cases: QuerySet[UseCase], today: datetime.date | None = None) -> list[dict[str, Any]]:
    """The success measures' progress rolled up per domain, then per live portfolio
    (governance.selectors.impact_rollup): on track, at risk, off track and not yet measured, and the
    estimated annual benefit of the use cases that measure money beside the benefit realised. Four
    queries."""
    rows = []
    for group in ("domain", "portfolio"):
        for rollup in impact_rollup(by=group, use_cases=use_cases, today=today):
            rows.append(
                {
                    "group": group,
                    "name": rollup.label,
                    "use_cases": rollup.use_cases,
                    "kpis": rollup.kpis,
                    **{status: rollup.by_status[status] for status in KpiProgress.values},
                    "on_track_share": rollup.on_track_share,
                    "estimated_benefit": _money(rollup.estimated_benefit),
                    "realised_benefit": _money(rollup.realised_benefit),
                }
            )
    return rows


# The charts, by the slug of their CSV URL -----------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart of the page: its title, the columns of its rows (the CSV's header, in order) and the
    function that computes its rows from the scope, the actor and the filters."""

    slug: str
    title: Any
    columns: tuple[str, ...]
    rows: Callable[[QuerySet[UseCase], Any, DashboardFilters | None], list[dict[str, Any]]]


CHARTS = {
    chart.slug: chart
    for chart in (
        Chart(
            "headline",
            _("Headline figures"),
            ("taken_on", "source", *FIGURE_KEYS),
            # The snapshots count every use case, drafts included: their trend only for those who see them all.
            lambda use_cases, actor, filters: headline(
                use_cases=use_cases, filters=filters, with_trend=sees_every_use_case(actor)
            ),
        ),
        Chart(
            "value-feasibility",
            _("Value against feasibility"),
            (
                "id",
                "reference",
                "title",
                "domain",
                "status",
                "ambition",
                "business_value",
                "feasibility",
                "estimated_annual_benefit",
            ),
            lambda use_cases, actor, filters: value_feasibility(use_cases=use_cases),
        ),
        Chart(
            "ambition-by-domain",
            _("Optimisation and transformation per domain"),
            (
                "domain",
                "optimisation",
                "transformation",
                "not_set",
                "use_cases",
                "optimisation_share",
                "transformation_share",
                "not_set_share",
            ),
            lambda use_cases, actor, filters: ambition_by_domain(use_cases=use_cases),
        ),
        Chart(
            "kpi-coverage",
            _("Use cases measured in each category"),
            ("category", "label", "use_cases", "share"),
            lambda use_cases, actor, filters: kpi_coverage(use_cases=use_cases),
        ),
        Chart(
            "kpi-progress",
            _("Success measures on track, month by month"),
            ("month", "measured", "on_track", "at_risk", "off_track", "on_track_share"),
            lambda use_cases, actor, filters: kpi_progress_over_time(use_cases=use_cases),
        ),
        Chart(
            "impact-by-group",
            _("Success measures per domain and per portfolio"),
            (
                "group",
                "name",
                "use_cases",
                "kpis",
                *KpiProgress.values,
                "on_track_share",
                "estimated_benefit",
                "realised_benefit",
            ),
            lambda use_cases, actor, filters: impact_by_group(use_cases=use_cases),
        ),
        Chart(
            "foundations",
            _("Foundations by use cases unlocked"),
            ("id", "foundation", "kind", "readiness", "use_cases", "reusing", "benefit_enabled", "held_back"),
            lambda use_cases, actor, filters: foundations_unlocked(use_cases=use_cases),
        ),
        Chart(
            "side-effects",
            _("Live side effects: likelihood x severity"),
            ("likelihood", "severity", "side_effects"),
            lambda use_cases, actor, filters: side_effect_heatmap(use_cases=use_cases),
        ),
        Chart(
            "priorities",
            _("Highest priorities: standalone score and synergy"),
            ("rank", "id", "reference", "title", "standalone", "synergy", "priority", "keystone"),
            lambda use_cases, actor, filters: top_priorities(use_cases=use_cases),
        ),
        Chart(
            "isolated-pilots",
            _("Tied into a portfolio or standing alone, per domain and function"),
            ("domain", "function", "use_cases", "in_portfolio", "standalone", "standalone_share"),
            lambda use_cases, actor, filters: isolated_pilots(use_cases=use_cases),
        ),
        Chart(
            "pipeline",
            _("The pipeline"),
            ("status", "label", "use_cases", "median_days", "stays"),
            lambda use_cases, actor, filters: pipeline(use_cases=use_cases),
        ),
        Chart(
            "queue",
            _("What needs the committee now"),
            ("list", "id", "reference", "title", "domain", "status", "since", "days"),
            lambda use_cases, actor, filters: committee_queue(use_cases=use_cases, actor=actor),
        ),
    )
}


def chart_rows(slug: str, *, actor, filters: DashboardFilters | None = None) -> list[dict[str, Any]]:
    """One chart's rows for `actor` under `filters` (what its CSV serves)."""
    return CHARTS[slug].rows(dashboard_use_cases(actor=actor, filters=filters), actor, filters)


def dashboard_rows(*, actor, filters: DashboardFilters | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every chart's rows, by slug (what the page draws)."""
    use_cases = dashboard_use_cases(actor=actor, filters=filters)
    return {slug: chart.rows(use_cases, actor, filters) for slug, chart in CHARTS.items()}
