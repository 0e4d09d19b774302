"""The demo organisation's data files (demo/data/*.yaml), read and checked before anything is written.

Every value is checked against the application's own declarations: a status, a kind, a risk tier or
a role must be one of the model's choices, a reference must name an entry of the files, a use case's
fields must be content fields (domains.models.USE_CASE_CONTENT_FIELDS). A renamed choice, a typo or a
dangling reference fails loudly, naming the file, the entry and the field, instead of loading
something half right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS
from domains.choices import FoundationKind, Readiness, Status, StrategicPriority
from domains.models import USE_CASE_CONTENT_FIELDS, USE_CASE_RELATION_FIELDS, UseCase
from governance.choices import (
    LIVE_SIDE_EFFECT_STATUSES,
    KpiCategory,
    KpiDirection,
    KpiFrequency,
    MeasurementSource,
    MemberRole,
    SideEffectCategory,
    SideEffectKind,
    SideEffectStatus,
)
from portfolio.choices import LinkKind, LinkStrength

from .measurements import TRENDS

DATA_DIR = Path(__file__).resolve().parent / "data"
# States the loader may reach through a decision (on hold may follow an approval): the committee
# decided on an assessed risk tier, and its chair is not in the owning team.
DECIDED = frozenset(
    {Status.APPROVED, Status.REJECTED, Status.IN_DELIVERY, Status.SCALED, Status.RETIRED, Status.ON_HOLD}
)
# States past review, reached after the secretary started the review.
REVIEWED = DECIDED | {Status.IN_REVIEW, Status.CHANGES_REQUESTED}
# Impact (impact.yaml). Measured since they went live: approved, in delivery or scaled use cases.
MEASURED = frozenset({Status.APPROVED, Status.IN_DELIVERY, Status.SCALED})
# Live use cases, whose side effects are watched (governance.selectors.LIVE_USE_CASE_STATUSES).
LIVE = frozenset({Status.IN_DELIVERY, Status.SCALED})
# Use cases that went through delivery: the workflow let them in with an assessed side effect.
DELIVERED = LIVE | {Status.RETIRED}
KPIS_PER_USE_CASE = (1, 4)
KPI_FIELDS = {"name", "category", "unit", "direction", "baseline", "target", "target_in_months", "frequency"}
KPI_OPTIONAL_FIELDS = {"is_monetary", "owner", "trend", "source", "noise", "note"}
MEASUREMENT_SOURCES = (MeasurementSource.IMPORT, MeasurementSource.MANUAL)
SIDE_EFFECT_FIELDS = {"kind", "category", "title", "status"}
SIDE_EFFECT_OPTIONAL_FIELDS = {
    "description",
    "likelihood",
    "severity",
    "mitigation",
    "owner",
    "kpi",
    "reviewed_days_ago",
}
TARGET_MONTHS = (1, 60)
# The oldest review a side effect may give: no further back than the demo's history.
REVIEW_DAYS_MAX = 540
# Domains, teams and foundations are named and described in English and in French (the pages show the
# reader's language: domains/translation.py).
NAMED = ("name", "name_fr", "description", "description_fr")


class DemoDataError(Exception):
    """The data files do not hold together; the message lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("The demo data files have problems:\n- " + "\n- ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DemoData:
    people: list[dict[str, Any]]
    committee: dict[str, Any]
    domains: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    foundations: list[dict[str, Any]]
    use_cases: list[dict[str, Any]]
    links: list[dict[str, Any]]
    clusters: dict[str, list[str]]
    portfolios: dict[str, dict[str, Any]]
    # Success measures and side effects by use case key (impact.yaml).
    impact: dict[str, dict[str, Any]]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where: str, row: Any, required: set[str], optional: set[str] = frozenset()) -> bool:
        if not isinstance(row, dict):
            self.fail(where, f"expected a mapping, found {type(row).__name__}")
            return False
        missing, unknown = required - set(row), set(row) - required - set(optional)
        if missing:
            self.fail(where, f"missing {', '.join(sorted(missing))}")
        if unknown:
            self.fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
        return not missing

    def choice(self, where: str, field: str, value: Any, allowed) -> None:
        allowed = list(allowed)
        if value not in allowed:
            self.fail(where, f"{field} {value!r} is not one of: {', '.join(map(str, allowed))}")

    def reference(self, where: str, field: str, value: Any, known: set, what: str) -> None:
        if value not in known:
            self.fail(where, f"{field} {value!r} names no {what}")

    def unique(self, file: str, rows: list[dict], key: str) -> set:
        seen: set = set()
        for row in rows:
            value = row.get(key) if isinstance(row, dict) else None
            if value in seen:
                self.fail(file, f"{key} {value!r} appears twice")
            seen.add(value)
        return seen


def _read(name: str):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _model_choices(name: str) -> list | None:
    field = UseCase._meta.get_field(name)
    return [value for value, _label in field.flatchoices] if field.choices else None


def load(function_slugs: set[str]) -> DemoData:
    """Read and check every file. `function_slugs`: the business functions the database has (a
    migration creates them)."""
    organisation = _read("organisation.yaml")
    data = DemoData(
        people=organisation.get("people", []),
        committee=organisation.get("committee", {}),
        domains=organisation.get("domains", []),
        teams=organisation.get("teams", []),
        foundations=_read("foundations.yaml"),
        use_cases=_read("use_cases.yaml"),
        links=_read("links.yaml"),
        clusters=_read("clusters.yaml"),
        portfolios=_read("portfolios.yaml"),
        impact=_read("impact.yaml") or {},
    )
    check = _Checker()
    usernames = _check_people(check, data, function_slugs)
    _check_committee(check, data)
    domains = _check_domains(check, data, usernames)
    teams = _check_teams(check, data, usernames, function_slugs)
    foundations = _check_foundations(check, data, set(teams))
    keys = _check_use_cases(check, data, usernames, domains, teams, function_slugs, foundations)
    _check_links(check, data, keys)
    _check_impact(check, data, usernames)
    for name, members in data.clusters.items():
        for key in members:
            check.reference(f"clusters.yaml, {name}", "member", key, keys, "use case")
    for name, row in data.portfolios.items():
        where = f"portfolios.yaml, {name}"
        check.reference(where, "group", name, set(data.clusters), "group of clusters.yaml")
        if check.keys(where, row, {"name", "theme", "owner"}):
            check.reference(where, "owner", row["owner"], usernames, "person")
    if check.problems:
        raise DemoDataError(check.problems)
    return data


def _check_people(check: _Checker, data: DemoData, functions: set[str]) -> set[str]:
    usernames = check.unique("organisation.yaml people", data.people, "username")
    for row in data.people:
        where = f"organisation.yaml, person {row.get('username')}"
        if check.keys(where, row, {"username", "first_name", "last_name", "function"}, {"job_title", "committee_role"}):
            check.reference(where, "function", row["function"], functions, "business function")
            if "committee_role" in row:
                check.choice(where, "committee_role", row["committee_role"], MemberRole.values)
    roles = [row.get("committee_role") for row in data.people]
    if roles.count(MemberRole.CHAIR) != 1:
        check.fail("organisation.yaml people", "the committee needs exactly one chair")
    return usernames


def _check_committee(check: _Checker, data: DemoData) -> None:
    where = "organisation.yaml, committee"
    if check.keys(where, data.committee, {"name", "mandate", "covers_all_domains", "quorum_votes", "quorum_functions"}):
        votes, functions = data.committee["quorum_votes"], data.committee["quorum_functions"]
        if not (isinstance(votes, int) and isinstance(functions, int) and 1 <= functions <= votes):
            check.fail(where, "quorum_functions must be between 1 and quorum_votes")


def _check_domains(check: _Checker, data: DemoData, usernames: set[str]) -> set[str]:
    slugs = check.unique("organisation.yaml domains", data.domains, "slug")
    for row in data.domains:
        where = f"organisation.yaml, domain {row.get('slug')}"
        if check.keys(where, row, {"slug", *NAMED, "owner", "sponsor", "strategic_priority"}):
            for field in ("owner", "sponsor"):
                check.reference(where, field, row[field], usernames, "person")
            check.choice(where, "strategic_priority", row["strategic_priority"], StrategicPriority.values)
    return slugs


def _check_teams(check: _Checker, data: DemoData, usernames: set[str], functions: set[str]) -> dict[str, set[str]]:
    check.unique("organisation.yaml teams", data.teams, "slug")
    members = {}
    for row in data.teams:
        where = f"organisation.yaml, team {row.get('slug')}"
        if check.keys(where, row, {"slug", *NAMED, "function", "members"}):
            check.reference(where, "function", row["function"], functions, "business function")
            for username in row["members"]:
                check.reference(where, "member", username, usernames, "person")
            members[row["slug"]] = set(row["members"])
    return members


def _check_foundations(check: _Checker, data: DemoData, teams: set[str]) -> set[str]:
    slugs = check.unique("foundations.yaml", data.foundations, "slug")
    for row in data.foundations:
        where = f"foundations.yaml, {row.get('slug')}"
        if check.keys(where, row, {"slug", *NAMED, "kind", "owner_team", "readiness"}):
            check.choice(where, "kind", row["kind"], FoundationKind.values)
            check.choice(where, "readiness", row["readiness"], Readiness.values)
            if row["owner_team"] is not None:
                check.reference(where, "owner_team", row["owner_team"], teams, "team")
    return slugs


def _check_use_cases(check, data, usernames, domains, teams, functions, foundations) -> set[str]:
    keys = check.unique("use_cases.yaml", data.use_cases, "key")
    roles = {row.get("committee_role"): row.get("username") for row in data.people if isinstance(row, dict)}
    required = {"key", "status", "title", "domain", "team", "owner"}
    optional = set(USE_CASE_CONTENT_FIELDS) - required
    for row in data.use_cases:
        where = f"use_cases.yaml, {row.get('key')}"
        if not check.keys(where, row, required, optional):
            continue
        check.choice(where, "status", row["status"], Status.values)
        check.reference(where, "domain", row["domain"], domains, "domain")
        check.reference(where, "team", row["team"], set(teams), "team")
        for field in ("owner", "sponsor"):
            if row.get(field) is not None:
                check.reference(where, field, row[field], usernames, "person")
        if row["owner"] not in teams.get(row["team"], set()):
            check.fail(where, f"owner {row['owner']!r} is not a member of team {row['team']!r}")
        for name, value in row.items():
            if name in USE_CASE_RELATION_FIELDS or name in ("key", "status", "journey_stages"):
                continue
            allowed = _model_choices(name)
            if allowed is not None and value not in ("", None):
                check.choice(where, name, value, allowed)
        for stage in row.get("journey_stages", []):
            check.choice(where, "journey_stages", stage, _journey_stages())
        for slug in row.get("functions", []):
            check.reference(where, "functions", slug, functions, "business function")
        for slug in row.get("foundations", []):
            check.reference(where, "foundations", slug, foundations, "foundation")
        if row["status"] != Status.DRAFT:
            empty = [f for f in UseCase.REQUIRED_FOR_SUBMISSION if row.get(f) in (None, "")]
            if not row.get("functions"):
                empty.append("functions")
            if empty:
                check.fail(where, f"a {row['status']} use case was submitted, so it needs {', '.join(empty)}")
        if row["status"] in DECIDED and row.get("risk_tier", "not_assessed") == "not_assessed":
            check.fail(where, f"a {row['status']} use case was decided on an assessed EU AI Act risk tier")
        in_team = teams.get(row["team"], set())
        if row["status"] in DECIDED and roles.get(MemberRole.CHAIR) in in_team:
            check.fail(where, f"the chair sits in team {row['team']!r}: they may not decide on its use cases")
        if row["status"] in REVIEWED and roles.get(MemberRole.SECRETARY) in in_team:
            check.fail(where, f"the secretary sits in team {row['team']!r}: they may not review its use cases")
    return keys


def _journey_stages() -> list[str]:
    from domains.choices import JourneyStage

    return JourneyStage.values


def _check_links(check: _Checker, data: DemoData, keys: set[str]) -> None:
    seen = set()
    for index, row in enumerate(data.links, 1):
        where = f"links.yaml, link {index}"
        if not check.keys(where, row, {"source", "target", "kind", "strength", "rationale"}):
            continue
        for field in ("source", "target"):
            check.reference(where, field, row[field], keys, "use case")
        check.choice(where, "kind", row["kind"], LinkKind.values)
        check.choice(where, "strength", row["strength"], LinkStrength.values)
        if row["source"] == row["target"]:
            check.fail(where, "a use case cannot be linked to itself")
        pair = (row["source"], row["target"], row["kind"])
        if pair in seen or (row["target"], row["source"], row["kind"]) in seen and row["kind"] != LinkKind.DEPENDS_ON:
            check.fail(where, f"{row['source']} - {row['target']} ({row['kind']}) appears twice")
        seen.add(pair)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_impact(check: _Checker, data: DemoData, usernames: set[str]) -> None:
    """Success measures and side effects (impact.yaml): the workflow asks a use case for a measure beyond
    efficiency before its submission and for an assessed side effect before its delivery, so the files
    must give them wherever the use case's history goes that far."""
    if not isinstance(data.impact, dict):
        check.fail("impact.yaml", f"expected a mapping of use case keys, found {type(data.impact).__name__}")
        return
    use_cases = {row["key"]: row for row in data.use_cases if isinstance(row, dict) and "key" in row}
    teams = {row["slug"]: set(row["members"]) for row in data.teams if isinstance(row, dict) and "members" in row}
    committee = {row["username"] for row in data.people if isinstance(row, dict) and row.get("committee_role")}
    for key, row in use_cases.items():
        if row.get("status") not in (Status.DRAFT, Status.DISCARDED) and key not in data.impact:
            check.fail(
                "impact.yaml",
                f"use case {key} ({row.get('status')}) has no entry: it was submitted, so it needs success measures",
            )
    for key, entry in data.impact.items():
        where = f"impact.yaml, {key}"
        use_case = use_cases.get(key)
        if use_case is None:
            check.fail(where, f"{key!r} names no use case of use_cases.yaml")
            continue
        if not check.keys(where, entry, set(), {"kpis", "side_effects"}):
            continue
        status = use_case.get("status")
        may_act = teams.get(use_case.get("team"), set()) | committee
        kpis = _check_kpis(check, where, entry.get("kpis") or [], use_case, usernames, may_act)
        _check_side_effects(check, where, entry.get("side_effects") or [], status, usernames, kpis)


def _check_kpis(check: _Checker, where: str, rows, use_case: dict, usernames: set[str], may_act: set[str]) -> set:
    status = use_case.get("status")
    if not isinstance(rows, list):
        check.fail(where, f"kpis: expected a list, found {type(rows).__name__}")
        return set()
    fewest, most = KPIS_PER_USE_CASE
    if rows and not fewest <= len(rows) <= most or not rows and status != Status.DRAFT:
        check.fail(where, f"kpis: {len(rows)} success measure(s), give {fewest} to {most}")
    names, outcome, measured = set(), False, False
    for index, row in enumerate(rows, 1):
        name = row.get("name") if isinstance(row, dict) else None
        at = f"{where}, success measure {name!r}" if name else f"{where}, success measure {index}"
        if not check.keys(at, row, KPI_FIELDS, KPI_OPTIONAL_FIELDS):
            continue
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            check.fail(at, "name must be text of 1 to 200 characters")
        elif name in names:
            check.fail(at, "name appears twice in this use case")
        names.add(name)
        check.choice(at, "category", row["category"], KpiCategory.values)
        check.choice(at, "direction", row["direction"], KpiDirection.values)
        check.choice(at, "frequency", row["frequency"], KpiFrequency.values)
        outcome = outcome or row["category"] in set(KpiCategory.values) - {KpiCategory.EFFICIENCY}
        if not isinstance(row["unit"], str) or not row["unit"].strip() or len(row["unit"]) > 40:
            check.fail(at, "unit must be text of 1 to 40 characters")
        baseline, target = row["baseline"], row["target"]
        for field in ("baseline", "target"):
            if not _is_number(row[field]):
                check.fail(at, f"{field} {row[field]!r} is not a number")
        if _is_number(baseline) and _is_number(target):
            better = target > baseline if row["direction"] == KpiDirection.HIGHER else target < baseline
            if not better:
                check.fail(at, f"target {target} is not better than baseline {baseline} ({row['direction']} is better)")
        months = row["target_in_months"]
        if (
            not isinstance(months, int)
            or isinstance(months, bool)
            or not TARGET_MONTHS[0] <= months <= TARGET_MONTHS[1]
        ):
            check.fail(
                at, f"target_in_months {months!r} must be a whole number from {TARGET_MONTHS[0]} to {TARGET_MONTHS[1]}"
            )
        if row.get("is_monetary"):
            if row["unit"] != "EUR":
                check.fail(
                    at, f"is_monetary: a monetary measure counts euros a year, so its unit is EUR, not {row['unit']!r}"
                )
            if not use_case.get("estimated_annual_benefit"):
                check.fail(at, "is_monetary: the use case has no estimated_annual_benefit to set it against")
        elif "is_monetary" in row and row["is_monetary"] is not False:
            check.fail(at, f"is_monetary must be true or false, not {row['is_monetary']!r}")
        if "owner" in row:
            check.reference(at, "owner", row["owner"], usernames, "person")
            if row["owner"] in usernames and row["owner"] not in may_act:
                check.fail(
                    at, f"owner {row['owner']!r} is neither in team {use_case.get('team')!r} nor on the committee"
                )
        if "trend" in row:
            check.choice(at, "trend", row["trend"], TRENDS)
            if status not in MEASURED:
                check.fail(
                    at,
                    f"trend: only an approved, in delivery or scaled use case is measured, this one is {status}",
                )
            measured = True
        else:
            for field in ("source", "noise", "note"):
                if field in row:
                    check.fail(at, f"{field} describes measurements: give a trend too")
        if "source" in row:
            check.choice(at, "source", row["source"], MEASUREMENT_SOURCES)
        if "noise" in row and not (_is_number(row["noise"]) and 0 <= row["noise"] <= 0.5):
            check.fail(at, f"noise {row['noise']!r} must be a number from 0 to 0.5")
        if "note" in row and not (isinstance(row["note"], str) and len(row["note"]) <= 500):
            check.fail(at, "note must be text of at most 500 characters")
    if status not in (Status.DRAFT, Status.DISCARDED) and rows and not outcome:
        check.fail(
            where,
            f"kpis: the use case is {status}, so it was submitted: give it a success measure beyond efficiency "
            "(growth, engagement, lasting_results or risk)",
        )
    if status in LIVE and rows and not measured:
        check.fail(
            where, f"kpis: the use case is {status}, so it is measured: give at least one success measure a trend"
        )
    return names


def _check_side_effects(check: _Checker, where: str, rows, status: str, usernames: set[str], kpis: set) -> None:
    if not isinstance(rows, list):
        check.fail(where, f"side_effects: expected a list, found {type(rows).__name__}")
        return
    titles, assessed_before_delivery = set(), False
    for index, row in enumerate(rows, 1):
        title = row.get("title") if isinstance(row, dict) else None
        at = f"{where}, side effect {title!r}" if title else f"{where}, side effect {index}"
        if not check.keys(at, row, SIDE_EFFECT_FIELDS, SIDE_EFFECT_OPTIONAL_FIELDS):
            continue
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            check.fail(at, "title must be text of 1 to 200 characters")
        elif title in titles:
            check.fail(at, "title appears twice in this use case")
        titles.add(title)
        check.choice(at, "kind", row["kind"], SideEffectKind.values)
        check.choice(at, "category", row["category"], SideEffectCategory.values)
        check.choice(at, "status", row["status"], SideEffectStatus.values)
        for field in ("likelihood", "severity"):
            value = row.get(field)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5):
                check.fail(at, f"{field} {value!r} must be a whole number from 1 to 5")
        rated = [row.get(field) is not None for field in ("likelihood", "severity")]
        if any(rated) and not all(rated):
            check.fail(at, "rate both likelihood and severity, or neither")
        for field, limit in (("description", PROSE_MAX_CHARS), ("mitigation", NOTE_MAX_CHARS)):
            if field in row and not (isinstance(row[field], str) and len(row[field]) <= limit):
                check.fail(at, f"{field} must be text of at most {limit} characters")
        if "owner" in row:
            check.reference(at, "owner", row["owner"], usernames, "person")
        if row["kind"] == SideEffectKind.OBSERVED and status not in DELIVERED:
            check.fail(at, f"kind: a side effect is observed once the use case is live, this one is {status}")
        if "kpi" in row:
            if row["kind"] != SideEffectKind.OBSERVED:
                check.fail(at, "kpi: only an observed side effect is tied to the success measure that shows it")
            check.reference(at, "kpi", row["kpi"], kpis, "success measure of this use case")
        days = row.get("reviewed_days_ago")
        if days is not None and (
            not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= REVIEW_DAYS_MAX
        ):
            check.fail(at, f"reviewed_days_ago {days!r} must be a whole number from 0 to {REVIEW_DAYS_MAX}")
        if status in LIVE and row["status"] in LIVE_SIDE_EFFECT_STATUSES and days is None:
            check.fail(
                at,
                f"reviewed_days_ago: the use case is {status}, so its side effects are watched: say when this one "
                "was last reviewed",
            )
        if row["kind"] == SideEffectKind.ANTICIPATED and all(rated):
            assessed_before_delivery = True
    if status in DELIVERED and not assessed_before_delivery:
        check.fail(
            where,
            f"side_effects: the use case is {status}, so it went to delivery: give it an anticipated side effect "
            "rated for likelihood and severity",
        )
