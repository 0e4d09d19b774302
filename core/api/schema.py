"""OpenAPI: every operation documents the error codes it can answer, with the project's error shape."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    code = serializers.CharField(required=False, help_text="A stable code for business-rule refusals.")


class ValidationErrorSerializer(serializers.Serializer):
    """Field name -> list of messages; `non_field_errors` for the whole object."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERROR_DESCRIPTIONS = {
    "400": "Invalid input or filter; the body names each field in error, or the business rule refused.",
    "401": "No or invalid credentials: sign in or send `Authorization: Token <key>`.",
    "403": "Signed in but not allowed (e.g. a read-only token on a write, or not in the use case's team).",
    "404": "Not found, or not visible to you (drafts of other teams).",
    "409": "The request does not fit the object's current state.",
    "429": "Too many requests for this token; retry after the Retry-After header.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        is_write = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if is_write or self._is_list_view():
            codes.append("400")
        if self._has_lookup() or self._is_list_view():
            codes.append("404")  # a missing object, or a page number past the end
        for code in sorted(codes):
            if code in responses:
                continue
            serializer = ValidationErrorSerializer if code == "400" else ErrorSerializer
            response = self._get_response_for_code(serializer, code)
            response["description"] = ERROR_DESCRIPTIONS[code]
            responses[code] = response
        return responses

    def _has_lookup(self) -> bool:
        return "{" in self.path

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET" and self._is_list_view():
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=["json", "csv"],
                    description="`csv` answers every matching row as streamed CSV, columns named as in the JSON "
                    "(also `Accept: text/csv`); page parameters do not apply to CSV.",
                )
            )
        return parameters


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`): an API token created in the admin.",
        }
