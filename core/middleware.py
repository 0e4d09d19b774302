"""Answers that come before or around the views.

- A request body over core.limits.REQUEST_BODY_MAX_BYTES: 413 before anything reads it, in JSON on
  the API and as a page elsewhere (the browser still holds what the person typed: going back keeps it).
- Passing database trouble outside the API (the admin, the team site): a 503 page that says what
  happened and when to retry, instead of a bare 500. The API answers its own JSON
  (core.api.exceptions); the team site's forms keep what the person typed (web.views)."""

from __future__ import annotations

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .database import database_trouble, log_trouble
from .limits import REQUEST_BODY_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= REQUEST_BODY_MAX_BYTES:
            return self.get_response(request)
        message = _("The request body is %(size)s; at most %(limit)s is accepted. Nothing was saved.") % {
            "size": _megabytes(length),
            "limit": _megabytes(REQUEST_BODY_MAX_BYTES),
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "body_too_large"}, status=413)
        response = TemplateResponse(request, "core/too_large.html", {"message": message}, status=413)
        return response.render()


class DatabaseTroubleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        trouble = database_trouble(exception)
        if trouble is None:
            return None
        log_trouble(trouble, exception, request.path)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": trouble.message, "code": trouble.code}, status=trouble.status)
        else:
            response = TemplateResponse(
                request, "core/database_trouble.html", {"trouble": trouble}, status=trouble.status
            )
            response.render()
        response["Retry-After"] = str(trouble.retry_after)
        return response
