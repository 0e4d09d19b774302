"""The committee's pages in the admin beyond Django's own, for this layer: the foundations ranked by
what they unlock (domains.selectors.foundation_impact), as a page linked from the foundations' list
and as a CSV download. domains/admin.py wires them into FoundationAdmin."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from core.api.renderers import formula_safe

from .choices import Status
from .selectors import foundation_impact


def _ranked(rows):
    """(rank, row, [(status, label, count)...]) in the selector's order (benefit enabled, then reuse)."""
    labels = dict(Status.choices)
    return [
        (rank, row, [(status, labels[status], count) for status, count in row.by_status.items()])
        for rank, row in enumerate(rows, start=1)
    ]


def _csv(ranked) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    statuses = list(Status)
    writer.writerow(
        [
            "rank",
            "foundation",
            "kind",
            "readiness_level",
            "readiness",
            "use_cases_unlocked",
            *(f"unlocked_{status.value}" for status in statuses),
            "reuse_count",
            "benefit_enabled_eur",
            "held_back",
        ]
    )
    for rank, row, _by_status in ranked:
        foundation = row.foundation
        writer.writerow(
            formula_safe(
                [
                    rank,
                    foundation.name,
                    foundation.get_kind_display(),
                    foundation.readiness,
                    foundation.get_readiness_display(),
                    row.unlocked,
                    *(row.by_status.get(status.value, 0) for status in statuses),
                    row.reuse_count,
                    format(row.benefit_enabled.normalize(), "f") if row.benefit_enabled else "0",
                    "; ".join(use_case.reference for use_case in row.held_back),
                ]
            )
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"foundations-ranked-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def foundation_ranking_view(model_admin, request):
    """Foundations ranked by the benefit of the use cases they enable, then by reuse; `?format=csv`
    downloads the same table. Three queries for the table whatever the number of foundations."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    ranked = _ranked(foundation_impact())
    if request.GET.get("format") == "csv":
        return _csv(ranked)
    rows = [
        {
            "rank": rank,
            "row": row,
            "by_status": by_status,
            "benefit": number_format(row.benefit_enabled, 0, force_grouping=True),
        }
        for rank, row, by_status in ranked
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Foundations ranked by what they unlock"),
        "opts": model_admin.model._meta,
        "rows": rows,
        "low_readiness": settings.FOUNDATION_LOW_READINESS,
        "has_view_permission": True,
    }
    return TemplateResponse(request, "admin/domains/foundation/ranking.html", context)
