"""Loads the demo organisation (governance/demo/data.py) idempotently.

Idempotent means: a second run finds every row by its natural key (username, slug, use-case
external id "demo:<key>", the link's ends and kind) and creates or changes nothing. Use cases are
created through the same services as the forms; their demo status is then set as a data load, not
as a workflow transition (the demo has no history to replay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from domains.models import BusinessFunction, Domain, Foundation, Team, UseCase, User
from domains.services import use_case_create
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio.models import UseCaseLink
from portfolio.services import link_create

from . import data
from .committees import load_committees, open_seeded_review_rounds

DEMO_PASSWORD = "demo-pass-2026"
EXTERNAL_ID_PREFIX = "demo:"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return any(self.created.values())


@transaction.atomic
def load_demo() -> LoadReport:
    report = LoadReport()
    functions = {f.slug: f for f in BusinessFunction.objects.all()}
    users = _load_users(report, functions)
    load_committees(report, users, data.USERS, functions)
    domains = _load_domains(report, users)
    teams = _load_teams(report, functions, users)
    foundations = _load_foundations(report, teams)
    use_cases, created = _load_use_cases(report, domains, teams, users, functions, foundations)
    # The teams link their use cases while they are drafts; then the demo states are seeded.
    _load_links(report, use_cases, users)
    _seed_statuses(use_cases, created)
    open_seeded_review_rounds(report)
    _load_committee_group(report, users)
    return report


def _load_committee_group(report: LoadReport, users) -> None:
    """The committee works in the admin: its members get the model permissions of the three apps but
    not the power over accounts (the audit trail stays read-only whatever the permissions say)."""
    group, created = Group.objects.get_or_create(name=COMMITTEE_ADMIN_GROUP)
    if created:
        group.permissions.set(committee_admin_permissions())
    report.count("groups", created)
    members = [users[row["username"]] for row in data.USERS if row["committee_role"]]
    already = set(group.user_set.values_list("pk", flat=True))
    group.user_set.add(*[user for user in members if user.pk not in already])


def _load_users(report: LoadReport, functions) -> dict[str, User]:
    users = {}
    for row in data.USERS:
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "email": row["email"],
                "is_staff": row["is_staff"],
                "function": functions[row["function"]],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        report.count("users", created)
        users[user.username] = user
    return users


def _load_domains(report: LoadReport, users) -> dict[str, Domain]:
    domains = {}
    for row in data.DOMAINS:
        domain, created = Domain.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "owner": users.get(row["owner"]),
                "sponsor": users.get(row["sponsor"]),
                "strategic_priority": row["strategic_priority"],
            },
        )
        report.count("domains", created)
        domains[domain.slug] = domain
    return domains


def _load_teams(report: LoadReport, functions, users) -> dict[str, Team]:
    teams = {}
    for row in data.TEAMS:
        team, created = Team.objects.get_or_create(
            slug=row["slug"],
            defaults={"name": row["name"], "function": functions[row["function"]], "description": row["description"]},
        )
        if created:
            team.members.set([users[name] for name in row["members"]])
        report.count("teams", created)
        teams[team.slug] = team
    return teams


def _load_foundations(report: LoadReport, teams) -> dict[str, Foundation]:
    foundations = {}
    for row in data.FOUNDATIONS:
        foundation, created = Foundation.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "owner_team": teams.get(row["owner_team"]),
                "readiness": row["readiness"],
                "description": row["description"],
            },
        )
        report.count("foundations", created)
        foundations[foundation.slug] = foundation
    return foundations


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _load_use_cases(
    report: LoadReport, domains, teams, users, functions, foundations
) -> tuple[dict[str, UseCase], set[str]]:
    existing = {uc.external_id: uc for uc in UseCase.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)}
    use_cases, created = {}, set()
    for row in data.USE_CASES:
        external_id = EXTERNAL_ID_PREFIX + row["key"]
        use_case = existing.get(external_id)
        if use_case is None:
            owner = users[row["owner"]]
            use_case = use_case_create(
                actor=owner,
                data={
                    "title": row["title"],
                    "domain": domains[row["domain"]],
                    "team": teams[row["team"]],
                    "owner": owner,
                    "sponsor": users.get(row["sponsor"]) if row["sponsor"] else None,
                    "problem_statement": row["problem_statement"],
                    "proposed_solution": row["proposed_solution"],
                    "ambition": row["ambition"],
                    "journey_stages": list(row["journey_stages"]),
                    "ai_technique": row["ai_technique"],
                    "business_value": row["business_value"],
                    "feasibility": row["feasibility"],
                    "data_readiness": row["data_readiness"],
                    "estimated_annual_benefit": _money(row["estimated_annual_benefit"]),
                    "estimated_annual_cost": _money(row["estimated_annual_cost"]),
                    "risk_tier": row["eu_ai_act_risk"],
                    "is_high_impact": row["is_high_impact"],
                    "uses_personal_data": row["uses_personal_data"],
                    "sourcing": row["sourcing"],
                    "external_id": external_id,
                },
                functions=[functions[slug] for slug in row["functions"]],
                foundations=[foundations[slug] for slug in row["foundations"]],
            )
            created.add(row["key"])
            report.count("use cases", True)
        use_cases[row["key"]] = use_case
    return use_cases, created


def _seed_statuses(use_cases: dict[str, UseCase], created: set[str]) -> None:
    """Seeding a state, not deciding: the demo has no review history to replay."""
    for row in data.USE_CASES:
        if row["key"] in created and row["status"] != UseCase.Status.DRAFT:
            use_case = use_cases[row["key"]]
            UseCase.objects.filter(pk=use_case.pk).update(status=row["status"], status_changed_at=timezone.now())
            use_case.status = row["status"]


def _load_links(report: LoadReport, use_cases, users) -> None:
    existing = set(UseCaseLink.objects.values_list("source_id", "target_id", "kind"))
    for source_key, target_key, kind, strength, rationale in data.LINKS:
        source, target = use_cases[source_key], use_cases[target_key]
        if (source.pk, target.pk, kind) in existing:
            continue
        link_create(actor=source.owner, source=source, target=target, kind=kind, strength=strength, rationale=rationale)
        report.count("links", True)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, what they can do) for the README and the command's output."""
    rows = []
    for row in data.USERS:
        role = row["committee_role"] or "team member"
        where = "admin and team pages" if row["is_staff"] else "team pages"
        rows.append((row["username"], role, where))
    return rows
