"""The committee's admin for the organisation and its use cases.

`UseCaseAdminBase` is the use-case page as this layer knows it (content, foundations, saving through
the services). It is not registered here: governance/admin.py, which knows the links and the
workflow, builds the registered admin on it, so this module never imports a higher app.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.urls import path as url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import PLAIN_ROWS, HistoryAdmin, badge

from . import admin_views, services
from .forms import UseCaseAdminForm
from .models import (
    USE_CASE_CONTENT_SECTIONS,
    BusinessFunction,
    Domain,
    Foundation,
    Team,
    UseCase,
    UseCaseFoundation,
    User,
)
from .selectors import use_case_visibility_filter


class UseCaseVisibilityAdminMixin:
    """Rows about use cases (links, rounds, votes, the audit trail...) follow the use cases' own
    visibility (domains.selectors.use_case_visibility_filter): someone who is staff but not, or no
    longer, on a committee sees no other team's draft through them, whichever admin page they open.
    `use_case_paths`: the lookups from a row to each use case it is about; a row is shown when every
    one of them is visible (a path that may be empty, as on the audit trail, counts as visible)."""

    use_case_paths: tuple[str, ...] = ("use_case",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = use_case_visibility_filter(request.user)
        if visible is None:
            return queryset
        visible_ids = UseCase.objects.filter(visible).values("pk")
        for path in self.use_case_paths:
            queryset = queryset.filter(Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__in": visible_ids}))
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "email", "function", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "function")
    list_select_related = ("function",)
    autocomplete_fields = ("function",)
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Organisation"), {"fields": ("function", "language")}))
    search_fields = ("username", "first_name", "last_name", "email")


@admin.register(BusinessFunction)
class BusinessFunctionAdmin(TranslationAdmin):
    list_display = ("name", "slug", "team_count", "use_case_count")
    search_fields = ("name_en", "name_fr", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(team_total=Count("teams", distinct=True), use_case_total=Count("use_cases", distinct=True))
        )

    @admin.display(description=_("teams"), ordering="team_total")
    def team_count(self, obj):
        return obj.team_total

    @admin.display(description=_("use cases"), ordering="use_case_total")
    def use_case_count(self, obj):
        return obj.use_case_total


@admin.register(Domain)
class DomainAdmin(TranslationAdmin, HistoryAdmin):
    list_display = ("name", "strategic_priority", "owner", "sponsor", "use_case_count", "updated_at")
    list_filter = ("strategic_priority",)
    list_select_related = ("owner", "sponsor")
    search_fields = ("name_en", "name_fr", "slug", "description_en", "description_fr")
    autocomplete_fields = ("owner", "sponsor")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_case_total=Count("use_cases"))

    @admin.display(description=_("use cases"), ordering="use_case_total")
    def use_case_count(self, obj):
        return obj.use_case_total


@admin.register(Team)
class TeamAdmin(TranslationAdmin, HistoryAdmin):
    list_display = ("name", "function", "member_count", "use_case_count")
    list_filter = ("function",)
    list_select_related = ("function",)
    search_fields = ("name_en", "name_fr", "slug", "description_en", "description_fr")
    autocomplete_fields = ("function", "members")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_total=Count("members", distinct=True), use_case_total=Count("use_cases", distinct=True))
        )

    # Who belongs to a team decides who edits its use cases and who is recused from voting on them:
    # an administrator's change, audited (domains.services.team_*); the committee reads teams.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.TEAM_EDITABLE_FIELDS if name in form.cleaned_data}
        members = form.cleaned_data.get("members")
        if change:
            data = {name: value for name, value in data.items() if name in form.changed_data}
            saved = services.team_update(
                actor=request.user, team=obj, data=data, members=members if "members" in form.changed_data else None
            )
        else:
            saved = services.team_create(actor=request.user, data=data, members=members)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # members were set by the service (save_model)

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    @admin.display(description=_("use cases"), ordering="use_case_total")
    def use_case_count(self, obj):
        return obj.use_case_total


class FoundationUsageInline(UseCaseVisibilityAdminMixin, admin.TabularInline):
    """On a foundation's page: the use cases it unlocks (those the reader may see)."""

    model = UseCaseFoundation
    fk_name = "foundation"
    extra = 0
    fields = ("use_case", "note")
    readonly_fields = ("use_case", "note")
    can_delete = False
    classes = (PLAIN_ROWS,)
    verbose_name_plural = _("use cases it unlocks")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("use_case", "foundation")


@admin.register(Foundation)
class FoundationAdmin(TranslationAdmin, HistoryAdmin):
    list_display = ("name", "kind", "readiness", "owner_team", "reuse_count", "updated_at")
    list_filter = ("kind", "readiness", "owner_team")
    list_select_related = ("owner_team",)
    search_fields = ("name_en", "name_fr", "slug", "description_en", "description_fr")
    autocomplete_fields = ("owner_team",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FoundationUsageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage_total=Count("usages"))

    def get_urls(self):
        ranking = self.admin_site.admin_view(self.ranking_view)
        return [url("ranking/", ranking, name="domains_foundation_ranking"), *super().get_urls()]

    def ranking_view(self, request):
        return admin_views.foundation_ranking_view(self, request)

    @admin.display(description=_("use cases unlocked"), ordering="usage_total")
    def reuse_count(self, obj):
        return obj.usage_total


class ServiceInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset that saves through services, so inline edits are checked and audited like
    any other write. Subclasses implement create/update/remove; this keeps the attributes the admin
    reads to write its change message (new_objects, changed_objects, deleted_objects)."""

    def create(self, *, actor, use_case, cleaned_data):
        raise NotImplementedError

    def update(self, *, actor, instance, cleaned_data):
        raise NotImplementedError

    def remove(self, *, actor, instance) -> None:
        raise NotImplementedError

    def save_through_services(self, *, actor, use_case) -> None:
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms:
            if form.instance.pk:
                self.remove(actor=actor, instance=form.instance)
                self.deleted_objects.append(form.instance)
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            if form.instance.pk:
                saved = self.update(actor=actor, instance=form.instance, cleaned_data=form.cleaned_data)
                self.changed_objects.append((saved, form.changed_data))
            else:
                self.new_objects.append(self.create(actor=actor, use_case=use_case, cleaned_data=form.cleaned_data))


class FoundationUsageFormSet(ServiceInlineFormSet):
    def create(self, *, actor, use_case, cleaned_data):
        return services.foundation_usage_add(
            actor=actor, use_case=use_case, foundation=cleaned_data["foundation"], note=cleaned_data.get("note", "")
        )

    def update(self, *, actor, instance, cleaned_data):
        return services.foundation_usage_update(actor=actor, usage=instance, note=cleaned_data.get("note", ""))

    def remove(self, *, actor, instance) -> None:
        services.foundation_usage_remove(actor=actor, usage=instance)


class UseCaseFoundationInline(admin.TabularInline):
    model = UseCaseFoundation
    formset = FoundationUsageFormSet
    fk_name = "use_case"
    extra = 0
    autocomplete_fields = ("foundation",)
    fields = ("foundation", "note")
    classes = (PLAIN_ROWS,)
    verbose_name_plural = _("foundations it builds on")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("use_case", "foundation")


# A use case's title in the list is cut to this many characters (its whole title in a tooltip).
LIST_TITLE_CHARS = 70
# Short fields the use-case page sets side by side (each group fits a 1366 px laptop); the rest keep
# a line each.
USE_CASE_FIELD_ROWS = (
    ("reference", "status_badge", "status_changed_at"),
    ("business_value", "feasibility", "data_readiness"),
    ("estimated_annual_benefit", "estimated_annual_cost"),
    ("is_high_impact", "uses_personal_data"),
)


def _in_rows(names) -> tuple:
    """`names` with each group of USE_CASE_FIELD_ROWS it holds, in order, made one line."""
    names, lines = list(names), []
    for name in names:
        group = next((row for row in USE_CASE_FIELD_ROWS if name in row), None)
        if group is None or not all(member in names for member in group):
            lines.append(name)
        elif name == group[0]:
            lines.append(group)
    return tuple(lines)


class NeedsOwnerFilter(admin.SimpleListFilter):
    """Imported use cases whose inventory named nobody: their teams have to name an owner."""

    title = _("owner")
    parameter_name = "needs_owner"

    def lookups(self, request, model_admin):
        return (("yes", _("Needs an owner")), ("no", _("Has an owner")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(owner__isnull=True)
        if self.value() == "no":
            return queryset.filter(owner__isnull=False)
        return queryset


class UseCaseAdminBase(HistoryAdmin):
    """The use-case page without the higher layers: subclasses add inlines, actions, list filters and
    read-only panels (`readonly_panels`: names of methods shown each in its own section on the change
    page)."""

    form = UseCaseAdminForm
    inlines = [UseCaseFoundationInline]
    readonly_panels: tuple[str, ...] = ()

    list_display = (
        "reference",
        "short_title",
        "status_badge",
        "risk_tier",
        "value_and_feasibility",
        "updated",
    )
    list_display_links = ("reference", "short_title")
    list_filter = (
        *("status", "ambition", "risk_tier", "domain", "functions", "team", "ai_technique", "is_high_impact"),
        NeedsOwnerFilter,
        "external_source",
    )
    list_select_related = ("domain", "team")
    search_fields = ("reference", "title", "problem_statement", "proposed_solution", "external_id")
    autocomplete_fields = ("domain", "team", "owner", "sponsor", "functions")
    readonly_fields = (
        *("reference", "status", "status_badge", "status_changed_at", "created_at", "updated_at"),
        "external_source",
    )
    list_per_page = 50
    date_hierarchy = "updated_at"
    # The content sections the team form has (foundations are the inline below), after the record.
    fieldsets = (
        (None, {"fields": _in_rows(("reference", "status_badge", "status_changed_at", "loaded_version"))}),
        *(
            (heading, {"fields": _in_rows(names)})
            for key, heading, names in USE_CASE_CONTENT_SECTIONS
            if key != "foundations"
        ),
        (
            _("Record"),
            {"fields": ("external_source", "external_id", "created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )

    def get_queryset(self, request):
        # Staff who are not on the committee see in the admin what they would see anywhere else.
        queryset = super().get_queryset(request).prefetch_related("functions")
        visibility = use_case_visibility_filter(request.user)
        return queryset if visibility is None else queryset.filter(visibility)

    def has_delete_permission(self, request, obj=None):
        # A use case is never deleted: its decisions and audit trail refer to it. Teams discard a
        # draft they no longer want (kept on record); the committee retires or rejects the rest.
        return False

    def get_inlines(self, request, obj):
        # Inlines (foundations, links) need the use case: none on the add page.
        return super().get_inlines(request, obj) if obj else []

    def get_readonly_fields(self, request, obj=None):
        panels = self.readonly_panels if obj else ()
        return (*super().get_readonly_fields(request, obj), *panels)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        panels = tuple(
            (getattr(getattr(self, name), "short_description", name), {"fields": (name,)})
            for name in self.readonly_panels
        )
        return (*fieldsets, *panels)

    # The list fits a laptop beside its filters: the title carries its domain and team on a second
    # line (both are filters too); functions and ambition are filters and on the page.
    @admin.display(description=_("title, domain and team"), ordering="title")
    def short_title(self, obj):
        # A long title is cut, so a row stays two or three lines; the whole title is its tooltip.
        where = " · ".join(str(part) for part in (obj.domain, obj.team) if part)
        return format_html(
            '<span class="list-title" title="{}">{}</span><span class="list-where">{}</span>',
            obj.title,
            Truncator(obj.title).chars(LIST_TITLE_CHARS),
            where,
        )

    @admin.display(description=_("value / feasibility"), ordering="business_value")
    def value_and_feasibility(self, obj):
        return f"{obj.business_value or '—'} / {obj.feasibility or '—'}"

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, obj):
        return date_format(timezone.localtime(obj.updated_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return badge("status", obj.status, obj.get_status_display())

    def save_model(self, request, obj, form, change):
        # Content goes through the same service as the forms and the API. The form has already run
        # full_clean, so constraint errors were shown beside their fields before we get here.
        editable = services.USE_CASE_EDITABLE_FIELDS
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
            saved = services.use_case_update(
                actor=request.user, use_case=obj, data=data, expected_version=form.cleaned_data.get("loaded_version")
            )
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name in editable}
            saved = services.use_case_create(actor=request.user, data=data)
        obj.pk, obj.reference = saved.pk, saved.reference
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        if "functions" in form.changed_data:
            services.use_case_update(
                actor=request.user, use_case=form.instance, data={}, functions=form.cleaned_data["functions"]
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        saver = getattr(formset, "save_through_services", None)
        if saver is not None:
            saver(actor=request.user, use_case=form.instance)
        else:
            super().save_formset(request, form, formset, change)
