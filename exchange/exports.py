"""The files the committee hands to executives and regulators, built from the data as one person may
see it: every read goes through the selectors with that actor (domains.selectors.use_case_list decides
which use cases; rows about a use case follow it), so another team's drafts never reach a file.

- `portfolio_workbook`: an XLSX with one sheet per entity (use cases, links, portfolios and their
  members, foundations and their uses, domains, teams, functions, success measures and their
  measurements, side effects, decisions).
- `eu_ai_act_register` / `eu_ai_act_register_rows`: the EU AI Act extract of the high-risk use cases,
  with what the committee still has to document for each.

Every sheet has the same conventions: headers in words (the models' verbose names, choices by their
labels), the header row frozen, an autofilter over the data, dates and datetimes as real Excel dates
(in the site's time zone), money as numbers, and every text cell defused against formula injection
(exchange.cleaning.escape_formula). Workbooks are written in openpyxl's write-only mode from
`values()` iterators: memory stays flat and the number of queries does not grow with the rows."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domains.choices import (
    AITechnique,
    Ambition,
    FoundationKind,
    JourneyStage,
    Readiness,
    RiskTier,
    Sourcing,
    StrategicPriority,
)
from domains.choices import Status as UseCaseStatus
from domains.models import BusinessFunction, Domain, Foundation, Team, UseCase, UseCaseFoundation
from domains.selectors import use_case_list
from domains.translation import localized, names_in_current_language
from governance.choices import (
    DecisionOutcome,
    KpiCategory,
    KpiDirection,
    KpiFrequency,
    KpiProgress,
    MeasurementSource,
    SideEffectCategory,
    SideEffectKind,
    SideEffectStatus,
)
from governance.models import Decision, Kpi, KpiMeasurement, SideEffect
from governance.selectors import kpi_progress_of, kpis_with_latest
from portfolio.choices import LinkKind, LinkStrength, MembershipSource, PortfolioStatus
from portfolio.models import Portfolio, PortfolioMembership, UseCaseLink
from portfolio.selectors import membership_list, portfolio_list

from .cleaning import escape_formula

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0%"
# Rows fetched per round trip while a sheet is written (server-side cursor on PostgreSQL).
EXPORT_CHUNK_ROWS = 2000
# Excel's limit on a sheet's name.
SHEET_TITLE_MAX_CHARS = 31
# What several names in one cell are separated by.
LIST_SEPARATOR = "; "

# The kinds of cell: how a value is written and shown.
TEXT, LIST, BOOL, DATE, DATETIME, MONEY, NUMBER, PERCENT = (
    "text",
    "list",
    "bool",
    "date",
    "datetime",
    "money",
    "number",
    "percent",
)
_NUMBER_FORMATS = {DATE: DATE_FORMAT, DATETIME: DATETIME_FORMAT, MONEY: MONEY_FORMAT, PERCENT: PERCENT_FORMAT}
_WIDTHS = {TEXT: 24, LIST: 30, BOOL: 10, DATE: 12, DATETIME: 17, MONEY: 16, NUMBER: 12, PERCENT: 10}


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the header a person reads, and the kind of its cells."""

    key: str
    header: str
    kind: str = TEXT
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: Iterable[dict]


def _label(model, field: str) -> str:
    """A field's verbose name as a header: "Estimated annual benefit (EUR)"."""
    return capfirst(str(model._meta.get_field(field).verbose_name))


def _col(model, field: str, kind: str = TEXT, *, key: str | None = None, width: int | None = None) -> Column:
    return Column(key=key or field, header=_label(model, field), kind=kind, width=width)


def _labels(choices) -> dict:
    """A choice set's codes and their labels, in the current language."""
    return {value: str(label) for value, label in choices.choices}


def person(path: str) -> Coalesce:
    """A person's name as the site shows it (User.__str__: full name, else username), read in SQL
    through the foreign key `path` ("owner", "decided_by"); NULL when there is nobody."""
    full = Trim(Concat(f"{path}__first_name", Value(" "), f"{path}__last_name", output_field=CharField()))
    return Coalesce(NullIf(full, Value("")), f"{path}__username", output_field=CharField())


def _iterate(queryset: QuerySet) -> Iterator[dict]:
    return queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS)


def _visible_ids(use_cases: QuerySet[UseCase]) -> QuerySet:
    """The ids of the use cases of a selector's queryset, as a subquery (never fetched on its own)."""
    return use_cases.order_by().values("pk")


def _names_by_use_case(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for use_case_id, name in rows:
        if name:
            names[use_case_id].append(name)
    return names


# Writing -----------------------------------------------------------------------------------------------


def _text(value) -> str:
    """Text as a cell may hold it: no control characters XML refuses, and never a formula."""
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: a datetime is written as the site's wall-clock time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _cell_value(kind: str, value):
    if value is None:
        return None
    if kind == BOOL:
        return gettext("Yes") if value else gettext("No")
    if kind == LIST:
        return LIST_SEPARATOR.join(str(item) for item in value) if value else None
    if kind == DATETIME and isinstance(value, datetime.datetime):
        return _naive_local(value)
    if kind == DATE and isinstance(value, datetime.datetime):
        return _naive_local(value).date()
    # Numbers stay numbers (a Decimal keeps every digit a float would round).
    return value


def _cell(sheet, column: Column, value):
    value = _cell_value(column.kind, value)
    if isinstance(value, str):
        return _text(value)
    number_format = _NUMBER_FORMATS.get(column.kind)
    if value is None or number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _write_sheet(workbook: Workbook, sheet_spec: Sheet) -> int:
    """One sheet: bold frozen headers, the rows, an autofilter over all of them. Returns the rows written."""
    sheet = workbook.create_sheet(title=_text(sheet_spec.title)[:SHEET_TITLE_MAX_CHARS])
    # In write-only mode the views and the column widths are written with the first row: set them first.
    sheet.freeze_panes = "A2"
    columns = sheet_spec.columns
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or _WIDTHS[column.kind]
    bold = Font(bold=True)
    headers = []
    for column in columns:
        header = WriteOnlyCell(sheet, value=_text(str(column.header)))
        header.font = bold
        headers.append(header)
    sheet.append(headers)
    count = 0
    for row in sheet_spec.rows:
        sheet.append([_cell(sheet, column, row.get(column.key)) for column in columns])
        count += 1
    # The filter is written after the rows (the sheet's tail): its range can include them all.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The portfolio workbook ----------------------------------------------------------------------------------


def portfolio_workbook(*, actor) -> bytes:
    """The whole portfolio as an XLSX, one sheet per entity, as `actor` may see it: the use cases of
    `use_case_list(actor=...)`, and only the rows about those (links with both ends visible, members,
    foundation uses, measures, measurements, side effects, decisions). A fixed number of queries
    whatever the number of rows."""
    return _workbook_bytes(portfolio_sheets(actor=actor))


def portfolio_sheets(*, actor) -> list[Sheet]:
    """The sheets of the portfolio workbook; their rows are read lazily, while each is written."""
    use_cases = use_case_list(actor=actor)
    ids = _visible_ids(use_cases)
    return [
        _use_case_sheet(use_cases, ids),
        _link_sheet(ids),
        _portfolio_sheet(actor, ids),
        _membership_sheet(actor),
        _foundation_sheet(ids),
        _foundation_use_sheet(ids),
        _domain_sheet(),
        _team_sheet(),
        _function_sheet(),
        _kpi_sheet(ids),
        _measurement_sheet(ids),
        _side_effect_sheet(ids),
        _decision_sheet(ids),
    ]


def _use_case_sheet(use_cases: QuerySet[UseCase], ids: QuerySet) -> Sheet:
    columns = (
        _col(UseCase, "reference", width=11),
        _col(UseCase, "title", width=40),
        _col(UseCase, "status", width=16),
        _col(UseCase, "domain"),
        _col(UseCase, "team"),
        _col(UseCase, "functions", LIST),
        _col(UseCase, "owner"),
        _col(UseCase, "sponsor"),
        _col(UseCase, "problem_statement", width=50),
        _col(UseCase, "proposed_solution", width=50),
        _col(UseCase, "ambition", width=16),
        _col(UseCase, "journey_stages", LIST),
        _col(UseCase, "ai_technique"),
        _col(UseCase, "sourcing", width=16),
        _col(UseCase, "business_value", NUMBER),
        _col(UseCase, "feasibility", NUMBER),
        _col(UseCase, "data_readiness", NUMBER),
        _col(UseCase, "estimated_annual_benefit", MONEY),
        _col(UseCase, "estimated_annual_cost", MONEY),
        Column("net_annual_value", gettext("Net annual value (EUR)"), MONEY),
        _col(UseCase, "risk_tier", width=18),
        _col(UseCase, "is_high_impact", BOOL),
        _col(UseCase, "uses_personal_data", BOOL),
        _col(UseCase, "foundations", LIST),
        Column("portfolio", capfirst(str(Portfolio._meta.verbose_name)), width=30),
        _col(UseCase, "status_changed_at", DATETIME),
        _col(UseCase, "external_source"),
        _col(UseCase, "external_id"),
        _col(UseCase, "created_at", DATETIME),
        _col(UseCase, "updated_at", DATETIME),
    )
    return Sheet(gettext("Use cases"), columns, _use_case_rows(use_cases, ids))


def _use_case_rows(use_cases: QuerySet[UseCase], ids: QuerySet) -> Iterator[dict]:
    functions = _names_by_use_case(
        UseCase.functions.through.objects.filter(usecase_id__in=ids)
        .annotate(function_name=localized("businessfunction__name"))
        .order_by("usecase_id", "function_name")
        .values_list("usecase_id", "function_name")
    )
    foundations = _names_by_use_case(
        UseCaseFoundation.objects.filter(use_case_id__in=ids)
        .annotate(foundation_name=localized("foundation__name"))
        .order_by("use_case_id", "foundation_name")
        .values_list("use_case_id", "foundation_name")
    )
    portfolios = {
        use_case_id: f"{reference} {name}"
        for use_case_id, reference, name in PortfolioMembership.objects.filter(use_case_id__in=ids).values_list(
            "use_case_id", "portfolio__reference", "portfolio__name"
        )
    }
    status, ambition, stages = _labels(UseCaseStatus), _labels(Ambition), _labels(JourneyStage)
    technique, sourcing, tier = _labels(AITechnique), _labels(Sourcing), _labels(RiskTier)
    needs_owner = gettext("needs an owner")
    rows = (
        use_cases.select_related(None)
        .prefetch_related(None)
        .annotate(
            domain_name=localized("domain__name"),
            team_name=localized("team__name"),
            owner_name=person("owner"),
            sponsor_name=person("sponsor"),
        )
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "title",
            "status",
            "domain_name",
            "team_name",
            "owner_name",
            "sponsor_name",
            "problem_statement",
            "proposed_solution",
            "ambition",
            "journey_stages",
            "ai_technique",
            "sourcing",
            "business_value",
            "feasibility",
            "data_readiness",
            "estimated_annual_benefit",
            "estimated_annual_cost",
            "risk_tier",
            "is_high_impact",
            "uses_personal_data",
            "status_changed_at",
            "external_source",
            "external_id",
            "created_at",
            "updated_at",
        )
    )
    for row in _iterate(rows):
        benefit, cost = row["estimated_annual_benefit"], row["estimated_annual_cost"]
        yield {
            **row,
            "status": status.get(row["status"], row["status"]),
            "domain": row["domain_name"],
            "team": row["team_name"],
            "functions": functions.get(row["pk"], []),
            "owner": row["owner_name"] or needs_owner,
            "sponsor": row["sponsor_name"],
            "ambition": ambition.get(row["ambition"], row["ambition"]),
            "journey_stages": [stages.get(stage, stage) for stage in row["journey_stages"] or []],
            "ai_technique": technique.get(row["ai_technique"], row["ai_technique"]),
            "sourcing": sourcing.get(row["sourcing"], row["sourcing"]),
            "net_annual_value": None if benefit is None or cost is None else benefit - cost,
            "risk_tier": tier.get(row["risk_tier"], row["risk_tier"]),
            "foundations": foundations.get(row["pk"], []),
            "portfolio": portfolios.get(row["pk"]),
        }


def _link_sheet(ids: QuerySet) -> Sheet:
    columns = (
        Column("source", _label(UseCaseLink, "source"), width=11),
        Column("source_title", gettext("Title (from)"), width=36),
        _col(UseCaseLink, "kind", width=18),
        Column("target", _label(UseCaseLink, "target"), width=11),
        Column("target_title", gettext("Title (to)"), width=36),
        _col(UseCaseLink, "strength", width=12),
        _col(UseCaseLink, "rationale", width=40),
        _col(UseCaseLink, "created_by"),
        _col(UseCaseLink, "created_at", DATETIME),
        _col(UseCaseLink, "updated_at", DATETIME),
    )
    kind, strength = _labels(LinkKind), _labels(LinkStrength)

    def rows() -> Iterator[dict]:
        links = (
            UseCaseLink.objects.filter(source_id__in=ids, target_id__in=ids)
            .annotate(creator=person("created_by"))
            .order_by("source__reference", "target__reference", "kind")
            .values(
                "source__reference",
                "source__title",
                "kind",
                "target__reference",
                "target__title",
                "strength",
                "rationale",
                "creator",
                "created_at",
                "updated_at",
            )
        )
        for row in _iterate(links):
            yield {
                **row,
                "source": row["source__reference"],
                "source_title": row["source__title"],
                "target": row["target__reference"],
                "target_title": row["target__title"],
                "kind": kind.get(row["kind"], row["kind"]),
                "strength": strength.get(row["strength"], row["strength"]),
                "created_by": row["creator"],
            }

    return Sheet(gettext("Links"), columns, rows())


def _portfolio_sheet(actor, ids: QuerySet) -> Sheet:
    columns = (
        _col(Portfolio, "reference", width=11),
        _col(Portfolio, "name", width=30),
        _col(Portfolio, "status", width=12),
        _col(Portfolio, "owner"),
        _col(Portfolio, "theme", width=40),
        Column("members", gettext("Members"), NUMBER),
        _col(Portfolio, "cohesion", PERCENT),
        _col(Portfolio, "total_benefit", MONEY),
        _col(Portfolio, "total_cost", MONEY),
        _col(Portfolio, "transformation_share", PERCENT),
        _col(Portfolio, "domains", LIST),
        _col(Portfolio, "functions", LIST),
        _col(Portfolio, "status_changed_at", DATETIME),
        _col(Portfolio, "created_at", DATETIME),
        _col(Portfolio, "updated_at", DATETIME),
    )
    status = _labels(PortfolioStatus)

    def rows() -> Iterator[dict]:
        portfolios = (
            portfolio_list(actor=actor)
            .select_related(None)
            # Members the actor may see: another team's draft placed by the committee is not counted.
            .annotate(
                owner_name=person("owner"),
                visible_members=Count("memberships", filter=Q(memberships__use_case_id__in=ids)),
            )
            .values(
                "reference",
                "name",
                "status",
                "owner_name",
                "theme",
                "visible_members",
                "cohesion",
                "total_benefit",
                "total_cost",
                "transformation_share",
                "domains",
                "functions",
                "status_changed_at",
                "created_at",
                "updated_at",
            )
        )
        for row in _iterate(portfolios):
            yield {
                **row,
                "status": status.get(row["status"], row["status"]),
                "owner": row["owner_name"],
                "members": row["visible_members"],
                "domains": names_in_current_language(Domain, row["domains"] or []),
                "functions": names_in_current_language(BusinessFunction, row["functions"] or []),
            }

    return Sheet(gettext("Portfolios"), columns, rows())


def _membership_sheet(actor) -> Sheet:
    columns = (
        Column("portfolio", _label(PortfolioMembership, "portfolio"), width=11),
        Column("portfolio_name", _label(Portfolio, "name"), width=30),
        Column("use_case", _label(PortfolioMembership, "use_case"), width=11),
        Column("use_case_title", _label(UseCase, "title"), width=36),
        _col(PortfolioMembership, "pinned", BOOL),
        _col(PortfolioMembership, "source", width=28),
        _col(PortfolioMembership, "strength", NUMBER),
        _col(PortfolioMembership, "added_by"),
        _col(PortfolioMembership, "updated_at", DATETIME),
    )
    source = _labels(MembershipSource)

    def rows() -> Iterator[dict]:
        memberships = (
            membership_list(actor=actor)
            .select_related(None)
            .annotate(adder=person("added_by"))
            .order_by("portfolio__reference", "-strength", "use_case__reference")
            .values(
                "portfolio__reference",
                "portfolio__name",
                "use_case__reference",
                "use_case__title",
                "pinned",
                "source",
                "strength",
                "adder",
                "updated_at",
            )
        )
        for row in _iterate(memberships):
            yield {
                **row,
                "portfolio": row["portfolio__reference"],
                "portfolio_name": row["portfolio__name"],
                "use_case": row["use_case__reference"],
                "use_case_title": row["use_case__title"],
                "source": source.get(row["source"], row["source"]),
                "added_by": row["adder"],
            }

    return Sheet(gettext("Portfolio memberships"), columns, rows())


def _foundation_sheet(ids: QuerySet) -> Sheet:
    columns = (
        _col(Foundation, "name", width=36),
        _col(Foundation, "kind", width=16),
        _col(Foundation, "readiness", width=20),
        _col(Foundation, "owner_team"),
        Column("used_by", gettext("Use cases building on it"), NUMBER),
        _col(Foundation, "description", width=50),
        _col(Foundation, "created_at", DATETIME),
        _col(Foundation, "updated_at", DATETIME),
    )
    kind, readiness = _labels(FoundationKind), _labels(Readiness)

    def rows() -> Iterator[dict]:
        foundations = (
            Foundation.objects.annotate(
                owner_team_name=localized("owner_team__name"),
                visible_uses=Count("usages", filter=Q(usages__use_case_id__in=ids)),
            )
            .order_by("name")
            .values(
                "name",
                "kind",
                "readiness",
                "owner_team_name",
                "visible_uses",
                "description",
                "created_at",
                "updated_at",
            )
        )
        for row in _iterate(foundations):
            yield {
                **row,
                "kind": kind.get(row["kind"], row["kind"]),
                "readiness": readiness.get(row["readiness"], row["readiness"]),
                "owner_team": row["owner_team_name"],
                "used_by": row["visible_uses"],
            }

    return Sheet(gettext("Foundations"), columns, rows())


def _foundation_use_sheet(ids: QuerySet) -> Sheet:
    columns = (
        Column("use_case", _label(UseCaseFoundation, "use_case"), width=11),
        Column("use_case_title", _label(UseCase, "title"), width=36),
        _col(UseCaseFoundation, "foundation", width=36),
        Column("kind", _label(Foundation, "kind"), width=16),
        _col(UseCaseFoundation, "note", width=40),
    )
    kind = _labels(FoundationKind)

    def rows() -> Iterator[dict]:
        usages = (
            UseCaseFoundation.objects.filter(use_case_id__in=ids)
            .annotate(foundation_name=localized("foundation__name"))
            .order_by("use_case__reference", "foundation_name")
            .values("use_case__reference", "use_case__title", "foundation_name", "foundation__kind", "note")
        )
        for row in _iterate(usages):
            yield {
                **row,
                "use_case": row["use_case__reference"],
                "use_case_title": row["use_case__title"],
                "foundation": row["foundation_name"],
                "kind": kind.get(row["foundation__kind"], row["foundation__kind"]),
            }

    return Sheet(gettext("Foundation uses"), columns, rows())


def _domain_sheet() -> Sheet:
    columns = (
        _col(Domain, "name", width=30),
        _col(Domain, "slug"),
        _col(Domain, "strategic_priority", width=16),
        _col(Domain, "owner"),
        _col(Domain, "sponsor"),
        _col(Domain, "description", width=50),
    )
    priority = _labels(StrategicPriority)

    def rows() -> Iterator[dict]:
        domains = (
            Domain.objects.annotate(owner_name=person("owner"), sponsor_name=person("sponsor"))
            .order_by("name")
            .values("name", "slug", "strategic_priority", "owner_name", "sponsor_name", "description")
        )
        for row in _iterate(domains):
            yield {
                **row,
                "strategic_priority": priority.get(row["strategic_priority"], row["strategic_priority"]),
                "owner": row["owner_name"],
                "sponsor": row["sponsor_name"],
            }

    return Sheet(gettext("Domains"), columns, rows())


def _team_sheet() -> Sheet:
    columns = (
        _col(Team, "name", width=30),
        _col(Team, "slug"),
        _col(Team, "function"),
        Column("member_count", gettext("Members"), NUMBER),
        _col(Team, "description", width=50),
    )

    def rows() -> Iterator[dict]:
        teams = (
            Team.objects.annotate(function_name=localized("function__name"), member_count=Count("members"))
            .order_by("name")
            .values("name", "slug", "function_name", "member_count", "description")
        )
        for row in _iterate(teams):
            yield {**row, "function": row["function_name"]}

    return Sheet(gettext("Teams"), columns, rows())


def _function_sheet() -> Sheet:
    columns = (
        _col(BusinessFunction, "name", width=30),
        _col(BusinessFunction, "slug"),
        _col(BusinessFunction, "description", width=50),
    )
    functions = BusinessFunction.objects.order_by("name").values("name", "slug", "description")
    return Sheet(gettext("Business functions"), columns, _iterate(functions))


def _kpi_sheet(ids: QuerySet) -> Sheet:
    columns = (
        Column("use_case", _label(Kpi, "use_case"), width=11),
        Column("use_case_title", _label(UseCase, "title"), width=36),
        _col(Kpi, "name", width=30),
        _col(Kpi, "category", width=16),
        _col(Kpi, "unit", width=10),
        _col(Kpi, "is_monetary", BOOL),
        _col(Kpi, "baseline", NUMBER),
        _col(Kpi, "target", NUMBER),
        _col(Kpi, "target_date", DATE),
        _col(Kpi, "direction", width=16),
        _col(Kpi, "frequency", width=14),
        _col(Kpi, "owner"),
        Column("latest_value", gettext("Latest value"), NUMBER),
        Column("latest_date", gettext("Latest measured on"), DATE),
        Column("progress_status", gettext("Progress status"), width=18),
        Column("progress", gettext("Progress towards the target"), PERCENT),
        _col(Kpi, "updated_at", DATETIME),
    )
    category, direction = _labels(KpiCategory), _labels(KpiDirection)
    frequency, progress_status = _labels(KpiFrequency), _labels(KpiProgress)

    def rows() -> Iterator[dict]:
        today, tolerance = timezone.localdate(), settings.GOVERNANCE_KPI_TOLERANCE
        kpis = (
            kpis_with_latest(Kpi.objects.filter(use_case_id__in=ids))
            .annotate(owner_name=person("owner"))
            .order_by("use_case__reference", "category", "name")
            .values(
                "use_case__reference",
                "use_case__title",
                "name",
                "category",
                "unit",
                "is_monetary",
                "baseline",
                "target",
                "target_date",
                "direction",
                "frequency",
                "owner_name",
                "latest_value",
                "latest_date",
                "previous_value",
                "first_date",
                "created_at",
                "updated_at",
            )
        )
        for row in _iterate(kpis):
            # The same rule as the dashboard and the API, on the row's own columns (no query).
            progress = kpi_progress_of(
                SimpleNamespace(**row),
                latest=row["latest_value"],
                latest_date=row["latest_date"],
                previous=row["previous_value"],
                first_date=row["first_date"],
                today=today,
                tolerance=tolerance,
            )
            yield {
                **row,
                "use_case": row["use_case__reference"],
                "use_case_title": row["use_case__title"],
                "category": category.get(row["category"], row["category"]),
                "direction": direction.get(row["direction"], row["direction"]),
                "frequency": frequency.get(row["frequency"], row["frequency"]),
                "owner": row["owner_name"],
                "progress_status": progress_status.get(progress.status, progress.status),
                "progress": progress.progress,
            }

    return Sheet(gettext("KPIs"), columns, rows())


def _measurement_sheet(ids: QuerySet) -> Sheet:
    columns = (
        Column("use_case", _label(Kpi, "use_case"), width=11),
        Column("kpi", _label(KpiMeasurement, "kpi"), width=30),
        _col(KpiMeasurement, "date", DATE),
        _col(KpiMeasurement, "value", NUMBER),
        Column("unit", _label(Kpi, "unit"), width=10),
        _col(KpiMeasurement, "source", width=20),
        _col(KpiMeasurement, "note", width=40),
        _col(KpiMeasurement, "recorded_by"),
        Column("recorded_at", gettext("Recorded at"), DATETIME),
    )
    source = _labels(MeasurementSource)

    def rows() -> Iterator[dict]:
        measurements = (
            KpiMeasurement.objects.filter(kpi__use_case_id__in=ids)
            .annotate(recorder=person("recorded_by"))
            .order_by("kpi__use_case__reference", "kpi__name", "date")
            .values(
                "kpi__use_case__reference",
                "kpi__name",
                "kpi__unit",
                "date",
                "value",
                "source",
                "note",
                "recorder",
                "created_at",
            )
        )
        for row in _iterate(measurements):
            yield {
                **row,
                "use_case": row["kpi__use_case__reference"],
                "kpi": row["kpi__name"],
                "unit": row["kpi__unit"],
                "source": source.get(row["source"], row["source"]),
                "recorded_by": row["recorder"],
                "recorded_at": row["created_at"],
            }

    return Sheet(gettext("KPI measurements"), columns, rows())


def _side_effect_sheet(ids: QuerySet) -> Sheet:
    columns = (
        Column("use_case", _label(SideEffect, "use_case"), width=11),
        _col(SideEffect, "title", width=36),
        _col(SideEffect, "kind", width=14),
        _col(SideEffect, "category", width=18),
        _col(SideEffect, "status", width=16),
        _col(SideEffect, "likelihood", NUMBER),
        _col(SideEffect, "severity", NUMBER),
        Column("score", gettext("Score (likelihood × severity)"), NUMBER),
        _col(SideEffect, "mitigation", width=40),
        _col(SideEffect, "description", width=40),
        _col(SideEffect, "owner"),
        _col(SideEffect, "last_reviewed_on", DATE),
        _col(SideEffect, "kpi", width=30),
        _col(SideEffect, "updated_at", DATETIME),
    )
    kind, category, status = _labels(SideEffectKind), _labels(SideEffectCategory), _labels(SideEffectStatus)

    def rows() -> Iterator[dict]:
        effects = (
            SideEffect.objects.filter(use_case_id__in=ids)
            .annotate(owner_name=person("owner"))
            .order_by("use_case__reference", "-severity", "-likelihood", "id")
            .values(
                "use_case__reference",
                "title",
                "kind",
                "category",
                "status",
                "likelihood",
                "severity",
                "mitigation",
                "description",
                "owner_name",
                "last_reviewed_on",
                "kpi__name",
                "updated_at",
            )
        )
        for row in _iterate(effects):
            assessed = row["likelihood"] is not None and row["severity"] is not None
            yield {
                **row,
                "use_case": row["use_case__reference"],
                "kind": kind.get(row["kind"], row["kind"]),
                "category": category.get(row["category"], row["category"]),
                "status": status.get(row["status"], row["status"]),
                "score": row["likelihood"] * row["severity"] if assessed else None,
                "owner": row["owner_name"],
                "kpi": row["kpi__name"],
            }

    return Sheet(gettext("Side effects"), columns, rows())


def _decision_sheet(ids: QuerySet) -> Sheet:
    columns = (
        Column("use_case", _label(Decision, "use_case"), width=11),
        Column("use_case_title", _label(UseCase, "title"), width=36),
        _col(Decision, "round", NUMBER),
        _col(Decision, "outcome", width=12),
        _col(Decision, "rationale", width=50),
        _col(Decision, "conditions", width=40),
        _col(Decision, "decided_by"),
        _col(Decision, "created_at", DATETIME),
    )
    outcome = _labels(DecisionOutcome)

    def rows() -> Iterator[dict]:
        decisions = (
            Decision.objects.filter(use_case_id__in=ids)
            .annotate(decider=person("decided_by"))
            .order_by("use_case__reference", "created_at", "id")
            .values(
                "use_case__reference",
                "use_case__title",
                "round__number",
                "outcome",
                "rationale",
                "conditions",
                "decider",
                "created_at",
            )
        )
        for row in _iterate(decisions):
            yield {
                **row,
                "use_case": row["use_case__reference"],
                "use_case_title": row["use_case__title"],
                "round": row["round__number"],
                "outcome": outcome.get(row["outcome"], row["outcome"]),
                "decided_by": row["decider"],
            }

    return Sheet(gettext("Decisions"), columns, rows())


# The EU AI Act register ----------------------------------------------------------------------------------


def eu_register_columns() -> tuple[Column, ...]:
    """The register's columns, in order: `key` is the key of `eu_ai_act_register_rows`' dicts."""
    return (
        _col(UseCase, "reference", width=11),
        Column("title", gettext("Name of the AI system"), width=40),
        Column("intended_purpose", gettext("Intended purpose"), width=60),
        _col(UseCase, "status", width=16),
        Column("role", gettext("Role (provider or deployer)"), width=20),
        _col(UseCase, "ai_technique"),
        _col(UseCase, "domain"),
        _col(UseCase, "team"),
        Column("owner", gettext("Owner (contact)")),
        _col(UseCase, "uses_personal_data", BOOL),
        _col(UseCase, "is_high_impact", BOOL),
        Column("foundations", gettext("Data sources and platforms"), LIST, width=40),
        Column("latest_decision", gettext("Latest decision"), width=14),
        Column("latest_decision_at", gettext("Latest decision on"), DATETIME),
        Column("still_to_document", gettext("Still to document"), LIST, width=60),
    )


def _role(sourcing: str) -> str:
    """The EU AI Act role the organisation plays: it provides what it builds, deploys what it buys."""
    return {
        Sourcing.IN_HOUSE: gettext("Provider"),
        Sourcing.VENDOR: gettext("Deployer"),
        Sourcing.HYBRID: gettext("Provider and deployer"),
    }.get(sourcing, "")


def _intended_purpose(problem: str, solution: str) -> str:
    return "\n\n".join(part.strip() for part in (problem, solution) if part and part.strip())


def eu_ai_act_register_rows(*, actor) -> list[dict]:
    """The high-risk use cases `actor` may see (risk tier "high risk", RiskTier.HIGH), one dict each,
    keyed as `eu_register_columns()`, in reference order, with the fields of the EU AI Act's register
    (Annex VIII) that the data holds. A use case marked only "high impact" (rights- or
    safety-impacting, the U.S. federal notion) is not listed unless its risk tier is high: the register
    follows the EU classification; the column "High impact" shows the flag beside it.

    Values are Python values: `uses_personal_data` and `is_high_impact` booleans, `latest_decision_at`
    an aware datetime (None without a decision), `foundations` and `still_to_document` lists of text.
    `still_to_document` names what the committee still has to write down: an empty problem statement or
    proposed solution (the intended purpose), no owner, unknown sourcing (so no role), unknown AI
    technique, no data source or platform, no assessed side effect (likelihood and severity rated),
    no committee decision. Six queries whatever the number of use cases."""
    use_cases = use_case_list(actor=actor).filter(risk_tier=RiskTier.HIGH)
    ids = _visible_ids(use_cases)
    foundation_kind = _labels(FoundationKind)
    foundations = _names_by_use_case(
        (use_case_id, f"{name} ({foundation_kind.get(kind, kind)})")
        for use_case_id, name, kind in UseCaseFoundation.objects.filter(use_case_id__in=ids)
        .annotate(foundation_name=localized("foundation__name"))
        .order_by("use_case_id", "foundation_name")
        .values_list("use_case_id", "foundation_name", "foundation__kind")
    )
    assessed = set(
        SideEffect.objects.filter(use_case_id__in=ids, likelihood__isnull=False, severity__isnull=False)
        .order_by()
        .values_list("use_case_id", flat=True)
        .distinct()
    )
    latest_decision: dict[int, tuple[str, datetime.datetime]] = {}
    for use_case_id, outcome, decided_at in (
        Decision.objects.filter(use_case_id__in=ids)
        .order_by("use_case_id", "created_at", "id")
        .values_list("use_case_id", "outcome", "created_at")
    ):
        latest_decision[use_case_id] = (outcome, decided_at)  # ordered by date: the last one stays
    status, technique, outcome_label = _labels(UseCaseStatus), _labels(AITechnique), _labels(DecisionOutcome)
    missing_labels = {
        "problem_statement": _label(UseCase, "problem_statement"),
        "proposed_solution": _label(UseCase, "proposed_solution"),
        "owner": _label(UseCase, "owner"),
        "sourcing": gettext("Sourcing (whether provider or deployer)"),
        "ai_technique": _label(UseCase, "ai_technique"),
        "foundations": gettext("Data sources and platforms"),
        "side_effect": gettext("An assessed side effect (likelihood and severity)"),
        "decision": gettext("A committee decision"),
    }
    rows = (
        use_cases.select_related(None)
        .prefetch_related(None)
        .annotate(
            domain_name=localized("domain__name"),
            team_name=localized("team__name"),
            owner_name=person("owner"),
        )
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "title",
            "status",
            "problem_statement",
            "proposed_solution",
            "sourcing",
            "ai_technique",
            "domain_name",
            "team_name",
            "owner_id",
            "owner_name",
            "uses_personal_data",
            "is_high_impact",
        )
    )
    register = []
    for row in _iterate(rows):
        pk = row["pk"]
        decision = latest_decision.get(pk)
        missing = [field for field in ("problem_statement", "proposed_solution") if not (row[field] or "").strip()]
        if row["owner_id"] is None:
            missing.append("owner")
        if not row["sourcing"]:
            missing.append("sourcing")
        if not row["ai_technique"]:
            missing.append("ai_technique")
        if not foundations.get(pk):
            missing.append("foundations")
        if pk not in assessed:
            missing.append("side_effect")
        if decision is None:
            missing.append("decision")
        register.append(
            {
                "reference": row["reference"],
                "title": row["title"],
                "intended_purpose": _intended_purpose(row["problem_statement"], row["proposed_solution"]),
                "status": status.get(row["status"], row["status"]),
                "role": _role(row["sourcing"]),
                "ai_technique": technique.get(row["ai_technique"], row["ai_technique"]),
                "domain": row["domain_name"],
                "team": row["team_name"],
                "owner": row["owner_name"] or gettext("needs an owner"),
                "uses_personal_data": row["uses_personal_data"],
                "is_high_impact": row["is_high_impact"],
                "foundations": foundations.get(pk, []),
                "latest_decision": outcome_label.get(decision[0], decision[0]) if decision else "",
                "latest_decision_at": decision[1] if decision else None,
                "still_to_document": [missing_labels[key] for key in missing],
            }
        )
    return register


def eu_ai_act_register(*, actor) -> bytes:
    """The EU AI Act register of the high-risk use cases `actor` may see, as an XLSX of one sheet
    (see `eu_ai_act_register_rows` for what it lists and how "Still to document" is worked out)."""
    sheet = Sheet(gettext("EU AI Act register"), eu_register_columns(), eu_ai_act_register_rows(actor=actor))
    return _workbook_bytes([sheet])


def export_filename(stem: str, on: datetime.date | None = None, *, extension: str = "xlsx") -> str:
    """ "portfolio-2026-01-05.xlsx": the file's name with the day (site time zone) it was made."""
    return f"{stem}-{(on or timezone.localdate()):%Y-%m-%d}.{extension}"
