from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail can be searched, never edited or deleted."""

    list_display = ("created_at", "actor_name", "action", "target_repr", "use_case")
    list_filter = ("action", "target_type")
    list_select_related = ("use_case",)
    search_fields = ("actor_name", "action", "target_repr", "use_case__reference")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
