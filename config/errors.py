"""Error pages: under /api/ they are JSON, as every other API answer is, whatever raised them (a URL
that matches no route, /api/v1/use-cases/abc/; a body Django refused to read; a crash). Elsewhere they
are Django's pages, with the site's templates."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        # Never the exception's own text: it can name settings (a bad Host header names ALLOWED_HOSTS).
        return JsonResponse({"detail": _("The request could not be read."), "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to do this."), "code": "permission_denied"}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Not found: %(path)s is not an API resource.") % {"path": request.path}, "code": "not_found"},
            status=404,
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side; it has been logged."), "code": "server_error"}, status=500
        )
    return defaults.server_error(request)
