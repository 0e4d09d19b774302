"""The exports for API clients: the portfolio workbook and the EU AI Act register as XLSX files, the
federal inventory (OMB's 2025 layout) as CSV, the same bytes the admin downloads (exchange.exports,
exchange.federal). Session or token authentication and the API's
permission (ApiPermission: anonymous is a 401); what a file holds is the requester's use-case
visibility (domains.api.visibility: a read-only token sees what anyone may see, no draft)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import ApiPermission
from core.api.renderers import FastJSONRenderer
from core.api.schema import ApiAutoSchema, ErrorSerializer
from domains.api.visibility import visibility_actor

from ..export_views import EU_REGISTER_STEM, FEDERAL_INVENTORY_STEM, PORTFOLIO_STEM, file_response
from ..exports import XLSX_CONTENT_TYPE, eu_ai_act_register, portfolio_workbook
from ..federal import CSV_CONTENT_TYPE, federal_inventory_csv


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the file by its media type (Accept) or `?format=xlsx`; the views answer
    the bytes themselves, and errors are answered in JSON (XlsxExportView.finalize_response)."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else b""


class InventoryCsvRenderer(XlsxRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxExportSchema(ApiAutoSchema):
    """The file on success, JSON on every error (the project's error codes and shapes, ApiAutoSchema);
    no `format` parameter: the answer is the file whatever it says."""

    def _get_format_parameters(self):
        return []

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            if code != "200":
                for media_type in (XLSX_CONTENT_TYPE, InventoryCsvRenderer.media_type):
                    response.get("content", {}).pop(media_type, None)
        return responses


def _export_schema(operation_id: str, description: str, *, media_type: str = XLSX_CONTENT_TYPE, kind: str = "XLSX"):
    return extend_schema(
        operation_id=operation_id,
        tags=["export"],
        description=description,
        responses={
            (200, media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description=f"The {kind} file, as an attachment named with today's date."
            ),
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
    )


class XlsxExportView(APIView):
    permission_classes = [ApiPermission]
    renderer_classes = [XlsxRenderer, FastJSONRenderer]
    schema = XlsxExportSchema()
    stem = ""
    content_type = XLSX_CONTENT_TYPE

    def build(self, *, actor) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs) -> HttpResponse:
        return file_response(self.build(actor=visibility_actor(request)), self.stem, content_type=self.content_type)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # A refusal (401, 403, 429...) is a JSON body, whatever file the client asked for.
        if isinstance(response, Response) and isinstance(getattr(response, "accepted_renderer", None), XlsxRenderer):
            response.accepted_renderer = FastJSONRenderer()
            response.accepted_media_type = FastJSONRenderer.media_type
        return response


class PortfolioWorkbookExportView(XlsxExportView):
    """GET /api/v1/export/portfolio.xlsx"""

    stem = PORTFOLIO_STEM

    @_export_schema(
        "export_portfolio_workbook",
        "The portfolio as an XLSX workbook, one sheet per entity (use cases, links, portfolios and members, "
        "foundations and their uses, domains, teams, functions, KPIs and measurements, side effects, "
        "decisions), holding what the requester may see.",
    )
    def get(self, request, *args, **kwargs) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def build(self, *, actor) -> bytes:
        return portfolio_workbook(actor=actor)


class EuAiActRegisterExportView(XlsxExportView):
    """GET /api/v1/export/eu-ai-act-register.xlsx"""

    stem = EU_REGISTER_STEM

    @_export_schema(
        "export_eu_ai_act_register",
        "The EU AI Act register of the high-risk use cases the requester may see, as an XLSX sheet: intended "
        "purpose, status, provider or deployer role, technique, data sources, latest decision, and what is "
        "still to document.",
    )
    def get(self, request, *args, **kwargs) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def build(self, *, actor) -> bytes:
        return eu_ai_act_register(actor=actor)


class FederalInventoryExportView(XlsxExportView):
    """GET /api/v1/export/federal-ai-inventory.csv"""

    stem = FEDERAL_INVENTORY_STEM
    content_type = CSV_CONTENT_TYPE
    renderer_classes = [InventoryCsvRenderer, FastJSONRenderer]

    @_export_schema(
        "export_federal_ai_inventory",
        "The use cases the requester may see that are in the inventory (submitted or later), as a U.S. federal "
        "AI use-case inventory in the column layout of OMB's 2025 guidance: one row per use case, the columns "
        "headed with the guidance's questions, blank where the portfolio holds no answer, the fields withheld "
        "from public reporting left out. The shipped mapping us-federal-ai-inventory-2025 imports it back.",
        media_type="text/csv",
        kind="CSV",
    )
    def get(self, request, *args, **kwargs) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def build(self, *, actor) -> bytes:
        return federal_inventory_csv(actor=actor)
