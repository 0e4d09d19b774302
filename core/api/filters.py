"""The filters every list builds on, and the rules they share.

- `updated_since` (inclusive) and `updated_before` (exclusive): the RangeStart / RangeEnd of Power
  BI's incremental refresh, on every list.
- Every value is checked before it reaches the database, and a value the filter cannot take is a
  400 naming the parameter and what it takes: an unknown status lists the statuses, a timestamp
  with a time-zone offset PostgreSQL cannot store says so. Never a 500, never a silent empty list
  because of a typo.
- A list refuses a query parameter it does not know (`?updated_snce=` would otherwise return every
  row), naming the ones it takes, as Stripe's API does. A parameter given twice is refused too,
  except lists (`?status=a&status=b` means `?status=a,b`).
- An empty value (`?status=`) is the same as leaving the parameter out, as HTML forms send it.
- Each filter states its own OpenAPI schema (`parameter_schema`), so what the schema promises is
  what the filter accepts: core.api.schema puts it on every list operation.
- Filters on rows (`?domain=retail`, `?committee=3`) take any well-formed slug or id: one that no
  row has matches nothing, as a filter should. Filters on fixed vocabularies (statuses, kinds,
  choices) refuse values outside them.
"""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BaseCSVWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .pagination import FlatPagination

UPDATED_SINCE_HELP = _(
    "Rows changed at or after this instant (ISO 8601; give Z or an offset, else the server's time zone applies)."
)
UPDATED_BEFORE_HELP = _("Rows changed strictly before this instant (ISO 8601).")

# The query parameters of every list that are not filters: pagination and the output format.
LIST_PARAMETERS = (
    "format",
    FlatPagination.page_query_param,
    FlatPagination.page_size_query_param,
    FlatPagination.mode_query_param,
    FlatPagination.cursor_query_param,
)

# Values in one list filter, at most (`?status=a,b,...`): more is a mistake, not a query.
MAX_LIST_VALUES = 100
# The longest slug a list filter takes (the models' slugs are shorter).
MAX_SLUG_LENGTH = 100
# The largest id a filter takes: PostgreSQL's bigint.
MAX_ID = 2**63 - 1

# An instant as the filters take it, in the same words for the server and for the OpenAPI schema:
# ISO 8601 date and time, seconds and up to 6 decimals optional, then Z, an offset of at most
# ±15:59 (PostgreSQL's limit) or nothing (the server's time zone). The first and last days that
# Python dates hold (0001-01-01, 9999-12-31) are refused, whatever the offset: converted to UTC
# they could fall outside them.
INSTANT_PATTERN = (
    r"^(?!0000-|0001-01-01|9999-12-31)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"
    r"(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])?$"
)
DAY_PATTERN = r"^(?!0000-)[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INTEGER_PATTERN = re.compile(r"-?[0-9]{1,19}")
SLUG_OR_EMPTY_PATTERN = r"^[-a-zA-Z0-9_]*$"
# Text filters take any text but NUL, which PostgreSQL cannot hold.
TEXT_PATTERN = r"^[^\x00]*$"
TRUE_VALUES, FALSE_VALUES = frozenset({"true", "True"}), frozenset({"false", "False"})

INSTANT_PROBLEM = _(
    "Give an ISO 8601 instant such as 2026-01-31T00:00:00Z: a date from 0001-01-02 to 9999-12-30, "
    "then Z or an offset of at most ±15:59 (without one, the server's time zone applies)."
)


# Fields: what each filter accepts ----------------------------------------------------------------------


class InstantField(forms.Field):
    """An instant, returned in UTC: PostgreSQL is never handed an offset it cannot store."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not re.fullmatch(INSTANT_PATTERN, value):
            raise ValidationError(INSTANT_PROBLEM, code="invalid")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(
                _("%(value)s is not a real date and time. %(problem)s"),
                code="invalid",
                params={"value": value, "problem": INSTANT_PROBLEM},
            )
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed.astimezone(datetime.timezone.utc)


class DayField(forms.Field):
    """A calendar date, ISO 8601 only (2026-01-31)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            if not re.fullmatch(DAY_PATTERN, value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Give a date as YYYY-MM-DD, e.g. 2026-01-31."), code="invalid")


class WholeNumberField(forms.Field):
    """An integer written as digits (no 1.0, no 1e3), within bounds."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(min_value), MaxValueValidator(max_value)]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not INTEGER_PATTERN.fullmatch(value):
            raise ValidationError(
                _("Give a whole number from %(min)d to %(max)d."),
                code="invalid",
                params={"min": self.min_value, "max": self.max_value},
            )
        return int(value)


class TrueFalseField(forms.Field):
    """true or false, and nothing else: `?open=yes` is refused, not read as no filter."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        raise ValidationError(_("Give true or false."), code="invalid")


class AllowedChoiceField(forms.ChoiceField):
    """One of the choices; a refusal lists them all."""

    def validate(self, value):
        if value not in self.empty_values and not self.valid_value(value):
            raise ValidationError(
                _('Unknown value "%(value)s": give one of %(allowed)s (several separated by commas).'),
                code="invalid_choice",
                params={"value": value, "allowed": ", ".join(str(key) for key, _label in self.choices)},
            )


class ValuesWidget(BaseCSVWidget, forms.TextInput):
    """`?x=a,b`, `?x=a&x=b` or both: every value, in order (counted as sent, empty ones too)."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if raw is None:
            return None
        raw = raw if isinstance(raw, list | tuple) else [raw]
        return [item for value in raw for item in str(value).split(",")]


class ValuesField(forms.Field):
    """A list of values, each checked by `item` (a form field); every bad one is named."""

    widget = ValuesWidget

    def __init__(self, *, item: forms.Field, **kwargs):
        self.item = item
        super().__init__(**kwargs)

    def clean(self, value):
        if not value:
            return []
        if len(value) > MAX_LIST_VALUES:
            raise ValidationError(_("Give at most %(max)d values."), code="max_values", params={"max": MAX_LIST_VALUES})
        cleaned, errors = [], {}
        # Empty values are left out, as empty parameters are: `?x=` is no filter, `?x=a,` is `?x=a`.
        for item in filter(None, value):
            try:
                cleaned.append(self.item.clean(item))
            except ValidationError as exc:
                # The errors themselves, not their text: a value with a % in it is a parameter of the
                # message, never part of its format.
                for error in exc.error_list:
                    errors.setdefault(" ".join(error.messages), error)
        if errors:
            raise ValidationError(list(errors.values()))
        return cleaned


# Filters --------------------------------------------------------------------------------------------
# Each states its schema (`parameter_schema`, put on the operation by core.api.schema); the
# annotation only keeps drf-spectacular from guessing one from the model first.
stated_schema = extend_schema_field(OpenApiTypes.STR)


@stated_schema
class ValuesFilter(django_filters.Filter):
    """Any of these values: `?x=a,b`. The schema is an array, sent comma-separated."""

    field_class = ValuesField
    many = True
    note = _("Several values separated by commas match any of them.")

    def __init__(self, *args, item: forms.Field | None = None, **kwargs):
        if kwargs.get("lookup_expr") in (None, "exact"):
            kwargs["lookup_expr"] = "in"
        super().__init__(*args, item=item or self.item_field(), **kwargs)

    def item_field(self) -> forms.Field:
        return forms.CharField()

    def item_schema(self) -> dict:
        return {"type": "string"}

    def parameter_schema(self) -> dict:
        # An empty value in the list is left out, so the schema admits one: `?x=` is the list [""]
        # as much as the empty list.
        return {"type": "array", "items": self.item_schema(), "maxItems": MAX_LIST_VALUES}


class SlugInFilter(ValuesFilter):
    """`?domain=a,b` or `?domain=a&domain=b`: any of these slugs (a slug no row has matches nothing)."""

    def item_field(self) -> forms.Field:
        return forms.SlugField(max_length=MAX_SLUG_LENGTH)

    def item_schema(self) -> dict:
        return {"type": "string", "pattern": SLUG_OR_EMPTY_PATTERN, "maxLength": MAX_SLUG_LENGTH}


class ChoiceInFilter(ValuesFilter):
    """`?status=submitted,in_review`: any of these values; an unknown one is a 400 that lists them all."""

    def __init__(self, *args, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(*args, **kwargs)

    def values(self) -> list:
        return [value for value, _label in self.choices]

    def item_field(self) -> forms.Field:
        return AllowedChoiceField(choices=[(str(value), label) for value, label in self.choices])

    def filter(self, qs, value):
        # The form gives the values as text; compare them as the column's type.
        return super().filter(qs, [self.coerce(item) for item in value] if value else value)

    def coerce(self, item: str):
        for choice in self.values():
            if str(choice) == item:
                return choice
        return item

    def item_schema(self) -> dict:
        values = self.values()
        if values and all(isinstance(v, int) for v in values):
            return {"enum": [*values, ""]}
        return {"type": "string", "enum": [*values, ""]}


@stated_schema
class TextFilter(django_filters.CharFilter):
    """Free text, of a bounded length (counted as sent: not stripped)."""

    many = False
    note = None

    def __init__(self, *args, max_length: int = 200, **kwargs):
        super().__init__(*args, max_length=max_length, strip=False, **kwargs)

    def parameter_schema(self) -> dict:
        return {"type": "string", "maxLength": self.extra["max_length"], "pattern": TEXT_PATTERN}


@stated_schema
class NumberFilter(django_filters.Filter):
    """A whole number within bounds; `IdFilter` for the id of a row."""

    field_class = WholeNumberField
    many = False
    note = None

    def __init__(self, *args, min_value: int = -MAX_ID, max_value: int = MAX_ID, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)

    def parameter_schema(self) -> dict:
        return {
            "type": "integer",
            "format": "int64",
            "minimum": self.extra["min_value"],
            "maximum": self.extra["max_value"],
        }


class IdFilter(NumberFilter):
    """The id of a row (an id no row has matches nothing)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


@stated_schema
class TrueFalseFilter(django_filters.Filter):
    field_class = TrueFalseField
    many = False
    note = None

    def parameter_schema(self) -> dict:
        return {"type": "boolean"}


@stated_schema
class InstantFilter(django_filters.Filter):
    field_class = InstantField
    many = False
    note = INSTANT_PROBLEM

    def parameter_schema(self) -> dict:
        return {"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}


@stated_schema
class DayFilter(django_filters.Filter):
    field_class = DayField
    many = False
    note = None

    def parameter_schema(self) -> dict:
        return {"type": "string", "format": "date", "pattern": DAY_PATTERN}


def _bounds(model_field) -> tuple[int, int]:
    """The range an integer column holds, narrowed by its validators (e.g. scores 1-5)."""
    low, high = -MAX_ID, MAX_ID
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = min(high, validator.limit_value)
    return low, high


# The filterset ----------------------------------------------------------------------------------------


class UpdatedRangeFilterSet(django_filters.FilterSet):
    """The base of every list's filterset: the incremental range, strict values, and the filters that
    `Meta.fields` generates made strict too (choices, booleans, ids, integers)."""

    # The timestamp the range applies to; append-only models use their created_at.
    updated_field = "updated_at"

    updated_since = InstantFilter(method="filter_updated_since", help_text=UPDATED_SINCE_HELP)
    updated_before = InstantFilter(method="filter_updated_before", help_text=UPDATED_BEFORE_HELP)

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(**{f"{self.updated_field}__gte": value})

    def filter_updated_before(self, queryset, name, value):
        return queryset.filter(**{f"{self.updated_field}__lt": value})

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if lookup_type == "exact":
            if getattr(field, "choices", None):
                return ChoiceInFilter, {"choices": field.choices}
            if isinstance(field, models.BooleanField):
                return TrueFalseFilter, {}
            if isinstance(field, models.ForeignKey):
                return IdFilter, {}
            if isinstance(field, models.IntegerField):
                low, high = _bounds(field)
                return NumberFilter, {"min_value": low, "max_value": high}
            if isinstance(field, models.CharField | models.TextField):
                return TextFilter, {"max_length": field.max_length or 200}
        return super().filter_for_lookup(field, lookup_type)

    # The whole query: unknown or repeated parameters ------------------------------------------------------

    def is_valid(self):
        valid = super().is_valid()
        problems = self.query_problems()
        for name, message in problems.items():
            self.form.errors[name] = self.form.error_class([message])
        return valid and not problems

    def query_problems(self) -> dict[str, str]:
        """Parameters this list does not take, or takes once but got several times. Only for the
        query of an API request (the filterset is handed the request); pages that build their own
        parameters pass none."""
        if self.request is None or not hasattr(self.data, "getlist"):
            return {}
        known = [*self.filters, *LIST_PARAMETERS]
        problems = FlatPagination().parameter_problems(self.data, self.request.path)
        for name in self.data:
            if name not in known:
                problems[name] = _("Unknown parameter: this list takes %(names)s.") % {"names": ", ".join(known)}
            elif len(self.data.getlist(name)) > 1 and not getattr(self.filters.get(name), "many", False):
                problems[name] = _("Give this parameter once.")
        return problems
