"""Priorities and what-if for API clients: the ranked list (JSON or CSV, per domain or portfolio) and
"what if we stop these", which writes nothing."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import ApiPermission
from core.api.renderers import CSVRenderer, FastJSONRenderer
from domains.api.visibility import visibility_actor
from domains.models import Domain

from ..models import Portfolio
from ..priorities import Priority
from ..selectors import priority_ranking, use_cases_by_references, what_if_stopping

# The API refuses a NUL character in any parameter (a 400): the schema says so.
NO_NUL = r"^[^\x00]*$"
REFERENCES_PATTERN = r"^\s*[A-Za-z]+-\d+(\s*[,\s]\s*[A-Za-z]+-\d+)*\s*$"
REFERENCES = re.compile(REFERENCES_PATTERN)


def priority_row(row: Priority) -> dict:
    return {
        "rank": row.rank,
        "of": row.of,
        "use_case": row.use_case_id,
        "reference": row.reference,
        "title": row.title,
        "portfolio": row.portfolio_reference or None,
        "standalone": row.standalone,
        "criteria_used": row.criteria_used,
        "synergy": row.synergy,
        "priority": row.priority,
        "keystone": row.keystone,
        "cut_off": row.cut_off,
        "explanation": row.sentence(),
    }


PRIORITY_ROW = inline_serializer(
    "PriorityRow",
    fields={
        "rank": serializers.IntegerField(),
        "of": serializers.IntegerField(),
        "use_case": serializers.IntegerField(),
        "reference": serializers.CharField(),
        "title": serializers.CharField(),
        "portfolio": serializers.CharField(allow_null=True),
        "standalone": serializers.FloatField(allow_null=True),
        "criteria_used": serializers.IntegerField(),
        "synergy": serializers.FloatField(),
        "priority": serializers.FloatField(),
        "keystone": serializers.BooleanField(),
        "cut_off": serializers.IntegerField(),
        "explanation": serializers.CharField(),
    },
)
PRIORITY_PAGE = inline_serializer(
    "PaginatedPriorityRowList",
    fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": PRIORITY_ROW.__class__(many=True),
    },
)


class PriorityPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 5000


_MISSING = object()


def _one(model, field: str, value: str | None, lookup: str):
    """The record a parameter names, None when none is asked, _MISSING when it names nothing."""
    if value in (None, ""):
        return None
    return model.objects.filter(**{lookup: value}).first() or _MISSING


class NotFoundNamed(NotFound):
    """A 404 whose body says what was not found (`detail`, as every 404) and names the parameter, as
    a 400 does: {"detail": "No domain is x.", "domain": ["No domain is x."]}."""

    def __init__(self, field: str, message: str):
        super().__init__({"detail": message, field: [message]})


class PriorityListView(APIView):
    """GET /api/v1/priorities/: the use cases under consideration (submitted to scaled), highest
    priority first."""

    permission_classes = [ApiPermission]
    renderer_classes = [FastJSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="priorities_list",
        tags=["priorities"],
        description=(
            "Every use case from submitted to scaled, ranked by priority: standalone score (weighted value, "
            "feasibility, data readiness, risk), synergy (value reinforced through links and shared foundations, "
            "less conflicts), the sentence that explains the rank, and whether it is a keystone of its portfolio. "
            "`domain` (slug) or `portfolio` (reference) ranks among theirs. `format=csv` for a CSV."
        ),
        parameters=[
            OpenApiParameter(
                "domain", OpenApiTypes.STR, pattern=NO_NUL, description="A domain's slug (unknown: no rows)."
            ),
            OpenApiParameter(
                "portfolio",
                OpenApiTypes.STR,
                pattern=NO_NUL,
                description="A live portfolio's reference, PF-001 (unknown: no rows).",
            ),
            OpenApiParameter(
                "keystone", OpenApiTypes.STR, enum=["true", "false"], description="Only keystones, or none of them."
            ),
        ],
        responses={200: PRIORITY_PAGE},
    )
    def get(self, request, *args, **kwargs):
        params = request.query_params
        unknown = sorted(set(params) - {"domain", "portfolio", "keystone", "limit", "offset", "format"})
        if unknown:
            raise ValidationError(dict.fromkeys(unknown, [_("Unknown parameter.")]))
        domain = _one(Domain, "domain", params.get("domain"), "slug")
        portfolio = _one(Portfolio, "portfolio", params.get("portfolio"), "reference__iexact")
        keystone = params.get("keystone")
        if keystone not in (None, "", "true", "false"):
            raise ValidationError({"keystone": [_("true or false.")]})
        actor = visibility_actor(request)
        if domain is _MISSING or portfolio is _MISSING:
            rows = []  # as the API's other filters: an unknown domain or portfolio has no rows
        else:
            rows = priority_ranking(actor=actor, domain=domain, portfolio=portfolio)
        if keystone == "true":
            rows = [row for row in rows if row.keystone]
        elif keystone == "false":
            rows = [row for row in rows if not row.keystone]
        if request.accepted_renderer.format == "csv":
            response = Response([priority_row(row) for row in rows])
            response["Content-Disposition"] = 'attachment; filename="priorities.csv"'
            return response
        paginator = PriorityPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([priority_row(row) for row in page])


class WhatIfView(APIView):
    """GET /api/v1/what-if/?use_cases=UC-0001,UC-0002: what stopping them would do. Writes nothing."""

    permission_classes = [ApiPermission]
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        operation_id="what_if",
        tags=["priorities"],
        description=(
            "If these use cases stopped: which others lose a dependency (depends_on), how much synergy the others "
            "lose and whose, and which portfolios lose internal tie weight or split. Reads only."
        ),
        parameters=[
            OpenApiParameter(
                "use_cases",
                OpenApiTypes.STR,
                required=True,
                allow_blank=False,
                pattern=REFERENCES_PATTERN,
                description="References, comma-separated (UC-0001,UC-0002). One the requester may not see: 404.",
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, *args, **kwargs):
        text = request.query_params.get("use_cases", "")
        unknown_params = sorted(set(request.query_params) - {"use_cases", "format"})
        if unknown_params:
            raise ValidationError(dict.fromkeys(unknown_params, [_("Unknown parameter.")]))
        actor = visibility_actor(request)
        if not REFERENCES.fullmatch(text):
            raise ValidationError({"use_cases": [_("Name at least one use case by its reference (UC-0001).")]})
        use_cases, unknown = use_cases_by_references(actor=actor, text=text)
        if unknown:
            message = _("No use case you may see is %(references)s.") % {"references": ", ".join(unknown)}
            raise NotFoundNamed("use_cases", message)
        result = what_if_stopping(actor=actor, use_cases=use_cases)
        return Response(
            {
                "stopped": [row.reference for row in result.stopped],
                "not_ranked": result.not_covered,
                "losing_dependency": result.losing_dependency,
                "hidden_dependants": result.hidden_dependants,
                "synergy_lost": result.synergy_lost,
                "most_affected": result.most_affected,
                "portfolios": result.portfolios,
            }
        )


class SimilarUseCasesView(APIView):
    """GET /api/v1/similar-use-cases/?title=...: existing use cases that look like the same idea."""

    permission_classes = [ApiPermission]
    renderer_classes = [FastJSONRenderer]
    PARAMS = {"title", "problem_statement", "domain", "foundations", "exclude", "format"}

    @extend_schema(
        operation_id="similar_use_cases",
        tags=["priorities"],
        description=(
            "Duplicates at intake: the existing use cases (those the requester may see) whose title and problem, "
            "domain and foundations look like the idea described, best first, at or above the threshold chosen "
            "on the labelled evaluation set (`evaluate_duplicates`); pairs the committee judged are left out "
            "when `exclude` names the use case."
        ),
        parameters=[
            OpenApiParameter(
                "title", OpenApiTypes.STR, required=True, allow_blank=False, pattern=r"^[^\x00]*[^\s\x00][^\x00]*$"
            ),
            OpenApiParameter("problem_statement", OpenApiTypes.STR, pattern=NO_NUL),
            OpenApiParameter("domain", OpenApiTypes.STR, pattern=NO_NUL, description="A domain's slug."),
            OpenApiParameter(
                "foundations", OpenApiTypes.STR, many=True, pattern=NO_NUL, description="Foundation slugs."
            ),
            OpenApiParameter(
                "exclude", OpenApiTypes.STR, pattern=NO_NUL, description="The reference of the use case itself."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, *args, **kwargs):
        from domains.models import Foundation
        from domains.models.use_cases import TITLE_MAX_CHARS

        from ..selectors import similar_use_cases

        params = request.query_params
        unknown = sorted(set(params) - self.PARAMS)
        if unknown:
            raise ValidationError(dict.fromkeys(unknown, [_("Unknown parameter.")]))
        title = params.get("title", "").strip()
        if not title:
            raise ValidationError({"title": [_("Give the title of the idea to compare.")]})
        if len(title) > TITLE_MAX_CHARS:
            raise ValidationError({"title": [_("At most %(limit)d characters.") % {"limit": TITLE_MAX_CHARS}]})
        domain = _one(Domain, "domain", params.get("domain"), "slug")
        if domain is _MISSING:
            raise NotFoundNamed("domain", _("No domain is %(slug)s.") % {"slug": params["domain"]})
        slugs = [slug for slug in params.getlist("foundations") if slug.strip()]
        foundations = dict(Foundation.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = [slug for slug in slugs if slug not in foundations]
        if missing:
            raise NotFoundNamed("foundations", _("No foundation is %(slugs)s.") % {"slugs": ", ".join(missing)})
        actor = visibility_actor(request)
        exclude = None
        if params.get("exclude"):
            from domains.selectors import use_case_list

            visible = use_case_list(actor=actor).filter(reference__iexact=params["exclude"])
            exclude = visible.values_list("pk", flat=True).first()
            if exclude is None:
                message = _("No use case is %(reference)s.") % {"reference": params["exclude"]}
                raise NotFoundNamed("exclude", message)
        found = similar_use_cases(
            actor=actor,
            title=title,
            problem=params.get("problem_statement", "")[:20_000],
            domain_id=domain.pk if domain else None,
            foundation_ids=list(foundations.values()),
            exclude_id=exclude,
        )
        return Response(
            {
                "results": [
                    {
                        "reference": s.reference,
                        "title": s.title,
                        "status": s.status,
                        "score": s.score,
                        "text_score": s.text_score,
                        "same_domain": s.same_domain,
                        "shared_foundations": s.shared_foundations,
                    }
                    for s in found
                ]
            }
        )
