"""The API's JSON body parser, with limits that give a clear 400 naming the problem (and the field,
when there is one) instead of a crash or a silent change:

- nesting deeper than JSON_MAX_DEPTH (100,000 levels is a RecursionError in any recursive parser);
- arrays longer than JSON_MAX_ARRAY_ITEMS (the API's own lists are far shorter);
- numbers beyond 64 bits (they would become floats: 18446744073709551616 stored as 1.8e19) or infinite;
- NaN and Infinity, which are not JSON;
- NUL characters in a string or a key (PostgreSQL cannot store them, and they hide text), and lone
  surrogates (not Unicode);
- bytes that are not UTF-8."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.limits import JSON_MAX_ARRAY_ITEMS, JSON_MAX_DEPTH

INT64 = 2**63


class _Refused(ValueError):
    pass


class _OutOfRange:
    """A number the API cannot take, kept in place so that the check can name its field."""

    def __init__(self, literal: str):
        self.literal = literal


def _parse_int(literal: str):
    value = int(literal) if len(literal) <= 20 else None
    return value if value is not None and -INT64 <= value < INT64 else _OutOfRange(literal)


def _parse_float(literal: str):
    value = float(literal)
    return _OutOfRange(literal) if value in (float("inf"), float("-inf")) else value


def _parse_constant(name: str):
    raise _Refused(_("%(name)s is not a JSON number") % {"name": name})


def _too_deep() -> ParseError:
    return ParseError(_("JSON body nested too deeply: at most %(depth)d levels.") % {"depth": JSON_MAX_DEPTH})


def _check(data) -> None:
    """Depth, array lengths and NUL characters, without recursion; the first problem names its field."""
    stack = [(data, 1, None)]
    while stack:
        node, level, field = stack.pop()
        where = field or "non_field_errors"
        if isinstance(node, _OutOfRange):
            raise ParseError(
                {where: [_("The number %(number)s is out of range (64 bits at most).") % {"number": node.literal[:24]}]}
            )
        if isinstance(node, str):
            if "\x00" in node:
                raise ParseError({where: [_("NUL characters are not allowed.")]})
            if any("\ud800" <= char <= "\udfff" for char in node):
                raise ParseError({where: [_("Not valid Unicode: a lone surrogate (\\ud800-\\udfff).")]})
            continue
        if not isinstance(node, dict | list):
            continue
        if level > JSON_MAX_DEPTH:
            raise _too_deep()
        if isinstance(node, list):
            if len(node) > JSON_MAX_ARRAY_ITEMS:
                raise ParseError({where: [_("At most %(count)d items.") % {"count": JSON_MAX_ARRAY_ITEMS}]})
            stack.extend((item, level + 1, field) for item in node)
        else:
            for key, value in node.items():
                if "\x00" in key:
                    raise ParseError({key: [_("NUL characters are not allowed in a field name.")]})
                if any("\ud800" <= char <= "\udfff" for char in key):
                    raise ParseError({"non_field_errors": [_("Not valid Unicode: a lone surrogate in a field name.")]})
                stack.append((value, level + 1, field or key))


class JSONBodyParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(_("JSON parse error: the body is not valid UTF-8 (byte %(at)d).") % {"at": exc.start})
        try:
            data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
        except RecursionError:
            raise _too_deep()
        except _Refused as exc:
            raise ParseError(_("JSON parse error: %(reason)s.") % {"reason": exc})
        except ValueError as exc:  # json.JSONDecodeError
            raise ParseError(_("JSON parse error: %(reason)s.") % {"reason": str(exc)})
        _check(data)
        return data
