"""OpenAPI: the schema says what the API really does, so that a client (or a fuzzer) can trust it.

- Every operation documents every status code it can answer, with the project's error shape and,
  where they apply, the Retry-After header (429, 503).
- Every content type it can answer: JSON, and CSV where the view offers it (`?format=csv`), as a
  string: the CSV is a document, not the JSON object it would otherwise be.
- Every query parameter as its filter takes it (core.api.filters states each filter's schema), and
  an empty value is allowed: it means the parameter was left out.
- Every response field as the row really carries it: nullable when the column, or a foreign key on
  the way to it, may be null; a choice that may be blank lists "" among its values. Serializers do
  not need to repeat it (a read-only field loses `allow_blank`, a declared relation its `null`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .serializers import StrictInputMixin


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    code = serializers.CharField(required=False, help_text="A stable code for business-rule refusals.")


class ValidationErrorSerializer(serializers.Serializer):
    """Field or parameter name -> list of messages; `non_field_errors` for the whole object; `detail`
    (and `code`) when a business rule refused the request as a whole."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERROR_DESCRIPTIONS = {
    "400": (
        "Invalid input, filter or query parameter (each named, with what it takes; a list refuses a "
        "parameter it does not know), an unknown `format`, JSON nested too deeply, or a business rule "
        "refused it."
    ),
    "401": "No or invalid credentials: sign in or send `Authorization: Token <key>`.",
    "403": "Signed in but not allowed (e.g. a read-only token on a write, or not in the use case's team).",
    "404": "Not found, or not visible to you (drafts of other teams), or a page past the last.",
    "406": "No representation matches the Accept header (JSON, or CSV where offered).",
    "409": "The request does not fit the object's current state, or it changed meanwhile: read it again.",
    "413": "The request body is too large.",
    "415": "The request body is in a media type this operation does not read (send JSON).",
    "429": "Too many requests for this token; retry after the Retry-After header.",
    "503": "The database is busy (a lock was not granted in time): retry after the Retry-After header.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "required": True,
        "description": "Seconds to wait before retrying.",
    }
}
CSV_SCHEMA = {
    "type": "string",
    "description": "CSV: a header line with the names the JSON uses, then a line per row (lists joined by |).",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # Empty is the same as left out, for every optional parameter (HTML forms send empty
            # fields); for a list, it is how an empty list is written anyway. A required one is not.
            if (
                parameter["in"] == "query"
                and parameter["schema"].get("type") != "array"
                and not parameter.get("required")
            ):
                parameter["allowEmptyValue"] = True
        for response in operation["responses"].values():
            content = response.get("content", {})
            if "text/csv" in content:
                content["text/csv"] = {"schema": CSV_SCHEMA}
        return operation

    # Responses ---------------------------------------------------------------------------------------

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                serializer = ValidationErrorSerializer if code == "400" else ErrorSerializer
                responses[code] = self._get_response_for_code(serializer, code)
            responses[code]["description"] = ERROR_DESCRIPTIONS[code]
            if code in ("429", "503"):
                responses[code]["headers"] = RETRY_AFTER
        return dict(sorted(responses.items()))

    def _error_codes(self) -> list[str]:
        # Any operation: an unknown ?format= (400), credentials, permission, not found, Accept,
        # throttling, and the database's lock timeout; writes: their body and the object's state.
        codes = ["400", "401", "403", "404", "406", "429", "503"]
        if self.method in WRITE_METHODS:
            codes += ["409", "413", "415"]
        return codes

    # Query parameters ---------------------------------------------------------------------------------

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            declared = filters.get(parameter["name"])
            schema_of = getattr(declared, "parameter_schema", None)
            if schema_of is None:
                if isinstance(declared, django_filters.NumberFilter):
                    parameter["schema"] = _number_schema(declared.field)
                continue
            parameter["schema"] = schema_of()
            description = " ".join(str(text) for text in (declared.extra.get("help_text"), declared.note) if text)
            if description:
                parameter["description"] = description
            if parameter["schema"]["type"] == "array":
                parameter["style"], parameter["explode"] = "form", False
            else:
                parameter.pop("style", None)
                parameter.pop("explode", None)
        return parameters

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

    # Request bodies -------------------------------------------------------------------------------------

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInputMixin):
            schema["additionalProperties"] = False  # an unknown field is a 400 naming it
        return schema

    # Response fields ----------------------------------------------------------------------------------

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "response":
            nullable, blank = _column_facts(field)
            if nullable:
                schema["nullable"] = True
            if blank and "enum" in schema and "" not in schema["enum"]:
                schema["enum"] = [*schema["enum"], ""]
        return schema


def _number_schema(field) -> dict:
    """A number filter of django-filter's kind, as its form field takes it: an integer or a number,
    within the bounds its validators set (django-filter adds at most 1e50)."""
    schema = {"type": "integer" if isinstance(field, forms.IntegerField) else "number"}
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            schema["minimum"] = max(schema.get("minimum", validator.limit_value), validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            schema["maximum"] = min(schema.get("maximum", validator.limit_value), validator.limit_value)
    return schema


def _column_facts(field) -> tuple[bool, bool]:
    """(may be null, may be a blank choice) of the column a serializer field reads, following its
    source through foreign keys: the flat rows read that column as it is (core.api.flat)."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or field.source == "*" or isinstance(field, serializers.ManyRelatedField):
        return False, False
    nullable = False
    model_field = None
    for name in field.source.split("."):
        if model is None:
            return False, False
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False, False
        if model_field.many_to_many or model_field.one_to_many:
            return False, False
        nullable = nullable or model_field.null
        model = model_field.related_model
    blank_choice = bool(model_field.choices) and model_field.blank
    return nullable, blank_choice


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
