"""The API's JSON body parser: orjson, with a depth limit. A body nested deeper than JSON_MAX_DEPTH
(or too deep for the parser at all, 100,000 levels say) is a 400 that says so, never a
RecursionError and a 500. Numbers beyond 64 bits and NaN are refused with the parser's reason."""

from __future__ import annotations

import orjson
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.limits import JSON_MAX_DEPTH


def _depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > JSON_MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


class JSONBodyParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if "depth" in str(exc).lower() or "recursion" in str(exc).lower():
                raise ParseError(
                    _("JSON body nested too deeply: at most %(depth)d levels.") % {"depth": JSON_MAX_DEPTH}
                )
            raise ParseError(_("JSON parse error: %(reason)s.") % {"reason": str(exc).rstrip(".")})
        except RecursionError:
            raise ParseError(_("JSON body nested too deeply: at most %(depth)d levels.") % {"depth": JSON_MAX_DEPTH})
        if _depth(data) > JSON_MAX_DEPTH:
            raise ParseError(_("JSON body nested too deeply: at most %(depth)d levels.") % {"depth": JSON_MAX_DEPTH})
        return data
