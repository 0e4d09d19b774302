"""Passing database trouble outside the API (the admin, the team site): a 503 page that says what
happened and when to retry, instead of a bare 500. The API answers its own JSON
(core.api.exceptions); the team site's forms keep what the person typed (web.views)."""

from __future__ import annotations

from django.http import JsonResponse
from django.template.response import TemplateResponse

from .database import database_trouble, log_trouble


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
