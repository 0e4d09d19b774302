"""Who may call the API: signed-in people (session) and API tokens. Tokens are read-only unless
granted write; who may do what to which object is the services' rule, never the viewsets'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .authentication import request_token


class ApiPermission(BasePermission):
    message = _("Authentication credentials were not provided.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        token = request_token(request)
        if token is not None and not token.can_write:
            raise PermissionDenied(_("This API token is read-only: ask the committee for a token that may write."))
        return True
