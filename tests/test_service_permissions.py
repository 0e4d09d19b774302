"""Every write service, called as every role, allowed or refused as the table below says. The
services decide who may (STYLE.md): a refusal is PermissionDenied and writes nothing (no audit event,
no change); an allowed call records its audit event.

Roles: anonymous (not signed in), team (a member of the team that owns the use case), other_team (a
member of another team), member (a voting committee member), secretary, chair, superuser (an
administrator on no committee), system (imports, jobs, the demo loader).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core import services as core_services
from core.actors import SYSTEM
from core.exceptions import BusinessRuleError
from core.models import AuditEvent
from domains import services as domain_services
from domains.models import Domain, UseCase
from exchange import services as exchange_services
from governance import services as workflow
from portfolio import services as link_services
from portfolio.models import Portfolio, PortfolioMembership
from tests.factories import (
    FoundationFactory,
    TeamFactory,
    UseCaseFactory,
    UseCaseLinkFactory,
    UserFactory,
    function,
)
from tests.governance.conftest import World, advance, approve_votes

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "team", "other_team", "member", "secretary", "chair", "superuser", "system")

EVERYONE_WHO_EDITS = {"team", "member", "secretary", "chair", "superuser", "system"}
COMMITTEE = {"member", "secretary", "chair"}
VOTERS = {"member", "chair"}


@dataclass
class Case:
    """A write, the state it needs, and who may make it."""

    allowed: set[str]
    call: Callable  # (world, actor, prepared) -> None
    prepare: Callable = lambda world: None  # (world) -> anything the call needs
    # Refused roles get PermissionDenied, except these, refused by a business rule of the state.
    refused_by_rule: frozenset[str] = frozenset()
    # An allowed call records its audit event; False for a derived record that changes nothing (the
    # dashboard's weekly snapshot), whose call checks what it wrote.
    audited: bool = True


def _new_use_case(world: World, actor):
    domain_services.use_case_create(
        actor=actor,
        data={
            "title": "A new idea",
            "domain": world.use_case.domain,
            "team": world.use_case.team,
            "owner": world.owner,
        },
    )


def _submitted(world: World):
    return advance(world, "submitted")


def _in_review(world: World):
    return advance(world, "in_review")


def _voted(world: World):
    use_case = advance(world, "in_review")
    approve_votes(world, use_case)
    return use_case


def _link(world: World):
    target = UseCaseFactory()
    UseCase.objects.filter(pk=target.pk).update(status="submitted")
    return UseCaseLinkFactory(source=world.use_case, target=target)


def _usage(world: World):
    return domain_services.foundation_usage_add(actor=SYSTEM, use_case=world.use_case, foundation=FoundationFactory())


def _shared_target():
    target = UseCaseFactory()
    UseCase.objects.filter(pk=target.pk).update(status="submitted")
    return target


def _portfolio(world: World, status: str = "proposed"):
    portfolio = Portfolio.objects.create(reference="PF-900", name="Churn prevention", status=status)
    PortfolioMembership.objects.create(portfolio=portfolio, use_case=_shared_target())
    return portfolio


def _membership(world: World):
    return _portfolio(world).memberships.get()


PORTFOLIO_DECIDERS = COMMITTEE | {"superuser", "system"}

IMPORTERS = {"superuser", "system"}
_MAPPING = "name: Inventory\nsource: inventory\nexternal_id: ID\nfields: {title: Name, domain: Domain, team: Team}\n"


def _import_run(actor, world: World | None = None):
    domain, team = (world.use_case.domain.name, world.use_case.team.name) if world else ("Nowhere", "Nobody")
    run = exchange_services.import_run_create(
        actor=actor,
        file_name="inventory.csv",
        content=f"ID,Name,Domain,Team\r\n1,An idea,{domain},{team}\r\n".encode(),
        definition=_MAPPING,
        enqueue=False,
    )
    assert run.status == "queued"
    return run


def _previewed(world: World):
    run = exchange_services.import_run_execute(run_id=_import_run(SYSTEM, world).pk)
    assert run.status == "previewed" and not run.problems, run.problems
    return run


def _use_cases_imported(world: World, actor) -> None:
    new = UseCase(
        title="Imported idea",
        domain=world.use_case.domain,
        team=world.use_case.team,
        external_source="inventory",
        external_id="1",
    )
    domain_services.use_cases_import(actor=actor, new=[(new, [], [])], changed=[], run="import run 1")
    assert UseCase.objects.filter(external_source="inventory", external_id="1").exists()


CASES: dict[str, Case] = {
    "use_case_create": Case(EVERYONE_WHO_EDITS, lambda w, a, p: _new_use_case(w, a)),
    "use_case_update (draft)": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: domain_services.use_case_update(actor=a, use_case=w.use_case, data={"title": "Renamed"}),
    ),
    "use_case_update (submitted)": Case(
        COMMITTEE | {"superuser", "system"},
        lambda w, a, p: domain_services.use_case_update(actor=a, use_case=p, data={"title": "Renamed"}),
        _submitted,
        refused_by_rule=frozenset({"team"}),
    ),
    "foundation_usage_add": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: domain_services.foundation_usage_add(actor=a, use_case=w.use_case, foundation=p),
        lambda w: FoundationFactory(),
    ),
    "foundation_usage_update": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: domain_services.foundation_usage_update(actor=a, usage=p, note="Daily extract"),
        _usage,
    ),
    "foundation_usage_remove": Case(
        EVERYONE_WHO_EDITS, lambda w, a, p: domain_services.foundation_usage_remove(actor=a, usage=p), _usage
    ),
    "link_create": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: link_services.link_create(actor=a, source=w.use_case, target=p, kind="reinforces"),
        lambda w: _shared_target(),
    ),
    "link_update": Case(
        EVERYONE_WHO_EDITS, lambda w, a, p: link_services.link_update(actor=a, link=p, data={"strength": 3}), _link
    ),
    "link_delete": Case(EVERYONE_WHO_EDITS, lambda w, a, p: link_services.link_delete(actor=a, link=p), _link),
    "use_case_submit": Case({"team"}, lambda w, a, p: workflow.use_case_submit(actor=a, use_case=w.use_case)),
    "use_case_withdraw": Case({"team"}, lambda w, a, p: workflow.use_case_withdraw(actor=a, use_case=p), _submitted),
    "use_case_start_review": Case(
        COMMITTEE, lambda w, a, p: workflow.use_case_start_review(actor=a, use_case=p), _submitted
    ),
    "use_case_request_changes": Case(
        COMMITTEE,
        lambda w, a, p: workflow.use_case_request_changes(actor=a, use_case=p, comment="Quantify it."),
        _in_review,
    ),
    "vote_cast": Case(
        VOTERS, lambda w, a, p: workflow.vote_cast(actor=a, use_case=p, choice="approve", comment=""), _in_review
    ),
    "use_case_decide": Case(
        {"chair"},
        lambda w, a, p: workflow.use_case_decide(actor=a, use_case=p, outcome="approved", rationale="Weighed."),
        _voted,
    ),
    "use_case_transition (put_on_hold)": Case(
        COMMITTEE, lambda w, a, p: workflow.use_case_transition(actor=a, use_case=p, action="put_on_hold"), _submitted
    ),
    "use_case_transition (start_delivery)": Case(
        {"team", "chair"},
        lambda w, a, p: workflow.use_case_transition(actor=a, use_case=p, action="start_delivery"),
        lambda w: advance(w, "approved"),
    ),
    "use_case_transition (discard)": Case(
        {"team"}, lambda w, a, p: workflow.use_case_transition(actor=a, use_case=w.use_case, action="discard")
    ),
    "meeting_prepare_next": Case(
        COMMITTEE,
        lambda w, a, p: workflow.meeting_prepare_next(
            actor=a, committee=w.committee, date=timezone.localdate() + datetime.timedelta(days=7)
        ),
    ),
    # The committee's mandate, quorum and members: an administrator, the system or the chair; never a
    # member on themselves (the secretary's own membership below), and a chair only by an administrator.
    "committee_create": Case(
        {"superuser", "system"},
        lambda w, a, p: workflow.committee_create(actor=a, data={"name": "Data committee", "quorum_votes": 2}),
    ),
    "committee_update": Case(
        {"chair", "superuser", "system"},
        lambda w, a, p: workflow.committee_update(actor=a, committee=w.committee, data={"quorum_votes": 4}),
    ),
    "committee_membership_add": Case(
        {"chair", "superuser", "system"},
        lambda w, a, p: workflow.committee_membership_add(
            actor=a, committee=w.committee, user=p, function=function("sales"), role="member"
        ),
        lambda w: UserFactory(username="newcomer"),
    ),
    "committee_membership_update (the secretary's own role)": Case(
        {"chair", "superuser", "system"},
        lambda w, a, p: workflow.committee_membership_update(actor=a, membership=p, data={"role": "member"}),
        lambda w: w.committee.memberships.get(user=w.secretary),
    ),
    "committee_membership_update (the chair's)": Case(
        {"superuser", "system"},
        lambda w, a, p: workflow.committee_membership_update(actor=a, membership=p, data={"role": "member"}),
        lambda w: w.committee.memberships.get(user=w.chair),
    ),
    # Teams decide who edits a team's use cases and who is recused from its votes.
    "team_create": Case(
        {"superuser", "system"},
        lambda w, a, p: domain_services.team_create(
            actor=a, data={"name": "New team", "slug": "new-team", "function": function("sales")}
        ),
    ),
    "team_update": Case(
        {"superuser", "system"},
        lambda w, a, p: domain_services.team_update(
            actor=a, team=w.use_case.team, data={}, members=[*w.use_case.team.members.all(), w.finance]
        ),
    ),
    # Portfolios are the committee's (portfolio.rules).
    "clustering_run_create": Case(
        PORTFOLIO_DECIDERS, lambda w, a, p: link_services.clustering_run_create(actor=a, dispatch=False)
    ),
    "portfolio_update": Case(
        PORTFOLIO_DECIDERS,
        lambda w, a, p: link_services.portfolio_update(actor=a, portfolio=p, data={"name": "Renamed"}),
        _portfolio,
    ),
    "portfolio_adopt": Case(
        PORTFOLIO_DECIDERS, lambda w, a, p: link_services.portfolio_adopt(actor=a, portfolio=p), _portfolio
    ),
    "portfolio_dismiss": Case(
        PORTFOLIO_DECIDERS, lambda w, a, p: link_services.portfolio_dismiss(actor=a, portfolio=p), _portfolio
    ),
    "portfolio_archive": Case(
        PORTFOLIO_DECIDERS,
        lambda w, a, p: link_services.portfolio_archive(actor=a, portfolio=p),
        lambda w: _portfolio(w, "adopted"),
    ),
    "portfolio_member_add": Case(
        PORTFOLIO_DECIDERS,
        lambda w, a, p: link_services.portfolio_member_add(actor=a, portfolio=p, use_case=_shared_target()),
        _portfolio,
    ),
    "portfolio_member_remove": Case(
        PORTFOLIO_DECIDERS, lambda w, a, p: link_services.portfolio_member_remove(actor=a, membership=p), _membership
    ),
    "portfolio_member_pin": Case(
        PORTFOLIO_DECIDERS, lambda w, a, p: link_services.portfolio_member_pin(actor=a, membership=p), _membership
    ),
    # The priority weights and the verdicts on suggested duplicates are the committee's too.
    "priority_weights_update": Case(
        PORTFOLIO_DECIDERS, lambda w, a, p: link_services.priority_weights_update(actor=a, data={"synergy": 0.7})
    ),
    "duplicate_pair_judge": Case(
        PORTFOLIO_DECIDERS,
        lambda w, a, p: link_services.duplicate_pair_judge(
            actor=a, use_case=_shared_target(), other=p, verdict="not_duplicate"
        ),
        lambda w: UseCaseFactory(status="submitted", team=w.use_case.team),
    ),
    # A token acts as its user (here: the team member): that person, an administrator or the system.
    "api_token_create": Case(
        {"team", "superuser", "system"},
        lambda w, a, p: core_services.api_token_create(actor=a, user=w.team_member, name="Power BI"),
    ),
    "api_token_update": Case(
        {"team", "superuser", "system"},
        lambda w, a, p: core_services.api_token_update(actor=a, token=p, data={"name": "Renamed"}),
        lambda w: core_services.api_token_create(actor=SYSTEM, user=w.team_member, name="Power BI")[0],
    ),
    "api_token_revoke": Case(
        {"team", "superuser", "system"},
        lambda w, a, p: core_services.api_token_revoke(actor=a, token=p),
        lambda w: core_services.api_token_create(actor=SYSTEM, user=w.team_member, name="Power BI")[0],
    ),
    # Success measures and side effects: the team that owns the use case and its committee (any role),
    # an administrator, the system (governance.rules.impact_refusal).
    "kpi_create": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.kpi_create(
            actor=a, use_case=w.use_case, data={"name": "NPS", "category": "engagement"}
        ),
    ),
    "kpi_update": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.kpi_update(actor=a, kpi=p, data={"target": 4}),
        lambda w: w.use_case.kpis.get(),
    ),
    "kpi_delete": Case(
        EVERYONE_WHO_EDITS, lambda w, a, p: workflow.kpi_delete(actor=a, kpi=p), lambda w: w.use_case.kpis.get()
    ),
    "kpi_measurements_record": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.kpi_measurements_record(
            actor=a, kpi=p, rows=[{"date": timezone.localdate().isoformat(), "value": 2.5}]
        ),
        lambda w: w.use_case.kpis.get(),
    ),
    "measurement_delete": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.measurement_delete(actor=a, measurement=p),
        lambda w: workflow.kpi_measurements_record(
            actor=SYSTEM, kpi=w.use_case.kpis.get(), rows=[{"date": "2026-01-31", "value": 2.2}]
        ).measurements[0],
    ),
    "side_effect_create": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.side_effect_create(
            actor=a, use_case=w.use_case, data={"category": "workforce", "title": "Roles change"}
        ),
    ),
    "side_effect_update": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.side_effect_update(actor=a, side_effect=p, data={"severity": 4}),
        lambda w: w.use_case.side_effects.get(),
    ),
    "side_effect_delete": Case(
        EVERYONE_WHO_EDITS,
        lambda w, a, p: workflow.side_effect_delete(actor=a, side_effect=p),
        lambda w: w.use_case.side_effects.get(),
    ),
    "side_effects_mark_reviewed": Case(
        EVERYONE_WHO_EDITS, lambda w, a, p: workflow.side_effects_mark_reviewed(actor=a, use_case=w.use_case)
    ),
    # The dashboard's weekly figures: the system's job, or an administrator's.
    "impact_snapshot_take": Case({"superuser", "system"}, lambda w, a, p: _snapshot_taken(a), audited=False),
    # Imports: whoever holds domains.import_use_cases (the committee's admin group is granted it: see
    # tests/exchange/test_import_admin.py), an administrator, the system. A committee seat alone does
    # not import: these members are not in the group.
    **{
        name: Case(IMPORTERS, call, prepare or (lambda w: None), audited=audited)
        for name, call, prepare, audited in [
            (
                "import_mapping_save",
                lambda w, a, p: exchange_services.import_mapping_save(actor=a, text=_MAPPING),
                None,
                True,
            ),
            ("import_run_create", lambda w, a, p: _import_run(a), None, False),
            (
                "import_run_confirm",
                lambda w, a, p: exchange_services.import_run_confirm(actor=a, run=p),
                _previewed,
                False,
            ),
            (
                "reference_record_import",
                lambda w, a, p: domain_services.reference_record_import(
                    actor=a, model=Domain, data={"name": "Imported agency", "slug": "imported-agency"}
                ),
                None,
                False,
            ),
            ("use_cases_import", lambda w, a, p: _use_cases_imported(w, a), None, True),
            (
                "use_case_statuses_import",
                lambda w, a, p: workflow.use_case_statuses_import(
                    actor=a, changes=[(w.use_case, "scaled", None)], run="import run 1"
                ),
                None,
                True,
            ),
        ]
    },
}


def _snapshot_taken(actor) -> None:
    from governance.models import ImpactSnapshot

    snapshot = workflow.impact_snapshot_take(actor=actor)
    assert ImpactSnapshot.objects.filter(pk=snapshot.pk, taken_on=timezone.localdate()).exists()


def _actor(world: World, role: str):
    if role == "anonymous":
        return AnonymousUser()
    if role == "system":
        return SYSTEM
    if role == "superuser":
        return UserFactory(username="administrator", is_staff=True, is_superuser=True)
    if role == "other_team":
        return world.other_team_member
    if role == "member":
        return world.finance
    return {"team": world.team_member, "secretary": world.secretary, "chair": world.chair}[role]


def test_the_table_covers_every_write_service():
    import inspect

    modules = (core_services, domain_services, link_services, workflow, exchange_services)
    # Services that people call (notifications and deliveries are the system's own plumbing).
    plumbing = {
        "audit_record",
        "audit_record_many",
        "require_may_import",  # the rule the import services share, not a write
        # An import's permission is decided when it is created (import_run_create); these execute,
        # hand out, sweep and read what was already allowed (the task, the sweeper, the admin).
        "import_run_execute",
        "import_runs_dispatch",
        "import_runs_sweep",
        "import_run_progress",
        "run_has_errors",
        "notification_enqueue",
        "notifications_dispatch",
        "notification_deliver",
        "use_cases_lock",  # takes row locks for the services, writes nothing
        "recipient_language",  # reads a person's language for their emails
        # A run's permission is decided when it is created; these execute, hand out, sweep and
        # measure what was already allowed (the task, the sweeper, the services above).
        "clustering_run_parameters",
        "clustering_run_execute",
        "clustering_runs_dispatch",
        "clustering_runs_sweep",
        "portfolios_recompute",
        # Ripple alerts: written by the workflow services (and a foundation's save) whose permission
        # was already decided, to the owners concerned; no one calls them directly.
        "use_case_ripple_notify",
        "foundation_ripple_notify",
    }
    public = {
        name
        for module in modules
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and "_" in name
        and not name.startswith("notifications_")
        and name not in plumbing
        and name != "notifications_due"
    }
    covered = {name.split(" ")[0] for name in CASES}
    assert public == covered


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_every_write_service_as_every_role(world, name, role):
    TeamFactory(slug="elsewhere", members=[world.other_team_member])
    case = CASES[name]
    prepared = case.prepare(world)
    actor = _actor(world, role)
    before = AuditEvent.objects.count()

    if role in case.allowed:
        case.call(world, actor, prepared)
        if case.audited:
            assert AuditEvent.objects.count() > before
    else:
        expected = BusinessRuleError if role in case.refused_by_rule else PermissionDenied
        with pytest.raises(expected):
            case.call(world, actor, prepared)
        assert AuditEvent.objects.count() == before
