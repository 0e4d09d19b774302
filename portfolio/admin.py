"""The committee's admin for the portfolio app: links between use cases (inlines of the use-case page
and their own list), portfolios (list, page, members, status actions, history and audit trail),
clustering runs ("Propose portfolios", progress, what a run changed) and the network map
(portfolio/admin_views.py). Every write goes through portfolio.services; a refusal is a message."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page

from core.admin import PLAIN_ROWS, HistoryAdmin
from core.exceptions import BusinessRuleError
from domains.admin import ServiceInlineFormSet, UseCaseVisibilityAdminMixin
from domains.choices import FoundationKind, Status
from domains.models import UseCase
from domains.selectors import use_case_visibility_filter

from . import admin_views, selectors, services
from .choices import LinkKind, LinkStrength, MembershipSource, PortfolioStatus, RunStatus
from .models import ClusteringRun, Portfolio, PortfolioMembership, PriorityWeights, UseCaseLink
from .models.priorities import WEIGHT_FIELDS
from .rules import may_manage_portfolios


class LinkFormSet(ServiceInlineFormSet):
    """Saves inline link edits through the link services. The inline is anchored on one end of the
    link (`self.fk.name`: source or target); the form edits the other end."""

    EDITED = ("kind", "strength", "rationale")

    def _other_end(self) -> str:
        return "target" if self.fk.name == "source" else "source"

    def create(self, *, actor, use_case, cleaned_data):
        data = {name: cleaned_data[name] for name in (*self.EDITED, self._other_end())}
        return services.link_create(actor=actor, **{self.fk.name: use_case}, **data)

    def update(self, *, actor, instance, cleaned_data):
        data = {name: cleaned_data[name] for name in (*self.EDITED, self._other_end())}
        return services.link_update(actor=actor, link=instance, data=data)

    def remove(self, *, actor, instance) -> None:
        services.link_delete(actor=actor, link=instance)


class OutgoingLinkInline(UseCaseVisibilityAdminMixin, admin.TabularInline):
    use_case_paths = ("target",)  # a link to a draft the reader may not see is not shown
    model = UseCaseLink
    fk_name = "source"
    formset = LinkFormSet
    extra = 0
    fields = ("kind", "target", "strength", "rationale")
    autocomplete_fields = ("target",)
    classes = (PLAIN_ROWS,)
    verbose_name = _("link from this use case")
    verbose_name_plural = _("links from this use case")

    def get_queryset(self, request):
        # Both ends: the row's name (UseCaseLink.__str__) reads their references.
        return super().get_queryset(request).select_related("source", "target")


class IncomingLinkInline(UseCaseVisibilityAdminMixin, admin.TabularInline):
    use_case_paths = ("source",)
    model = UseCaseLink
    fk_name = "target"
    formset = LinkFormSet
    extra = 0
    fields = ("source", "kind", "strength", "rationale")
    autocomplete_fields = ("source",)
    classes = (PLAIN_ROWS,)
    verbose_name = _("link to this use case")
    verbose_name_plural = _("links to this use case")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "target")


@admin.register(UseCaseLink)
class UseCaseLinkAdmin(UseCaseVisibilityAdminMixin, HistoryAdmin):
    use_case_paths = ("source", "target")
    list_display = ("source", "kind", "target", "strength", "created_by", "updated_at")
    list_filter = ("kind", "strength", "source__domain")
    list_select_related = ("source", "target", "created_by")
    search_fields = ("source__reference", "source__title", "target__reference", "target__title", "rationale")
    autocomplete_fields = ("source", "target")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("source", "target", "kind", "strength", "rationale")}
        if change:
            saved = services.link_update(actor=request.user, link=obj, data=data)
        else:
            saved = services.link_create(actor=request.user, **data)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.link_delete(actor=request.user, link=obj)

    def delete_queryset(self, request, queryset):
        for link in queryset.select_related("source", "target"):
            services.link_delete(actor=request.user, link=link)


# Portfolios ------------------------------------------------------------------------------------------
# The committee (portfolio.rules.may_manage_portfolios) changes them; anyone else with the view
# permission reads them. Every change goes through a service; a refusal is a message on the page.


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", None) or str(exc)


def _call(request, service, success: str) -> bool:
    """Call a service; say what was done, or why not (never a 500)."""
    try:
        service()
    except (BusinessRuleError, PermissionDenied, ValidationError) as exc:
        messages.error(request, _refusal(exc))
        return False
    messages.success(request, success)
    return True


def _admin_link(view: str, pk, text) -> str:
    return format_html('<a href="{}">{}</a>', reverse(view, args=[pk]), text)


def _money(value) -> str:
    return "" if value is None else number_format(value, 0, force_grouping=True)


def _share(value) -> str:
    return "" if value is None else f"{value:.0%}"


class MemberForm(forms.ModelForm):
    """A member's row: pin or unpin it, or take it out. `pinned` itself is not editable on the model
    (only the services set it), so the form has fields of its own."""

    pin = forms.BooleanField(label=_("pinned"), required=False)
    take_out = forms.BooleanField(label=_("take out"), required=False)

    class Meta:
        model = PortfolioMembership
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["pin"] = self.instance.pinned


class MemberFormSet(ServiceInlineFormSet):
    """Saves the member rows through the membership services (ServiceInlineFormSet calls the parent
    `use_case`; here it is the portfolio)."""

    def update(self, *, actor, instance, cleaned_data):
        if cleaned_data.get("take_out"):
            services.portfolio_member_remove(actor=actor, membership=instance)
            return instance
        return services.portfolio_member_pin(actor=actor, membership=instance, pinned=cleaned_data["pin"])


class PortfolioMemberInline(UseCaseVisibilityAdminMixin, admin.TabularInline):
    model = PortfolioMembership
    fk_name = "portfolio"
    form = MemberForm
    formset = MemberFormSet
    extra = 0
    can_delete = False
    readonly_fields = ("use_case_link", "use_case_domain", "placed_by", "tie_weight", "strongest_ties", "added_by")
    verbose_name = _("member")
    verbose_name_plural = _("members, strongest ties first")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("use_case__domain", "added_by")
            .order_by("-strength", "use_case__reference")
        )

    def get_fields(self, request, obj=None):
        controls = ("pin", "take_out") if self.has_change_permission(request, obj) else ("pinned",)
        return (*self.readonly_fields[:4], *controls, "strongest_ties", "added_by")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if self.has_change_permission(request, obj) else (*self.readonly_fields, "pinned")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or may_manage_portfolios(request.user)

    def has_change_permission(self, request, obj=None):
        return may_manage_portfolios(request.user) and obj is not None and obj.is_live

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("use case"))
    def use_case_link(self, membership):
        use_case = membership.use_case
        return _admin_link("admin:domains_usecase_change", use_case.pk, f"{use_case.reference} {use_case.title}")

    @admin.display(description=_("domain"))
    def use_case_domain(self, membership):
        return membership.use_case.domain.name if membership.use_case.domain_id else ""

    @admin.display(description=_("placed by"))
    def placed_by(self, membership):
        return gettext("a run") if membership.source == MembershipSource.CLUSTERING else gettext("the committee")

    @admin.display(description=_("tie weight"))
    def tie_weight(self, membership):
        return f"{membership.strength:.2f}"

    @admin.display(description=_("strongest ties"))
    def strongest_ties(self, membership):
        return tie_list(membership.ties_shown[:3])


def tie_list(ties: list[dict]):
    """A member's ties (PortfolioMembership.ties), one a line: the link and whom it ties to, or the
    foundation and how many members share it."""
    kinds = dict(LinkKind.choices)
    lines = []
    for tie in ties:
        if tie.get("type") == "link":
            lines.append(
                (
                    kinds.get(tie.get("kind"), tie.get("kind", "")),
                    f"{tie.get('reference', '')} {tie.get('title', '')}".strip(),
                    f"{tie.get('weight', 0):.2f}",
                )
            )
        else:
            shared = ngettext(
                "foundation shared with %(count)d member",
                "foundation shared with %(count)d members",
                tie.get("shared_with", 0),
            ) % {"count": tie.get("shared_with", 0)}
            lines.append((shared, tie.get("name", ""), f"{tie.get('weight', 0):.2f}"))
    if not lines:
        return gettext("no tie inside the portfolio")
    return format_html('<ul class="portfolio-ties">{}</ul>', format_html_join("", "<li>{}: {} ({})</li>", lines))


class PlaceForm(forms.ModelForm):
    pin = forms.BooleanField(label=_("pin it here"), required=False, initial=True)

    class Meta:
        model = PortfolioMembership
        fields = ("use_case",)

    def validate_unique(self):
        # A use case in another portfolio is moved here by the service, not refused as taken.
        pass


class PlaceFormSet(ServiceInlineFormSet):
    def create(self, *, actor, use_case, cleaned_data):
        # `use_case` is ServiceInlineFormSet's name for the parent: the portfolio.
        return services.portfolio_member_add(
            actor=actor, portfolio=use_case, use_case=cleaned_data["use_case"], pinned=cleaned_data["pin"]
        )


class PortfolioPlaceInline(admin.TabularInline):
    """An empty row to place a use case in the portfolio (taking it out of the one it is in)."""

    model = PortfolioMembership
    fk_name = "portfolio"
    form = PlaceForm
    formset = PlaceFormSet
    extra = 1
    can_delete = False
    fields = ("use_case", "pin")
    autocomplete_fields = ("use_case",)
    verbose_name = _("use case to place here")
    verbose_name_plural = _("place a use case in this portfolio")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "use_case":
            # Pick an existing use case: adding or editing one from here is not this row's business.
            field.widget.can_add_related = field.widget.can_change_related = field.widget.can_view_related = False
        return field

    def has_add_permission(self, request, obj=None):
        return may_manage_portfolios(request.user) and obj is not None and obj.is_live

    def has_view_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortfolioForm(forms.ModelForm):
    class Meta:
        model = Portfolio
        fields = services.PORTFOLIO_EDITABLE_FIELDS


# The committee's verbs: (action name, label on the list, service, the statuses it applies to,
# success message). The page's buttons say the verb alone (PAGE_LABELS).
STATUS_ACTIONS = {
    "adopt_portfolios": (
        _("Adopt the selected proposals"),
        services.portfolio_adopt,
        (PortfolioStatus.PROPOSED,),
        _("%(portfolio)s adopted."),
    ),
    "dismiss_portfolios": (
        _("Dismiss the selected proposals"),
        services.portfolio_dismiss,
        (PortfolioStatus.PROPOSED,),
        _("%(portfolio)s dismissed: its use cases are free again."),
    ),
    "archive_portfolios": (
        _("Archive the selected portfolios"),
        services.portfolio_archive,
        (PortfolioStatus.ADOPTED,),
        _("%(portfolio)s archived: its use cases are free again."),
    ),
}
PAGE_LABELS = {"adopt_portfolios": _("Adopt"), "dismiss_portfolios": _("Dismiss"), "archive_portfolios": _("Archive")}


def _status_action(name: str):
    label, service, _statuses, success = STATUS_ACTIONS[name]

    def run(modeladmin, request, queryset):
        portfolios = list(queryset.order_by("pk"))
        form = admin_views.ReasonForm(request.POST if request.POST.get("apply") else None)
        if not form.is_bound or not form.is_valid():
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": label,
                "opts": modeladmin.model._meta,
                "portfolios": portfolios,
                "form": form,
                "action": name,
                "from_page": request.POST.get("_from_page", ""),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/portfolio/portfolio/status_action.html", context)
        for portfolio in portfolios:
            _call(
                request,
                lambda p=portfolio: service(actor=request.user, portfolio=p, reason=form.cleaned_data["reason"]),
                success % {"portfolio": portfolio},
            )
        if request.POST.get("_from_page") and len(portfolios) == 1:
            return HttpResponseRedirect(reverse("admin:portfolio_portfolio_change", args=[portfolios[0].pk]))
        return None

    run.__name__ = name
    run.short_description = label
    run.allowed_permissions = ("manage",)
    return run


@admin.register(Portfolio)
class PortfolioAdmin(HistoryAdmin):
    """Proposals come from clustering runs: never added or deleted here. The committee renames them,
    says what they are for, names an owner, adopts, dismisses or archives them, and places, takes out
    or pins members, each through its service and audited. The page shows why the group holds
    together, its metrics, its members with their ties, its field history and its audit trail."""

    form = PortfolioForm
    list_display = (
        "reference",
        "name",
        "status",
        "member_count",
        "cohesion_share",
        "benefit",
        "cost",
        "transformation",
        "domain_list",
        "owner",
        "last_run_link",
    )
    list_display_links = ("reference", "name")
    list_filter = ("status",)
    list_select_related = ("owner", "last_run")
    search_fields = ("reference", "name")
    autocomplete_fields = ("owner",)
    inlines = [PortfolioMemberInline, PortfolioPlaceInline]
    actions = [_status_action(name) for name in STATUS_ACTIONS]
    readonly_fields = (
        "reference",
        "status",
        "status_changed_at",
        "status_reason",
        "why",
        "foundations_shared",
        "domains_spanned",
        "functions_spanned",
        "member_count",
        "internal_weight",
        "cohesion_share",
        "benefit",
        "cost",
        "transformation",
        "proposed_by_run_link",
        "last_run_link",
        "ranked_members",
    )
    fieldsets = (
        (None, {"fields": ("reference", "status", "status_changed_at", "status_reason", "name", "theme", "owner")}),
        (_("Why it holds together"), {"fields": ("why", "foundations_shared", "domains_spanned", "functions_spanned")}),
        (_("Priorities inside it"), {"fields": ("ranked_members",)}),
        (
            _("Metrics"),
            {
                "fields": (
                    "member_count",
                    "internal_weight",
                    "cohesion_share",
                    "benefit",
                    "cost",
                    "transformation",
                    "proposed_by_run_link",
                    "last_run_link",
                )
            },
        ),
    )

    @admin.display(description=_("members by priority"))
    def ranked_members(self, obj):
        """Its members under consideration, highest priority first, keystones flagged (portfolio.priorities)."""
        if obj is None or obj.pk is None:
            return "–"
        rows = selectors.priority_ranking(actor=None, portfolio=obj)
        if not rows:
            return gettext("No member is under consideration (submitted to scaled).")
        lines = format_html_join(
            "",
            '<tr{}><td>{}</td><td><a href="{}">{}</a> {}{}</td><td>{}</td></tr>',
            (
                (
                    mark_safe(' class="keystone"') if row.keystone else "",
                    row.rank,
                    reverse("admin:domains_usecase_change", args=[row.use_case_id]),
                    row.reference,
                    row.title,
                    format_html(' <strong class="keystone-flag">{}</strong>', gettext("keystone"))
                    if row.keystone
                    else "",
                    row.sentence(),
                )
                for row in rows
            ),
        )
        return format_html(
            '<table class="ranked-members"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            gettext("rank"),
            gettext("use case"),
            gettext("why"),
            lines,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("map/", wrap(self.map_view), name="portfolio_portfolio_map"),
            # The JSON is text that compresses tenfold; it carries no secret (no token, no form), so
            # compressing it leaks nothing to a BREACH-style attack.
            path("map/data/", wrap(gzip_page(self.map_data_view)), name="portfolio_portfolio_map_data"),
            path("priorities/", wrap(self.priorities_view), name="portfolio_portfolio_priorities"),
            path("what-if/", wrap(self.what_if_view), name="portfolio_portfolio_what_if"),
            path("duplicates/judge/", wrap(self.duplicate_judge_view), name="portfolio_portfolio_duplicate_judge"),
            *super().get_urls(),
        ]

    def priorities_view(self, request):
        return admin_views.priorities_view(self, request)

    def what_if_view(self, request):
        return admin_views.what_if_view(self, request)

    def duplicate_judge_view(self, request):
        return admin_views.duplicate_judge_view(self, request)

    def map_view(self, request):
        return admin_views.network_map_view(self, request)

    def map_data_view(self, request):
        return admin_views.network_map_data_view(self, request)

    # Who may: viewing follows the model permission (the committee's group), changing is the committee's.

    def has_manage_permission(self, request):
        return may_manage_portfolios(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or may_manage_portfolios(request.user)

    def has_change_permission(self, request, obj=None):
        return may_manage_portfolios(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.portfolio_list(actor=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        portfolio = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if portfolio is not None:
            manage = may_manage_portfolios(request.user)
            extra["status_actions"] = [
                (name, PAGE_LABELS[name])
                for name, (_label, _service, statuses, _success) in STATUS_ACTIONS.items()
                if manage and portfolio.status in statuses
            ]
            extra["audit_events"] = [
                {"event": event, "text": admin_views.portfolio_event_text(event)}
                for event in selectors.portfolio_audit_events(actor=request.user, portfolio=portfolio)[:200]
            ]
            extra["map_url"] = reverse("admin:portfolio_portfolio_map") + f"?portfolio={portfolio.reference}"
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.PORTFOLIO_EDITABLE_FIELDS
        }
        if data:
            services.portfolio_update(actor=request.user, portfolio=obj, data=data)

    def save_formset(self, request, form, formset, change):
        formset.save_through_services(actor=request.user, use_case=form.instance)

    # Columns and panels ---------------------------------------------------------------------------

    @admin.display(description=_("cohesion"), ordering="cohesion")
    def cohesion_share(self, obj):
        return _share(obj.cohesion)

    @admin.display(description=_("benefit (EUR/yr)"), ordering="total_benefit")
    def benefit(self, obj):
        return _money(obj.total_benefit)

    @admin.display(description=_("cost (EUR/yr)"), ordering="total_cost")
    def cost(self, obj):
        return _money(obj.total_cost)

    @admin.display(description=_("transformation"), ordering="transformation_share")
    def transformation(self, obj):
        return _share(obj.transformation_share)

    @admin.display(description=_("domains"))
    def domain_list(self, obj):
        domains = obj.domains_shown
        shown = domains[:3]
        rest = len(domains) - len(shown)
        return ", ".join(shown) + (gettext(" and %(count)d more") % {"count": rest} if rest else "")

    @admin.display(description=_("last run"), ordering="last_run")
    def last_run_link(self, obj):
        return (
            _admin_link("admin:portfolio_clusteringrun_change", obj.last_run_id, f"#{obj.last_run_id}")
            if obj.last_run_id
            else ""
        )

    @admin.display(description=_("proposed by"))
    def proposed_by_run_link(self, obj):
        if not obj.proposed_by_run_id:
            return gettext("the committee")
        return _admin_link("admin:portfolio_clusteringrun_change", obj.proposed_by_run_id, f"#{obj.proposed_by_run_id}")

    @admin.display(description=_("why"))
    def why(self, obj):
        return obj.why or gettext("No ties inside the portfolio yet.")

    @admin.display(description=_("shared foundations"))
    def foundations_shared(self, obj):
        if not obj.shared_foundations:
            return gettext("None: its members share no data source or platform.")
        rows = [
            (
                reverse("admin:domains_foundation_change", args=[item["id"]]),
                item.get("name", ""),
                ngettext("used by %(count)d member", "used by %(count)d members", item.get("members", 0))
                % {"count": item.get("members", 0)},
            )
            for item in obj.shared_foundations_shown
        ]
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>, {}</li>', rows))

    @admin.display(description=_("domains spanned"))
    def domains_spanned(self, obj):
        return ", ".join(obj.domains_shown)

    @admin.display(description=_("functions spanned"))
    def functions_spanned(self, obj):
        return ", ".join(obj.functions_shown)


# Clustering runs ---------------------------------------------------------------------------------------


@admin.register(ClusteringRun)
class ClusteringRunAdmin(admin.ModelAdmin):
    """Runs are a record: started with "Propose portfolios" (the add page, portfolio.services.
    clustering_run_create), executed by a worker, never edited or deleted. A run's page follows it
    while it runs (it refreshes itself) and says afterwards what it changed."""

    list_display = (
        "run_number",
        "status",
        "started_by_name",
        "started_at",
        "finished_at",
        "duration",
        "node_count",
        "edge_count",
        "portfolio_count",
        "isolated_count",
        "modularity",
        "moved_count",
    )
    list_display_links = ("run_number", "status")
    list_filter = ("status",)
    list_select_related = ("started_by",)
    fieldsets = (
        (None, {"fields": ("status", "started_by_name", "created_at", "started_at", "finished_at", "duration")}),
        (
            _("The graph it saw"),
            {
                "fields": (
                    "node_count",
                    "edge_count",
                    "foundation_count",
                    "portfolio_count",
                    "isolated_count",
                    "moved_count",
                    "modularity",
                    "resolution_used",
                    "fingerprint",
                )
            },
        ),
    )
    readonly_fields = (
        "status",
        "started_by_name",
        "created_at",
        "started_at",
        "finished_at",
        "duration",
        "node_count",
        "edge_count",
        "foundation_count",
        "portfolio_count",
        "isolated_count",
        "moved_count",
        "modularity",
        "resolution_used",
        "fingerprint",
    )

    def get_queryset(self, request):
        return selectors.clustering_run_list(actor=request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or may_manage_portfolios(request.user)

    def has_add_permission(self, request):
        return may_manage_portfolios(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("run"), ordering="id")
    def run_number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("started by"), ordering="started_by")
    def started_by_name(self, obj):
        return obj.started_by or gettext("the system")

    @admin.display(description=_("duration"), ordering="duration_seconds")
    def duration(self, obj):
        return "" if obj.duration_seconds is None else f"{obj.duration_seconds:.2f} s"

    def add_view(self, request, form_url="", extra_context=None):
        """ "Propose portfolios": the run's parameters (each optional), then the run's own page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = admin_views.ProposeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.clustering_run_create(actor=request.user, **form.choices())
            except ValidationError as exc:
                form.add_service_errors(exc)
            except (BusinessRuleError, PermissionDenied) as exc:
                messages.error(request, _refusal(exc))
            else:
                messages.success(
                    request, gettext("Run #%(id)s started: this page follows it until it is done.") % {"id": run.pk}
                )
                return HttpResponseRedirect(reverse("admin:portfolio_clusteringrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": gettext("Propose portfolios"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/portfolio/clusteringrun/propose.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if run is not None:
            context = run_page_context(request.user, run)
            extra["run_progress"] = render_to_string("admin/portfolio/clusteringrun/progress.html", context, request)
            extra["run_panels"] = render_to_string("admin/portfolio/clusteringrun/panels.html", context, request)
            extra["refresh_seconds"] = None if run.is_finished else RUN_PAGE_REFRESH_SECONDS
        return super().change_view(request, object_id, form_url, extra_context=extra)


# While a run is pending or running its page reloads itself this often (a <meta> refresh: no script).
RUN_PAGE_REFRESH_SECONDS = 2

# The parameters of a run, in the order and with the labels its page shows them.
RUN_PARAMETER_LABELS = (
    ("resolution", _("resolution")),
    ("reference_weight", _("weight above which the resolution is scaled")),
    ("seed", _("seed")),
    ("trials", _("trials")),
    ("min_size", _("smallest portfolio")),
    ("match_threshold", _("identity threshold (Jaccard)")),
    ("statuses", _("statuses covered")),
    ("domains", _("domains")),
    ("link_weights", _("weight of each kind of link")),
    ("strength_factors", _("factor of each strength")),
    ("foundation_weights", _("weight of each kind of foundation")),
    ("foundation_damping", _("foundation damping")),
    ("same_domain_weight", _("same-domain bonus")),
)


def _parameter_text(key: str, value) -> str:
    """A parameter as the committee reads it: statuses, kinds and strengths by their labels."""
    labels = {
        "statuses": dict(Status.choices),
        "link_weights": dict(LinkKind.choices),
        "strength_factors": {str(k): v for k, v in LinkStrength.choices},
        "foundation_weights": dict(FoundationKind.choices),
    }.get(key, {})
    if isinstance(value, dict):
        return "; ".join(f"{labels.get(name, name)}: {item}" for name, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value) or gettext("all")
    return str(value)


def run_page_context(actor, run: ClusteringRun) -> dict:
    """What a run's page shows below its counts: progress while it runs, the error if it failed, its
    parameters, what it changed (run.changes, portfolio.services._summary) and the scattered pilots it
    found. A fixed number of queries: the portfolios named, the use cases named, the isolated ones."""
    changes = run.changes or {}
    portfolio_ids = {
        item["id"]
        for key in ("new", "suppressed", "unmatched", "superseded", "joined", "left")
        for item in changes.get(key, ())
    }
    portfolio_ids |= set(changes.get("kept", ()))
    for split in changes.get("splits", ()):
        portfolio_ids |= {split["id"], *(item["id"] for item in split.get("into", ()))}
    for merge in changes.get("merges", ()):
        portfolio_ids |= {merge["id"], *(item["id"] for item in merge.get("from", ()))}
    portfolios = (
        {
            pk: (reference, name)
            for pk, reference, name in Portfolio.objects.filter(pk__in=portfolio_ids).values_list(
                "pk", "reference", "name"
            )
        }
        if portfolio_ids
        else {}
    )
    references = {
        ref for key in ("joined", "left") for item in changes.get(key, ()) for ref in item.get("use_cases", ())
    }
    visible = UseCase.objects.filter(reference__in=references)
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        visible = visible.filter(visibility)
    use_case_ids = dict(visible.values_list("reference", "pk")) if references else {}

    def portfolio(item) -> dict:
        reference, name = portfolios.get(item["id"], (item.get("reference", ""), item.get("name", "")))
        return {"id": item["id"], "reference": reference, "name": name, "exists": item["id"] in portfolios}

    def movement(key: str) -> list[dict]:
        return [
            {
                **portfolio(item),
                "count": item.get("count", 0),
                "use_cases": [(ref, use_case_ids[ref]) for ref in item.get("use_cases", ()) if ref in use_case_ids],
            }
            for item in changes.get(key, ())
        ]

    summary = {
        "new": [{**portfolio(item), "members": item.get("members", 0)} for item in changes.get("new", ())],
        "kept": [portfolio({"id": pk}) for pk in changes.get("kept", ())],
        "joined": movement("joined"),
        "left": movement("left"),
        "joined_more": max(0, changes.get("joined_portfolios", 0) - len(changes.get("joined", ()))),
        "left_more": max(0, changes.get("left_portfolios", 0) - len(changes.get("left", ()))),
        "splits": [
            {**portfolio(s), "into": [portfolio(i) for i in s.get("into", ())]} for s in changes.get("splits", ())
        ],
        "merges": [
            {**portfolio(m), "from": [portfolio(i) for i in m.get("from", ())]} for m in changes.get("merges", ())
        ],
        "suppressed": [portfolio(item) for item in changes.get("suppressed", ())],
        "unmatched": [portfolio(item) for item in changes.get("unmatched", ())],
        "superseded": [portfolio(item) for item in changes.get("superseded", ())],
    }
    parameters = [
        (label, _parameter_text(key, run.parameters[key]))
        for key, label in RUN_PARAMETER_LABELS
        if key in run.parameters
    ]
    return {
        "run": run,
        "running": run.status in (RunStatus.PENDING, RunStatus.RUNNING),
        "parameters": parameters,
        "summary": summary,
        "has_changes": bool(changes),
        "moved": changes.get("moved", run.moved_count),
        "unplaced": changes.get("unplaced"),
        "isolated": list(selectors.isolated_use_cases(actor=actor, run=run)) if run.isolated else [],
        "refresh_seconds": RUN_PAGE_REFRESH_SECONDS,
        "map_url": reverse("admin:portfolio_portfolio_map"),
    }


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    """The one row of weights the priorities use (made by a migration): the committee edits it here,
    through portfolio.services.priority_weights_update (audited)."""

    list_display = ("__str__", *WEIGHT_FIELDS, "updated_at", "updated_by")
    fields = (*WEIGHT_FIELDS, "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def get_object(self, request, object_id, from_field=None):
        return PriorityWeights.current() if str(object_id) == "1" else None

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in WEIGHT_FIELDS}
        services.priority_weights_update(actor=request.user, data=data)

    def log_change(self, request, obj, message):
        """The audit trail records the change (priority.weights_changed)."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or may_manage_portfolios(request.user)

    def has_change_permission(self, request, obj=None):
        return may_manage_portfolios(request.user)
