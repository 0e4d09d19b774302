"""Serializer behaviour shared by the writable endpoints."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictInputMixin:
    """Refuse input the endpoint would otherwise ignore: read-only fields (status, reference) and
    unknown names, each named with the reason, instead of a silent 200."""

    read_only_reasons: dict[str, str] = {}
    # Sent by HTML forms (the browsable API), not by clients.
    ignored_input = frozenset({"csrfmiddlewaretoken", "_content_type", "_content"})

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name in data:
                if name in self.ignored_input:
                    continue
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [_("Unknown field.")]
                elif field.read_only:
                    errors[name] = [self.read_only_reasons.get(name, _("This field is read-only."))]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A row by its id, given as an integer (or its digits, as form bodies send it): 2.5 or true is
    refused, not read as row 2 or row 1."""

    default_error_messages = {"incorrect_type": _("Give the id as a whole number, not {data_type}.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and data.isascii() and data.isdigit())
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
