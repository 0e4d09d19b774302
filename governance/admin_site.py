"""The admin site: Django's, with the committee's dashboard as its home page (the model list stays on
the same page, below the dashboard, and in each app's page) and each chart's data as CSV.

It is the default site: `CommitteeAdminConfig` stands in INSTALLED_APPS for django.contrib.admin, so
every `admin.register` and `admin.site` of the project lands here unchanged. Nothing is imported from
the apps at import time (INSTALLED_APPS imports this module before the app registry is ready)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class CommitteeAdminSite(admin.AdminSite):
    index_template = "admin/governance/dashboard.html"

    def index(self, request, extra_context=None):
        from .dashboard_views import dashboard_context

        return super().index(request, {**dashboard_context(request), **(extra_context or {})})

    def get_urls(self):
        from .dashboard_views import dashboard_csv_view

        return [
            path("dashboard/<slug:chart>.csv", self.admin_view(dashboard_csv_view), name="dashboard_csv"),
            *super().get_urls(),
        ]


class CommitteeAdminConfig(AdminConfig):
    default_site = "governance.admin_site.CommitteeAdminSite"
