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

from domains.choices import FoundationKind, Readiness, Status, StrategicPriority
from domains.models import USE_CASE_CONTENT_FIELDS, USE_CASE_RELATION_FIELDS, UseCase
from governance.choices import MemberRole
from portfolio.choices import LinkKind, LinkStrength

DATA_DIR = Path(__file__).resolve().parent / "data"
# States the loader may reach through a decision (on hold may follow an approval): the committee
# decided on an assessed risk tier, and its chair is not in the owning team.
DECIDED = frozenset(
    {Status.APPROVED, Status.REJECTED, Status.IN_DELIVERY, Status.SCALED, Status.RETIRED, Status.ON_HOLD}
)
# States past review, reached after the secretary started the review.
REVIEWED = DECIDED | {Status.IN_REVIEW, Status.CHANGES_REQUESTED}


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
    )
    check = _Checker()
    usernames = _check_people(check, data, function_slugs)
    _check_committee(check, data)
    domains = _check_domains(check, data, usernames)
    teams = _check_teams(check, data, usernames, function_slugs)
    foundations = _check_foundations(check, data, set(teams))
    keys = _check_use_cases(check, data, usernames, domains, teams, function_slugs, foundations)
    _check_links(check, data, keys)
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
        if check.keys(where, row, {"slug", "name", "description", "owner", "sponsor", "strategic_priority"}):
            for field in ("owner", "sponsor"):
                check.reference(where, field, row[field], usernames, "person")
            check.choice(where, "strategic_priority", row["strategic_priority"], StrategicPriority.values)
    return slugs


def _check_teams(check: _Checker, data: DemoData, usernames: set[str], functions: set[str]) -> dict[str, set[str]]:
    check.unique("organisation.yaml teams", data.teams, "slug")
    members = {}
    for row in data.teams:
        where = f"organisation.yaml, team {row.get('slug')}"
        if check.keys(where, row, {"slug", "name", "function", "description", "members"}):
            check.reference(where, "function", row["function"], functions, "business function")
            for username in row["members"]:
                check.reference(where, "member", username, usernames, "person")
            members[row["slug"]] = set(row["members"])
    return members


def _check_foundations(check: _Checker, data: DemoData, teams: set[str]) -> set[str]:
    slugs = check.unique("foundations.yaml", data.foundations, "slug")
    for row in data.foundations:
        where = f"foundations.yaml, {row.get('slug')}"
        if check.keys(where, row, {"slug", "name", "kind", "owner_team", "readiness", "description"}):
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
