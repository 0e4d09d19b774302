"""Reading an inventory file, CSV or XLSX, as a header and rows, one at a time (a large file is never
held as rows in memory), with a clear error for a file that cannot be read: empty, binary, in another
encoding, not the spreadsheet it claims to be, without a header row, or with cells too large."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext as _

from .mapping import Mapping

# A cell larger than this is a broken file (an unclosed quote swallowing the rest), not data.
CELL_MAX_CHARS = 1_000_000
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]  # (the row's number in the spreadsheet, cells by header)
    kind: str  # "csv" or "xlsx"


def is_xlsx(name: str, head: bytes) -> bool:
    return head.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))


def open_table(stream: io.BufferedIOBase, *, name: str, mapping: Mapping) -> Table:
    """The table in a binary stream. The stream must support seek (an uploaded file, a file on disk)."""
    head = stream.read(8192)
    stream.seek(0)
    if not head:
        raise UnreadableFile(_("The file %(name)s is empty.") % {"name": name})
    if is_xlsx(name, head):
        return _xlsx(stream, name=name, head=head, mapping=mapping)
    if name.lower().endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _("%(name)s is an old Excel workbook (.xls): save it as .xlsx or CSV UTF-8 and import that.")
            % {"name": name}
        )
    return _csv(stream, name=name, head=head, mapping=mapping)


def _csv(stream, *, name: str, head: bytes, mapping: Mapping) -> Table:
    encoding = mapping.encoding
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # a spreadsheet's byte-order mark is not part of the first header
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding != "utf-16":
        encoding = "utf-16"
    if b"\x00" in head and encoding != "utf-16":
        raise UnreadableFile(
            _("%(name)s is not a text CSV file (it holds binary data). Import a CSV or an .xlsx workbook.")
            % {"name": name}
        )
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    delimiter = mapping.delimiter or _sniff_delimiter(head, encoding)
    csv.field_size_limit(CELL_MAX_CHARS)
    reader = csv.reader(text, delimiter=delimiter)
    records = _guarded(reader, name=name, encoding=mapping.encoding)
    headers = None
    for number, record in records:
        if number == mapping.header_row:
            headers = record
            break
    if headers is None:
        raise UnreadableFile(
            _("%(name)s has no header row: line %(line)d, where the mapping expects the column names, is missing.")
            % {"name": name, "line": mapping.header_row}
        )
    headers = _checked_headers(headers, name=name, line=mapping.header_row)

    def rows():
        for number, record in records:
            if not any(cell.strip() for cell in record):
                continue  # a blank line between records, or trailing empty lines
            if len(record) > len(headers) and any(cell.strip() for cell in record[len(headers) :]):
                yield number, {**dict(zip(headers, record, strict=False)), "__extra__": record[len(headers) :]}
                continue
            yield number, dict(zip(headers, record, strict=False))

    return Table(headers=headers, rows=rows(), kind="csv")


def _guarded(reader, *, name: str, encoding: str):
    """The reader's records numbered as a spreadsheet numbers rows (a record with a newline inside a
    quoted cell is one row), the decoding and CSV errors turned into a message that says where."""
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                _(
                    "%(name)s is not %(encoding)s text (after row %(row)d, byte 0x%(byte)02x cannot be read). "
                    "Save it as CSV UTF-8, or say its encoding in the mapping (file: {encoding: cp1252})."
                )
                % {"name": name, "encoding": encoding.upper(), "row": number, "byte": error.object[error.start]}
            ) from error
        except csv.Error as error:
            raise UnreadableFile(
                _("%(name)s cannot be read as CSV after row %(row)d: %(error)s.")
                % {"name": name, "row": number, "error": error}
            ) from error
        number += 1
        yield number, record


def _sniff_delimiter(head: bytes, encoding: str) -> str:
    """Comma unless the header line clearly uses semicolons or tabs (French and German spreadsheets
    export with ';')."""
    try:
        first = head.decode(encoding, errors="ignore").splitlines()[0] if head else ""
    except IndexError:
        return ","
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _checked_headers(headers: list, *, name: str, line: int) -> list[str]:
    cleaned = [str(header if header is not None else "").replace("\ufeff", "").strip() for header in headers]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if not cleaned:
        raise UnreadableFile(
            _("%(name)s has no header row: line %(line)d is empty where the column names should be.")
            % {"name": name, "line": line}
        )
    seen: dict[str, int] = {}
    for position, header in enumerate(cleaned, start=1):
        if not header:
            cleaned[position - 1] = f"column {position}"
        elif header in seen:
            raise UnreadableFile(
                _("%(name)s names two columns %(header)s (columns %(first)d and %(second)d): rename one.")
                % {"name": name, "header": header, "first": seen[header], "second": position}
            )
        seen[header] = position
    return cleaned


def _xlsx(stream, *, name: str, head: bytes, mapping: Mapping) -> Table:
    from openpyxl import load_workbook

    if not head.startswith(XLSX_MAGIC):
        raise UnreadableFile(_("%(name)s is not an .xlsx workbook (it is not a zip archive).") % {"name": name})
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            _("%(name)s cannot be read as an .xlsx workbook: %(error)s.") % {"name": name, "error": error}
        ) from error
    if mapping.sheet:
        if mapping.sheet not in workbook.sheetnames:
            raise UnreadableFile(
                _("%(name)s has no sheet named %(sheet)s. Its sheets: %(sheets)s.")
                % {"name": name, "sheet": mapping.sheet, "sheets": ", ".join(workbook.sheetnames)}
            )
        sheet = workbook[mapping.sheet]
    else:
        sheet = workbook.worksheets[0]
    records = enumerate(sheet.iter_rows(values_only=True), start=1)
    headers = None
    for number, record in records:
        if number == mapping.header_row:
            headers = list(record)
            break
    if headers is None:
        raise UnreadableFile(
            _("%(name)s has no header row: sheet %(sheet)s has no row %(line)d.")
            % {"name": name, "sheet": sheet.title, "line": mapping.header_row}
        )
    headers = _checked_headers(headers, name=name, line=mapping.header_row)

    def rows():
        for number, record in records:
            cells = [_xlsx_cell(value) for value in record]
            if not any(str(cell).strip() for cell in cells):
                continue
            yield number, dict(zip(headers, cells, strict=False))
        workbook.close()

    return Table(headers=headers, rows=rows(), kind="xlsx")


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and not value.time():
        return value.date()
    return value


# The file options of a mapping not written yet: UTF-8, the first sheet, headers on the first row.
DEFAULT_FILE_OPTIONS = SimpleNamespace(encoding="utf-8", delimiter=None, header_row=1, sheet=None)


def read_headers(stream, *, name: str, mapping: Mapping | None = None) -> list[str]:
    """A file's column names, read with the mapping's file options (or the defaults, to start one)."""
    return open_table(stream, name=name, mapping=mapping or DEFAULT_FILE_OPTIONS).headers
