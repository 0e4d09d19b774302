from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from domains.admin import ServiceInlineFormSet, UseCaseVisibilityAdminMixin

from . import services
from .models import UseCaseLink


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
    verbose_name = _("link from this use case")
    verbose_name_plural = _("links from this use case")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")


class IncomingLinkInline(UseCaseVisibilityAdminMixin, admin.TabularInline):
    use_case_paths = ("source",)
    model = UseCaseLink
    fk_name = "target"
    formset = LinkFormSet
    extra = 0
    fields = ("source", "kind", "strength", "rationale")
    autocomplete_fields = ("source",)
    verbose_name = _("link to this use case")
    verbose_name_plural = _("links to this use case")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


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
