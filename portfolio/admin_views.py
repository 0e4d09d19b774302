"""The committee's pages in the admin beyond Django's own: the forms of "Propose portfolios" and of
the status actions, the network map (a page, and the JSON it draws), and the sentences of a
portfolio's audit trail. portfolio/admin.py wires them into PortfolioAdmin and ClusteringRunAdmin;
every write goes through portfolio.services, every read through portfolio.selectors."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE_MAX_CHARS
from core.models import AuditAction, AuditEvent
from domains.choices import Status
from domains.models import Domain

from . import selectors
from .choices import LIVE_PORTFOLIO_STATUSES, LinkKind
from .graph import DEFAULT_STATUSES
from .models import Portfolio
from .services import RUN_LIMITS

# "Propose portfolios" --------------------------------------------------------------------------------


class ProposeForm(forms.Form):
    """A run's parameters, each optional: left empty, the settings' default (shown beside it) is used.
    The ranges are the service's (portfolio.services.clustering_run_parameters), which refuses a bad
    value naming its field; the form only reads the numbers."""

    resolution = forms.FloatField(label=_("resolution"), required=False)
    seed = forms.IntegerField(label=_("seed"), required=False)
    trials = forms.IntegerField(label=_("trials"), required=False)
    min_size = forms.IntegerField(label=_("smallest portfolio"), required=False)
    statuses = forms.MultipleChoiceField(
        label=_("statuses covered"),
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: from submitted to scaled (drafts, rejected and retired left out)."),
    )
    domains = forms.MultipleChoiceField(
        label=_("domains"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every domain."),
    )

    HELP = {
        "resolution": _("Higher: more, smaller portfolios. Default %(default)s; from %(low)s to %(high)s."),
        "seed": _("The same seed and data give the same portfolios. Default %(default)s."),
        "trials": _("Seeds tried; the partition with the highest modularity is kept. Default %(default)s."),
        "min_size": _("Smaller groups are not proposed. Default %(default)s; at least %(low)s."),
    }
    DEFAULTS = {
        "resolution": "PORTFOLIO_RESOLUTION",
        "seed": "PORTFOLIO_SEED",
        "trials": "PORTFOLIO_TRIALS",
        "min_size": "PORTFOLIO_MIN_SIZE",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = list(Domain.objects.order_by("name").values_list("slug", "name"))
        self.fields["statuses"].initial = [str(status) for status in DEFAULT_STATUSES]
        for name, setting in self.DEFAULTS.items():
            default = getattr(settings, setting)
            low, high = RUN_LIMITS[name]
            self.fields[name].help_text = self.HELP[name] % {"default": default, "low": low, "high": high}
            self.fields[name].widget.attrs["placeholder"] = str(default)

    def choices(self) -> dict:
        """What the service is given: only what was filled in (the rest takes the settings')."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, [], "")}

    def add_service_errors(self, error) -> None:
        """A ValidationError of clustering_run_create, beside the field it names."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


# The committee's status actions ----------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the portfolio and in its audit trail."),
    )


# The network map ---------------------------------------------------------------------------------------


class MapFilterForm(forms.Form):
    """The map's filters, as query parameters: `domain` (slugs) and `portfolio` (references of live
    portfolios), each repeatable, and `foundations` to draw the shared foundations."""

    domain = forms.MultipleChoiceField(label=_("domains"), required=False)
    portfolio = forms.MultipleChoiceField(label=_("portfolios"), required=False)
    foundations = forms.BooleanField(label=_("show shared foundations"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = list(Domain.objects.order_by("name").values_list("slug", "name"))
        self.fields["portfolio"].choices = [
            (reference, f"{reference} {name}")
            for reference, name in Portfolio.objects.filter(status__in=LIVE_PORTFOLIO_STATUSES)
            .order_by("reference")
            .values_list("reference", "name")
        ]
        for name in ("domain", "portfolio"):
            self.fields[name].widget.attrs["size"] = 6


# How each kind of tie is drawn, for the legend (the drawing itself is in network_map.js).
EDGE_LEGEND = (
    (LinkKind.SHARES_DATA, "shares-data"),
    (LinkKind.SHARES_PLATFORM, "shares-platform"),
    (LinkKind.DEPENDS_ON, "depends-on"),
    (LinkKind.REINFORCES, "reinforces"),
    (LinkKind.CONFLICTS_WITH, "conflicts-with"),
)


def _require_view(model_admin, request) -> None:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def network_map_view(model_admin, request):
    """The page: filters, legend and the drawing area; the drawing reads network_map_data_view."""
    _require_view(model_admin, request)
    form = MapFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # errors are shown beside the filters; the data URL answers 400 alike
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Network map of the use cases"),
        "opts": opts,
        "form": form,
        "data_url": reverse("admin:portfolio_portfolio_map_data")
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
        "edge_legend": [(kind.label, css) for kind, css in EDGE_LEGEND],
    }
    return TemplateResponse(request, "admin/portfolio/portfolio/network_map.html", context)


def network_map_data_view(model_admin, request):
    """The map's data as JSON (portfolio.selectors.network_map): about 1 MB for 2,000 use cases,
    gzipped on the wire (PortfolioAdmin.get_urls). Bad filters answer 400 with the errors by field."""
    _require_view(model_admin, request)
    form = MapFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = selectors.network_map(
        actor=request.user,
        domains=form.cleaned_data["domain"],
        portfolios=form.cleaned_data["portfolio"],
        foundations=form.cleaned_data["foundations"],
    )
    data["urls"] = {
        "use_case": reverse("admin:domains_usecase_change", args=[0]).replace("/0/", "/{pk}/"),
        "portfolio": reverse("admin:portfolio_portfolio_change", args=[0]).replace("/0/", "/{pk}/"),
        "foundation": reverse("admin:domains_foundation_change", args=[0]).replace("/0/", "/{pk}/"),
    }
    data["labels"] = {
        "no_portfolio": gettext("in no portfolio"),
        "isolated": gettext("scattered pilots: no link, no shared foundation"),
        "proposed": gettext("proposed"),
        "adopted": gettext("adopted"),
        "pinned": gettext("pinned"),
        "benefit": gettext("estimated annual benefit"),
        "value": gettext("business value"),
        "users": gettext("use cases sharing it"),
        "kinds": {kind.value: str(kind.label) for kind in LinkKind},
        # Labels and figures, so that no count needs a plural form it cannot have.
        "counts": gettext(
            "Use cases: %(use_cases)d · links: %(links)d · scattered pilots: %(isolated)d · in portfolios: "
            "%(in_portfolios)d"
        )
        % data["counts"],
    }
    return JsonResponse(data)


# A portfolio's audit trail, in sentences -----------------------------------------------------------------

FIELD_LABELS = {"name": _("name"), "theme": _("theme"), "owner": _("owner")}


def _reason(data: dict) -> str:
    reason = data.get("reason") or ""
    return gettext(" Reason: %(reason)s") % {"reason": reason} if reason else ""


def portfolio_event_text(event: AuditEvent) -> str:
    data = event.data or {}
    action = event.action
    if action == AuditAction.PORTFOLIO_UPDATED:
        parts = []
        for name, (before, after) in (data.get("changes") or {}).items():
            parts.append(
                gettext("%(field)s: “%(before)s” → “%(after)s”")
                % {"field": FIELD_LABELS.get(name, name), "before": before or "", "after": after or ""}
            )
        return gettext("Changed: %(changes)s") % {"changes": "; ".join(parts)}
    if action == AuditAction.PORTFOLIO_ADOPTED:
        return gettext("Adopted.") + _reason(data)
    if action in (AuditAction.PORTFOLIO_DISMISSED, AuditAction.PORTFOLIO_ARCHIVED):
        verb = gettext("Dismissed.") if action == AuditAction.PORTFOLIO_DISMISSED else gettext("Archived.")
        members = data.get("members") or []
        freed = gettext(" Members released: %(members)s.") % {"members": ", ".join(members)} if members else ""
        return verb + _reason(data) + freed
    if action == AuditAction.PORTFOLIO_MEMBER_ADDED:
        text = (
            gettext("%(use_case)s placed here, pinned") if data.get("pinned") else gettext("%(use_case)s placed here")
        ) % {"use_case": data.get("use_case", "")}
        moved = gettext(" (taken from %(portfolio)s)") % {"portfolio": data["from"]} if data.get("from") else ""
        return text + moved
    if action == AuditAction.PORTFOLIO_MEMBER_REMOVED:
        return gettext("%(use_case)s taken out") % {"use_case": data.get("use_case", "")}
    if action == AuditAction.PORTFOLIO_MEMBER_PINNED:
        return (gettext("%(use_case)s pinned") if data.get("pinned") else gettext("%(use_case)s unpinned")) % {
            "use_case": data.get("use_case", "")
        }
    return str(AuditAction(action).label) if action in AuditAction.values else action


# Priorities and what-if ------------------------------------------------------------------------------


class PriorityFilterForm(forms.Form):
    domain = forms.ModelChoiceField(
        label=_("domain"), queryset=Domain.objects.order_by("slug"), required=False, to_field_name="slug"
    )
    portfolio = forms.ModelChoiceField(
        label=_("portfolio"),
        queryset=Portfolio.objects.filter(status__in=LIVE_PORTFOLIO_STATUSES).order_by("reference"),
        required=False,
        to_field_name="reference",
    )
    keystones = forms.BooleanField(label=_("keystones only"), required=False)


PRIORITY_CSV_COLUMNS = (
    ("rank", _("rank")),
    ("reference", _("reference")),
    ("title", _("title")),
    ("portfolio", _("portfolio")),
    ("standalone", _("standalone score")),
    ("synergy", _("synergy")),
    ("priority", _("priority")),
    ("keystone", _("keystone")),
    ("explanation", _("why")),
)


def priorities_view(model_admin, request):
    """The ranked list, for the whole portfolio, a domain or a portfolio; ?format=csv downloads it."""
    _require_view(model_admin, request)
    form = PriorityFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    rows = selectors.priority_ranking(actor=request.user, domain=data.get("domain"), portfolio=data.get("portfolio"))
    if data.get("keystones"):
        rows = [row for row in rows if row.keystone]
    if request.GET.get("format") == "csv" and valid:
        return _priorities_csv(rows)
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Priorities"),
        "opts": model_admin.model._meta,
        "form": form,
        "rows": rows[:PRIORITY_PAGE_ROWS],
        "total": len(rows),
        "shown": min(len(rows), PRIORITY_PAGE_ROWS),
        "csv_url": f"{reverse('admin:portfolio_portfolio_priorities')}?{query.urlencode()}",
        "weights": selectors.priority_weights(),
    }
    return TemplateResponse(request, "admin/portfolio/portfolio/priorities.html", context)


# The page shows the first rows; the CSV holds them all.
PRIORITY_PAGE_ROWS = 500


def _priorities_csv(rows):
    import csv

    from django.http import HttpResponse

    from core.api.renderers import formula_safe

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="priorities.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(label) for _key, label in PRIORITY_CSV_COLUMNS])
    for row in rows:
        values = {
            "rank": row.rank,
            "reference": row.reference,
            "title": row.title,
            "portfolio": row.portfolio_reference,
            "standalone": "" if row.standalone is None else f"{row.standalone:.2f}",
            "synergy": f"{row.synergy:.2f}",
            "priority": f"{row.priority:.2f}",
            "keystone": gettext("yes") if row.keystone else "",
            "explanation": row.sentence(),
        }
        writer.writerow(formula_safe([values[key] for key, _label in PRIORITY_CSV_COLUMNS]))
    return response


class WhatIfForm(forms.Form):
    use_cases = forms.CharField(
        label=_("use cases to stop"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "UC-0012, UC-0031"}),
        max_length=20_000,
        help_text=_("Their references, separated by commas or spaces."),
    )


def what_if_view(model_admin, request):
    """ "If we stop these": asked from the form, or from the use-case list's action (?use_cases=...)."""
    _require_view(model_admin, request)
    form = WhatIfForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        use_cases, unknown = selectors.use_cases_by_references(actor=request.user, text=form.cleaned_data["use_cases"])
        if unknown:
            form.add_error(
                "use_cases",
                gettext("No use case you may see is %(references)s.") % {"references": ", ".join(unknown)},
            )
        elif not use_cases:
            form.add_error("use_cases", gettext("Name at least one use case by its reference (UC-0001)."))
        else:
            result = selectors.what_if_stopping(actor=request.user, use_cases=use_cases)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("What if we stop these?"),
        "opts": model_admin.model._meta,
        "form": form,
        "result": result,
    }
    return TemplateResponse(request, "admin/portfolio/portfolio/what_if.html", context)


def duplicate_judge_view(model_admin, request):
    """The use case page's "Looks like the same idea" links: GET asks to confirm (the pair and the
    verdict in the query), POST (the same, in the form) records it and goes back to the use case."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.http import HttpResponseRedirect

    from domains.models import UseCase

    from .choices import DuplicateVerdict
    from .services import duplicate_pair_judge

    source = request.POST if request.method == "POST" else request.GET
    visible = UseCase.objects.all()
    visibility = selectors.use_case_visibility_filter(request.user)
    if visibility is not None:
        visible = visible.filter(visibility)
    try:
        use_case = visible.get(pk=int(source.get("use_case", "")))
        other = visible.get(pk=int(source.get("other", "")))
    except (ValueError, UseCase.DoesNotExist):
        messages.error(request, gettext("No such pair of use cases."))
        return HttpResponseRedirect(reverse("admin:domains_usecase_changelist"))
    verdict = source.get("verdict", "")
    if request.method != "POST":
        if verdict not in DuplicateVerdict.values:
            messages.error(request, gettext("Unknown verdict."))
            return HttpResponseRedirect(reverse("admin:domains_usecase_change", args=[use_case.pk]))
        context = {
            **model_admin.admin_site.each_context(request),
            "title": DuplicateVerdict(verdict).label,
            "opts": model_admin.model._meta,
            "use_case": use_case,
            "other": other,
            "verdict": verdict,
            "verdict_label": DuplicateVerdict(verdict).label,
        }
        return TemplateResponse(request, "admin/portfolio/portfolio/duplicate_judge.html", context)
    try:
        duplicate_pair_judge(actor=request.user, use_case=use_case, other=other, verdict=verdict)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            gettext("%(use_case)s and %(other)s are linked as the same idea.")
            % {"use_case": use_case.reference, "other": other.reference}
            if verdict == DuplicateVerdict.MERGED
            else gettext("%(other)s will not be suggested again as a duplicate of %(use_case)s.")
            % {"use_case": use_case.reference, "other": other.reference},
        )
    return HttpResponseRedirect(reverse("admin:domains_usecase_change", args=[use_case.pk]))
