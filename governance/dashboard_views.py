"""The committee's dashboard in the admin: the home page's context (the filter form, every chart's
rows for the page to draw, their data tables, the headline tiles and the committee's queue) and each
chart's CSV. governance/admin_site.py wires them into the admin site; the rows come from
governance/dashboard.py, the same for the page and the CSV."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.api.renderers import formula_safe
from domains.choices import Ambition, FoundationKind, Readiness, Status
from domains.models import Domain
from portfolio.choices import LIVE_PORTFOLIO_STATUSES
from portfolio.models import Portfolio

from .choices import KpiProgress
from .dashboard import (
    CHARTS,
    FIGURES,
    HIGH_SIDE_EFFECT_SCORE,
    NO_AMBITION,
    QUEUE_LISTS,
    DashboardFilters,
    chart_rows,
    dashboard_rows,
)

# Who reads the dashboard: staff who may read use cases in the admin (the committee's group, and
# administrators). Other staff keep the admin's plain index.
DASHBOARD_PERMISSION = "domains.view_usecase"


def may_see_dashboard(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(DASHBOARD_PERMISSION))


class DashboardFilterForm(forms.Form):
    """The filters of every chart, as query parameters: `domain` (a slug) and `portfolio` (the
    reference of a live portfolio), each optional."""

    domain = forms.ChoiceField(label=_("Domain"), required=False)
    portfolio = forms.ChoiceField(label=_("Portfolio"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = {domain.slug: domain for domain in Domain.objects.order_by("name")}
        self.portfolios = {
            portfolio.reference: portfolio
            for portfolio in Portfolio.objects.filter(status__in=LIVE_PORTFOLIO_STATUSES).order_by("reference")
        }
        self.fields["domain"].choices = [("", gettext("All domains"))] + [
            (slug, domain.name) for slug, domain in self.domains.items()
        ]
        self.fields["portfolio"].choices = [("", gettext("All portfolios"))] + [
            (reference, f"{reference} {portfolio.name}") for reference, portfolio in self.portfolios.items()
        ]

    def filters(self) -> DashboardFilters:
        if not self.is_bound or not self.is_valid():
            return DashboardFilters()
        return DashboardFilters(
            domain=self.domains.get(self.cleaned_data["domain"]),
            portfolio=self.portfolios.get(self.cleaned_data["portfolio"]),
        )

    def errors_text(self) -> str:
        """The errors by field, for the CSV's 400: "domain: Select a valid choice..."."""
        return "\n".join(
            f"{name}: {' '.join(str(message) for message in messages)}" for name, messages in self.errors.items()
        )


# How the page shows a value -----------------------------------------------------------------------------


def _count(value) -> str:
    return "" if value is None else number_format(value, force_grouping=True)


def _percent(value) -> str:
    return "" if value is None else gettext("%(percent)s%%") % {"percent": number_format(round(value * 100))}


def _money(value) -> str:
    return (
        "" if value is None else gettext("€%(amount)s") % {"amount": number_format(round(value), force_grouping=True)}
    )


def _days(value) -> str:
    return "" if value is None else number_format(value, 1)


FORMATS = {"count": _count, "share": _percent, "money": _money}


def _labels() -> dict[str, Any]:
    """The words the drawing needs, in the page's language (the script has none of its own)."""
    return {
        "ambition": {
            Ambition.OPTIMISATION.value: str(Ambition.OPTIMISATION.label),
            Ambition.TRANSFORMATION.value: str(Ambition.TRANSFORMATION.label),
            NO_AMBITION: gettext("Ambition not set"),
        },
        "status": {status.value: str(status.label) for status in Status},
        "progress": {status.value: str(status.label) for status in KpiProgress},
        "kind": {kind.value: str(kind.label) for kind in FoundationKind},
        "business_value": gettext("Business value (1 to 5)"),
        "feasibility": gettext("Feasibility (1 to 5)"),
        "benefit": gettext("Estimated annual benefit"),
        "no_benefit": gettext("no estimate"),
        "use_cases": gettext("Use cases"),
        "share": gettext("Share of the domain's use cases"),
        "covered": gettext("Use cases with at least one measure"),
        "on_track_share": gettext("Share on track"),
        "measured": gettext("Measured"),
        "reusing": gettext("In use or on the way"),
        "not_reusing": gettext("Rejected or retired"),
        "held_back": gettext("holds back %(count)s"),
        "group": {"domain": gettext("Domain"), "portfolio": gettext("Portfolio")},
        "readiness": gettext("readiness"),
        "likelihood": gettext("Likelihood (1 to 5)"),
        "severity": gettext("Severity (1 to 5)"),
        "side_effects": gettext("Live side effects"),
        "standalone": gettext("Standing alone"),
        "standalone_score": gettext("Standalone score"),
        "synergy": gettext("Synergy"),
        "keystone": gettext("keystone"),
        "in_portfolio": gettext("In a portfolio"),
        "median_days": gettext("Median days in the status"),
        "days": gettext("days"),
        "open": gettext("Click to open it"),
        "trend": gettext("Weekly snapshots"),
    }


def _table(headers, rows) -> dict[str, Any]:
    return {"headers": [str(header) for header in headers], "rows": rows}


def _tables(charts: dict[str, list[dict]]) -> dict[str, dict[str, Any]]:
    """Each chart's rows as a table for the page (readable without the drawing, and without colour)."""
    labels = _labels()
    ambition = labels["ambition"]
    status = labels["status"]
    return {
        "value-feasibility": _table(
            (
                _("Use case"),
                _("Domain"),
                _("Status"),
                _("Ambition"),
                _("Business value"),
                _("Feasibility"),
                _("Estimated annual benefit"),
            ),
            [
                [
                    f"{row['reference']} {row['title']}",
                    row["domain"],
                    status.get(row["status"], row["status"]),
                    ambition[row["ambition"]],
                    row["business_value"],
                    row["feasibility"],
                    _money(row["estimated_annual_benefit"]),
                ]
                for row in charts["value-feasibility"]
            ],
        ),
        "ambition-by-domain": _table(
            (_("Domain"), ambition[Ambition.OPTIMISATION], ambition[Ambition.TRANSFORMATION], ambition[NO_AMBITION]),
            [
                [
                    row["domain"],
                    f"{row['optimisation']} ({_percent(row['optimisation_share'])})",
                    f"{row['transformation']} ({_percent(row['transformation_share'])})",
                    f"{row['not_set']} ({_percent(row['not_set_share'])})",
                ]
                for row in charts["ambition-by-domain"]
            ],
        ),
        "kpi-coverage": _table(
            (_("Category"), _("Use cases with at least one measure"), _("Share of the use cases")),
            [[row["label"], row["use_cases"], _percent(row["share"])] for row in charts["kpi-coverage"]],
        ),
        "kpi-progress": _table(
            (
                _("Month"),
                _("Measured"),
                labels["progress"][KpiProgress.ON_TRACK],
                labels["progress"][KpiProgress.AT_RISK],
                labels["progress"][KpiProgress.OFF_TRACK],
                _("Share on track"),
            ),
            [
                [
                    row["month"],
                    row["measured"],
                    row["on_track"],
                    row["at_risk"],
                    row["off_track"],
                    _percent(row["on_track_share"]),
                ]
                for row in charts["kpi-progress"]
            ],
        ),
        "impact-by-group": _table(
            (
                _("Domain or portfolio"),
                _("Use cases"),
                labels["progress"][KpiProgress.ON_TRACK],
                labels["progress"][KpiProgress.AT_RISK],
                labels["progress"][KpiProgress.OFF_TRACK],
                labels["progress"][KpiProgress.NO_DATA],
                _("Estimated annual benefit"),
                _("Benefit realised"),
            ),
            [
                [
                    f"{_('Domain') if row['group'] == 'domain' else _('Portfolio')}: {row['name']}",
                    row["use_cases"],
                    row[KpiProgress.ON_TRACK],
                    row[KpiProgress.AT_RISK],
                    row[KpiProgress.OFF_TRACK],
                    row[KpiProgress.NO_DATA],
                    _money(row["estimated_benefit"]),
                    _money(row["realised_benefit"]),
                ]
                for row in charts["impact-by-group"]
            ],
        ),
        "foundations": _table(
            (
                _("Foundation"),
                _("Readiness"),
                _("Use cases unlocked"),
                _("In use or on the way"),
                _("Benefit enabled"),
                _("Held back"),
            ),
            [
                [
                    row["foundation"],
                    str(Readiness(row["readiness"]).label),
                    row["use_cases"],
                    row["reusing"],
                    _money(row["benefit_enabled"]),
                    row["held_back"],
                ]
                for row in charts["foundations"]
            ],
        ),
        "side-effects": _table(
            (_("Likelihood \\ severity"), "1", "2", "3", "4", "5"),
            [
                [likelihood]
                + [row["side_effects"] for row in charts["side-effects"] if row["likelihood"] == likelihood]
                for likelihood in range(5, 0, -1)
            ],
        ),
        "priorities": _table(
            (_("Rank"), _("Use case"), _("Standalone score"), _("Synergy"), _("Priority"), _("Keystone")),
            [
                [
                    row["rank"],
                    f"{row['reference']} {row['title']}",
                    "" if row["standalone"] is None else f"{row['standalone']:.2f}",
                    f"{row['synergy']:.2f}",
                    f"{row['priority']:.2f}",
                    gettext("yes") if row["keystone"] else "",
                ]
                for row in charts["priorities"]
            ],
        ),
        "isolated-pilots": _table(
            (_("Domain"), _("Business function"), _("In a portfolio"), _("Standing alone"), _("Share standing alone")),
            [
                [
                    row["domain"],
                    row["function"],
                    row["in_portfolio"],
                    row["standalone"],
                    _percent(row["standalone_share"]),
                ]
                for row in charts["isolated-pilots"]
            ],
        ),
        "pipeline": _table(
            (_("Status"), _("Use cases"), _("Median days in the status"), _("Stays measured")),
            [
                [row["label"], row["use_cases"], _days(row["median_days"]), row["stays"] or ""]
                for row in charts["pipeline"]
            ],
        ),
    }


def _tiles(rows: list[dict]) -> list[dict[str, Any]]:
    """The headline figures: today's value and, when there are snapshots, the change since the last."""
    live = rows[-1]
    previous = rows[-2] if len(rows) > 1 else None
    since = date_format(datetime.date.fromisoformat(previous["taken_on"]), "DATE_FORMAT") if previous else ""
    tiles = []
    for figure in FIGURES:
        value = live[figure.key]
        before = previous.get(figure.key) if previous else None
        change = None
        if value is not None and before is not None and value != before:
            difference = value - before
            good = (difference > 0) == (figure.better == "higher")
            shown = FORMATS[figure.kind](abs(difference))
            change = {
                "text": (
                    gettext("up %(change)s since %(date)s")
                    if difference > 0
                    else gettext("down %(change)s since %(date)s")
                )
                % {"change": shown, "date": since},
                "good": good,
                "arrow": "▲" if difference > 0 else "▼",
            }
        elif previous is not None and before is not None:
            change = {
                "text": gettext("unchanged since %(date)s") % {"date": since},
                "good": None,
                "arrow": "=",
            }
        tiles.append({"key": figure.key, "label": figure.label, "value": FORMATS[figure.kind](value), "change": change})
    return tiles


def _queue(rows: list[dict]) -> list[dict[str, Any]]:
    url = reverse("admin:domains_usecase_change", args=[0])
    lists = {key: {"key": key, "label": label, "items": []} for key, label in QUEUE_LISTS.items()}
    for row in rows:
        since = datetime.date.fromisoformat(row["since"]) if row["since"] else None
        lists[row["list"]]["items"].append({**row, "since_date": since, "url": url.replace("/0/", f"/{row['id']}/")})
    return list(lists.values())


def _csv_urls(request) -> dict[str, str]:
    query = request.GET.urlencode()
    return {
        slug.replace("-", "_"): reverse("admin:dashboard_csv", args=[slug]) + (f"?{query}" if query else "")
        for slug in CHARTS
    }


def dashboard_context(request) -> dict[str, Any]:
    """What the admin's home page adds for the committee; nothing for other staff (the plain index)."""
    if not may_see_dashboard(request.user):
        return {}
    form = DashboardFilterForm(request.GET or None)
    context: dict[str, Any] = {"title": gettext("The committee's portfolio"), "dashboard_form": form}
    if form.is_bound and not form.is_valid():
        context["dashboard"] = {"invalid": True}
        return context
    filters = form.filters()
    charts = dashboard_rows(actor=request.user, filters=filters)
    context["dashboard"] = {
        "filters": filters,
        "tables": _tables(charts),
        "tiles": _tiles(charts["headline"]),
        "trends": len(charts["headline"]) > 1,
        "queue": _queue(charts["queue"]),
        "csv": _csv_urls(request),
        "titles": {slug.replace("-", "_"): chart.title for slug, chart in CHARTS.items()},
        "scored": len(charts["value-feasibility"]),
        "use_cases": charts["headline"][-1]["use_cases"],
        "high_score": HIGH_SIDE_EFFECT_SCORE,
        "data": {
            "charts": {slug: rows for slug, rows in charts.items() if slug != "queue"},
            "figures": [{"key": f.key, "label": str(f.label), "kind": f.kind} for f in FIGURES],
            "labels": _labels(),
            "urls": {"use_case": reverse("admin:domains_usecase_change", args=[0]).replace("/0/", "/{pk}/")},
        },
    }
    return context


def dashboard_csv_view(request, chart: str):
    """One chart's rows as CSV, the columns in the chart's order, under the page's filters (the same
    query parameters). An unknown chart is a 404, an unknown filter a 400 naming it."""
    if chart not in CHARTS:
        raise Http404(gettext("No chart named %(chart)s.") % {"chart": chart})
    if not may_see_dashboard(request.user):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(form.errors_text(), content_type="text/plain; charset=utf-8")
    columns = CHARTS[chart].columns
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in chart_rows(chart, actor=request.user, filters=form.filters()):
        writer.writerow(formula_safe(["" if row[column] is None else row[column] for column in columns]))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{chart}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
