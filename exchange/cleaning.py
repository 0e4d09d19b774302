"""Cleaning the cells of a real spreadsheet, rule by rule, counting how many cells each rule touched
(the import run reports the counts). Nothing is cut: a value that does not fit is refused by the
importer with its row and column."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from .mapping import normalised

WHITESPACE = "surrounding whitespace trimmed"
LINE_BREAKS = "Windows line breaks inside a cell normalised"
INVISIBLE = "invisible characters removed"
BLANK = "blank marker (N/A...) read as empty"
FORMULA = "formula-like text kept as plain text"
SPELLING = "category matched despite case, spacing or accents"
DATE_FORMAT = "date read from a non-ISO format"
NUMBER_FORMAT = "number read with separators or a currency"

_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200c\u200d\u2060\ufeff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"yes", "y", "true", "t", "1", "x", "oui", "o", "vrai"}
_FALSE = {"no", "n", "false", "f", "0", "non", "faux"}
_DATE_FORMATS_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
_DATE_FORMATS_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")
_DATE_FORMATS_OTHER = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %Y",
    "%b %Y",
    "%Y-%m",
    "%y-%b",
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


class Cleaner:
    """Cleans cells for one import; `counts` says how many cells each rule changed."""

    def __init__(self, *, blank_values: frozenset[str], month_first: bool = True):
        self.blank_values = blank_values
        self.month_first = month_first
        self.counts: Counter[str] = Counter()

    def with_blanks(self, blank_values: frozenset[str] | None) -> Cleaner:
        """The same cleaning with other blank markers (a field's own), counted with this one's."""
        if blank_values is None or blank_values == self.blank_values:
            return self
        other = Cleaner(blank_values=blank_values, month_first=self.month_first)
        other.counts = self.counts
        return other

    def text(self, value) -> str:
        """A cell as text: no byte-order mark or invisible characters, Windows line breaks made plain,
        no surrounding whitespace, and empty when it is a blank marker such as "N/A"."""
        if value is None:
            return ""
        if not isinstance(value, str):
            value = _plain(value)
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            self.counts[LINE_BREAKS] += 1
        if _INVISIBLE.search(value):
            value = _INVISIBLE.sub("", value)
            self.counts[INVISIBLE] += 1
        stripped = value.strip()
        if stripped != value:
            self.counts[WHITESPACE] += 1
        if stripped and normalised(stripped) in self.blank_values:
            self.counts[BLANK] += 1
            return ""
        if stripped.startswith("'") and _escaped_formula(stripped[1:]):
            # An apostrophe that defuses a formula (escape_formula's, or a spreadsheet's text marker)
            # is not part of the text: an export read back gives the text it was made from.
            stripped = stripped[1:]
        if stripped.startswith(FORMULA_START[:4]) and len(stripped) > 1 and not _is_number(stripped):
            self.counts[FORMULA] += 1
        return stripped

    def is_blank(self, value) -> bool:
        """Whether a cell holds nothing once cleaned, without counting it as cleaned."""
        if value is None:
            return True
        if not isinstance(value, str):
            return False
        stripped = _INVISIBLE.sub("", value).strip()
        return not stripped or normalised(stripped) in self.blank_values

    def choice(self, value: str, table: dict, allowed: dict[str, str], spellings: frozenset[str] = frozenset()):
        """The target value for a category: from the mapping's table, else a choice's own value or
        label, matched ignoring case, spacing and accents. None when nothing matches."""
        key = normalised(value)
        if key in table:
            if value not in spellings:
                self.counts[SPELLING] += 1
            return table[key]
        for code, label in allowed.items():
            if key in (normalised(code), normalised(str(label))):
                if value not in (code, str(label)):
                    self.counts[SPELLING] += 1
                return code
        return None

    def boolean(self, value: str, table: dict, spellings: frozenset[str] = frozenset()) -> bool | None:
        key = normalised(value)
        if key in table:
            if value not in spellings:
                self.counts[SPELLING] += 1
            return table[key]
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        return None

    def date(self, value) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and 1 <= value < 2958466:  # an Excel serial day number
            self.counts[DATE_FORMAT] += 1
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        text = str(value).strip()
        try:
            return datetime.date.fromisoformat(text[:10]) if len(text) >= 10 else datetime.date.fromisoformat(text)
        except ValueError:
            pass
        first, second = (
            (_DATE_FORMATS_MONTH_FIRST, _DATE_FORMATS_DAY_FIRST)
            if self.month_first
            else (_DATE_FORMATS_DAY_FIRST, _DATE_FORMATS_MONTH_FIRST)
        )
        for pattern in (*first, *_DATE_FORMATS_OTHER, *second):
            try:
                parsed = datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            self.counts[DATE_FORMAT] += 1
            return parsed
        if re.fullmatch(r"(19|20)\d\d", text):
            self.counts[DATE_FORMAT] += 1
            return datetime.date(int(text), 1, 1)
        return None

    def number(self, value) -> Decimal | None:
        """A number as people type it in a spreadsheet: "1,234.50", "1 234,50", "€ 12 000", "12k" is
        not one. None when it is not a number."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float | Decimal):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return None
            return number if number.is_finite() else None
        text = str(value).strip()
        plain = re.sub(r"[\s\u00a0\u202f€$£]|EUR|USD|GBP", "", text, flags=re.IGNORECASE)
        if "," in plain and "." in plain:
            plain = (
                plain.replace(",", "")
                if plain.rfind(".") > plain.rfind(",")
                else plain.replace(".", "").replace(",", ".")
            )
        elif "," in plain:
            whole, _comma, fraction = plain.rpartition(",")
            plain = (
                plain.replace(",", "")
                if len(fraction) == 3 and plain.count(",") >= 1 and whole
                else plain.replace(",", ".")
            )
        if not re.fullmatch(r"-?\d+(\.\d+)?", plain):
            return None
        if plain != text:
            self.counts[NUMBER_FORMAT] += 1
        number = Decimal(plain)
        return number if number.is_finite() else None

    def items(self, value: str, separator: str | None) -> list[str]:
        """A list in one cell ("AWS, Azure, OpenAI"): each item cleaned, blanks and repeats left out."""
        return self.unique(value.split(separator) if separator else [value])

    def unique(self, parts: list[str]) -> list[str]:
        """Each part cleaned, blanks and repeats (in any spelling) left out, in their order."""
        seen, items = set(), []
        for part in parts:
            item = self.text(part)
            if item and normalised(item) not in seen:
                seen.add(normalised(item))
                items.append(item)
        return items


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d[\d,.\s]*", text))


def _plain(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _escaped_formula(rest: str) -> bool:
    return rest.startswith(FORMULA_START) and not _is_number(rest)


def escape_formula(value):
    """A cell an export writes: text that a spreadsheet would run as a formula (=, +, -, @, a tab or a
    carriage return first) gets a leading apostrophe, so it shows as the text it is (OWASP's advice
    for CSV injection). Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value
