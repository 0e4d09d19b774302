"""Answers that come before or around the views.

- A request body over core.limits.REQUEST_BODY_MAX_BYTES: 413 before anything reads it, in JSON on
  the API and as a page elsewhere (the browser still holds what the person typed: going back keeps it).
- Passing database trouble outside the API (the admin, the team site): a 503 page that says what
  happened and when to retry, instead of a bare 500. The API answers its own JSON
  (core.api.exceptions); the team site's forms keep what the person typed (web.views)."""

from __future__ import annotations

from django.http import JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .database import database_trouble, log_trouble
from .limits import REQUEST_BODY_MAX_BYTES

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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


class NullCharacterMiddleware:
    """A NUL character cannot be stored (PostgreSQL refuses it) and hides text: in the path it names
    nothing (404); in a query parameter it is a 400 that names the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return self._answer(request, 404, _("Not found: the address has a NUL character."), "not_found")
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                name = key.replace("\x00", "")
                message = _("NUL characters are not allowed (query parameter %(name)s).") % {"name": name}
                return self._answer(request, 400, message, "null_character", field=name)
        if request.path.startswith("/api/") and request.content_type in FORM_CONTENT_TYPES:
            # JSON bodies are checked by the parser, with the field named; the API's form bodies here.
            # (The site's forms refuse a NUL beside its field, keeping what was typed.)
            field = self._form_field_with_nul(request)
            if field is not None:
                message = _("NUL characters are not allowed (field %(name)s).") % {"name": field}
                return self._answer(request, 400, message, "null_character", field=field)
        return self.get_response(request)

    @staticmethod
    def _form_field_with_nul(request) -> str | None:
        body = request.body
        if b"\x00" not in body and b"%00" not in body:
            return None
        if request.content_type == "application/x-www-form-urlencoded":
            for key, values in QueryDict(body, encoding=request.encoding).lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "")
            return None
        return "non_field_errors"

    @staticmethod
    def _answer(request, status: int, message: str, code: str, field: str | None = None):
        if request.path.startswith("/api/"):
            body = {"detail": message, "code": code, **({field: [message]} if field else {})}
            return JsonResponse(body, status=status)
        response = TemplateResponse(request, "core/bad_request.html", {"message": message}, status=status)
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
