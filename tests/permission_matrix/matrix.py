"""Read the permission matrix out of docs/permissions.md: the document is the one place the expected
outcomes are written, so the doc and the test cannot disagree.

A matrix table follows a line `<!-- matrix: <kind> -->`. Its first column names what is asked (a URL
name, a workflow step or an admin action, in backticks), the second says on what (`request`), then one
column per role, each cell one of:

    ✓ 200      allowed: answers 200 (a write takes effect)
    ✗ 403      refused: answers 403, and nothing is written
    → login    sent to the login page (302), nothing is written

A first column `api:{vote,decision}-list` is a row about several URLs (api:vote-list and
api:decision-list), asked one after the other with the same expectations.

A cell may end with a mark in parentheses, `(T)` for a rule the lead is changing or `(B1)` for a bug
the row expects fixed; the mark is for readers and does not change what is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .world import ROLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
KINDS = ("site", "web", "api", "workflow", "admin", "admin-actions")
_MARKER = re.compile(r"^<!--\s*matrix:\s*(?P<kind>[\w-]+)\s*-->$")
_SEVERAL = re.compile(r"^(?P<prefix>[^{]*)\{(?P<parts>[^}]+)\}(?P<suffix>[^{}]*)$")
_CELL = re.compile(r"^(?:(?P<verdict>[✓✗])\s*(?P<code>\d{3})|(?P<login>→ login))(?:\s+\((?P<mark>T|B\d+)\))?$")


@dataclass(frozen=True)
class Expect:
    allowed: bool
    status: int
    to_login: bool = False
    mark: str = ""

    def __str__(self) -> str:
        text = "→ login" if self.to_login else f"{'✓' if self.allowed else '✗'} {self.status}"
        return f"{text} ({self.mark})" if self.mark else text


@dataclass(frozen=True)
class Row:
    kind: str
    key: str  # the first column without its backticks
    request: str
    cells: dict[str, Expect]
    line: int

    @property
    def names(self) -> tuple[str, ...]:
        """The URL names (or routes) of the first column: one, or several written with braces,
        `api:{vote,decision}-list` for api:vote-list and api:decision-list."""
        match = _SEVERAL.match(self.key)
        if match is None:
            return (self.key,)
        return tuple(f"{match['prefix']}{part.strip()}{match['suffix']}" for part in match["parts"].split(","))

    @property
    def id(self) -> str:
        return f"{self.key} | {self.request}"


def parse_cell(text: str) -> Expect:
    match = _CELL.match(text.strip())
    if match is None:
        raise ValueError(f"not a matrix cell: {text!r}")
    mark = match["mark"] or ""
    if match["login"]:
        return Expect(allowed=False, status=302, to_login=True, mark=mark)
    return Expect(allowed=match["verdict"] == "✓", status=int(match["code"]), mark=mark)


def _split(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def plain(text: str) -> str:
    return text.replace("`", "").strip()


def parse(text: str) -> list[Row]:
    rows: list[Row] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        marker = _MARKER.match(lines[index].strip())
        index += 1
        if marker is None:
            continue
        kind = marker["kind"]
        if kind not in KINDS:
            raise ValueError(f"line {index}: unknown matrix kind {kind!r}")
        while index < len(lines) and not lines[index].strip():
            index += 1
        header = _split(lines[index])
        if tuple(header[2:]) != ROLES:
            raise ValueError(f"line {index + 1}: a matrix table's columns are what, request, then {ROLES}")
        index += 2  # the header and its |---| line
        while index < len(lines) and lines[index].strip().startswith("|"):
            cells = _split(lines[index])
            if len(cells) != len(header):
                raise ValueError(f"line {index + 1}: {len(cells)} cells, the header has {len(header)}")
            try:
                expects = {role: parse_cell(cell) for role, cell in zip(ROLES, cells[2:], strict=True)}
            except ValueError as exc:
                raise ValueError(f"line {index + 1}: {exc}") from None
            rows.append(Row(kind, plain(cells[0]), plain(cells[1]), expects, index + 1))
            index += 1
    return rows


@cache
def rows() -> tuple[Row, ...]:
    return tuple(parse(DOC.read_text(encoding="utf-8")))
