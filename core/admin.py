"""API tokens in the admin. The audit trail's admin page is registered by governance, which knows
how to say each event in a sentence."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .exceptions import BusinessRuleError
from .history import readable_deltas
from .models import ApiToken

# The class of a tabular inline whose rows need no title line above them: the row's own columns say
# what it is (core/admin.css hides the line Django writes from the object's name).
PLAIN_ROWS = "plain-rows"


def badge(kind: str, value: str, label) -> str:
    """A status as a labelled badge: the text says it, the colour (core/admin.css) only helps."""
    return format_html(
        '<span class="badge badge-{kind} badge-{kind}-{value}">{label}</span>', kind=kind, value=value, label=label
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """Field history, to read. Every write goes through a service that checks who may and audits, so
    a past version is never saved back from the history page (SIMPLE_HISTORY_REVERT_DISABLED hides
    the button; this refuses the form's POST too). The history page says each change as the committee
    reads it (core.history): labels, names, "—" for empty, and the status as it moved."""

    object_history_template = "admin/core/object_history.html"
    object_history_list_template = "admin/core/object_history_list.html"
    # Fields the history page does not list: internal counters, and what the status row already says.
    history_hidden_fields: tuple[str, ...] = ("version", "status_changed_at", "status_before_hold")

    class Media:
        css = {"all": ("core/admin.css",)}

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        if getattr(historical_records, "has_next", lambda: False)():
            # The oldest version of a page is compared with the newest of the next page.
            records.append(historical_records.paginator.object_list[historical_records.end_index()])
        readable_deltas(records, hidden=self.history_hidden_fields)

    def history_view_title(self, request, obj):
        return _("History of %(object)s") % {"object": obj}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form checked what it could before saving; a service that still refuses (the state
        # changed between the check and the lock, a rule only the service knows) is an error message
        # on the same page, never a 500. The save's transaction has rolled back whole.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (BusinessRuleError, ValidationError) as exc:
            message = exc.message if isinstance(exc, BusinessRuleError) else " ".join(exc.messages)
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        # A service may refuse a removal (the last success measure of a submitted use case): its
        # reason on the object's page, never a 500; the deletion's transaction has rolled back.
        try:
            return super().delete_view(request, object_id, extra_context)
        except (BusinessRuleError, ValidationError) as exc:
            message = exc.message if isinstance(exc, BusinessRuleError) else " ".join(exc.messages)
            self.message_user(request, message, messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def _require_visible(self, request, object_id) -> None:
        # The history of an object the list would not show (another team's draft) is not shown either.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if request.method == "POST":
            raise PermissionDenied(_("Past versions are read-only: change the object itself."))
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name", "user", "can_write", "rate_limit")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for BI clients. The key is shown once, when the token is created; only its hash is kept.
    Revoking is immediate and final; a token is never deleted, so the audit trail keeps its name."""

    list_display = ("name", "prefix", "user", "can_write", "rate_limit", "created_at", "last_used_at", "revoked_at")
    list_filter = ("can_write", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_tokens"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user", "can_write", "rate_limit")
        return ("name", "prefix", "user", "can_write", "rate_limit", *self.readonly_fields[1:])

    def get_readonly_fields(self, request, obj=None):
        # Who a token acts as never changes: revoke it and create another.
        return () if obj is None else (*self.readonly_fields, "user")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # A token acts as its user: committee members see and manage their own, administrators all.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = get_user_model().objects.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        return self.autocomplete_fields if request.user.is_superuser else ()

    def save_model(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.api_token_update(actor=request.user, token=obj, data=data)
            return
        token, key = services.api_token_create(
            actor=request.user,
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data["can_write"],
            rate_limit=form.cleaned_data["rate_limit"],
        )
        obj.pk, obj.prefix = token.pk, token.prefix
        obj._state.adding = False
        messages.warning(
            request,
            _("API token created. Copy its key now, it will not be shown again: %(key)s") % {"key": key},
        )

    @admin.action(description=_("Revoke selected tokens"))
    def revoke_tokens(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The selected tokens are revoked."))
