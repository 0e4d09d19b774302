"""The committee's imports in the admin: "Import an inventory" (upload a file, choose or paste a
mapping, preview), each run's page (its progress while it runs, then what it would do or did, every
problem with its row, column and value, and the button that imports a previewed file for real), and
the saved mappings (edited as YAML, or started from a file's headers). Every write goes through
exchange.services; runs are a record, never edited or deleted."""

from __future__ import annotations

import yaml
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from domains.services import IMPORT_PERMISSION

from . import mapping as mappings
from . import selectors, services
from .models import ImportMapping, ImportRun
from .reading import UnreadableFile, read_headers

# While a run is queued or running its page reloads itself this often (a <meta> refresh: no script).
RUN_PAGE_REFRESH_SECONDS = 2
PROBLEMS_SHOWN = 500


def may_import(user) -> bool:
    return user.is_active and user.has_perm(IMPORT_PERMISSION)


def _mapping_choices():
    saved = [(f"saved:{m.pk}", m.name) for m in selectors.import_mapping_list()]
    shipped = [(f"shipped:{p.stem}", p.stem) for p in selectors.shipped_mappings()]
    return [
        ("", _("Paste a mapping below")),
        (_("Saved mappings"), saved),
        (_("Shipped mappings"), shipped),
    ]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("inventory file"), help_text=_("CSV (UTF-8 or as the mapping says) or .xlsx."))
    mapping = forms.ChoiceField(label=_("mapping"), required=False)
    mapping_text = forms.CharField(
        label=_("or a mapping (YAML or JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90, "spellcheck": "false"}),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("skip bad rows"),
        required=False,
        help_text=_("Import the good rows and report the bad ones. Unticked: one bad row and nothing is written."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = _mapping_choices()

    def clean(self):
        data = super().clean()
        choice, text = data.get("mapping"), (data.get("mapping_text") or "").strip()
        if not choice and not text:
            raise ValidationError(_("Choose a mapping, or paste one."))
        data["saved_mapping"] = None
        if text:
            data["definition"] = text
        elif choice.startswith("saved:"):
            saved = ImportMapping.objects.filter(pk=choice.removeprefix("saved:")).first()
            if saved is None:
                raise ValidationError({"mapping": _("This mapping no longer exists.")})
            data["definition"], data["saved_mapping"] = saved.definition, saved
        else:
            shipped = selectors.shipped_mapping_path(choice.removeprefix("shipped:"))
            if shipped is None:
                raise ValidationError({"mapping": _("Unknown mapping.")})
            data["definition"] = shipped.read_text(encoding="utf-8")
        return data


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "run_number",
        "file_name",
        "status",
        "dry_run",
        "source",
        "requested_by_name",
        "created_at",
        "rows_total",
        "created_count",
        "updated_count",
        "unchanged_count",
        "skipped_count",
        "duplicate_count",
        "problem_count",
    )
    list_display_links = ("run_number", "file_name")
    list_filter = ("status", "dry_run", "source")
    search_fields = ("file_name", "file_sha256", "source")
    date_hierarchy = None
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "status",
                    "dry_run",
                    "skip_bad_rows",
                    "file_name",
                    "file_size",
                    "file_sha256",
                    "source",
                    "mapping",
                    "requested_by_name",
                    "created_at",
                    "started_at",
                    "finished_at",
                )
            },
        ),
        (
            _("What it did"),
            {
                "fields": (
                    "rows_total",
                    "created_count",
                    "updated_count",
                    "unchanged_count",
                    "skipped_count",
                    "duplicate_count",
                    "problem_count",
                )
            },
        ),
    )
    readonly_fields = tuple(name for _title, options in fieldsets for name in options["fields"])

    def get_queryset(self, request):
        return selectors.import_run_list()

    def has_add_permission(self, request):
        return may_import(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("run"), ordering="id")
    def run_number(self, obj):
        return f"#{obj.pk}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="exchange_importrun_confirm",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """ "Import an inventory": a file and a mapping, always previewed first (a dry run)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.import_run_create(
                    actor=request.user,
                    file_name=upload.name,
                    content=upload.read(),
                    definition=form.cleaned_data["definition"],
                    mapping=form.cleaned_data["saved_mapping"],
                    dry_run=True,
                    skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(
                        "mapping_text" if field == "mapping" else ("file" if field == "file" else None), problems
                    )
            else:
                messages.info(
                    request,
                    gettext("Previewing %(name)s: nothing is written until you confirm.") % {"name": run.file_name},
                )
                return HttpResponseRedirect(reverse("admin:exchange_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import an inventory"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
            "shipped": selectors.shipped_mappings(),
        }
        return TemplateResponse(request, "admin/exchange/importrun/import.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if run is not None:
            run = ImportRun.objects.get(pk=run.pk)  # with its problems and mapping
            errors = [p for p in run.problems if p.get("severity") == "error"]
            warnings = [p for p in run.problems if p.get("severity") != "error"]
            extra.update(
                run=run,
                progress_rows=services.import_run_progress(run),
                refresh_seconds=None if run.is_finished else RUN_PAGE_REFRESH_SECONDS,
                errors=errors[:PROBLEMS_SHOWN],
                warnings=warnings[:PROBLEMS_SHOWN],
                problems_cut=len(run.problems) > 2 * PROBLEMS_SHOWN or run.problem_count > len(run.problems),
                may_confirm=(
                    may_import(request.user)
                    and run.status == ImportRun.Status.PREVIEWED
                    and (not errors or run.skip_bad_rows)
                ),
                mapping_yaml=yaml.safe_dump(run.mapping_definition, sort_keys=False, allow_unicode=True),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def confirm_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:exchange_importrun_change", args=[object_id]))
        if not may_import(request.user):
            raise PermissionDenied
        run = ImportRun.objects.filter(pk=object_id).first()
        if run is None:
            return HttpResponseRedirect(reverse("admin:exchange_importrun_changelist"))
        try:
            real = services.import_run_confirm(actor=request.user, run=run)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("admin:exchange_importrun_change", args=[run.pk]))
        messages.success(request, gettext("Importing %(name)s: this page follows it.") % {"name": real.file_name})
        return HttpResponseRedirect(reverse("admin:exchange_importrun_change", args=[real.pk]))


class MappingForm(forms.ModelForm):
    text = forms.CharField(
        label=_("mapping (YAML or JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text=_("Which column feeds which field, and how values translate (see the shipped mappings)."),
    )

    class Meta:
        model = ImportMapping
        fields = ()

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            mappings.load(text)
        except mappings.MappingError as error:
            raise ValidationError([f"{e['key']}: {e['message']}" for e in error.errors]) from error
        return text

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["text"].initial = yaml.safe_dump(self.instance.definition, sort_keys=False, allow_unicode=True)


class HeadersForm(forms.Form):
    file = forms.FileField(label=_("a file of the inventory"))
    name = forms.CharField(label=_("name of the mapping"), max_length=120)
    source = forms.SlugField(label=_("source"), max_length=100, help_text=_("e.g. acme-ai-register"))


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    form = MappingForm
    list_display = ("name", "source", "created_by", "updated_at")
    search_fields = ("name", "source")
    list_select_related = ("created_by",)

    def get_queryset(self, request):
        return selectors.import_mapping_list()

    def has_add_permission(self, request):
        return may_import(request.user)

    def has_change_permission(self, request, obj=None):
        return may_import(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        return ((None, {"fields": ("text",)}),)

    def get_urls(self):
        return [
            path(
                "from-headers/",
                self.admin_site.admin_view(self.from_headers_view),
                name="exchange_importmapping_from_headers",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        """Through the service, which validates the document and audits the save."""
        try:
            saved = services.import_mapping_save(
                actor=request.user, text=form.cleaned_data["text"], mapping=obj if change else None
            )
        except ValidationError as error:
            raise _FormRefused(error) from error
        obj.pk, obj.name = saved.pk, saved.name

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _FormRefused as refused:
            for message in refused.error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        """Nothing related to save."""

    def log_addition(self, request, obj, message):
        """The service's audit event is the record."""

    def log_change(self, request, obj, message):
        """The service's audit event is the record."""

    def from_headers_view(self, request):
        """Start a mapping from a file's headers: every column listed, the obvious ones mapped."""
        if not may_import(request.user):
            raise PermissionDenied
        form = HeadersForm(request.POST or None, request.FILES or None)
        draft = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                headers = read_headers(upload, name=upload.name)
            except UnreadableFile as error:
                form.add_error("file", str(error))
            else:
                draft = mappings.template_from_headers(
                    headers, name=form.cleaned_data["name"], source=form.cleaned_data["source"]
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Start a mapping from a file's headers"),
            "opts": self.opts,
            "form": form,
            "draft": draft,
            "add_url": reverse("admin:exchange_importmapping_add"),
        }
        return TemplateResponse(request, "admin/exchange/importmapping/from_headers.html", context)

    def add_view(self, request, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        extra["from_headers_url"] = reverse("admin:exchange_importmapping_from_headers")
        return super().add_view(request, form_url, extra_context=extra)


class _FormRefused(Exception):
    def __init__(self, error: ValidationError):
        self.error = error
