"""How the impact section writes its figures: a measure's value in the reader's locale, with only the
decimals it has (12.5, not 12.5000), and its unit."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def format_measure(value) -> str:
    """A measured value as a person reads it: grouped thousands, the decimals it has, no exponent."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def measure(value) -> str:
    return format_measure(value)


@register.filter
def with_unit(value, unit: str) -> str:
    """The value and its unit: "12.5 %", "3,400 EUR"; the value alone when it has no unit."""
    text = format_measure(value)
    if text == "—" or not unit:
        return text
    return f"{text}\u00a0{unit}"
