"""The committee's admin: committees and meetings, the read-only record (rounds, votes, decisions,
notifications, audit), and the registered use-case page, assembled here on domains' UseCaseAdminBase
with portfolio's link inlines and the workflow (timeline panel, queue filter, actions). Every action
calls a service and shows a refusal as an error message."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import PLAIN_ROWS, HistoryAdmin, badge
from core.exceptions import BusinessRuleError
from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS
from core.models import AuditEvent
from domains.admin import ServiceInlineFormSet, UseCaseAdminBase, UseCaseVisibilityAdminMixin
from domains.choices import Status
from domains.models import UseCase
from portfolio.admin import IncomingLinkInline, OutgoingLinkInline

from . import services
from .choices import LIVE_SIDE_EFFECT_STATUSES, DecisionOutcome, KpiCategory, KpiProgress, VoteChoice
from .models import (
    AgendaItem,
    ChangeRequest,
    Committee,
    CommitteeMembership,
    Decision,
    ImpactSnapshot,
    Kpi,
    KpiMeasurement,
    Meeting,
    Notification,
    ReviewRound,
    SideEffect,
    Vote,
)
from .rules import committee_management_refusal, impact_refusal, measurement_refusal, membership_change_refusal
from .selectors import (
    TIMELINE_KIND_LABELS,
    audit_event_text,
    kpi_progress_of,
    kpis_with_latest,
    next_actions_for_team,
    use_case_timeline,
    use_cases_awaiting_vote,
)
from .workflow import TRANSITIONS, allowed_actions

# When no meeting is planned, "prepare next meeting" plans one this many days ahead.
DEFAULT_MEETING_INTERVAL_DAYS = 7


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services: searchable, never added, edited or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    """Read-only: the audit trail can be searched, never edited or deleted. Events about API tokens
    (whose token acts as whom, may it write) are for administrators, as in the API."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.exclude(action__startswith="api_token.")

    list_display = ("created_at", "actor_name", "action", "description", "target_repr", "use_case")
    list_filter = ("action", "target_type")
    list_select_related = ("use_case",)
    search_fields = ("actor_name", "action", "target_repr", "use_case__reference")
    date_hierarchy = "created_at"

    def get_actions(self, request):
        return {}

    @admin.display(description=_("what happened"))
    def description(self, obj: AuditEvent) -> str:
        return audit_event_text(obj)


def _run(request, call, success=None) -> bool:
    """Call a service; show a refusal as an admin error message instead of a crash. `success` is the
    message, or a function of what the service returned that writes it."""
    try:
        result = call()
    except (BusinessRuleError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return True


# Committees and meetings ---------------------------------------------------------------------------


class MembershipFormSet(forms.BaseInlineFormSet):
    """Each new or changed membership is checked against the same rule the service applies, so a
    refusal shows beside its row with what was typed, before anything is saved."""

    actor = None

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            existing = form.instance.pk is not None
            if existing and "user" in form.changed_data:
                form.add_error("user", gettext("Who a membership is for does not change: end it and add another."))
                continue
            user = form.cleaned_data.get("user")
            if user is None:
                continue
            roles = {form.cleaned_data.get("role")} | ({form.initial.get("role")} if existing else set())
            refusal = membership_change_refusal(self.actor, self.instance, user=user, roles=roles)
            if refusal is not None:
                form.add_error(None, refusal)


class CommitteeMembershipInline(admin.TabularInline):
    """Memberships are ended (an end date), never deleted: the votes cast keep their meaning."""

    model = CommitteeMembership
    formset = MembershipFormSet
    extra = 0
    can_delete = False
    autocomplete_fields = ("user", "function")
    fields = ("user", "function", "role", "start_date", "end_date")
    classes = (PLAIN_ROWS,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "function")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset

    def _may_manage(self, request, obj) -> bool:
        return obj is not None and committee_management_refusal(request.user, obj) is None

    def has_add_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Committee)
class CommitteeAdmin(HistoryAdmin):
    """A committee's mandate, quorum, domains and members. An administrator or the committee's chair
    changes them, through the audited services (governance.services.committee_*); a member sees them
    read-only. What changed, and who changed it, is on the committee's timeline below the form."""

    list_display = ("name", "covers_all_domains", "quorum_votes", "quorum_functions")
    search_fields = ("name", "mandate")
    autocomplete_fields = ("domains",)
    inlines = [CommitteeMembershipInline]
    actions = ["prepare_next_meeting"]
    readonly_panels = ("committee_timeline",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or committee_management_refusal(request.user, obj) is None

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *(self.readonly_panels if obj else ()))

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in self.readonly_panels]
        return [*fields, *(self.readonly_panels if obj else ())]

    @admin.display(description=_("what changed, and who changed it"))
    def committee_timeline(self, obj):
        from .selectors import committee_timeline

        entries = [
            {
                "when": e.when,
                "actor": e.actor,
                "kind": e.kind,
                "kind_label": TIMELINE_KIND_LABELS[e.kind],
                "text": e.text,
            }
            for e in committee_timeline(committee=obj)
        ]
        return render_to_string("admin/governance/timeline.html", {"entries": entries})

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in services.COMMITTEE_EDITABLE_FIELDS if name in form.cleaned_data
        }
        domains = form.cleaned_data.get("domains")
        if change:
            data = {name: value for name, value in data.items() if name in form.changed_data}
            saved = services.committee_update(
                actor=request.user,
                committee=obj,
                data=data,
                domains=domains if "domains" in form.changed_data else None,
            )
        else:
            saved = services.committee_create(actor=request.user, data=data, domains=domains)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Domains were set by the service (save_model); memberships go through theirs.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        committee = form.instance
        # What the admin's change message and log entry read.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not row.has_changed() or row.cleaned_data.get("DELETE"):
                continue
            values = {name: row.cleaned_data.get(name) for name in services.MEMBERSHIP_EDITABLE_FIELDS}
            if row.instance.pk is None:
                added = services.committee_membership_add(
                    actor=request.user, committee=committee, user=row.cleaned_data["user"], **values
                )
                formset.new_objects.append(added)
            else:
                changed = {name: value for name, value in values.items() if name in row.changed_data}
                saved = services.committee_membership_update(actor=request.user, membership=row.instance, data=changed)
                formset.changed_objects.append((saved, list(changed)))

    @admin.action(description=_("Prepare the next meeting (agenda from the use cases in review)"))
    def prepare_next_meeting(self, request, queryset):
        today = timezone.localdate()
        for committee in queryset.order_by("pk"):
            planned = committee.meetings.filter(date__gte=today).order_by("date").values_list("date", flat=True).first()
            date = planned or today + datetime.timedelta(days=DEFAULT_MEETING_INTERVAL_DAYS)
            _run(
                request,
                lambda c=committee, d=date: services.meeting_prepare_next(actor=request.user, committee=c, date=d),
                gettext("Agenda of %(committee)s for %(date)s prepared.") % {"committee": committee, "date": date},
            )


class AgendaItemInline(UseCaseVisibilityAdminMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ("use_case",)
    fields = ("position", "use_case")
    classes = (PLAIN_ROWS,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("use_case")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "committee", "agenda_size")

    class Media:
        css = {"all": ("core/admin.css",)}

    list_filter = ("committee",)
    list_select_related = ("committee",)
    date_hierarchy = "date"
    inlines = [AgendaItemInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(agenda_total=Count("items"))

    @admin.display(description=_("agenda"), ordering="agenda_total")
    def agenda_size(self, obj):
        return obj.agenda_total


@admin.register(ReviewRound)
class ReviewRoundAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ("use_case", "number", "committee", "opened_at", "closed_at", "closed_reason")
    list_filter = ("committee", "closed_reason")
    list_select_related = ("use_case", "committee")
    search_fields = ("use_case__reference", "use_case__title")


@admin.register(Vote)
class VoteAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    use_case_paths = ("round__use_case",)

    list_display = ("created_at", "round", "voter", "function", "choice")
    list_filter = ("choice", "function")
    list_select_related = ("round", "voter", "function")
    search_fields = ("round__use_case__reference", "voter__username", "comment")


@admin.register(Decision)
class DecisionAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ("created_at", "use_case", "outcome", "decided_by")
    list_filter = ("outcome",)
    list_select_related = ("use_case", "decided_by")
    search_fields = ("use_case__reference", "rationale", "conditions")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ("created_at", "use_case", "author", "resolved_at")
    list_select_related = ("use_case", "author")
    search_fields = ("use_case__reference", "comment")


@admin.register(Notification)
class NotificationAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ("created_at", "kind", "email", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("email", "subject")
    date_hierarchy = "created_at"


# Impact: success measures, their measurements, side effects, the weekly snapshots ----------------------
# Every write goes through the impact services (governance.services.kpi_*, kpi_measurements_record,
# measurement_delete, side_effect_*), which decide who may (governance.rules) and audit; a refusal is
# an error message on the page (core.admin.HistoryAdmin), and the whole save is rolled back.

# The review filters' choices: live side effects not reviewed for this many days.
STALE_REVIEW_DAYS = (30, 90, 180)
# Likelihood × severity from which a side effect reads as high, and as medium.
HIGH_SCORE = 15
MEDIUM_SCORE = 8
# A measure's progress as a badge: a mark and the words, so it never rests on colour alone.
PROGRESS_MARKS = {
    KpiProgress.ON_TRACK: "✓",
    KpiProgress.AT_RISK: "!",
    KpiProgress.OFF_TRACK: "✗",
    KpiProgress.NO_DATA: "–",
}


def _number(value) -> str:
    return "" if value is None else number_format(plain_decimal(value), use_l10n=True, force_grouping=True)


def _progress(kpi: Kpi):
    """The measure's progress (KpiProgressResult), from the latest values its queryset annotated
    (governance.selectors.kpis_with_latest)."""
    if not hasattr(kpi, "_admin_progress"):
        kpi._admin_progress = kpi_progress_of(
            kpi,
            latest=getattr(kpi, "latest_value", None),
            latest_date=getattr(kpi, "latest_date", None),
            previous=getattr(kpi, "previous_value", None),
            first_date=getattr(kpi, "first_date", None),
            today=timezone.localdate(),
            tolerance=settings.GOVERNANCE_KPI_TOLERANCE,
        )
    return kpi._admin_progress


def latest_value_text(kpi: Kpi) -> str:
    if kpi.pk is None:
        return "—"
    progress = _progress(kpi)
    if progress.latest is None:
        return "—"
    value = " ".join(part for part in (_number(progress.latest), kpi.unit) if part)
    return gettext("%(value)s on %(date)s") % {
        "value": value,
        "date": date_format(progress.latest_date, "SHORT_DATE_FORMAT"),
    }


def progress_badge(kpi: Kpi) -> str:
    if kpi.pk is None:
        return "—"
    progress = _progress(kpi)
    label = f"{PROGRESS_MARKS[progress.status]} {progress.label}"
    if progress.progress is not None:
        label = gettext("%(label)s, %(share)s of the way") % {"label": label, "share": f"{progress.progress:.0%}"}
    return badge("progress", progress.status, label)


def score_badge(side_effect: SideEffect) -> str:
    if side_effect.score is None:
        return badge("score", "none", gettext("not assessed"))
    level = "high" if side_effect.score >= HIGH_SCORE else "medium" if side_effect.score >= MEDIUM_SCORE else "low"
    return badge("score", level, f"{side_effect.likelihood} × {side_effect.severity} = {side_effect.score}")


class ImpactPermissions:
    """Impact rows of a use case are changed by whoever the services let change its success measures
    and side effects (governance.rules.impact_refusal: its team, its committee, an administrator);
    everyone else with the view permission reads them."""

    @staticmethod
    def use_case_of(obj):
        if obj is None or isinstance(obj, UseCase):
            return obj
        if isinstance(obj, KpiMeasurement):
            return obj.kpi.use_case
        return obj.use_case

    def may_change_impact(self, request, obj) -> bool:
        use_case = self.use_case_of(obj)
        return use_case is None or impact_refusal(request.user, use_case) is None


class ImpactInlineMixin(ImpactPermissions):
    """On a use case's (or a measure's) page: editable when the reader may change its impact. Compact
    widgets (a native date field, no add/change/view icons beside a choice): the table fits a laptop,
    and each row's own page (its "open" link) has the rest."""

    classes = (PLAIN_ROWS,)
    open_label = _("Details")
    empty_value_display = "—"
    formfield_overrides = {
        models.DateField: {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and hasattr(field.widget, "can_view_related"):
            widget = field.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return field

    @admin.display(description="")
    def open_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return format_html('<a href="{}" class="inline-open">{}</a>', url, self.open_label)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and obj is not None and self.may_change_impact(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.may_change_impact(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.may_change_impact(request, obj))


class ChangedFieldsFormSet(ServiceInlineFormSet):
    """Updates send the service only what the row changed (a side effect whose rating changes is
    reviewed today unless its review date was set by hand: the service needs to know which)."""

    editable: tuple[str, ...] = ()

    def changed(self, instance, cleaned_data) -> dict:
        form = next(form for form in self.forms if form.instance is instance)
        return {name: cleaned_data[name] for name in form.changed_data if name in self.editable}

    def given(self, cleaned_data) -> dict:
        return {name: value for name, value in cleaned_data.items() if name in self.editable}


class KpiFormSet(ChangedFieldsFormSet):
    editable = services.KPI_EDITABLE_FIELDS

    def create(self, *, actor, use_case, cleaned_data):
        return services.kpi_create(actor=actor, use_case=use_case, data=self.given(cleaned_data))

    def update(self, *, actor, instance, cleaned_data):
        return services.kpi_update(actor=actor, kpi=instance, data=self.changed(instance, cleaned_data))

    def remove(self, *, actor, instance) -> None:
        services.kpi_delete(actor=actor, kpi=instance)


def plain_decimal(value):
    """A measure's number as typed (9.5, 100), not as stored (9.5000); exact either way."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class KpiForm(forms.ModelForm):
    """Baseline and target shown without the four stored decimals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("baseline", "target"):
            if name in self.fields and isinstance(self.initial.get(name), Decimal):
                self.initial[name] = plain_decimal(self.initial[name])


class KpiInline(ImpactInlineMixin, admin.TabularInline):
    """A use case's success measures: what is measured, from where to where, and where it stands."""

    model = Kpi
    form = KpiForm
    formset = KpiFormSet
    extra = 0
    # Who answers for it, how often and whether it counts money: on the measure's own page.
    fields = (
        "name",
        "latest",
        "progress",
        "category",
        "unit",
        "baseline",
        "target",
        "target_date",
        "direction",
        "open_link",
    )
    readonly_fields = ("latest", "progress", "open_link")
    open_label = _("Values and details")
    verbose_name = _("success measure")
    verbose_name_plural = _("success measures")

    def get_queryset(self, request):
        return kpis_with_latest(super().get_queryset(request))

    @admin.display(description=_("latest value"))
    def latest(self, kpi):
        return latest_value_text(kpi)

    @admin.display(description=_("progress"))
    def progress(self, kpi):
        return progress_badge(kpi)


class SideEffectFormSet(ChangedFieldsFormSet):
    editable = services.SIDE_EFFECT_EDITABLE_FIELDS

    def create(self, *, actor, use_case, cleaned_data):
        return services.side_effect_create(actor=actor, use_case=use_case, data=self.given(cleaned_data))

    def update(self, *, actor, instance, cleaned_data):
        return services.side_effect_update(actor=actor, side_effect=instance, data=self.changed(instance, cleaned_data))

    def remove(self, *, actor, instance) -> None:
        services.side_effect_delete(actor=actor, side_effect=instance)


class SideEffectInline(ImpactInlineMixin, admin.TabularInline):
    """A use case's side effects, anticipated and observed: rated, mitigated, owned and reviewed."""

    model = SideEffect
    formset = SideEffectFormSet
    extra = 0
    # Its description, owner and the measure that shows it: on the side effect's own page.
    fields = (
        "title",
        "kind",
        "category",
        "likelihood",
        "severity",
        "score",
        "status",
        "last_reviewed_on",
        "mitigation",
        "open_link",
    )
    readonly_fields = ("score", "open_link")
    verbose_name = _("side effect")
    verbose_name_plural = _("side effects")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        mitigation = formset.form.base_fields.get("mitigation")
        if mitigation is not None:
            mitigation.widget.attrs.update(rows=2, cols=28)
        return formset

    @admin.display(description=_("score"))
    def score(self, side_effect):
        return score_badge(side_effect) if side_effect.pk else "—"


class MeasurementFormSet(ServiceInlineFormSet):
    """Recorded values are read here; one may be removed (measurement_delete)."""

    def remove(self, *, actor, instance) -> None:
        services.measurement_delete(actor=actor, measurement=instance)


class KpiMeasurementInline(ImpactInlineMixin, admin.TabularInline):
    """A measure's values, newest first: read-only (they come from the team, the API or an import); a
    wrong one is removed, or recorded again on its date below."""

    model = KpiMeasurement
    formset = MeasurementFormSet
    extra = 0
    fields = ("date", "value_text", "source", "note", "recorded_by")
    readonly_fields = fields
    verbose_name = _("measurement")
    verbose_name_plural = _("measurements, newest first")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kpi", "recorded_by").order_by("-date")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def may_change_impact(self, request, obj) -> bool:
        return obj is not None and measurement_refusal(request.user, obj) is None

    @admin.display(description=_("value"))
    def value_text(self, measurement):
        return " ".join(part for part in (_number(measurement.value), measurement.kpi.unit) if part)


class MeasurementRecordForm(forms.ModelForm):
    class Meta:
        model = KpiMeasurement
        fields = ("date", "value", "note")

    def validate_unique(self):
        # Recording a date already measured corrects its value (the service's rule), it is not refused.
        pass


class MeasurementRecordFormSet(ServiceInlineFormSet):
    @classmethod
    def get_default_prefix(cls):
        # Beside the recorded values' inline (prefix "measurements"): a name of its own, not "measurements-2".
        return "recorded"

    def create(self, *, actor, use_case, cleaned_data):
        # `use_case` is ServiceInlineFormSet's name for the parent: here the measure.
        row = {"date": cleaned_data["date"], "value": cleaned_data["value"], "note": cleaned_data.get("note", "")}
        return services.kpi_measurements_record(actor=actor, kpi=use_case, rows=[row]).measurements[0]


class KpiMeasurementRecordInline(admin.TabularInline):
    """An empty row to record a value (through kpi_measurements_record, as the API does)."""

    model = KpiMeasurement
    form = MeasurementRecordForm
    formset = MeasurementRecordFormSet
    extra = 1
    can_delete = False
    fields = ("date", "value", "note")
    formfield_overrides = ImpactInlineMixin.formfield_overrides
    verbose_name = _("measurement to record")
    verbose_name_plural = _("record a measurement (a date already measured is corrected)")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        return obj is not None and measurement_refusal(request.user, obj) is None

    def has_view_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImpactAdmin(ImpactPermissions, UseCaseVisibilityAdminMixin, HistoryAdmin):
    """A page of impact rows: visible as their use cases are, changed through the services by whoever
    may change the use case's impact. No bulk delete: each removal is the service's, one at a time."""

    empty_value_display = "—"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_change_impact(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_change_impact(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        # The use case a row belongs to is chosen once, when it is added.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "use_case") if obj is not None else readonly

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            saver = getattr(formset, "save_through_services", None)
            if saver is not None:
                saver(actor=request.user, use_case=form.instance)


@admin.register(Kpi)
class KpiAdmin(ImpactAdmin):
    form = KpiForm
    # Owner, frequency and target date are on the measure's page: the list fits a laptop.
    list_display = ("name_and_category", "use_case_link", "latest", "progress", "target_text")
    list_display_links = ("name_and_category",)
    list_filter = ("category", "direction", "frequency", "is_monetary", "use_case__domain", "use_case__status")
    list_select_related = ("use_case", "owner")
    search_fields = ("name", "use_case__reference", "use_case__title")
    autocomplete_fields = ("use_case", "owner")
    readonly_fields = ("latest", "progress", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("use_case", "name", "category", "owner")}),
        (
            _("From where to where"),
            {
                "fields": (
                    ("baseline", "target", "unit"),
                    ("direction", "target_date"),
                    ("frequency", "is_monetary"),
                )
            },
        ),
        (_("Where it stands"), {"fields": ("latest", "progress")}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = [KpiMeasurementInline, KpiMeasurementRecordInline]

    def get_queryset(self, request):
        return kpis_with_latest(super().get_queryset(request))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.KPI_EDITABLE_FIELDS}
            saved = services.kpi_update(actor=request.user, kpi=obj, data=data)
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name in services.KPI_EDITABLE_FIELDS}
            saved = services.kpi_create(actor=request.user, use_case=form.cleaned_data["use_case"], data=data)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.kpi_delete(actor=request.user, kpi=obj)

    @admin.display(description=_("use case"), ordering="use_case__reference")
    def use_case_link(self, kpi):
        return _use_case_link(kpi.use_case)

    @admin.display(description=_("success measure and its category"), ordering="name")
    def name_and_category(self, kpi):
        return format_html(
            '<span class="list-title">{}</span><span class="list-where">{}</span>', kpi.name, kpi.get_category_display()
        )

    @admin.display(description=_("latest value"))
    def latest(self, kpi):
        return latest_value_text(kpi)

    @admin.display(description=_("progress"))
    def progress(self, kpi):
        return progress_badge(kpi)

    @admin.display(description=_("from baseline to target"))
    def target_text(self, kpi):
        if kpi.baseline is None and kpi.target is None:
            return "—"
        unit = f" {kpi.unit}" if kpi.unit else ""
        return f"{_number(kpi.baseline) or '—'} → {_number(kpi.target) or '—'}{unit}"


def _use_case_link(use_case) -> str:
    return format_html(
        '<a href="{}" title="{}">{}</a>',
        reverse("admin:domains_usecase_change", args=[use_case.pk]),
        use_case.title,
        use_case.reference,
    )


class SideEffectReviewFilter(admin.SimpleListFilter):
    """Live side effects (open, being mitigated, accepted) not reviewed for N days, or never."""

    title = _("review")
    parameter_name = "not_reviewed_for"

    def lookups(self, request, model_admin):
        return [
            *((str(days), _("Not reviewed for %(days)d days") % {"days": days}) for days in STALE_REVIEW_DAYS),
            ("never", _("Never reviewed")),
        ]

    def queryset(self, request, queryset):
        stale = stale_side_effects(self.value())
        return queryset if stale is None else queryset.filter(pk__in=stale.values("pk"))


def stale_side_effects(value):
    """The live side effects a review filter's value selects (None: no filter)."""
    live = SideEffect.objects.filter(status__in=LIVE_SIDE_EFFECT_STATUSES)
    if value == "never":
        return live.filter(last_reviewed_on__isnull=True)
    if value is not None and value.isdigit() and int(value) in STALE_REVIEW_DAYS:
        cutoff = timezone.localdate() - datetime.timedelta(days=int(value))
        return live.filter(Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=cutoff))
    return None


@admin.register(SideEffect)
class SideEffectAdmin(ImpactAdmin):
    list_display = ("title_and_kind", "use_case_link", "score_display", "status_badge", "last_reviewed_on", "owner")
    list_display_links = ("title_and_kind",)
    list_filter = ("kind", "category", "status", SideEffectReviewFilter, "use_case__domain", "use_case__status")
    list_select_related = ("use_case", "owner")
    search_fields = ("title", "description", "mitigation", "use_case__reference", "use_case__title")
    autocomplete_fields = ("use_case", "owner")
    readonly_fields = ("score_display", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("use_case", "title", ("kind", "category"), "description")}),
        (_("Rating"), {"fields": (("likelihood", "severity"), "score_display")}),
        (_("Mitigation and review"), {"fields": ("mitigation", ("status", "owner"), "last_reviewed_on", "kpi")}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "kpi" and field is not None:
            field.widget.can_add_related = field.widget.can_change_related = field.widget.can_delete_related = False
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "kpi" in form.base_fields:
            # Only a measure of the side effect's own use case can show it.
            form.base_fields["kpi"].queryset = (
                Kpi.objects.filter(use_case=obj.use_case_id) if obj is not None else Kpi.objects.none()
            )
        return form

    def save_model(self, request, obj, form, change):
        editable = services.SIDE_EFFECT_EDITABLE_FIELDS
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
            saved = services.side_effect_update(actor=request.user, side_effect=obj, data=data)
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name in editable}
            saved = services.side_effect_create(actor=request.user, use_case=form.cleaned_data["use_case"], data=data)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.side_effect_delete(actor=request.user, side_effect=obj)

    @admin.display(description=_("use case"), ordering="use_case__reference")
    def use_case_link(self, side_effect):
        return _use_case_link(side_effect.use_case)

    @admin.display(description=_("side effect, its kind and category"), ordering="title")
    def title_and_kind(self, side_effect):
        return format_html(
            '<span class="list-title">{}</span><span class="list-where">{} · {}</span>',
            side_effect.title,
            side_effect.get_kind_display(),
            side_effect.get_category_display(),
        )

    @admin.display(description=_("likelihood × severity"))
    def score_display(self, side_effect):
        return score_badge(side_effect)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, side_effect):
        return badge("side_effect", side_effect.status, side_effect.get_status_display())


@admin.register(KpiMeasurement)
class KpiMeasurementAdmin(UseCaseVisibilityAdminMixin, ReadOnlyAdmin):
    """Every value recorded, across measures: read-only here (the team records them on the measure's
    page or through the API; a wrong one is removed there)."""

    use_case_paths = ("kpi__use_case",)
    list_display = ("date", "kpi_link", "use_case_link", "value_text", "source", "recorded_by", "note")
    empty_value_display = "—"
    list_filter = ("source", "kpi__category", "kpi__use_case__domain", "date")
    list_select_related = ("kpi__use_case", "recorded_by")
    search_fields = ("kpi__name", "kpi__use_case__reference", "kpi__use_case__title", "note")
    date_hierarchy = "date"

    def get_actions(self, request):
        return {}

    @admin.display(description=_("success measure"), ordering="kpi__name")
    def kpi_link(self, measurement):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:governance_kpi_change", args=[measurement.kpi_id]),
            measurement.kpi.name,
        )

    @admin.display(description=_("use case"), ordering="kpi__use_case__reference")
    def use_case_link(self, measurement):
        return _use_case_link(measurement.kpi.use_case)

    @admin.display(description=_("value"), ordering="value")
    def value_text(self, measurement):
        return " ".join(part for part in (_number(measurement.value), measurement.kpi.unit) if part)


def _dashboard_figures():
    try:
        from .dashboard import FIGURES
    except ImportError:  # the figures are then named by their keys
        return ()
    return FIGURES


@admin.register(ImpactSnapshot)
class ImpactSnapshotAdmin(ReadOnlyAdmin):
    """The weekly record of the dashboard's headline figures (governance.tasks.snapshot_impact_task)."""

    list_display = ("taken_on", "created_at")
    date_hierarchy = "taken_on"
    fields = ("taken_on", "created_at", "figures_table")
    readonly_fields = fields

    def get_actions(self, request):
        return {}

    @admin.display(description=_("figures"))
    def figures_table(self, snapshot):
        labels = {figure.key: figure.label for figure in _dashboard_figures()}
        rows = [
            (labels.get(key, key.replace("_", " ").capitalize()), "—" if value is None else value)
            for key, value in (snapshot.figures or {}).items()
        ]
        return format_html(
            '<table class="snapshot-figures"><tbody>{}</tbody></table>',
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )


# The use-case page --------------------------------------------------------------------------------


class CommitteeQueueFilter(admin.SimpleListFilter):
    title = _("committee queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("awaiting_my_vote", _("Awaiting my vote")),
            ("in_review", _("In review")),
            ("decided_this_month", _("Decided this month")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "awaiting_my_vote":
            return queryset.filter(pk__in=use_cases_awaiting_vote(user=request.user).values("pk"))
        if self.value() == "in_review":
            return queryset.filter(status=Status.IN_REVIEW)
        if self.value() == "decided_this_month":
            start = timezone.localdate().replace(day=1)
            decided = Decision.objects.filter(created_at__date__gte=start).values("use_case")
            return queryset.filter(pk__in=decided)
        return queryset


def workflow_timeline_html(obj):
    entries = [
        {"when": e.when, "actor": e.actor, "kind": e.kind, "kind_label": TIMELINE_KIND_LABELS[e.kind], "text": e.text}
        for e in use_case_timeline(use_case=obj)
    ]
    return render_to_string(
        "admin/governance/timeline.html",
        {
            "entries": entries,
            "next_action": next_actions_for_team(use_case=obj),
            "available": [str(TRANSITIONS[a].label) for a in allowed_actions(obj.status)],
        },
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea, required=True, max_length=NOTE_MAX_CHARS)


class VoteForm(forms.Form):
    # Nothing is chosen for the member: a vote is a decision, never a default.
    choice = forms.ChoiceField(label=_("vote"), choices=[("", _("Choose your vote")), *VoteChoice.choices])
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea, required=False, max_length=NOTE_MAX_CHARS)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=[("", _("Choose the outcome")), *DecisionOutcome.choices])
    rationale = forms.CharField(label=_("rationale"), widget=forms.Textarea, max_length=PROSE_MAX_CHARS)
    conditions = forms.CharField(
        label=_("conditions"), widget=forms.Textarea, required=False, max_length=PROSE_MAX_CHARS
    )
    override_reason = forms.CharField(
        label=_("override the dependency gate"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=PROSE_MAX_CHARS,
        help_text=_(
            "Only if the use case depends on others not yet approved and the committee approves it anyway: say "
            "why. Recorded in the audit trail."
        ),
    )


class GateOverrideForm(forms.Form):
    step = forms.ChoiceField(
        label=_("step"),
        choices=[(name, TRANSITIONS[name].label) for name in ("start_delivery", "scale")],
    )
    override_reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea,
        max_length=PROSE_MAX_CHARS,
        help_text=_(
            "Why the step goes ahead although what the use case depends on is not approved. Recorded in the audit "
            "trail."
        ),
    )


def action_summaries(queryset) -> list[UseCase]:
    """The use cases an action page acts on, with what the committee weighs before acting: domain,
    team, status, value and feasibility, risk tier, and counts of success measures and side effects
    (`kpi_total`, `outcome_kpi_total`, `side_effect_total`, `live_side_effect_total`,
    `unassessed_side_effect_total`). One query, however many are ticked."""
    return list(
        queryset.order_by("pk")
        .select_related("domain", "team")
        .annotate(
            kpi_total=Count("kpis", distinct=True),
            outcome_kpi_total=Count("kpis", filter=~Q(kpis__category=KpiCategory.EFFICIENCY), distinct=True),
            side_effect_total=Count("side_effects", distinct=True),
            live_side_effect_total=Count(
                "side_effects", filter=Q(side_effects__status__in=LIVE_SIDE_EFFECT_STATUSES), distinct=True
            ),
            unassessed_side_effect_total=Count(
                "side_effects",
                filter=Q(side_effects__likelihood__isnull=True) | Q(side_effects__severity__isnull=True),
                distinct=True,
            ),
        )
    )


def _with_form(
    modeladmin, request, queryset, *, form_class, action: str, title, run, extra=None, initial=None, done=None
):
    """An admin action that asks for input first: show the form beside a summary of the use cases it
    acts on, then run the service per use case. `extra(use_cases)` adds to the page's context;
    `done(use_case, result)` says what was done (else "UC-0001: done.")."""
    if request.POST.get("apply"):
        form = form_class(request.POST)
        if form.is_valid():
            for use_case in queryset.order_by("pk"):
                _run(
                    request,
                    lambda uc=use_case: run(uc, form.cleaned_data),
                    (lambda result, uc=use_case: done(uc, result))
                    if done
                    else gettext("%(uc)s: done.") % {"uc": use_case},
                )
            return None
    else:
        form = form_class(initial=initial)
    use_cases = action_summaries(queryset)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "use_cases": use_cases,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        **(extra(use_cases) if extra else {}),
    }
    return TemplateResponse(request, "admin/governance/workflow_action.html", context)


def _transition_action(action: str):
    transition = TRANSITIONS[action]

    def run(modeladmin, request, queryset):
        for use_case in queryset.order_by("pk"):
            _run(
                request,
                lambda uc=use_case: services.use_case_transition(actor=request.user, use_case=uc, action=action),
                gettext("%(uc)s: %(action)s done.") % {"uc": use_case, "action": transition.label},
            )

    run.__name__ = f"workflow_{action}"
    run.short_description = transition.label
    return run


def workflow_request_changes(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        form_class=CommentForm,
        action="workflow_request_changes",
        title=gettext("Request changes"),
        run=lambda uc, data: services.use_case_request_changes(
            actor=request.user, use_case=uc, comment=data["comment"]
        ),
    )


workflow_request_changes.short_description = _("Request changes")


def workflow_vote(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        form_class=VoteForm,
        action="workflow_vote",
        title=gettext("Vote"),
        run=lambda uc, data: services.vote_cast(
            actor=request.user, use_case=uc, choice=data["choice"], comment=data["comment"]
        ),
    )


workflow_vote.short_description = _("Vote")


def workflow_decide(modeladmin, request, queryset):
    return _with_form(
        modeladmin,
        request,
        queryset,
        form_class=DecisionForm,
        action="workflow_decide",
        title=gettext("Record the decision"),
        run=lambda uc, data: services.use_case_decide(
            actor=request.user,
            use_case=uc,
            outcome=data["outcome"],
            rationale=data["rationale"],
            conditions=data["conditions"],
            override_reason=data["override_reason"],
        ),
    )


workflow_decide.short_description = _("Record the decision (chair)")


def workflow_override_gate(modeladmin, request, queryset):
    """The chair starts delivery or scales although what the use case depends on is not approved,
    saying why (the dependency gate of governance.workflow)."""
    return _with_form(
        modeladmin,
        request,
        queryset,
        form_class=GateOverrideForm,
        action="workflow_override_gate",
        title=gettext("Override the dependency gate"),
        run=lambda uc, data: services.use_case_transition(
            actor=request.user, use_case=uc, action=data["step"], override_reason=data["override_reason"]
        ),
    )


workflow_override_gate.short_description = _("Start delivery or scale despite dependencies (chair)")


_panel_request = threading.local()


def what_if_stopping(modeladmin, request, queryset):
    """What stopping the ticked use cases would do (the portfolio's what-if page; nothing is changed)."""
    references = ",".join(queryset.order_by("reference").values_list("reference", flat=True)[:500])
    return HttpResponseRedirect(
        f"{reverse('admin:portfolio_portfolio_what_if')}?{urlencode({'use_cases': references})}"
    )


what_if_stopping.short_description = _("What if we stop these? (changes nothing)")


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label=_("reviewed on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The day the live side effects were gone through and found still right (today, or before)."),
    )

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        if reviewed_on > timezone.localdate():
            raise ValidationError(_("A review date cannot be in the future."), code="future")
        return reviewed_on


def mark_side_effects_reviewed(modeladmin, request, queryset):
    """The team or the committee went through the live, assessed side effects of each use case:
    their review date becomes the day given (governance.services.side_effects_mark_reviewed)."""

    def side_effects(use_cases):
        return {
            "side_effects": SideEffect.objects.filter(
                use_case__in=[uc.pk for uc in use_cases],
                status__in=LIVE_SIDE_EFFECT_STATUSES,
                likelihood__isnull=False,
                severity__isnull=False,
            )
            .select_related("use_case")
            .order_by("use_case_id", "-severity", "-likelihood", "pk")
        }

    return _with_form(
        modeladmin,
        request,
        queryset,
        form_class=ReviewForm,
        action="mark_side_effects_reviewed",
        title=gettext("Mark side effects reviewed"),
        run=lambda uc, data: services.side_effects_mark_reviewed(
            actor=request.user, use_case=uc, on=data["reviewed_on"]
        ),
        extra=side_effects,
        initial={"reviewed_on": timezone.localdate()},
        done=lambda uc, count: (
            ngettext(
                "%(uc)s: %(count)d side effect marked reviewed.",
                "%(uc)s: %(count)d side effects marked reviewed.",
                count,
            )
            % {"uc": uc, "count": count}
        ),
    )


mark_side_effects_reviewed.short_description = _("Mark side effects reviewed")


class UseCaseSideEffectReviewFilter(SideEffectReviewFilter):
    """Use cases with a live side effect not reviewed for N days (or never)."""

    title = _("side effects review")

    def queryset(self, request, queryset):
        stale = stale_side_effects(self.value())
        return queryset if stale is None else queryset.filter(pk__in=stale.values("use_case_id"))


class OutcomeKpiFilter(admin.SimpleListFilter):
    """Use cases judged on cost alone: no success measure beyond efficiency."""

    title = _("success measures")
    parameter_name = "outcome_kpi"

    def lookups(self, request, model_admin):
        return [("missing", _("No measure beyond efficiency")), ("none", _("No success measure at all"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            outcome = Kpi.objects.exclude(category=KpiCategory.EFFICIENCY).values("use_case_id")
            return queryset.exclude(pk__in=outcome)
        if self.value() == "none":
            return queryset.exclude(pk__in=Kpi.objects.values("use_case_id"))
        return queryset


@admin.register(UseCase)
class UseCaseAdmin(UseCaseAdminBase):
    """The registered use-case page: content and foundations (domains), links both ways (portfolio),
    and the workflow (this app): its actions, the committee queue filter and the timeline panel."""

    inlines = [KpiInline, SideEffectInline, *UseCaseAdminBase.inlines, OutgoingLinkInline, IncomingLinkInline]
    list_filter = (*UseCaseAdminBase.list_filter, CommitteeQueueFilter, UseCaseSideEffectReviewFilter, OutcomeKpiFilter)
    readonly_panels = ("priority_panel", "duplicates_panel", "workflow_timeline")
    actions = [
        _transition_action("submit"),
        _transition_action("withdraw"),
        _transition_action("start_review"),
        workflow_vote,
        workflow_decide,
        workflow_request_changes,
        _transition_action("put_on_hold"),
        _transition_action("resume"),
        _transition_action("start_delivery"),
        _transition_action("scale"),
        workflow_override_gate,
        _transition_action("retire"),
        mark_side_effects_reviewed,
        what_if_stopping,
    ]

    @admin.display(description=_("Looks like the same idea"))
    def duplicates_panel(self, obj):
        from portfolio.rules import may_manage_portfolios
        from portfolio.selectors import similar_use_cases

        request = getattr(_panel_request, "value", None)
        user = request.user if request is not None else None
        found = similar_use_cases(
            actor=user,
            title=obj.title,
            problem=obj.problem_statement,
            domain_id=obj.domain_id,
            foundation_ids=list(obj.foundation_usages.values_list("foundation_id", flat=True)),
            exclude_id=obj.pk,
        )
        return render_to_string(
            "admin/governance/duplicates_panel.html",
            {
                "use_case": obj,
                "suggestions": found,
                "may_judge": user is not None and may_manage_portfolios(user),
                "judge_url": reverse("admin:portfolio_portfolio_duplicate_judge"),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The panels show what this person may see: the request kept for this thread's call only (the
        # ModelAdmin is shared by every request a worker serves).
        _panel_request.value = request
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # the panels are drawn now, while the request is this thread's
            return response
        finally:
            _panel_request.value = None

    @admin.display(description=_("Priority and dependencies"))
    def priority_panel(self, obj):
        from portfolio.selectors import dependencies_not_ready, use_case_priority

        return render_to_string(
            "admin/governance/priority_panel.html",
            {
                "priority": use_case_priority(actor=None, use_case=obj),
                "blocking": dependencies_not_ready(use_case=obj),
                "priorities_url": reverse("admin:portfolio_portfolio_priorities"),
                "what_if_url": reverse("admin:portfolio_portfolio_what_if") + f"?use_cases={obj.reference}",
            },
        )

    @admin.display(description=_("Workflow timeline"))
    def workflow_timeline(self, obj):
        return workflow_timeline_html(obj)
