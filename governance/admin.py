"""The committee's admin: committees and meetings, the read-only record (rounds, votes, decisions,
notifications, audit), and the registered use-case page, assembled here on domains' UseCaseAdminBase
with portfolio's link inlines and the workflow (timeline panel, queue filter, actions). Every action
calls a service and shows a refusal as an error message."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from core.exceptions import BusinessRuleError
from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS
from core.models import AuditEvent
from domains.admin import UseCaseAdminBase, UseCaseVisibilityAdminMixin
from domains.choices import Status
from domains.models import UseCase
from portfolio.admin import IncomingLinkInline, OutgoingLinkInline

from . import services
from .choices import DecisionOutcome, VoteChoice
from .models import (
    AgendaItem,
    ChangeRequest,
    Committee,
    CommitteeMembership,
    Decision,
    Meeting,
    Notification,
    ReviewRound,
    Vote,
)
from .rules import committee_management_refusal, membership_change_refusal
from .selectors import (
    TIMELINE_KIND_LABELS,
    audit_event_text,
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


def _run(request, call, success: str | None = None) -> bool:
    """Call a service; show a refusal as an admin error message instead of a crash."""
    try:
        call()
    except (BusinessRuleError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    if success:
        messages.success(request, success)
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


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "committee", "agenda_size")
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
    choice = forms.ChoiceField(label=_("vote"), choices=VoteChoice.choices)
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea, required=False, max_length=NOTE_MAX_CHARS)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=DecisionOutcome.choices)
    rationale = forms.CharField(label=_("rationale"), widget=forms.Textarea, max_length=PROSE_MAX_CHARS)
    conditions = forms.CharField(
        label=_("conditions"), widget=forms.Textarea, required=False, max_length=PROSE_MAX_CHARS
    )


def _with_form(modeladmin, request, queryset, *, form_class, action: str, title, run):
    """An admin action that asks for input first: show the form, then run the service per use case."""
    if request.POST.get("apply"):
        form = form_class(request.POST)
        if form.is_valid():
            for use_case in queryset.order_by("pk"):
                _run(
                    request, lambda uc=use_case: run(uc, form.cleaned_data), gettext("%(uc)s: done.") % {"uc": use_case}
                )
            return None
    else:
        form = form_class()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "queryset": queryset.order_by("pk"),
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
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
        ),
    )


workflow_decide.short_description = _("Record the decision (chair)")


@admin.register(UseCase)
class UseCaseAdmin(UseCaseAdminBase):
    """The registered use-case page: content and foundations (domains), links both ways (portfolio),
    and the workflow (this app): its actions, the committee queue filter and the timeline panel."""

    inlines = [*UseCaseAdminBase.inlines, OutgoingLinkInline, IncomingLinkInline]
    list_filter = (*UseCaseAdminBase.list_filter, CommitteeQueueFilter)
    readonly_panels = ("workflow_timeline",)
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
        _transition_action("retire"),
    ]

    @admin.display(description=_("Workflow timeline"))
    def workflow_timeline(self, obj):
        return workflow_timeline_html(obj)
