"""The exports as downloads in the admin: the portfolio workbook and the EU AI Act register. Staff
only (`admin.site.admin_view` sends anyone else to the admin's login); each file holds what the
person's use-case visibility allows (exchange.exports reads through the selectors with them).

`export_urlpatterns` is mounted under /admin/exchange/export/ by config."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from .exports import XLSX_CONTENT_TYPE, eu_ai_act_register, export_filename, portfolio_workbook

PORTFOLIO_STEM = "portfolio"
EU_REGISTER_STEM = "eu-ai-act-register"


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """An XLSX as an attachment named with the day it was made ("portfolio-2026-01-05.xlsx")."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem)}"'
    return response


@require_safe
def portfolio_workbook_view(request):
    return xlsx_response(portfolio_workbook(actor=request.user), PORTFOLIO_STEM)


@require_safe
def eu_register_view(request):
    return xlsx_response(eu_ai_act_register(actor=request.user), EU_REGISTER_STEM)


export_urlpatterns = [
    path("portfolio.xlsx", admin.site.admin_view(portfolio_workbook_view), name="exchange_export_portfolio"),
    path("eu-ai-act-register.xlsx", admin.site.admin_view(eu_register_view), name="exchange_export_eu_register"),
]
