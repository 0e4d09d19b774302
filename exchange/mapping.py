"""A mapping: which column of an inventory file feeds which field of a use case, and how its values
translate. It is data (a YAML or JSON document, saved in the admin or given to the command),
validated here when loaded, so that a file from another year or another organisation is imported by
writing a new mapping, never by changing code.

    name: U.S. federal AI use-case inventory (2024)
    source: us-federal-ai-inventory          # external ids are unique within a source
    file: {encoding: utf-8, sheet: Inventory, header_row: 1, delimiter: ",", dates: month_first}
    blank_values: ["N/A", "None"]            # read as empty, besides the empty cell
    external_id: {columns: [agency, bureau, name]}   # or {column: id}, or {column: id, or_reference: true}
    fields:
      title: name                           # a column's name: its cleaned text
      domain: {column: agency, create: true}
      team: {columns: [agency, bureau], join: " / ", create: true, function: it}
      status: {column: stage, values: {"Operation and Maintenance": scaled}}
      is_high_impact: {column: impact, values: {Rights-Impacting: true, Neither: false}}
      foundations: {column: systems, split: ",", create: true, kind: platform}
      status_since: {columns: [retired_on, live_on, started_on], combine: first}

Every field spec takes `column` (one) or `columns` (several, joined by `join`, or the first non-blank
with `combine: first`), and optionally `values` (a translation table, matched ignoring case, spacing
and accents), `default` (when the cell is blank), `split` (a list in one cell), `create` (find or
create the domain, team, function or foundation named), and `unmatched: blank` (a value the table does
not know is left empty and reported, instead of refusing the row). The status also takes `same_stage`
(a status -> the statuses at the same stage of the file's coarser vocabulary, which a use case already
in one of them keeps instead of being moved back).

`external_id: {column: ..., or_reference: true}` is for files this product exported (the federal
CSV writes a use case made in the tool under its reference, UC-0012): a row whose id no use case of
the source holds updates the use case with that reference, instead of creating a copy of it. Any
field spec also takes `blank_values` (a list, [] for none), replacing the mapping's own for that
field: a team literally named "None" is then a team, not a blank."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.text import slugify
from django.utils.translation import gettext as _

from domains.choices import AITechnique, Ambition, FoundationKind, JourneyStage, RiskTier, Sourcing, Status

# The fields an import can write, and the kind of value each one takes.
TEXT, CHOICE, BOOLEAN, SCORE, MONEY, LIST_CHOICE, DATE, DOMAIN, TEAM, PERSON, FUNCTIONS, FOUNDATIONS = (
    "text",
    "choice",
    "boolean",
    "score",
    "money",
    "list_choice",
    "date",
    "domain",
    "team",
    "person",
    "functions",
    "foundations",
)
TARGETS: dict[str, str] = {
    "title": TEXT,
    "problem_statement": TEXT,
    "proposed_solution": TEXT,
    "ambition": CHOICE,
    "ai_technique": CHOICE,
    "sourcing": CHOICE,
    "risk_tier": CHOICE,
    "is_high_impact": BOOLEAN,
    "uses_personal_data": BOOLEAN,
    "business_value": SCORE,
    "feasibility": SCORE,
    "data_readiness": SCORE,
    "estimated_annual_benefit": MONEY,
    "estimated_annual_cost": MONEY,
    "journey_stages": LIST_CHOICE,
    "domain": DOMAIN,
    "team": TEAM,
    "owner": PERSON,
    "sponsor": PERSON,
    "functions": FUNCTIONS,
    "foundations": FOUNDATIONS,
    # Set through the workflow's import service, with an audit event saying "imported".
    "status": CHOICE,
    # When the use case reached that status (status_changed_at), e.g. its date implemented.
    "status_since": DATE,
}
CHOICES = {
    "ambition": Ambition,
    "ai_technique": AITechnique,
    "sourcing": Sourcing,
    "risk_tier": RiskTier,
    "status": Status,
    "journey_stages": JourneyStage,
}
REQUIRED_TARGETS = ("title", "domain", "team")
SPEC_KEYS = {
    "column",
    "columns",
    "join",
    "combine",
    "values",
    "default",
    "split",
    "create",
    "unmatched",
    "function",
    "kind",
    "same_stage",
    "blank_values",
}
EXTERNAL_ID_KEYS = {"column", "columns", "or_reference"}
TOP_KEYS = {"name", "source", "description", "file", "blank_values", "external_id", "fields"}
FILE_KEYS = {"encoding", "sheet", "header_row", "delimiter", "dates"}
ENCODINGS = {"utf-8", "utf-8-sig", "cp1252", "latin-1", "iso-8859-1", "utf-16"}
CREATABLE = {DOMAIN, TEAM, FUNCTIONS, FOUNDATIONS}
LISTS = {FUNCTIONS, FOUNDATIONS, LIST_CHOICE}
SOURCE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class MappingError(ValueError):
    """A mapping document that cannot be used; `errors` lists each problem as {key, message}."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['key']}: {e['message']}" for e in errors))


# Categories are short and repeat on every row: their normal forms are kept; long texts (descriptions,
# unique titles) are not, so that a worker does not hold an imported file's prose.
NORMALISED_CACHED_MAX_CHARS = 120


def normalised(value: str) -> str:
    """The form two spellings of one category share: no accents, case or repeated spacing, and no
    trailing full stop ("Developed in-house." and "developed in-house" match)."""
    if len(value) <= NORMALISED_CACHED_MAX_CHARS:
        return _normalised_short(value)
    return _normalised(value)


@functools.lru_cache(maxsize=16_384)
def _normalised_short(value: str) -> str:
    return _normalised(value)


def _normalised(value: str) -> str:
    text = unicodedata.normalize("NFKD", value)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split()).rstrip(".").strip()


@dataclass(frozen=True)
class FieldSpec:
    target: str
    kind: str
    columns: tuple[str, ...]
    join: str = " "
    combine: str = "join"
    values: dict[str, Any] = field(default_factory=dict)  # normalised source value -> target value
    spellings: frozenset[str] = frozenset()  # the source values as the mapping writes them
    default: Any = None
    split: str | None = None
    create: bool = False
    unmatched: str = "error"
    function: str | None = None  # the business function of a team created by the import
    kind_of_foundation: str = FoundationKind.PLATFORM
    # For the status: a status the file's value maps to -> the statuses that stand at the same stage of
    # the file's vocabulary, which a use case already in one of them keeps (an approved use case stays
    # approved when the file says "Pre-deployment", which reads as submitted).
    same_stage: dict[str, frozenset[str]] = field(default_factory=dict)
    # The values read as an empty cell in this field's columns; None: the mapping's blank_values.
    blank_values: frozenset[str] | None = None


@dataclass(frozen=True)
class Mapping:
    name: str
    source: str
    description: str
    encoding: str
    sheet: str | None
    header_row: int
    delimiter: str | None
    month_first: bool
    blank_values: frozenset[str]
    external_id_columns: tuple[str, ...]
    fields: dict[str, FieldSpec]
    document: dict[str, Any]
    # A row whose id no use case of the source holds may name a use case by its reference (UC-0012).
    external_id_or_reference: bool = False

    @property
    def columns(self) -> set[str]:
        used = set(self.external_id_columns)
        for spec in self.fields.values():
            used.update(spec.columns)
        return used

    def missing_columns(self, headers: list[str]) -> list[str]:
        present = set(headers)
        return sorted(column for column in self.columns if column not in present)


def parse_document(text: str | bytes, *, name: str = "mapping") -> dict[str, Any]:
    """A mapping file's text (YAML, of which JSON is a subset) as a document."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MappingError([{"key": name, "message": _("Not valid YAML or JSON: %(error)s") % {"error": error}}])
    if not isinstance(document, dict):
        raise MappingError([{"key": name, "message": _("A mapping is a document of keys (name, source, fields...).")}])
    return document


def load(document: dict[str, Any] | str | bytes) -> Mapping:
    """Validate a mapping document and return it ready to use; MappingError lists every problem."""
    if isinstance(document, str | bytes):
        document = parse_document(document)
    errors: list[dict[str, str]] = []

    def problem(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    for key in sorted(set(document) - TOP_KEYS):
        problem(key, _("Unknown key. Known keys: %(known)s.") % {"known": ", ".join(sorted(TOP_KEYS))})
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        problem("name", _("Give the mapping a name."))
    source = document.get("source")
    if not isinstance(source, str) or not SOURCE_PATTERN.match(source):
        problem(
            "source",
            _("Name the source in lower case letters, digits, dots, dashes or underscores (e.g. us-federal-2024)."),
        )
    file_options = document.get("file") or {}
    if not isinstance(file_options, dict):
        problem("file", _("Give the file's options as keys (encoding, sheet, header_row, delimiter)."))
        file_options = {}
    for key in sorted(set(file_options) - FILE_KEYS):
        problem(f"file.{key}", _("Unknown key. Known keys: %(known)s.") % {"known": ", ".join(sorted(FILE_KEYS))})
    encoding = str(file_options.get("encoding", "utf-8")).lower()
    if encoding not in ENCODINGS:
        problem("file.encoding", _("Unknown encoding. Known: %(known)s.") % {"known": ", ".join(sorted(ENCODINGS))})
    header_row = file_options.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or not 1 <= header_row <= 100:
        problem("file.header_row", _("The header row is a line number from 1 to 100."))
        header_row = 1
    delimiter = file_options.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        problem("file.delimiter", _("The delimiter is one character, e.g. ',' or ';'."))
        delimiter = None
    dates = file_options.get("dates", "day_first")
    if dates not in ("day_first", "month_first"):
        problem("file.dates", _("dates is 'day_first' (31/12/2024, the default) or 'month_first' (12/31/2024)."))
    blanks = document.get("blank_values", [])
    if not isinstance(blanks, list) or not all(isinstance(value, str | int | float) for value in blanks):
        problem("blank_values", _("List the values that mean an empty cell, e.g. ['N/A', 'None']."))
        blanks = []

    external = document.get("external_id")
    external_columns: tuple[str, ...] = ()
    or_reference = False
    if external is None:
        problem("external_id", _("Say which column (or columns) identify a use case, so a re-import updates it."))
    else:
        external_columns = _columns_of(external, "external_id", problem)
        if isinstance(external, dict):
            for key in sorted(set(external) - EXTERNAL_ID_KEYS):
                problem(
                    f"external_id.{key}",
                    _("Unknown key. Known keys: %(known)s.") % {"known": ", ".join(sorted(EXTERNAL_ID_KEYS))},
                )
            or_reference = external.get("or_reference", False)
            if not isinstance(or_reference, bool):
                problem("external_id.or_reference", _("or_reference is true or false."))
                or_reference = False
            elif or_reference and len(external_columns) > 1:
                problem(
                    "external_id.or_reference",
                    _("or_reference needs the id in one column: the column that may hold a reference (UC-0012)."),
                )
                or_reference = False

    fields_doc = document.get("fields")
    specs: dict[str, FieldSpec] = {}
    if not isinstance(fields_doc, dict) or not fields_doc:
        problem("fields", _("Map at least the title, domain and team to columns."))
        fields_doc = {}
    for target, raw in fields_doc.items():
        key = f"fields.{target}"
        if target not in TARGETS:
            problem(key, _("Not a field an import can write. Fields: %(known)s.") % {"known": ", ".join(TARGETS)})
            continue
        spec = _spec(target, raw, key, problem)
        if spec is not None:
            specs[target] = spec
    for target in REQUIRED_TARGETS:
        if target not in fields_doc:
            problem(f"fields.{target}", _("Required: every use case needs a %(field)s.") % {"field": target})
    if errors:
        raise MappingError(errors)
    return Mapping(
        name=name.strip(),
        source=source,
        description=str(document.get("description", "")),
        encoding=encoding,
        sheet=file_options.get("sheet"),
        header_row=header_row,
        delimiter=delimiter,
        month_first=dates == "month_first",
        blank_values=frozenset(normalised(str(value)) for value in blanks) | {""},
        external_id_columns=external_columns,
        fields=specs,
        document=document,
        external_id_or_reference=or_reference,
    )


def _columns_of(raw, key: str, problem) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        problem(key, _("Give a column's name, or {column: ...} or {columns: [...]}."))
        return ()
    if "column" in raw and "columns" in raw:
        problem(key, _("Give either column or columns, not both."))
        return ()
    columns = [raw["column"]] if "column" in raw else raw.get("columns")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c.strip() for c in columns):
        problem(key, _("Name the column (or the list of columns) this reads."))
        return ()
    return tuple(columns)


def _spec(target: str, raw, key: str, problem) -> FieldSpec | None:
    kind = TARGETS[target]
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        problem(key, _("Give a column's name, or the field's options as keys."))
        return None
    for unknown in sorted(set(raw) - SPEC_KEYS):
        problem(f"{key}.{unknown}", _("Unknown option. Options: %(known)s.") % {"known": ", ".join(sorted(SPEC_KEYS))})
    columns = _columns_of({k: v for k, v in raw.items() if k in ("column", "columns")}, key, problem)
    combine = raw.get("combine", "join")
    if combine not in ("join", "first"):
        problem(f"{key}.combine", _("combine is 'join' (the default) or 'first' (the first non-blank column)."))
    join = raw.get("join", "\n\n" if kind == TEXT and target != "title" else " ")
    if not isinstance(join, str):
        problem(f"{key}.join", _("join is the text put between the columns' values."))
        join = " "
    values = raw.get("values", {})
    table: dict[str, Any] = {}
    if not isinstance(values, dict):
        problem(f"{key}.values", _("values is a table: the file's value -> the field's value."))
        values = {}
    for source_value, target_value in values.items():
        checked = _target_value(target, kind, target_value, f"{key}.values.{source_value}", problem)
        if checked is not _INVALID:
            table[normalised(str(source_value))] = checked
    default = raw.get("default")
    if default is not None:
        default = _target_value(target, kind, default, f"{key}.default", problem)
        default = None if default is _INVALID else default
    split = raw.get("split")
    if split is not None and (kind not in LISTS or not isinstance(split, str) or not split):
        problem(
            f"{key}.split",
            _("split is the separator of a list in one cell, for functions, foundations and journey stages."),
        )
        split = None
    create = raw.get("create", False)
    if create and kind not in CREATABLE:
        problem(f"{key}.create", _("Only a domain, team, function or foundation can be created from text."))
    if not isinstance(create, bool):
        problem(f"{key}.create", _("create is true or false."))
        create = False
    unmatched = raw.get("unmatched", "error")
    if unmatched not in ("error", "blank"):
        problem(
            f"{key}.unmatched",
            _("unmatched is 'error' (refuse the row, the default) or 'blank' (leave it empty, reported)."),
        )
    function = raw.get("function")
    if function is not None and (kind != TEAM or not isinstance(function, str)):
        problem(
            f"{key}.function", _("function (the slug of the business function of teams it creates) is for the team.")
        )
    if kind == TEAM and create and not function:
        problem(f"{key}.function", _("Teams created by an import need a business function: give its slug."))
    foundation_kind = raw.get("kind", FoundationKind.PLATFORM)
    if "kind" in raw and kind != FOUNDATIONS:
        problem(f"{key}.kind", _("kind (data_source, platform, model, infrastructure) is for foundations."))
    elif foundation_kind not in FoundationKind.values:
        problem(f"{key}.kind", _("Unknown kind. Kinds: %(known)s.") % {"known": ", ".join(FoundationKind.values)})
    same_stage = _same_stage(target, raw.get("same_stage"), f"{key}.same_stage", problem)
    blank_values = raw.get("blank_values")
    if blank_values is not None:
        if not isinstance(blank_values, list) or not all(isinstance(v, str | int | float) for v in blank_values):
            problem(f"{key}.blank_values", _("List the values that mean an empty cell here, or [] for none."))
            blank_values = None
        else:
            blank_values = frozenset(normalised(str(value)) for value in blank_values) | {""}
    if not columns:
        return None
    return FieldSpec(
        target=target,
        kind=kind,
        columns=columns,
        join=join,
        combine=combine,
        values=table,
        spellings=frozenset(str(value) for value in values),
        default=default,
        split=split,
        create=bool(create),
        unmatched=unmatched,
        function=function,
        kind_of_foundation=foundation_kind,
        same_stage=same_stage,
        blank_values=blank_values,
    )


def _same_stage(target: str, raw, key: str, problem) -> dict[str, frozenset[str]]:
    if raw is None:
        return {}
    shape = _("same_stage is for the status: a table from a status to the list of statuses it stands for.")
    if target != "status" or not isinstance(raw, dict):
        problem(key, shape)
        return {}
    table = {}
    for status, others in raw.items():
        others = [others] if isinstance(others, str) else others
        if not isinstance(others, list):
            problem(f"{key}.{status}", shape)
            continue
        unknown = [value for value in [status, *others] if value not in Status.values]
        if unknown:
            problem(
                f"{key}.{status}",
                _("Unknown status %(values)s. Statuses: %(known)s.")
                % {"values": ", ".join(map(str, unknown)), "known": ", ".join(Status.values)},
            )
            continue
        table[status] = frozenset(others)
    return table


_INVALID = object()


def _target_value(target: str, kind: str, value, key: str, problem):
    """A value a translation table or default gives, checked against the field."""
    if kind in (CHOICE, LIST_CHOICE):
        allowed = CHOICES[target].values
        values = value if isinstance(value, list) and kind == LIST_CHOICE else [value]
        if value in ("", None) and kind == CHOICE and target != "status":
            return ""
        unknown = [str(v) for v in values if v not in allowed]
        if unknown:
            problem(
                key,
                _("%(value)s is not one of %(allowed)s.")
                % {"value": ", ".join(unknown), "allowed": ", ".join(allowed)},
            )
            return _INVALID
        return values if kind == LIST_CHOICE else value
    if kind == BOOLEAN:
        if not isinstance(value, bool):
            problem(key, _("Give true or false."))
            return _INVALID
        return value
    if kind == SCORE:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            problem(key, _("Give a score from 1 to 5."))
            return _INVALID
        return value
    if value is None:
        return None
    return str(value)


def template_from_headers(headers: list[str], *, name: str, source: str) -> str:
    """A mapping to start from: every header listed, those whose names look like a field already
    mapped to it, the rest left as comments for the person to map or leave out."""
    guesses = {
        "title": ("title", "name", "use case", "use_case_name", "titre", "nom"),
        "domain": ("domain", "agency", "department", "domaine", "direction"),
        "team": ("team", "bureau", "unit", "équipe", "equipe", "service"),
        "problem_statement": ("problem", "purpose", "description", "problème", "objectif"),
        "proposed_solution": ("solution", "outputs", "output"),
        "status": ("status", "stage", "statut", "étape"),
        "foundations": ("system", "platform", "plateforme", "système"),
        "functions": ("topic", "function", "fonction"),
    }
    mapped: dict[str, str] = {}
    for header in headers:
        key = slugify(header).replace("-", " ").replace("_", " ")
        for target, words in guesses.items():
            if target not in mapped and any(word.replace("_", " ") in key for word in words):
                mapped[target] = header
                break
    document: dict[str, Any] = {
        "name": name,
        "source": source,
        "external_id": {"columns": [mapped.get("domain", headers[0]), mapped.get("title", headers[0])]},
        "fields": {},
    }
    for target, header in mapped.items():
        spec: dict[str, Any] = {"column": header}
        if TARGETS[target] in (DOMAIN, FUNCTIONS, FOUNDATIONS):
            spec["create"] = True
        if TARGETS[target] == TEAM:
            spec.update(create=True, function="it")
        document["fields"][target] = spec
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    unmapped = [header for header in headers if header not in mapped.values()]
    if unmapped:
        text += "# Columns not mapped yet (map them under fields, or leave them out):\n"
        text += "".join(f"#   {header}\n" for header in unmapped)
    return text


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
