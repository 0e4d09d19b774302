"""The exports as downloads in the admin: the portfolio workbook, the EU AI Act register and the
federal AI use-case inventory (OMB's 2025 layout, CSV). Staff
only (`admin.site.admin_view` sends anyone else to the admin's login); each file holds what the
person's use-case visibility allows (exchange.exports reads through the selectors with them).

`export_urlpatterns` is mounted under /admin/exchange/export/ by config."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from .exports import XLSX_CONTENT_TYPE, eu_ai_act_register, export_filename, portfolio_workbook
from .federal import CSV_CONTENT_TYPE, federal_inventory_csv

PORTFOLIO_STEM = "portfolio"
EU_REGISTER_STEM = "eu-ai-act-register"
FEDERAL_INVENTORY_STEM = "federal-ai-inventory"


def file_response(content: bytes, stem: str, *, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """A file as an attachment named with the day it was made ("portfolio-2026-01-05.xlsx")."""
    extension = "csv" if content_type == CSV_CONTENT_TYPE else "xlsx"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, extension=extension)}"'
    return response


@require_safe
def portfolio_workbook_view(request):
    return file_response(portfolio_workbook(actor=request.user), PORTFOLIO_STEM)


@require_safe
def eu_register_view(request):
    return file_response(eu_ai_act_register(actor=request.user), EU_REGISTER_STEM)


@require_safe
def federal_inventory_view(request):
    return file_response(
        federal_inventory_csv(actor=request.user), FEDERAL_INVENTORY_STEM, content_type=CSV_CONTENT_TYPE
    )


export_urlpatterns = [
    path("portfolio.xlsx", admin.site.admin_view(portfolio_workbook_view), name="exchange_export_portfolio"),
    path("eu-ai-act-register.xlsx", admin.site.admin_view(eu_register_view), name="exchange_export_eu_register"),
    path(
        "federal-ai-inventory.csv",
        admin.site.admin_view(federal_inventory_view),
        name="exchange_export_federal_inventory",
    ),
]
