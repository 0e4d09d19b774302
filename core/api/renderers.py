"""JSON through orjson, and CSV with the same column names as the JSON."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator

from rest_framework.renderers import BaseRenderer

from .flat import csv_datetime_cell, csv_json_cell, csv_list_cell, dumps

# Rows written per chunk of a streamed CSV response.
CSV_CHUNK_ROWS = 1000
# A text cell that starts with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets (CSV injection): it is written with a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = frozenset("=+-@\t\r")


def formula_safe(line: list) -> list:
    """The cells of one CSV line, with text that a spreadsheet would run as a formula defused."""
    return [("'" + cell) if cell.__class__ is str and cell[:1] in FORMULA_STARTS else cell for cell in line]


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        # The browsable API asks for "application/json; indent=4": people read it, indented.
        indented = "indent=" in (accepted_media_type or "") or bool((renderer_context or {}).get("indent"))
        return dumps(data, indent=indented)


class CSVRenderer(BaseRenderer):
    """Renders what is not streamed: one object (a detail or an error) as a one-row CSV, or a page."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        rows = data if isinstance(data, list) else [data]
        header: list[str] = []
        for row in rows:
            header.extend(key for key in row if key not in header)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(formula_safe(header))
        for row in rows:
            writer.writerow(formula_safe([_cell(row.get(key)) for key in header]))
        return buffer.getvalue().encode()


def _cell(value):
    """A cell of a one-object CSV, encoded as the streamed lists encode it (core.api.flat)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return csv_list_cell(value)
    if isinstance(value, dict):
        return csv_json_cell(value)
    if isinstance(value, datetime.datetime):
        return csv_datetime_cell(value)
    return value


def stream_csv(lines: Iterator[list]) -> Iterator[bytes]:
    """Encode lists of cells as CSV, a chunk of rows at a time: memory stays flat however many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    pending = 0
    for line in lines:
        writer.writerow(formula_safe(line))
        pending += 1
        if pending >= CSV_CHUNK_ROWS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode()
