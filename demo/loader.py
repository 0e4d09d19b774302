"""Loads the demo organisation (demo/data/*.yaml, checked by demo.fixtures) with a real history.

People, the committee, domains, teams and foundations are created first, dated before the first idea.
Each use case is then created by its owner and taken to the state the files give it through the same
services the product uses: submitted by its team, reviewed, voted on and decided by the committee
(members never on their own team's use cases), taken to delivery and scale by its team. Every step
happens on its own date, spread over the last 18 months (time is moved with time-machine while the
services run), so timelines, the committee's records, the API's decisions and every chart show a
real history. Dates and words are drawn from a random generator seeded by each use case's key: the
same files always give the same history.

Each use case's success measures and anticipated side effects (impact.yaml) are written by its team
before it is submitted (the workflow asks for a measure beyond efficiency, and for an assessed side
effect before delivery); once it is live, observed side effects follow, side effects are reviewed on
the dates the file gives, and measurements are recorded over the last 12 months at each measure's
frequency, imported by the system or entered by the measure's owner (demo/measurements.py draws them).

Loading again changes nothing: rows are found by their natural keys (username, slug, the use case's
external id "demo:<key>", a link's ends and kind, a measure's name and a side effect's title within
its use case) and only what is missing is created: a demo loaded before impact.yaml existed gets its
measures, side effects and measurements today.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.actors import SYSTEM
from core.models import AuditEvent
from domains.choices import EDITABLE_STATUSES, Ambition, RiskTier, Status
from domains.models import (
    USE_CASE_CONTENT_FIELDS,
    USE_CASE_RELATION_FIELDS,
    BusinessFunction,
    Domain,
    Foundation,
    Team,
    UseCase,
    User,
)
from domains.selectors import is_shared
from domains.services import use_case_create
from governance import services as workflow
from governance.choices import MeasurementSource, MemberRole, SideEffectKind, SideEffectStatus, VoteChoice
from governance.exceptions import GateRefused
from governance.models import Committee, CommitteeMembership, Kpi, Meeting, Notification, SideEffect
from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions
from portfolio import services as portfolio_services
from portfolio.matching import jaccard
from portfolio.models import ClusteringRun, Portfolio, PortfolioMembership, UseCaseLink
from portfolio.services import link_create

from . import fixtures, measurements

DEMO_PASSWORD = "demo-pass-2026"
EXTERNAL_ID_PREFIX = "demo:"
EMAIL_DOMAIN = "maisonverte.example"
HISTORY_DAYS = 540  # 18 months
# The organisation exists this long before its first use case.
SETUP_LEAD_DAYS = 30
NEXT_MEETING_IN_DAYS = 7
MONEY_FIELDS = ("estimated_annual_benefit", "estimated_annual_cost")
# Measurements go back this far (impact.yaml's trends).
MEASUREMENT_DAYS = 365
# Days between the end of a measured period and its recording: (fewest, most).
MEASUREMENT_LAG = (1, 6)


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool = True) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1

    def add(self, kind: str, count: int) -> None:
        if count:
            self.created[kind] = self.created.get(kind, 0) + count

    @property
    def changed_anything(self) -> bool:
        return any(self.created.values())


@dataclass(order=True)
class _Step:
    when: datetime.datetime
    seq: int
    run: Callable[[], None] = field(compare=False)


def load_demo(*, now: datetime.datetime | None = None) -> LoadReport:
    now = now or timezone.now()
    functions = {f.slug: f for f in BusinessFunction.objects.all()}
    data = fixtures.load(set(functions))
    report = LoadReport()
    with transaction.atomic():
        first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        start = now - datetime.timedelta(days=HISTORY_DAYS + SETUP_LEAD_DAYS)
        with time_machine.travel(start, tick=False):
            users = _load_users(report, data, functions)
            committee = _load_committee(report, data, users, functions)
            domains = _load_domains(report, data, users)
            teams = _load_teams(report, data, functions, users)
            foundations = _load_foundations(report, data, teams)
            _load_committee_group(report, data, users)
        history = _History(data, now, users, committee, domains, teams, foundations, functions, report)
        history.run()
        # The demo's history does not replay its emails: they belong to the dates it pretends.
        Notification.objects.filter(pk__gt=first_notification).delete()
        _prepare_next_meeting(report, committee, history.secretary, now)
        _load_portfolios(report, data, users)
    return report


def plan_history(*, now: datetime.datetime) -> _History:
    """The history the files give every use case when loaded at `now`, planned over the organisation
    already in the database and not run: nothing is written (tests check what it would measure)."""
    functions = {f.slug: f for f in BusinessFunction.objects.all()}
    data = fixtures.load(set(functions))
    history = _History(
        data,
        now,
        {user.username: user for user in User.objects.all()},
        Committee.objects.get(name=data.committee["name"]),
        {domain.slug: domain for domain in Domain.objects.all()},
        {team.slug: team for team in Team.objects.all()},
        {foundation.slug: foundation for foundation in Foundation.objects.all()},
        functions,
        LoadReport(),
    )
    history.use_cases = {}
    for index, row in enumerate(data.use_cases):
        history._plan_use_case(index, row)
    return history


# A proposal stands for a designed group (portfolios.yaml) when they share at least half their union.
DEMO_PORTFOLIO_OVERLAP = 0.5


def _load_portfolios(report: LoadReport, data, users) -> None:
    """Propose portfolios from the demo's links with a real clustering run (once: a database that
    has runs keeps them), then adopt the proposals that stand for a designed group, with the name,
    theme and owner the committee gave it."""
    if ClusteringRun.objects.exists():
        return
    run = portfolio_services.clustering_run_create(actor=SYSTEM, dispatch=False)
    run = portfolio_services.clustering_run_execute(run_id=run.pk)
    report.count("clustering runs")
    if run.status != ClusteringRun.Status.SUCCEEDED:
        raise RuntimeError(f"The demo's clustering run failed: {run.error}")
    designed = {name: {EXTERNAL_ID_PREFIX + key for key in keys} for name, keys in data.clusters.items()}
    keys_of: dict[int, set[str]] = {}
    for portfolio_id, external_id in PortfolioMembership.objects.values_list("portfolio_id", "use_case__external_id"):
        keys_of.setdefault(portfolio_id, set()).add(external_id)
    taken: set[str] = set()
    for portfolio in Portfolio.objects.filter(status=Portfolio.Status.PROPOSED).order_by("reference"):
        members = keys_of.get(portfolio.pk, set())
        score, name = max(
            ((jaccard(members, keys), name) for name, keys in designed.items() if name not in taken), default=(0, None)
        )
        report.count("portfolios")
        if name is None or score < DEMO_PORTFOLIO_OVERLAP or name not in data.portfolios:
            continue
        taken.add(name)
        spec = data.portfolios[name]
        portfolio = portfolio_services.portfolio_update(
            actor=SYSTEM, portfolio=portfolio, data={"theme": spec["theme"]}
        )
        portfolio_services.portfolio_adopt(
            actor=SYSTEM, portfolio=portfolio, name=spec["name"], owner=users[spec["owner"]]
        )
        report.count("adopted portfolios")


def _load_users(report: LoadReport, data, functions) -> dict[str, User]:
    users = {}
    for row in data.people:
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "email": f"{row['username']}@{EMAIL_DOMAIN}",
                "is_staff": bool(row.get("committee_role")),
                "function": functions[row["function"]],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        report.count("users", created)
        users[user.username] = user
    return users


def _load_committee(report: LoadReport, data, users, functions) -> Committee:
    spec = data.committee
    committee, created = Committee.objects.get_or_create(
        name=spec["name"],
        defaults={
            "mandate": spec["mandate"],
            "covers_all_domains": spec["covers_all_domains"],
            "quorum_votes": spec["quorum_votes"],
            "quorum_functions": spec["quorum_functions"],
        },
    )
    report.count("committees", created)
    seated = set(
        CommitteeMembership.objects.filter(committee=committee, end_date__isnull=True).values_list("user_id", flat=True)
    )
    for row in data.people:
        user = users[row["username"]]
        if not row.get("committee_role") or user.pk in seated:
            continue
        CommitteeMembership.objects.create(
            committee=committee, user=user, function=functions[row["function"]], role=row["committee_role"]
        )
        report.count("committee memberships")
    return committee


def _load_committee_group(report: LoadReport, data, users) -> None:
    """The committee works in the admin through this group (governance.selectors)."""
    group, created = Group.objects.get_or_create(name=COMMITTEE_ADMIN_GROUP)
    if created:
        group.permissions.set(committee_admin_permissions())
    report.count("groups", created)
    members = [users[row["username"]] for row in data.people if row.get("committee_role")]
    already = set(group.user_set.values_list("pk", flat=True))
    group.user_set.add(*[user for user in members if user.pk not in already])


def _names(row) -> dict[str, str]:
    """A domain's, team's or foundation's name and description in each language (domains/translation.py)."""
    return {
        "name_en": row["name"],
        "name_fr": row["name_fr"],
        "description_en": row["description"],
        "description_fr": row["description_fr"],
    }


def _add_french(instance, row) -> bool:
    """A row loaded before the files had French names gets them (and keeps any it has)."""
    missing = [name for name in ("name_fr", "description_fr") if not getattr(instance, name)]
    for name in missing:
        setattr(instance, name, row[name])
    if missing:
        instance.save(update_fields=missing)
    return bool(missing)


def _load_domains(report: LoadReport, data, users) -> dict[str, Domain]:
    domains = {}
    for row in data.domains:
        domain, created = Domain.objects.get_or_create(
            slug=row["slug"],
            defaults={
                **_names(row),
                "owner": users.get(row["owner"]),
                "sponsor": users.get(row["sponsor"]),
                "strategic_priority": row["strategic_priority"],
            },
        )
        report.count("domains", created)
        report.count("French names", not created and _add_french(domain, row))
        domains[domain.slug] = domain
    return domains


def _load_teams(report: LoadReport, data, functions, users) -> dict[str, Team]:
    teams = {}
    for row in data.teams:
        team, created = Team.objects.get_or_create(
            slug=row["slug"],
            defaults={**_names(row), "function": functions[row["function"]]},
        )
        if created:
            team.members.set([users[name] for name in row["members"]])
        report.count("teams", created)
        report.count("French names", not created and _add_french(team, row))
        teams[team.slug] = team
    return teams


def _load_foundations(report: LoadReport, data, teams) -> dict[str, Foundation]:
    foundations = {}
    for row in data.foundations:
        foundation, created = Foundation.objects.get_or_create(
            slug=row["slug"],
            defaults={
                **_names(row),
                "kind": row["kind"],
                "owner_team": teams.get(row["owner_team"]),
                "readiness": row["readiness"],
            },
        )
        report.count("foundations", created)
        report.count("French names", not created and _add_french(foundation, row))
        foundations[foundation.slug] = foundation
    return foundations


def _prepare_next_meeting(report: LoadReport, committee: Committee, secretary: User, now) -> None:
    """The committee's next meeting, with the use cases in review on its agenda."""
    today = timezone.localdate(now)
    if Meeting.objects.filter(committee=committee, date__gte=today).exists():
        return
    if not UseCase.objects.filter(status=Status.IN_REVIEW).exists():
        return
    with time_machine.travel(now, tick=False):
        workflow.meeting_prepare_next(
            actor=secretary, committee=committee, date=today + datetime.timedelta(days=NEXT_MEETING_IN_DAYS)
        )
    report.count("meetings")


# The history ------------------------------------------------------------------------------------

# Days between one step and the next: (fewest, most).
GAPS = {
    "submit": (12, 45),
    "start_review": (3, 12),
    "vote": (1, 6),
    "request_changes": (2, 6),
    "resubmit": (10, 25),
    "decide": (2, 8),
    "start_delivery": (10, 40),
    "scale": (70, 150),
    "retire": (60, 120),
    "put_on_hold": (5, 20),
}
# Days between a use case's last step and today, by the state it is in.
TAILS = {
    Status.DRAFT: (3, 240),
    Status.SUBMITTED: (1, 10),
    Status.IN_REVIEW: (2, 25),
    Status.CHANGES_REQUESTED: (3, 20),
    Status.IN_DELIVERY: (10, 150),
}
DEFAULT_TAIL = (10, 330)

APPROVE_COMMENTS = {
    "finance": "The benefit case holds; report realised savings to the committee every quarter.",
    "hr": "Bring the teams who will work with it in early; training is part of the plan.",
    "marketing": "Customers will notice: let us measure engagement, not only cost.",
    "it": "It builds on platforms we already run; no new stack needed.",
    "legal-compliance": "Acceptable once the transparency notice and the DPIA are done.",
    "customer-service": "Advisers asked for this; keep them in the loop during the pilot.",
    "supply-chain": "Fits the replenishment calendar; start before the spring peak.",
    "operations": "Clear owner, clear measure of success: go.",
}
GATE_OVERRIDE_REASON = (
    "What it depends on is still in review; the committee accepts to go ahead on the current data and platform, "
    "and will check the dependency at the next meeting."
)
CHANGE_REQUESTS = [
    "Quantify the benefit and say how it will be measured after go-live.",
    "Say which foundation it relies on and who owns it; the data plan is missing.",
    "Describe the fallback when the model is wrong, and who reviews its output.",
    "Show what changes for the customer, not only for the process.",
]
REJECT_COMMENTS = [
    "The value does not justify the cost and the change effort.",
    "The data it needs is not ready; come back when the foundation is in place.",
    "Too close to work already under way in another team: join it instead.",
    "The risk to customers is not balanced by the benefit.",
]


class _History:
    def __init__(self, data, now, users, committee, domains, teams, foundations, functions, report):
        self.data, self.now, self.users, self.committee = data, now, users, committee
        self.domains, self.teams, self.foundations, self.functions = domains, teams, foundations, functions
        self.report = report
        self.members_of = {row["slug"]: set(row["members"]) for row in data.teams}
        by_role = {row.get("committee_role"): row["username"] for row in data.people if row.get("committee_role")}
        self.chair, self.secretary = users[by_role[MemberRole.CHAIR]], users[by_role[MemberRole.SECRETARY]]
        self.voters = [row for row in data.people if row.get("committee_role") in (MemberRole.CHAIR, MemberRole.MEMBER)]
        self.use_cases: dict[str, UseCase] = {
            uc.external_id.removeprefix(EXTERNAL_ID_PREFIX): uc
            for uc in UseCase.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
        }
        # key -> [(when, status from then on)]: what each new use case's history will be.
        self.states: dict[str, list[tuple[datetime.datetime, str]]] = {}
        self.steps: list[_Step] = []
        self.today = timezone.localdate(now)
        # (use case key, measure name) -> the measure, once created; (key, title) -> the side effect.
        self.kpis: dict[tuple[str, str], Kpi] = {}
        self.side_effects: dict[tuple[str, str], SideEffect] = {}
        self.series: dict[tuple[str, str], dict[datetime.date, Decimal]] = {}
        # key -> when its team writes its measures and anticipated side effects.
        self.prepared: dict[str, datetime.datetime] = {}
        # Trends the files give that their dates cannot show: reported before anything is written.
        self.problems: list[str] = []

    def run(self) -> None:
        loaded = set(self.use_cases)
        for index, row in enumerate(self.data.use_cases):
            if row["key"] not in self.use_cases:
                self._plan_use_case(index, row)
        self._plan_missing_impact([row for row in self.data.use_cases if row["key"] in loaded])
        if self.problems:
            raise fixtures.DemoDataError(self.problems)
        self._plan_links()
        for step in sorted(self.steps):
            with time_machine.travel(step.when, tick=False):
                step.run()

    def _add(self, when: datetime.datetime, run: Callable[[], None]) -> None:
        self.steps.append(_Step(when, len(self.steps), run))

    # One use case -------------------------------------------------------------------------------

    def _plan_use_case(self, index: int, row: dict) -> None:
        rng = random.Random(f"demo:{row['key']}")
        path = self._path(index, row, rng)
        tail = rng.randint(*TAILS.get(row["status"], DEFAULT_TAIL))
        gaps = [rng.randint(*GAPS[kind]) for kind, _ in path]
        budget = HISTORY_DAYS - tail
        if sum(gaps) > budget:
            gaps = [max(1, gap * budget // sum(gaps)) for gap in gaps]
        created = self.now - datetime.timedelta(days=tail + sum(gaps), hours=rng.randint(0, 8))
        states = [(created, Status.DRAFT)]
        self._add(created, lambda: self._create(row))
        when = created
        moments = []
        for (kind, params), gap in zip(path, gaps, strict=True):
            when = when + datetime.timedelta(days=gap, minutes=rng.randint(0, 600))
            self._add(when, self._action(row, kind, params))
            moments.append((kind, when))
            if params.get("to"):
                states.append((when, params["to"]))
        self.states[row["key"]] = states
        self._plan_impact(row, created, moments, states)

    def _path(self, index: int, row: dict, rng: random.Random) -> list[tuple[str, dict]]:
        """The steps from draft to the state the files give, as (kind, parameters)."""
        status = row["status"]
        eligible = [v for v in self.voters if v["username"] not in self.members_of[row["team"]]]
        rng.shuffle(eligible)
        submit = ("submit", {"to": Status.SUBMITTED})
        review = ("start_review", {"to": Status.IN_REVIEW})

        def votes(choices: list[str]) -> list[tuple[str, dict]]:
            return [
                ("vote", {"voter": voter, "choice": choice}) for voter, choice in zip(eligible, choices, strict=False)
            ]

        def approval() -> list[tuple[str, dict]]:
            steps = [submit, review]
            if index % 4 == 0:  # a first round sent back for changes, then resubmitted
                steps += [
                    *votes([VoteChoice.REQUEST_CHANGES]),
                    ("request_changes", {"to": Status.CHANGES_REQUESTED, "by": eligible[0]}),
                    ("resubmit", {"to": Status.SUBMITTED}),
                    review,
                ]
            count = rng.choice([3, 3, 4, 5])
            choices = [VoteChoice.APPROVE] * count
            if count >= 4:
                choices[-1] = VoteChoice.REQUEST_CHANGES
            return [*steps, *votes(choices), ("decide", {"to": Status.APPROVED, "outcome": "approved"})]

        if status == Status.DRAFT:
            return []
        if status == Status.DISCARDED:
            return [("discard", {"to": Status.DISCARDED})]
        if status == Status.SUBMITTED:
            return [submit]
        if status == Status.IN_REVIEW:
            return [submit, review, *votes([VoteChoice.APPROVE] * rng.randint(0, 2))]
        if status == Status.CHANGES_REQUESTED:
            return [
                submit,
                review,
                *votes([VoteChoice.REQUEST_CHANGES, VoteChoice.APPROVE][: rng.randint(1, 2)]),
                ("request_changes", {"to": Status.CHANGES_REQUESTED, "by": eligible[0]}),
            ]
        if status == Status.REJECTED:
            choices = [VoteChoice.REJECT, VoteChoice.REJECT, rng.choice([VoteChoice.REJECT, VoteChoice.APPROVE])]
            return [submit, review, *votes(choices), ("decide", {"to": Status.REJECTED, "outcome": "rejected"})]
        if status == Status.ON_HOLD:
            hold = ("put_on_hold", {"to": Status.ON_HOLD})
            held_from = index % 3
            if held_from == 0:
                return [submit, hold]
            if held_from == 1:
                return [submit, review, *votes([VoteChoice.APPROVE]), hold]
            return [*approval(), hold]
        steps = approval()
        if status == Status.APPROVED:
            return steps
        for later in (Status.IN_DELIVERY, Status.SCALED, Status.RETIRED):
            action = {Status.IN_DELIVERY: "start_delivery", Status.SCALED: "scale", Status.RETIRED: "retire"}[later]
            steps.append((action, {"to": later}))
            if status == later:
                break
        return steps

    def _create(self, row: dict) -> None:
        """The use case as its owner writes it: every content field the row gives (the one list,
        domains.models.USE_CASE_CONTENT_FIELDS), names resolved to rows; what it leaves out keeps the
        model's default."""
        references = {"domain": self.domains, "team": self.teams, "owner": self.users, "sponsor": self.users}
        data = {}
        for name in USE_CASE_CONTENT_FIELDS:
            if name in USE_CASE_RELATION_FIELDS or name not in row:
                continue
            value = row[name]
            if name in references:
                value = references[name][value] if value else None
            elif name in MONEY_FIELDS:
                value = _money(value)
            elif isinstance(value, list):
                value = list(value)
            data[name] = value
        use_case = use_case_create(
            actor=self.users[row["owner"]],
            data={**data, "external_id": EXTERNAL_ID_PREFIX + row["key"]},
            functions=[self.functions[slug] for slug in row.get("functions", [])],
            foundations=[self.foundations[slug] for slug in row.get("foundations", [])],
        )
        self.use_cases[row["key"]] = use_case
        self.report.count("use cases")

    def _action(self, row: dict, kind: str, params: dict) -> Callable[[], None]:
        def run() -> None:
            use_case = self.use_cases[row["key"]]
            owner = self.users[row["owner"]]
            rng = random.Random(f"demo:{row['key']}:{kind}:{params.get('voter', {}).get('username', '')}")
            if kind in ("submit", "resubmit"):
                workflow.use_case_submit(actor=owner, use_case=use_case)
            elif kind == "start_review":
                workflow.use_case_start_review(actor=self.secretary, use_case=use_case)
            elif kind == "vote":
                self._vote(use_case, params["voter"], params["choice"], rng)
            elif kind == "request_changes":
                workflow.use_case_request_changes(
                    actor=self.users[params["by"]["username"]], use_case=use_case, comment=rng.choice(CHANGE_REQUESTS)
                )
            elif kind == "decide":
                self._gated(
                    lambda reason: workflow.use_case_decide(
                        actor=self.chair,
                        use_case=use_case,
                        outcome=params["outcome"],
                        rationale=_rationale(row, params["outcome"]),
                        conditions=_conditions(row) if params["outcome"] == "approved" else "",
                        override_reason=reason,
                    )
                )
                self.report.count("decisions")
            elif kind == "put_on_hold":
                workflow.use_case_transition(
                    actor=self.secretary,
                    use_case=use_case,
                    action="put_on_hold",
                    comment="Paused until the foundation it needs is ready.",
                )
            else:  # start_delivery, scale, retire: the team moves its own work on
                try:
                    workflow.use_case_transition(actor=owner, use_case=use_case, action=kind)
                except GateRefused:  # what it depends on is not ready: the chair lets it go ahead
                    self._gated(
                        lambda reason: workflow.use_case_transition(
                            actor=self.chair, use_case=use_case, action=kind, override_reason=reason
                        )
                    )
            use_case.refresh_from_db()

        return run

    def _gated(self, step: Callable[[str], object]) -> None:
        """A step the dependency gate may hold: as the committee does, the chair lifts it, saying why."""
        try:
            step("")
        except GateRefused:
            step(GATE_OVERRIDE_REASON)
            self.report.count("dependency gates overridden")

    def _vote(self, use_case: UseCase, voter: dict, choice: str, rng: random.Random) -> None:
        if choice == VoteChoice.APPROVE:
            comment = APPROVE_COMMENTS.get(voter["function"], "") if rng.random() < 0.6 else ""
        elif choice == VoteChoice.REJECT:
            comment = rng.choice(REJECT_COMMENTS)
        else:
            comment = rng.choice(CHANGE_REQUESTS)
        workflow.vote_cast(actor=self.users[voter["username"]], use_case=use_case, choice=choice, comment=comment)
        self.report.count("votes")

    # Impact: success measures, side effects, measurements ----------------------------------------

    def _plan_impact(self, row: dict, created: datetime.datetime, moments: list, states: list) -> None:
        """The team writes its measures and anticipated side effects while it prepares the submission,
        records observed side effects once live, reviews them on the file's dates, and measures."""
        impact = self.data.impact.get(row["key"])
        if not impact:
            return
        rng = random.Random(f"demo:impact:{row['key']}")
        first = next((when for kind, when in moments if kind in ("submit", "discard")), None)
        prepared = created + ((first or self.now) - created) * rng.uniform(0.3, 0.7)
        self.prepared[row["key"]] = prepared
        delivered, retired = _reached(states, Status.IN_DELIVERY), _reached(states, Status.RETIRED)
        anticipated = []
        for spec in impact.get("side_effects") or []:
            if spec["kind"] == SideEffectKind.OBSERVED:
                window = (delivered, retired or self.now)
            else:
                window = (prepared, prepared)
            create_at, review_at = self._side_effect_dates(spec, window, rng)
            if spec["kind"] == SideEffectKind.OBSERVED:
                self._add(create_at, self._side_effect_step(row, spec, reviewed_later=review_at is not None))
            else:
                anticipated.append((spec, review_at is not None))
            if review_at is not None:
                self._add(review_at, self._review(row, spec))
        self._add(prepared, self._prepare(row, impact.get("kpis") or [], anticipated))
        measured_from = _reached(states, Status.APPROVED, last=True) if row["status"] == Status.APPROVED else delivered
        if row["status"] in fixtures.MEASURED and measured_from is not None:
            for spec in impact.get("kpis") or []:
                self._plan_measurements(row, spec, measured_from, prepared, rng)

    def _side_effect_dates(self, spec: dict, window: tuple, rng: random.Random):
        """When a side effect is recorded (within `window`, before its last review) and when it was last
        reviewed, if after that (None: reviewed when recorded)."""
        start, end = window
        review_at = None
        if spec.get("reviewed_days_ago") is not None:
            review_at = self._at(self.today - datetime.timedelta(days=spec["reviewed_days_ago"]), rng)
            if review_at > start + datetime.timedelta(days=2):
                end = min(end, review_at)
        create_at = start + (end - start) * rng.uniform(0.3, 0.8)
        if review_at is not None and timezone.localdate(review_at) <= timezone.localdate(create_at):
            review_at = None  # the file's review comes before the effect was recorded: reviewed when recorded
        return create_at, review_at

    def _at(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """A moment of a working day, never after now."""
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))) + datetime.timedelta(
            minutes=rng.randint(0, 480)
        )
        return min(moment, self.now)

    def _prepare(self, row: dict, kpis: list[dict], anticipated: list[tuple[dict, bool]]) -> Callable[[], None]:
        def run() -> None:
            use_case = self.use_cases[row["key"]]
            for spec in kpis:
                self._kpi_create(row, use_case, spec)
            for spec, reviewed_later in anticipated:
                self._side_effect_create(row, use_case, spec, reviewed_later=reviewed_later)

        return run

    def _kpi_create(self, row: dict, use_case: UseCase, spec: dict) -> Kpi:
        data = {
            "name": spec["name"],
            "category": spec["category"],
            "unit": spec["unit"],
            "is_monetary": bool(spec.get("is_monetary")),
            "baseline": Decimal(str(spec["baseline"])),
            "target": Decimal(str(spec["target"])),
            "target_date": measurements.add_months(self.today, spec["target_in_months"]),
            "direction": spec["direction"],
            "frequency": spec["frequency"],
            "owner": self.users[spec.get("owner", row["owner"])],
        }
        kpi = workflow.kpi_create(actor=self.users[row["owner"]], use_case=use_case, data=data)
        self.kpis[(row["key"], spec["name"])] = kpi
        self.report.count("success measures")
        return kpi

    def _side_effect_step(self, row: dict, spec: dict, reviewed_later: bool) -> Callable[[], None]:
        def run() -> None:
            self._side_effect_create(row, self.use_cases[row["key"]], spec, reviewed_later=reviewed_later)

        return run

    def _side_effect_create(
        self, row: dict, use_case: UseCase, spec: dict, *, reviewed_later: bool, reviewed_on=None
    ) -> SideEffect:
        """Recorded by the use case's owner; one reviewed later is recorded open and takes the file's
        status at that review."""
        fields = ("kind", "category", "title", "description", "likelihood", "severity", "mitigation")
        data = {name: spec[name] for name in fields if name in spec}
        data["owner"] = self.users[spec.get("owner", row["owner"])]
        data["status"] = SideEffectStatus.OPEN if reviewed_later else spec["status"]
        if spec.get("kpi"):
            data["kpi"] = self._kpi(row, use_case, spec["kpi"])
        if reviewed_on is not None:
            data["last_reviewed_on"] = reviewed_on
        side_effect = workflow.side_effect_create(actor=self.users[row["owner"]], use_case=use_case, data=data)
        self.side_effects[(row["key"], spec["title"])] = side_effect
        self.report.count("side effects")
        return side_effect

    def _kpi(self, row: dict, use_case: UseCase, name: str) -> Kpi:
        if (row["key"], name) not in self.kpis:  # created by an earlier load
            self.kpis[(row["key"], name)] = Kpi.objects.get(use_case=use_case, name=name)
        return self.kpis[(row["key"], name)]

    def _review(self, row: dict, spec: dict) -> Callable[[], None]:
        def run() -> None:
            side_effect = self.side_effects[(row["key"], spec["title"])]
            data = {"last_reviewed_on": timezone.localdate()}
            if spec["status"] != side_effect.status:
                data["status"] = spec["status"]
            self.side_effects[(row["key"], spec["title"])] = workflow.side_effect_update(
                actor=self.users[row["owner"]], side_effect=side_effect, data=data
            )
            self.report.count("side-effect reviews")

        return run

    def _measurement_dates(self, spec: dict, measured_from: datetime.datetime) -> list[datetime.date]:
        """The period ends measured: since the use case went live, over the last 12 months, before today."""
        first = max(timezone.localdate(measured_from), self.today - datetime.timedelta(days=MEASUREMENT_DAYS))
        return measurements.period_ends(spec["frequency"], first, self.today - datetime.timedelta(days=1))

    def _plan_measurements(self, row: dict, spec: dict, measured_from, created: datetime.datetime, rng) -> None:
        """Imports arrive each quarter, a person enters a measure each month, a few days after its period."""
        if "trend" not in spec:
            return
        dates = self._measurement_dates(spec, measured_from)
        if not self._draw(row, spec, dates, measured_from, created):
            return
        months = 1 if spec.get("source") == MeasurementSource.MANUAL else 3
        batches: dict[int, list[datetime.date]] = {}
        for day in dates:
            batches.setdefault((day.year * 12 + day.month - 1) // months, []).append(day)
        for batch in batches.values():
            when = self._at(batch[-1] + datetime.timedelta(days=rng.randint(*MEASUREMENT_LAG)), rng)
            self._add(when, self._measure(row, spec, dates, batch))

    def _measure(self, row: dict, spec: dict, dates: list, batch: list) -> Callable[[], None]:
        def run() -> None:
            kpi = self.kpis[(row["key"], spec["name"])]
            values = self.series[(row["key"], spec["name"])]
            rows = [{"date": day, "value": values[day]} for day in batch]
            if spec.get("note") and batch[-1] == dates[-1]:
                rows[-1]["note"] = spec["note"]
            source = spec.get("source", MeasurementSource.IMPORT)
            actor = self.users[spec.get("owner", row["owner"])] if source == MeasurementSource.MANUAL else SYSTEM
            recorded = workflow.kpi_measurements_record(actor=actor, kpi=kpi, rows=rows, source=source)
            self.report.add("measurements", recorded.created)

        return run

    def _draw(self, row: dict, spec: dict, dates: list, measured_from, created: datetime.datetime) -> bool:
        """Draw the measure's whole series now (its latest value depends on all its dates and on the
        day the measure is created, where the progress rule starts counting); False when there is
        nothing to measure or the trend cannot show (the problem is kept for the report)."""
        if not dates:
            return False
        try:
            values = measurements.series(
                baseline=Decimal(str(spec["baseline"])),
                target=Decimal(str(spec["target"])),
                unit=spec["unit"],
                trend=spec["trend"],
                dates=dates,
                live_from=timezone.localdate(measured_from),
                # The rule reads the creation day of the measure's timestamp (UTC).
                start=min(dates[0], created.astimezone(datetime.timezone.utc).date()),
                target_date=measurements.add_months(self.today, spec["target_in_months"]),
                tolerance=settings.GOVERNANCE_KPI_TOLERANCE,
                rng=random.Random(f"demo:measurements:{row['key']}:{spec['name']}"),
                noise=spec.get("noise", measurements.DEFAULT_NOISE),
                where=f"impact.yaml, {row['key']}, success measure {spec['name']!r}",
            )
        except measurements.TrajectoryError as exc:
            self.problems.append(str(exc))
            return False
        self.series[(row["key"], spec["name"])] = dict(zip(dates, values, strict=True))
        return True

    def _plan_missing_impact(self, rows: list[dict]) -> None:
        """Use cases loaded before: what impact.yaml gives them and they lack is written today (a demo
        loaded before the file existed gets its measures, side effects and measurements)."""
        ids = {self.use_cases[row["key"]].pk for row in rows}
        if not ids:
            return
        kpis = set(Kpi.objects.filter(use_case_id__in=ids).values_list("use_case_id", "name"))
        effects = set(SideEffect.objects.filter(use_case_id__in=ids).values_list("use_case_id", "title"))
        for row in rows:
            use_case = self.use_cases[row["key"]]
            impact = self.data.impact.get(row["key"]) or {}
            if use_case.status == Status.DISCARDED:
                continue
            missing_kpis = [spec for spec in impact.get("kpis") or [] if (use_case.pk, spec["name"]) not in kpis]
            missing_effects = [
                spec for spec in impact.get("side_effects") or [] if (use_case.pk, spec["title"]) not in effects
            ]
            measured_from = _reached_in_trail(use_case) if missing_kpis else None
            measured = []
            for spec in missing_kpis:
                dates = self._measurement_dates(spec, measured_from) if measured_from and "trend" in spec else []
                if dates and self._draw(row, spec, dates, measured_from, self.now):
                    measured.append((spec, dates))
            if missing_kpis or missing_effects:
                self._add(self.now, self._add_missing_impact(row, missing_kpis, measured, missing_effects))

    def _add_missing_impact(self, row: dict, kpis: list[dict], measured: list, effects: list[dict]) -> Callable:
        def run() -> None:
            use_case = self.use_cases[row["key"]]
            for spec in kpis:
                self._kpi_create(row, use_case, spec)
            for spec, dates in measured:
                self._measure(row, spec, dates, dates)()
            for spec in effects:
                days = spec.get("reviewed_days_ago")
                reviewed_on = None if days is None else self.today - datetime.timedelta(days=days)
                self._side_effect_create(row, use_case, spec, reviewed_later=False, reviewed_on=reviewed_on)

        return run

    # Links --------------------------------------------------------------------------------------

    def _status_at(self, key: str, when: datetime.datetime) -> str:
        states = self.states.get(key)
        if states is None:  # loaded before: as it is now
            return self.use_cases[key].status
        current = states[0][1]
        for moment, status in states:
            if moment <= when:
                current = status
        return current

    def _created_at(self, key: str) -> datetime.datetime:
        states = self.states.get(key)
        return states[0][0] if states else self.now

    def _plan_links(self) -> None:
        existing = set(UseCaseLink.objects.values_list("source__external_id", "target__external_id", "kind"))
        for row in self.data.links:
            source, target = EXTERNAL_ID_PREFIX + row["source"], EXTERNAL_ID_PREFIX + row["target"]
            if (source, target, row["kind"]) in existing:
                continue
            rng = random.Random(f"demo:link:{row['source']}:{row['target']}:{row['kind']}")
            when = max(self._created_at(row["source"]), self._created_at(row["target"]))
            when = min(self.now, when + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 6)))
            self._add(when, self._link(row, when))

    def _link(self, row: dict, when: datetime.datetime) -> Callable[[], None]:
        def run() -> None:
            source, target = self.use_cases[row["source"]], self.use_cases[row["target"]]
            owner = source.owner
            same_team = source.team_id == target.team_id
            by_team = self._status_at(row["source"], when) in EDITABLE_STATUSES and (
                same_team or is_shared(self._status_at(row["target"], when))
            )
            # The team links its own draft; otherwise the secretary maps the portfolio for the committee.
            actor = owner if by_team else (self.secretary if self.states else SYSTEM)
            link_create(
                actor=actor,
                source=source,
                target=target,
                kind=row["kind"],
                strength=row["strength"],
                rationale=row["rationale"],
            )
            self.report.count("links")

        return run


def _reached(states: list, status: str, last: bool = False) -> datetime.datetime | None:
    """When a planned history reached `status` (the first time, or the last)."""
    moments = [when for when, reached in states if reached == status]
    return (moments[-1] if last else moments[0]) if moments else None


def _reached_in_trail(use_case: UseCase) -> datetime.datetime | None:
    """When a use case loaded before went live (or was approved, if that is where it stands), from its
    audit trail."""
    if use_case.status not in fixtures.MEASURED:
        return None
    status = Status.APPROVED if use_case.status == Status.APPROVED else Status.IN_DELIVERY
    trail = AuditEvent.objects.filter(use_case=use_case, action__startswith="workflow.", data__to=status)
    order = "-created_at" if status == Status.APPROVED else "created_at"
    return trail.order_by(order).values_list("created_at", flat=True).first()


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _rationale(row: dict, outcome: str) -> str:
    benefit, cost = row.get("estimated_annual_benefit") or 0, row.get("estimated_annual_cost") or 0
    net = benefit - cost
    if outcome == "approved":
        reach = (
            "It changes how customers discover, choose and stay."
            if row.get("ambition") == Ambition.TRANSFORMATION
            else "It makes an existing process faster and more reliable."
        )
        return (
            f"Value {row['business_value']}/5, feasibility {row['feasibility']}/5, data readiness "
            f"{row['data_readiness']}/5, for a net value of about EUR {net / 1000:,.0f}k a year. {reach}"
        )
    if row.get("risk_tier") == RiskTier.PROHIBITED:
        return "A prohibited practice under the EU AI Act: the group will not deploy it in any form."
    if (row.get("data_readiness") or 0) <= 2:
        return "The data it needs is not ready; resubmit once the foundations it relies on are in place."
    if net <= 0:
        return "The expected benefit does not cover the cost of building and running it."
    return "Other use cases in the domain deliver the same value with less risk; the committee funds those."


def _conditions(row: dict) -> str:
    conditions = []
    if row.get("uses_personal_data"):
        conditions.append("Complete the data protection impact assessment with the DPO before the pilot starts.")
    if row.get("is_high_impact"):
        conditions.append("A person reviews every automated decision during the pilot; report fairness metrics.")
    return " ".join(conditions)


def demo_logins(data=None) -> list[tuple[str, str, str]]:
    """(username, role, where they work) for the README and the command's output."""
    data = data or fixtures.load({f.slug for f in BusinessFunction.objects.all()})
    rows = []
    for row in data.people:
        role = row.get("committee_role") or "team member"
        where = "admin and team pages" if row.get("committee_role") else "team pages"
        rows.append((row["username"], role, where))
    return rows
