"""One place that turns business-rule refusals into API responses: 400 for bad input, 403 for a
user who may not, 409 for a request that does not fit the current state (or that crossed another write:
retry), 503 with Retry-After when the database is busy or unreachable."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.database import database_trouble, log_trouble
from core.exceptions import BusinessRuleError


def api_exception_handler(exc, context):
    if isinstance(exc, BusinessRuleError):
        body = {"detail": exc.message, "code": exc.code, **exc.details}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
            if "__all__" in body:
                body["non_field_errors"] = body.pop("__all__")
        else:
            body = {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "You do not have permission to do this."}, status=403)
    trouble = database_trouble(exc)
    if trouble is not None:
        request = context.get("request")
        log_trouble(trouble, exc, request.path if request is not None else "")
        return Response(
            {"detail": trouble.message, "code": trouble.code},
            status=trouble.status,
            headers={"Retry-After": str(trouble.retry_after)},
        )
    return drf_exception_handler(exc, context)
