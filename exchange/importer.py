"""An inventory file through a mapping into use cases: read, clean, check every row, then write in one
transaction, all or nothing.

The whole file is handled in chunks inside one transaction, so a large file never sits in memory
and a bad row rolls everything back: a dry run is the same work, rolled back at the end, so what it
reports (created, updated, left alone, every problem) is exactly what the real import would do. With
`skip_bad_rows` the bad rows are left out and reported, and the rest is written.

Problems are {row, column, value, message, severity}: "error" refuses the row, "warning" is reported
and the row is imported (an identical duplicate imported once, an unknown owner left empty)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.limits import PROSE_MAX_CHARS
from domains.models import BusinessFunction, Domain, Foundation, Team, UseCase, User
from domains.models.use_cases import TITLE_MAX_CHARS, has_visible_text
from domains.services import reference_record_import, use_cases_import
from governance.services import use_case_statuses_import

from . import cleaning
from .mapping import (
    BOOLEAN,
    CHOICE,
    CHOICES,
    DATE,
    DOMAIN,
    FOUNDATIONS,
    FUNCTIONS,
    LIST_CHOICE,
    MONEY,
    PERSON,
    SCORE,
    TEAM,
    TEXT,
    FieldSpec,
    Mapping,
    normalised,
)
from .reading import Table

CHUNK_ROWS = 2000
# The most pieces of a list cell tried together as one known name holding the separator.
NAME_PIECES_MAX = 6
PROBLEMS_KEPT = 5000
EXTERNAL_ID_MAX = UseCase._meta.get_field("external_id").max_length
MONEY_MAX = Decimal("999999999999.99")
TEXT_LIMITS = {"title": TITLE_MAX_CHARS, "problem_statement": PROSE_MAX_CHARS, "proposed_solution": PROSE_MAX_CHARS}
# The fields compared with an existing use case on re-import (the relations compared as id sets).
COMPARED = (
    "title",
    "problem_statement",
    "proposed_solution",
    "ambition",
    "ai_technique",
    "sourcing",
    "risk_tier",
    "is_high_impact",
    "uses_personal_data",
    "business_value",
    "feasibility",
    "data_readiness",
    "estimated_annual_benefit",
    "estimated_annual_cost",
    "journey_stages",
    "domain_id",
    "team_id",
    "owner_id",
    "sponsor_id",
)


class DryRunFinished(Exception):
    """Raised at the end of a dry run to roll its writes back."""


class RowsRefused(Exception):
    """Raised when a row is bad and bad rows are not skipped: nothing is written."""


@dataclass
class Outcome:
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    error_count: int = 0
    cleaning: dict[str, int] = field(default_factory=dict)
    created_records: dict[str, list[str]] = field(default_factory=dict)
    written: bool = False

    def add_problem(self, row: int | None, column: str, value, message: str, severity: str = "error") -> None:
        self.problem_count += 1
        if severity == "error":
            self.error_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            shown = "" if value is None else str(value)
            self.problems.append(
                {
                    "row": row,
                    "column": column,
                    "value": shown if len(shown) <= 200 else shown[:200] + "…",
                    "message": message,
                    "severity": severity,
                }
            )


class _Lookup:
    """Reference records (domains, teams, functions, foundations, people) found by any of their
    names or slug, ignoring case, spacing and accents; created on first use when the mapping says."""

    def __init__(self, model, *, keys: Callable[[Any], list[str]]):
        """`model` is a model, or a queryset of the records to know (none: nothing to find)."""
        records = model if isinstance(model, QuerySet) else model.objects.all()
        self.model = records.model
        self.keys = keys
        self.by_key: dict[str, Any] = {}
        self.by_pk: dict[Any, Any] = {}
        for instance in records:
            self.remember(instance)

    def remember(self, instance) -> None:
        self.by_pk[instance.pk] = instance
        for key in self.keys(instance):
            if key:
                self.by_key.setdefault(normalised(key), instance)

    def find(self, text: str):
        return self.by_key.get(normalised(text))


def _names(instance) -> list[str]:
    return [instance.slug, *(getattr(instance, f"name_{code}", None) or "" for code in ("en", "fr")), instance.name]


def _person_keys(user) -> list[str]:
    return [user.username, user.email]


def _unique_slug(model, name: str, max_length: int) -> str:
    base = (slugify(name) or "imported")[: max_length - 8].strip("-") or "imported"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class Importer:
    def __init__(self, *, mapping: Mapping, actor, run_label: str, progress: Callable[[int], None] | None = None):
        self.mapping = mapping
        self.actor = actor
        self.run_label = run_label
        self.progress = progress or (lambda processed: None)
        self.cleaner = cleaning.Cleaner(blank_values=mapping.blank_values, month_first=mapping.month_first)
        self.outcome = Outcome()
        # Each field's cleaning: the mapping's blank markers, or the field's own.
        self.cleaners = {target: self.cleaner.with_blanks(spec.blank_values) for target, spec in mapping.fields.items()}
        status = mapping.fields.get("status")
        self._same_stage = status.same_stage if status is not None else {}

    # The whole run ---------------------------------------------------------------------------------

    def run(self, table: Table, *, dry_run: bool, skip_bad_rows: bool) -> Outcome:
        missing = self.mapping.missing_columns(table.headers)
        if missing:
            for column in missing:
                self.outcome.add_problem(
                    None,
                    column,
                    "",
                    _("The file has no column named %(column)s, which the mapping reads. Its columns: %(columns)s.")
                    % {"column": column, "columns": ", ".join(table.headers[:80])},
                )
            return self.outcome
        try:
            with transaction.atomic():
                self._prepare()
                self._rows(table, skip_bad_rows=skip_bad_rows)
                if self.outcome.error_count and not skip_bad_rows:
                    raise RowsRefused
                if dry_run:
                    raise DryRunFinished
                self.outcome.written = True
        except (RowsRefused, DryRunFinished):
            self.outcome.written = False
        self.outcome.cleaning = dict(sorted(self.cleaner.counts.items()))
        return self.outcome

    def _prepare(self) -> None:
        self.domains = _Lookup(Domain, keys=_names)
        self.teams = _Lookup(Team, keys=_names)
        self.functions = _Lookup(BusinessFunction, keys=_names)
        self.foundations = _Lookup(Foundation, keys=_names)
        # Every account is read only when the mapping names owners or sponsors.
        names_people = any(spec.kind == PERSON for spec in self.mapping.fields.values())
        self.people = _Lookup(User.objects.none() if not names_people else User, keys=_person_keys)
        owners = "owner" in self.mapping.fields
        self.memberships = set(Team.members.through.objects.values_list("team_id", "user_id")) if owners else set()
        self.seen_rows: dict[bytes, int] = {}
        self.seen_ids: dict[str, int] = {}
        spec = self.mapping.fields.get("team")
        self.team_function = None
        if spec is not None and spec.create:
            self.team_function = self.functions.find(spec.function)
            if self.team_function is None:
                raise ValidationError(
                    {"fields.team.function": _("No business function has the slug %(slug)s.") % {"slug": spec.function}}
                )

    def _rows(self, table: Table, *, skip_bad_rows: bool) -> None:
        chunk: list[tuple[int, dict]] = []
        for number, cells in table.rows:
            self.outcome.rows_total += 1
            chunk.append((number, cells))
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(chunk, skip_bad_rows=skip_bad_rows)
                chunk = []
                self.progress(self.outcome.rows_total)
        if chunk:
            self._chunk(chunk, skip_bad_rows=skip_bad_rows)
        self.progress(self.outcome.rows_total)

    # One chunk -------------------------------------------------------------------------------------

    def _chunk(self, chunk: list[tuple[int, dict]], *, skip_bad_rows: bool) -> None:
        candidates = []
        for number, cells in chunk:
            candidate = self._row(number, cells)
            if candidate is None:
                continue
            if candidate["errors"]:
                self.outcome.skipped += 1
                continue
            candidates.append(candidate)
        if self.outcome.error_count and not skip_bad_rows:
            return  # nothing will be written: keep reading only to report every problem
        existing = self._existing([c["external_id"] for c in candidates])
        new, changed, statuses = [], [], []
        for candidate in candidates:
            self._resolve_references(candidate)
            use_case = existing.get(candidate["external_id"])
            self._check_owner(candidate, use_case)
            if candidate["errors"]:
                self.outcome.skipped += 1
                continue
            if use_case is None:
                use_case = UseCase(external_source=self.mapping.source, external_id=candidate["external_id"])
                for name, value in candidate["values"].items():
                    setattr(use_case, name, value)
                new.append((use_case, candidate["functions"] or [], candidate["foundations"] or []))
                self.outcome.created += 1
            else:
                fields = [name for name, value in candidate["values"].items() if getattr(use_case, name) != value]
                for name in fields:
                    setattr(use_case, name, candidate["values"][name])
                functions = self._changed_ids(
                    candidate["functions"], [f.pk for f in use_case.functions.all()], "functions", fields
                )
                foundations = self._changed_ids(
                    candidate["foundations"],
                    [u.foundation_id for u in use_case.foundation_usages.all()],
                    "foundations",
                    fields,
                )
                if candidate.get("status_defaulted") or use_case.status in self._same_stage.get(
                    candidate["status"], ()
                ):
                    candidate["status"] = None  # the file's stage says where the use case already is
                status_changes = candidate["status"] is not None and candidate["status"] != use_case.status
                if fields:
                    changed.append((use_case, [name.removesuffix("_id") for name in fields], functions, foundations))
                    self.outcome.updated += 1
                elif status_changes:
                    self.outcome.updated += 1
                else:
                    self.outcome.unchanged += 1
            if candidate["status"] is not None:
                statuses.append((use_case, candidate["status"], candidate["status_since"]))
        use_cases_import(actor=self.actor, new=new, changed=changed, run=self.run_label)
        if statuses:
            use_case_statuses_import(actor=self.actor, changes=statuses, run=self.run_label)

    def _existing(self, ids: list[str]) -> dict[str, UseCase]:
        """The use cases the rows' ids name: by (source, external id), and, when the mapping says the id
        may be a reference, by the reference of a use case not otherwise from this source."""
        use_cases = UseCase.objects.prefetch_related("functions", "foundation_usages")
        found = {
            use_case.external_id: use_case
            for use_case in use_cases.filter(external_source=self.mapping.source, external_id__in=ids)
        }
        if self.mapping.external_id_or_reference:
            by_reference = {identity.upper(): identity for identity in ids if identity not in found}
            if by_reference:
                for use_case in use_cases.filter(reference__in=list(by_reference)).exclude(
                    external_source=self.mapping.source
                ):
                    found[by_reference[use_case.reference]] = use_case
        return found

    def _check_owner(self, candidate: dict, use_case: UseCase | None) -> None:
        """The owner rule of the team pages and the admin: whoever is made owner belongs to the team.
        One who does not is left out, reported, and the use case "needs an owner"."""
        values = candidate["values"]
        owner_id = values.get("owner_id")
        if not owner_id:
            return
        team_id = values.get("team_id", use_case.team_id if use_case is not None else None)
        if use_case is not None and (use_case.owner_id, use_case.team_id) == (owner_id, team_id):
            return  # already so: the rule applies to a new assignment
        if team_id is None or (team_id, owner_id) in self.memberships:
            return
        person, team = self.people.by_pk[owner_id], self.teams.by_pk[team_id]
        if use_case is not None and use_case.team_id == team_id:
            message = _("Not a member of the team %(team)s: the use case keeps its owner.")
            values["owner_id"] = use_case.owner_id
        else:
            message = _("Not a member of the team %(team)s: the owner is left empty (the use case needs an owner).")
            values["owner_id"] = None
        column = self.mapping.fields["owner"].columns[0]
        candidate["warning"](column, person.email or person.username, message % {"team": team})

    @staticmethod
    def _changed_ids(new: list[int] | None, current: list[int], name: str, fields: list[str]) -> list[int] | None:
        if new is None or sorted(new) == sorted(current):
            return None
        fields.append(name)
        return new

    # One row ---------------------------------------------------------------------------------------

    def _row(self, number: int, cells: dict) -> dict | None:
        errors: list[str] = []

        def error(column: str, value, message: str) -> None:
            errors.append(column)
            self.outcome.add_problem(number, column, value, message)

        def warning(column: str, value, message: str) -> None:
            self.outcome.add_problem(number, column, value, message, severity="warning")

        extra = cells.pop("__extra__", None)
        if extra:
            warning(
                "",
                ", ".join(str(v) for v in extra),
                _("The row has more cells than the header: the extra ones are left out."),
            )
        fingerprint = hashlib.blake2b(
            "\x1f".join(str(cells.get(column, "")) for column in sorted(cells)).encode(), digest_size=16
        ).digest()
        first = self.seen_rows.get(fingerprint)
        if first is not None:
            self.outcome.duplicates += 1
            warning("", "", _("Identical to row %(first)d: imported once.") % {"first": first})
            return None
        self.seen_rows[fingerprint] = number

        external_id = self._external_id(number, cells, error, warning)
        values: dict[str, Any] = {}
        candidate = {
            "row": number,
            "external_id": external_id,
            "values": values,
            "functions": None,
            "foundations": None,
            "status": None,
            "status_since": None,
            "errors": errors,
            "references": {},
            "error": error,
            "warning": warning,
        }
        for spec in self.mapping.fields.values():
            if spec.kind == DATE:
                self._date(candidate, spec, cells)
            else:
                raw, column = self._read(spec, cells)
                self._value(candidate, spec, raw, column)
        title_column = self.mapping.fields["title"].columns[0]
        if not values.get("title") and title_column not in errors:
            error(title_column, "", _("The title is empty: every use case needs one."))
        return candidate

    def _external_id(self, number: int, cells: dict, error, warning) -> str:
        parts = [self.cleaner.text(cells.get(column, "")) for column in self.mapping.external_id_columns]
        if not any(parts):
            error(
                ", ".join(self.mapping.external_id_columns),
                "",
                _("The external id is empty: the mapping's id columns say which use case this row is."),
            )
            return ""
        if len(parts) == 1 and len(parts[0]) <= EXTERNAL_ID_MAX:
            identity = parts[0]
        else:
            # Several columns (the federal file has no id column): a stable digest of their
            # normalised values, prefixed by the first for a person to recognise.
            digest = hashlib.sha256("\x1f".join(normalised(part) for part in parts).encode()).hexdigest()[:24]
            identity = f"{slugify(parts[0])[:40]}-{digest}"
        first = self.seen_ids.get(identity)
        if first is not None:
            occurrence = sum(1 for key in self.seen_ids if key.startswith(identity + "~")) + 2
            warning(
                ", ".join(self.mapping.external_id_columns),
                " / ".join(parts),
                _(
                    "Same id columns as row %(first)d but different content: imported as a separate use case "
                    "(external id %(id)s)."
                )
                % {"first": first, "id": f"{identity}~{occurrence}"},
            )
            identity = f"{identity}~{occurrence}"
        self.seen_ids[identity] = number
        return identity

    def _read(self, spec: FieldSpec, cells: dict) -> tuple[Any, str]:
        """The raw value of a field: one column's cell, the first non-blank, or the non-blank ones joined."""
        if len(spec.columns) == 1:
            return cells.get(spec.columns[0], ""), spec.columns[0]
        cleaner = self.cleaners[spec.target]
        if spec.combine == "first" or spec.kind in (BOOLEAN, SCORE, MONEY, CHOICE, PERSON):
            for column in spec.columns:
                if not cleaner.is_blank(cells.get(column, "")):
                    return cells[column], column
            return "", spec.columns[0]
        texts = [cleaner.text(cells.get(column, "")) for column in spec.columns]
        return spec.join.join(text for text in texts if text), ", ".join(spec.columns)

    def _date(self, candidate: dict, spec: FieldSpec, cells: dict) -> None:
        """The first of the columns that holds a date (a retired date, else the date implemented...)."""
        unreadable = []
        cleaner = self.cleaners[spec.target]
        for column in spec.columns:
            raw = cells.get(column, "")
            value = cleaner.text(raw) if isinstance(raw, str) else raw
            if value in ("", None):
                continue
            parsed = cleaner.date(value)
            if parsed is None:
                unreadable.append((column, raw))
                continue
            if parsed > timezone.localdate():
                unreadable.append((column, raw))
                continue
            candidate["status_since"] = timezone.make_aware(datetime.datetime.combine(parsed, datetime.time(12)))
            return
        for column, raw in unreadable[:1]:
            message = _("Not a date this import can read (e.g. 2024-07-01, 7/1/2024, 1 July 2024), or in the future.")
            if spec.unmatched == "blank":
                candidate["warning"](column, raw, message + " " + _("Left empty."))
            else:
                candidate["error"](column, raw, message)

    def _value(self, candidate: dict, spec: FieldSpec, raw, column: str) -> None:
        error, warning, values, target = candidate["error"], candidate["warning"], candidate["values"], spec.target
        kind = spec.kind
        cleaner = self.cleaners[target]
        text = cleaner.text(raw)
        if kind in (FUNCTIONS, FOUNDATIONS, LIST_CHOICE):
            if not text:
                items = []
            elif kind == LIST_CHOICE or not spec.split:
                items = cleaner.items(text, spec.split)
            else:
                items = self._named_items(cleaner, spec, text)
            if not items and spec.default is not None:
                items = [spec.default] if not isinstance(spec.default, list) else list(spec.default)
            if kind == LIST_CHOICE:
                chosen = []
                for item in items:
                    code = cleaner.choice(item, spec.values, dict(CHOICES[target].choices), spec.spellings)
                    if isinstance(code, list):
                        chosen.extend(code)
                    elif code is None:
                        self._unmatched(candidate, spec, column, item)
                    else:
                        chosen.append(code)
                values[target] = list(dict.fromkeys(chosen))
            else:
                mapped = []
                for item in items:
                    translated = spec.values.get(normalised(item), item)
                    if translated not in (None, ""):
                        mapped.append(translated)
                candidate["references"][target] = (spec, column, mapped)
            return
        if not text:
            if spec.default is not None:
                self._set_default(candidate, spec)
            elif kind in (DOMAIN, TEAM):
                error(column, raw, _("Empty: every use case needs a %(field)s.") % {"field": target})
            return
        if kind == TEXT:
            limit = TEXT_LIMITS.get(target)
            if limit and len(text) > limit:
                error(
                    column,
                    text,
                    _(
                        "%(length)s characters, over the %(limit)s this field keeps: "
                        "shorten it in the file (nothing is cut)."
                    )
                    % {"length": f"{len(text):,}", "limit": f"{limit:,}"},
                )
            elif target == "title" and not has_visible_text(text):
                error(column, raw, _("The title needs visible characters."))
            else:
                values[target] = text
        elif kind == CHOICE:
            code = cleaner.choice(text, spec.values, dict(CHOICES[target].choices), spec.spellings)
            if code is None:
                self._unmatched(candidate, spec, column, text)
            elif target == "status":
                candidate["status"] = code
            else:
                values[target] = code
        elif kind == BOOLEAN:
            flag = cleaner.boolean(text, spec.values, spec.spellings)
            if flag is None:
                self._unmatched(candidate, spec, column, text)
            else:
                values[target] = flag
        elif kind == SCORE:
            number = spec.values.get(normalised(text))
            if number is None:
                parsed = cleaner.number(text)
                number = int(parsed) if parsed is not None and parsed == parsed.to_integral_value() else None
            if number is None or not 1 <= number <= 5:
                error(column, text, _("A score is a whole number from 1 to 5."))
            else:
                values[target] = number
        elif kind == MONEY:
            amount = cleaner.number(text)
            if amount is None:
                error(column, text, _("Not an amount (e.g. 120000 or 120,000.50)."))
            elif amount < 0:
                error(column, text, _("An amount cannot be negative."))
            elif amount > MONEY_MAX:
                error(column, text, _("Too large: at most 999,999,999,999.99."))
            else:
                values[target] = amount.quantize(Decimal("0.01"))
        elif kind == PERSON:
            person = self.people.find(text)
            if person is None:
                warning(
                    column,
                    text,
                    _("No user has this username or email: left empty (the use case needs an owner).")
                    if target == "owner"
                    else _("No user has this username or email: left empty."),
                )
                values[f"{target}_id"] = None
            else:
                values[f"{target}_id"] = person.pk
        elif kind in (DOMAIN, TEAM):
            candidate["references"][target] = (spec, column, [spec.values.get(normalised(text), text)])

    def _named_items(self, cleaner: cleaning.Cleaner, spec: FieldSpec, text: str) -> list[str]:
        """A list of names in one cell, split at the mapping's separator except where the separator is
        part of a name already known ("Data; Analytics Hub" stays one foundation when one is so named):
        at each place, the longest run of pieces that is a known name or a value of the table."""
        lookup = self.functions if spec.kind == FUNCTIONS else self.foundations
        pieces = text.split(spec.split)
        if len(pieces) == 1:
            return cleaner.items(text, None)
        names, start = [], 0
        while start < len(pieces):
            end = start + 1
            for longer in range(min(len(pieces), start + NAME_PIECES_MAX), start + 1, -1):
                joined = cleaner.text(spec.split.join(pieces[start:longer]))
                if normalised(joined) in spec.values or lookup.find(joined) is not None:
                    end = longer
                    break
            names.append(spec.split.join(pieces[start:end]))
            start = end
        return cleaner.unique(names)

    def _set_default(self, candidate: dict, spec: FieldSpec) -> None:
        if spec.target == "status":
            candidate["status"] = spec.default
            candidate["status_defaulted"] = True  # for a new use case: an existing one keeps its own
        elif spec.kind in (DOMAIN, TEAM):
            candidate["references"][spec.target] = (spec, spec.columns[0], [spec.default])
        else:
            candidate["values"][spec.target] = spec.default

    def _unmatched(self, candidate: dict, spec: FieldSpec, column: str, text: str) -> None:
        known = [] if spec.kind == BOOLEAN else sorted(spec.spellings) or list(CHOICES[spec.target].values)
        shown = ", ".join(known[:15]) + (" …" if len(known) > 15 else "")
        if spec.unmatched == "blank":
            candidate["warning"](
                column, text, _("Not in the mapping's values: left empty.") + (f" ({shown})" if shown else "")
            )
            return
        if spec.kind == BOOLEAN:
            message = _("Not a yes or no, and not in the mapping's values.")
        else:
            message = _("Not in the mapping's values for %(field)s. Known: %(known)s.") % {
                "field": spec.target,
                "known": shown or ", ".join(CHOICES[spec.target].values),
            }
        candidate["error"](column, text, message)

    # References: found, or created once the row is otherwise good ---------------------------------

    def _resolve_references(self, candidate: dict) -> None:
        values, error = candidate["values"], candidate["error"]
        for target, (spec, column, names) in candidate["references"].items():
            lookup = {DOMAIN: self.domains, TEAM: self.teams, FUNCTIONS: self.functions, FOUNDATIONS: self.foundations}[
                spec.kind
            ]
            found = []
            for name in names:
                instance = lookup.find(str(name))
                if instance is None and spec.create:
                    instance = self._create(spec, lookup, str(name), column, candidate)
                if instance is None:
                    if not spec.create:
                        error(
                            column,
                            name,
                            _("No %(field)s is named %(name)s (create: true in the mapping would create it).")
                            % {"field": spec.target, "name": name},
                        )
                    continue
                found.append(instance.pk)
            if spec.kind in (DOMAIN, TEAM):
                if found:
                    values[f"{target}_id"] = found[0]
            else:
                candidate[target] = list(dict.fromkeys(found))

    def _create(self, spec: FieldSpec, lookup: _Lookup, name: str, column: str, candidate: dict):
        model = lookup.model
        max_length = model._meta.get_field("name").max_length
        if len(name) > max_length:
            report = candidate["warning"] if spec.kind in (FUNCTIONS, FOUNDATIONS) else candidate["error"]
            report(
                column,
                name,
                _("%(length)d characters: the name of a %(what)s holds at most %(limit)d.")
                % {"length": len(name), "what": model._meta.verbose_name, "limit": max_length}
                + (" " + _("Left out.") if spec.kind in (FUNCTIONS, FOUNDATIONS) else ""),
            )
            return None
        data: dict[str, Any] = {
            "name": name,
            "slug": _unique_slug(model, name, model._meta.get_field("slug").max_length),
        }
        if model is Team:
            data["function"] = self.team_function
        if model is Foundation:
            data["kind"] = spec.kind_of_foundation
        try:
            instance = reference_record_import(actor=self.actor, model=model, data=data)
        except ValidationError as problem:
            candidate["error"](column, name, "; ".join(problem.messages))
            return None
        lookup.remember(instance)
        self.outcome.created_records.setdefault(model._meta.verbose_name_plural.__str__(), []).append(name)
        return instance
