"""Writes of the portfolio app: links between use cases, clustering runs, and the committee's
portfolios.

Links. A link A link belongs to its source: whoever may change the source
(domains.rules.require_may_edit_use_case) may link it, change the link or remove it. Every service
locks the use cases it touches in primary-key order (two requests linking A->B and B->A take the
same locks in the same order, so they wait for each other instead of deadlocking), checks, writes
and records its audit event."""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as KombuOperationalError
from simple_history.utils import bulk_update_with_history

from core.actors import SYSTEM, Actor, user_or_none
from core.bulk import copy_create_with_history
from core.changes import apply_changes, refuse_unknown_fields
from core.exceptions import BusinessRuleError, ChangedMeanwhile
from core.limits import NOTE_MAX_CHARS, check_text_limits
from core.models import AuditAction
from core.services import audit_record
from domains.choices import Status
from domains.models import Domain, ReferenceSequence, UseCase
from domains.rules import require_may_edit_use_case
from domains.selectors import use_case_visibility_filter
from domains.services import use_cases_lock

from .choices import (
    LIVE_PORTFOLIO_STATUSES,
    DuplicateVerdict,
    LinkKind,
    LinkStrength,
    MembershipSource,
    PortfolioStatus,
    RunStatus,
)
from .clustering import communities_of, isolated_of, partition_find
from .graph import DEFAULT_STATUSES, GraphOptions, graph_build
from .matching import Existing, changes_between, proposals_match
from .metrics import METRIC_FIELDS, portfolio_facts
from .models import ClusteringRun, DuplicatePair, Portfolio, PortfolioMembership, PriorityWeights, UseCaseLink
from .models.portfolios import PORTFOLIO_REFERENCE_PREFIX
from .models.priorities import WEIGHT_FIELDS
from .rules import require_may_manage_portfolios

logger = logging.getLogger(__name__)

# Rows per INSERT or UPDATE when a run writes its portfolios and memberships.
WRITE_BATCH_SIZE = 5_000
# Use cases named per portfolio in a run's change summary (the counts are always whole).
CHANGE_LIST_LIMIT = 50
# ...and the portfolios whose joins and leaves it lists, those with the most movement first (a first
# run at 100,000 use cases has thousands of new portfolios, every one of them "joined").
CHANGE_PORTFOLIO_LIMIT = 100
# The PostgreSQL advisory lock that makes runs write one at a time.
PORTFOLIO_WRITE_LOCK = 7_401_001

LINK_FIELDS = ("source", "target", "kind", "strength", "rationale")


def _save_link(link: UseCaseLink) -> None:
    link.full_clean()
    try:
        # A savepoint, so that a refusal by the database (the dependency-cycle trigger on
        # PostgreSQL, a concurrent duplicate) leaves the caller's transaction usable.
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise ValidationError(_integrity_message(exc)) from exc


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc)
    if "dependency cycle" in text:
        return text.splitlines()[0]
    if "link_unique" in text:
        return gettext("These two use cases already have a link of this kind.")
    return gettext("The link was refused by the database: %(error)s") % {"error": text.splitlines()[0]}


def _require_visible(actor: Actor, use_case: UseCase, field: str) -> None:
    """An end of a link the actor cannot see (another team's draft) does not exist for them."""
    visibility = use_case_visibility_filter(actor)
    if visibility is not None and not UseCase.objects.filter(visibility, pk=use_case.pk).exists():
        raise ValidationError({field: [gettext("No such use case.")]})


def _link_data(link: UseCaseLink) -> dict:
    return {
        "source": link.source.reference,
        "target": link.target.reference,
        "kind": link.kind,
        "strength": link.strength,
    }


@transaction.atomic
def link_create(
    *,
    actor: Actor,
    source: UseCase,
    target: UseCase,
    kind: str,
    strength: int = 2,
    rationale: str = "",
) -> UseCaseLink:
    locked = use_cases_lock(source, target)
    require_may_edit_use_case(actor, locked[source.pk])
    _require_visible(actor, target, "target")
    link = UseCaseLink(
        source=locked[source.pk],
        target=locked[target.pk],
        kind=kind,
        strength=strength,
        rationale=rationale,
        created_by=user_or_none(actor),
    )
    _save_link(link)
    audit_record(actor=actor, action=AuditAction.LINK_CREATED, target=link.source, data=_link_data(link))
    return link


@transaction.atomic
def link_update(*, actor: Actor, link: UseCaseLink, data: dict) -> UseCaseLink:
    """Change a link's kind, strength, rationale or ends. Who may change the source before the
    change, and the source after it, must both allow it."""
    unknown = sorted(set(data) - set(LINK_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext("This field cannot be set.")))
    current = UseCaseLink.objects.select_related("source", "target").get(pk=link.pk)
    new_source, new_target = data.get("source", current.source), data.get("target", current.target)
    locked = use_cases_lock(current.source, current.target, new_source, new_target)
    link = UseCaseLink.objects.select_for_update().get(pk=link.pk)
    if not {link.source_id, link.target_id} <= set(locked):
        raise ChangedMeanwhile(gettext("This link was changed meanwhile: read it again and retry."))
    require_may_edit_use_case(actor, locked[link.source_id])
    if new_source.pk != link.source_id:
        require_may_edit_use_case(actor, locked[new_source.pk])
        _require_visible(actor, new_source, "source")
    if new_target.pk != link.target_id:
        _require_visible(actor, new_target, "target")
    for name, value in data.items():
        setattr(link, name, locked[value.pk] if name in ("source", "target") else value)
    _save_link(link)
    audit_record(actor=actor, action=AuditAction.LINK_UPDATED, target=link.source, data=_link_data(link))
    return link


@transaction.atomic
def link_delete(*, actor: Actor, link: UseCaseLink) -> None:
    current = UseCaseLink.objects.select_related("source", "target").get(pk=link.pk)
    locked = use_cases_lock(current.source, current.target)
    # Read it again under the locks: a concurrent change of its ends must not be deleted under the
    # permission of the ends it had before.
    if (
        UseCaseLink.objects.select_for_update()
        .filter(pk=link.pk, source=current.source_id, target=current.target_id)
        .count()
        != 1
    ):
        raise ChangedMeanwhile(gettext("This link was changed meanwhile: read it again and retry."))
    require_may_edit_use_case(actor, locked[current.source_id])
    data = _link_data(current)
    source = locked[current.source_id]
    current.delete()
    audit_record(actor=actor, action=AuditAction.LINK_DELETED, target=source, data=data)


# Clustering runs ------------------------------------------------------------------------------------
# A run is created pending by the committee (or the system) and executed once, by a worker (or in
# process when no broker is configured): the worker claims it with a conditional update, reads the
# graph, clusters it, and writes every portfolio and membership in one transaction at the end. A
# failure marks the run failed and writes nothing else; a worker that dies leaves the run running
# with a heartbeat that stops, and the sweeper marks it failed (clustering_runs_sweep).

RUN_LIMITS = {
    "resolution": (0.01, 100.0),
    "seed": (0, 2**31 - 1),
    "trials": (1, 20),
    "min_size": (2, 1000),
    "reference_weight": (0.0, 1e12),
}


class RunNotPending(BusinessRuleError):
    """A run is executed once: a second execution (a duplicate task, a retried message) is refused."""

    status_code = 409


def _run_number(errors: dict, name: str, value, *, whole: bool):
    low, high = RUN_LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
        kind = gettext("a whole number") if whole else gettext("a number")
        errors[name] = [gettext("Give %(kind)s from %(low)s to %(high)s.") % {"kind": kind, "low": low, "high": high}]
    elif not low <= value <= high:
        errors[name] = [
            gettext("Must be from %(low)s to %(high)s, not %(value)s.") % {"low": low, "high": high, "value": value}
        ]
    return value


def clustering_run_parameters(
    *, resolution=None, seed=None, trials=None, min_size=None, reference_weight=None, statuses=None, domains=None
) -> dict:
    """The parameters a run records, from the caller's choices and the settings. Every bad value is
    refused at once, each naming its field."""
    errors: dict[str, list[str]] = {}
    values = {
        "resolution": _run_number(
            errors, "resolution", settings.PORTFOLIO_RESOLUTION if resolution is None else resolution, whole=False
        ),
        "seed": _run_number(errors, "seed", settings.PORTFOLIO_SEED if seed is None else seed, whole=True),
        "trials": _run_number(errors, "trials", settings.PORTFOLIO_TRIALS if trials is None else trials, whole=True),
        "min_size": _run_number(
            errors, "min_size", settings.PORTFOLIO_MIN_SIZE if min_size is None else min_size, whole=True
        ),
        "reference_weight": _run_number(
            errors,
            "reference_weight",
            settings.PORTFOLIO_RESOLUTION_REFERENCE_WEIGHT if reference_weight is None else reference_weight,
            whole=False,
        ),
    }
    statuses = [str(status) for status in statuses] if statuses else list(DEFAULT_STATUSES)
    unknown = sorted(set(statuses) - set(Status.values))
    if unknown:
        errors["statuses"] = [
            gettext("Unknown status: %(values)s. Allowed: %(allowed)s.")
            % {"values": ", ".join(unknown), "allowed": ", ".join(Status.values)}
        ]
    domains = sorted({str(slug) for slug in (domains or ())})
    if domains:
        known = set(Domain.objects.filter(slug__in=domains).values_list("slug", flat=True))
        missing = [slug for slug in domains if slug not in known]
        if missing:
            errors["domains"] = [gettext("No such domain: %(slugs)s.") % {"slugs": ", ".join(missing)}]
    if errors:
        raise ValidationError(errors)
    options = GraphOptions.from_settings(statuses=statuses, domains=domains)
    return {
        **values,
        "resolution": float(values["resolution"]),
        "reference_weight": float(values["reference_weight"]),
        "match_threshold": float(settings.PORTFOLIO_MATCH_THRESHOLD),
        **options.as_dict(),
    }


@transaction.atomic
def clustering_run_create(*, actor: Actor, dispatch: bool = True, **choices) -> ClusteringRun:
    """Start a proposal of portfolios (the committee's "Propose portfolios"). The run is saved
    pending and handed to a worker after commit; with the broker down it stays pending and the
    sweeper hands it out when the broker is back, so the request is never lost."""
    require_may_manage_portfolios(actor)
    parameters = clustering_run_parameters(**choices)
    run = ClusteringRun.objects.create(parameters=parameters, started_by=user_or_none(actor))
    audit_record(actor=actor, action=AuditAction.CLUSTERING_RUN_STARTED, target=run, data={"parameters": parameters})
    if dispatch:
        transaction.on_commit(partial(clustering_runs_dispatch, [run.pk]))
    return run


def clustering_runs_dispatch(run_ids: list[int]) -> int:
    """Hand pending runs to the broker; a broker that is down leaves them pending (logged)."""
    from .tasks import execute_clustering_run_task

    queued = 0
    for run_id in run_ids:
        if not ClusteringRun.objects.filter(pk=run_id, status=RunStatus.PENDING).exists():
            continue
        try:
            execute_clustering_run_task.delay(run_id)
        except (KombuOperationalError, OSError) as exc:
            logger.warning("Clustering run %s left pending, broker unavailable: %s", run_id, exc)
            break
        queued += 1
    return queued


def clustering_runs_sweep(*, now=None) -> dict[str, int]:
    """Mark failed the runs whose worker stopped giving signs of life (nothing they computed was
    written: results commit at the very end), and hand out the runs still pending."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PORTFOLIO_RUN_STALE_SECONDS)
    lost = ClusteringRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=stale).update(
        status=RunStatus.FAILED,
        finished_at=now,
        progress_message="",
        error=gettext(
            "The worker running it stopped (no sign of life for %(seconds)s s). Nothing it computed was kept: "
            "start a new run."
        )
        % {"seconds": settings.PORTFOLIO_RUN_STALE_SECONDS},
        updated_at=now,
    )
    waiting = list(
        ClusteringRun.objects.filter(
            status=RunStatus.PENDING, created_at__lt=now - settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE
        ).values_list("pk", flat=True)
    )
    return {"failed": lost, "queued": clustering_runs_dispatch(waiting)}


def _run_step(run_id: int, progress: int, message: str, report=None) -> None:
    ClusteringRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        progress=progress, progress_message=message[:200], heartbeat_at=timezone.now()
    )
    if report is not None:
        report(progress, message)


def clustering_run_execute(*, run_id: int, report=None) -> ClusteringRun:
    """Execute a pending run. `report(percent, message)` is told each step (the command's progress
    bar). Claims the run first: a run that is not pending any more is refused (RunNotPending)."""
    started = timezone.now()
    claimed = ClusteringRun.objects.filter(pk=run_id, status=RunStatus.PENDING).update(
        status=RunStatus.RUNNING, started_at=started, heartbeat_at=started, progress=0, updated_at=started
    )
    if not claimed:
        current = ClusteringRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        if current is None:
            raise RunNotPending(gettext("No clustering run #%(id)s.") % {"id": run_id}, code="no_such_run")
        raise RunNotPending(
            gettext("Run #%(id)s is %(status)s: a run is executed once; start a new one.")
            % {"id": run_id, "status": RunStatus(current).label},
            code="run_not_pending",
        )
    clock = time.perf_counter()
    # A run builds millions of small tuples and dicts that all live until its end: the cyclic garbage
    # collector's passes over them cost a third of the metrics' time and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _long_statements():
            _execute(run_id, report=report, clock=clock)
    except Exception as exc:
        logger.exception("Clustering run %s failed", run_id)
        finished = timezone.now()
        ClusteringRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=finished,
            duration_seconds=time.perf_counter() - clock,
            error=f"{type(exc).__name__}: {exc}"[:NOTE_MAX_CHARS],
            progress_message="",
            updated_at=finished,
        )
        audit_record(
            actor=SYSTEM,
            action=AuditAction.CLUSTERING_RUN_FINISHED,
            target=ClusteringRun.objects.get(pk=run_id),
            data={"status": RunStatus.FAILED, "error": f"{type(exc).__name__}: {exc}"[:500]},
        )
    finally:
        if collecting:
            gc.enable()
    return ClusteringRun.objects.get(pk=run_id)


@contextmanager
def _long_statements():
    """A run reads and writes the whole graph: on PostgreSQL it may take longer than the request
    timeout (DB_STATEMENT_TIMEOUT_MS), up to PORTFOLIO_RUN_STATEMENT_TIMEOUT_MS."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        previous = cursor.fetchone()[0]
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false)", [str(settings.PORTFOLIO_RUN_STATEMENT_TIMEOUT_MS)]
        )
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [previous])


def _execute(run_id: int, *, report, clock: float) -> None:
    run = ClusteringRun.objects.get(pk=run_id)
    parameters = run.parameters
    options = GraphOptions(
        statuses=tuple(parameters["statuses"]),
        domains=tuple(parameters["domains"]),
        link_weights=parameters["link_weights"],
        strength_factors={int(k): v for k, v in parameters["strength_factors"].items()},
        foundation_weights=parameters["foundation_weights"],
        foundation_damping=parameters["foundation_damping"],
        same_domain_weight=parameters["same_domain_weight"],
    )
    _run_step(run_id, 5, gettext("Reading the graph"), report)
    graph = graph_build(options)
    network = graph.to_igraph()
    fingerprint = graph.fingerprint()
    trials = parameters["trials"]
    _run_step(run_id, 25, gettext("Clustering %(n)s use cases") % {"n": graph.node_count}, report)

    def on_trial(done: int) -> None:
        _run_step(
            run_id,
            25 + int(45 * done / trials),
            gettext("Clustering: trial %(done)s of %(trials)s") % {"done": done, "trials": trials},
            report,
        )

    partition = partition_find(
        network,
        resolution=parameters["resolution"],
        seed=parameters["seed"],
        trials=trials,
        # A run recorded before the scaling existed clusters at its plain resolution, as it was asked.
        reference_weight=parameters.get("reference_weight", 0.0),
        on_trial=on_trial,
    )
    groups, unplaced = communities_of(graph, partition, min_size=parameters["min_size"])
    isolated = isolated_of(graph, network)
    _run_step(run_id, 75, gettext("Matching with the existing portfolios and writing"), report)
    with transaction.atomic():
        summary = _write_results(
            run_id,
            graph=graph,
            groups=groups,
            threshold=parameters.get("match_threshold", settings.PORTFOLIO_MATCH_THRESHOLD),
        )
        finished = timezone.now()
        summary["unplaced"] = len(unplaced)
        updated = ClusteringRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.SUCCEEDED,
            finished_at=finished,
            duration_seconds=time.perf_counter() - clock,
            fingerprint=fingerprint,
            node_count=graph.node_count,
            edge_count=network.ecount(),
            foundation_count=sum(1 for kind, _pk in graph.hubs if kind == "foundation"),
            portfolio_count=summary.pop("portfolio_count"),
            isolated_count=len(isolated),
            moved_count=summary["moved"],
            modularity=round(partition.modularity, 6),
            resolution_used=round(partition.resolution, 6),
            changes=summary,
            isolated=isolated,
            progress=100,
            progress_message="",
            updated_at=finished,
        )
        if not updated:  # the sweeper gave up on it meanwhile: its results must not land
            raise RunNotPending(gettext("Run #%(id)s was marked failed while it ran.") % {"id": run_id})
        audit_record(
            actor=SYSTEM,
            action=AuditAction.CLUSTERING_RUN_FINISHED,
            target=ClusteringRun.objects.get(pk=run_id),
            data={"status": RunStatus.SUCCEEDED, "portfolios": len(groups), "moved": summary["moved"]},
        )
    if report is not None:
        report(100, gettext("Done"))


def _lock_portfolio_writes() -> None:
    """One run writes at a time (two would place the same use cases twice); SQLite serialises
    writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PORTFOLIO_WRITE_LOCK])


def _commit_without_waiting_for_the_disk() -> None:
    """The run's one write transaction does not wait for its WAL to reach the disk at commit
    (PostgreSQL's synchronous_commit, for this transaction only): on 10,000 use cases the wait was a
    sixth of the run. Nothing is ever half written: if the database server itself crashed within a
    fraction of a second of the commit, the transaction would be lost whole, the run would stay
    running and the sweeper would mark it failed, as when a worker dies."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _write_results(run_id: int, *, graph, groups: list[list[int]], threshold: float) -> dict:
    """Match the run's groups with the portfolios and write the result. A run limited to some
    domains decides only for the use cases of those domains: the memberships of others stay as they
    are, and a portfolio with no member in its domains is out of its scope."""
    _lock_portfolio_writes()
    _commit_without_waiting_for_the_disk()
    live = list(Portfolio.objects.select_for_update().filter(status__in=LIVE_PORTFOLIO_STATUSES).order_by("pk"))
    columns = ("pk", "use_case_id", "portfolio_id", "pinned", "ties_digest", "use_case__domain_id")
    rows = {
        use_case_id: (row_id, portfolio_id, is_pinned, digest, domain_id)
        for row_id, use_case_id, portfolio_id, is_pinned, digest, domain_id in (
            PortfolioMembership.objects.filter(portfolio__in=[p.pk for p in live]).values_list(*columns)
        )
    }
    scope = _scope_domain_ids(graph.options.domains)
    current: dict[int, set[int]] = {p.pk: set() for p in live}
    outside: dict[int, set[int]] = {p.pk: set() for p in live}
    pinned: dict[int, set[int]] = {p.pk: set() for p in live}
    for use_case_id, (_row, portfolio_id, is_pinned, _digest, domain_id) in rows.items():
        if scope is not None and domain_id not in scope:
            outside[portfolio_id].add(use_case_id)
            continue
        current[portfolio_id].add(use_case_id)
        if is_pinned:
            pinned[portfolio_id].add(use_case_id)
    in_scope = [p for p in live if scope is None or current[p.pk]]
    existing = [
        Existing(
            id=p.pk,
            live=True,
            members=frozenset(current[p.pk]),
            pinned=frozenset(pinned[p.pk]),
            excluded=frozenset(p.excluded_use_cases),
        )
        for p in in_scope
    ]
    for pk, remembered in (
        Portfolio.objects.exclude(status__in=LIVE_PORTFOLIO_STATUSES)
        .exclude(remembered_members=[])
        .values_list("pk", "remembered_members")
    ):
        existing.append(Existing(id=pk, live=False, members=frozenset(remembered)))
    proposed_ids = {p.pk for p in in_scope if p.status == PortfolioStatus.PROPOSED and not outside[p.pk]}
    matching = proposals_match(groups, existing, threshold=threshold, proposed_ids=proposed_ids)
    for portfolio_id in matching.kept:
        matching.kept[portfolio_id] |= outside[portfolio_id]

    final: dict[object, set[int]] = {
        **matching.kept,
        **{("new", position): members for position, members in matching.new.items()},
    }
    facts = portfolio_facts(graph, final)

    # New portfolios first, then the memberships: every row of the run in this one transaction.
    now = timezone.now()
    new_keys = sorted(matching.new)
    numbers = ReferenceSequence.reserve("portfolio", len(new_keys)) if new_keys else range(0)
    created = copy_create_with_history(
        Portfolio,
        [
            Portfolio(
                reference=_portfolio_reference(number),
                name=facts[("new", position)].generated_name or _portfolio_reference(number),
                proposed_by_run_id=run_id,
                last_run_id=run_id,
                status_changed_at=now,
                **facts[("new", position)].model_fields(),
            )
            for position, number in zip(new_keys, numbers, strict=True)
        ],
    )
    new_ids = dict(zip(new_keys, (p.pk for p in created), strict=True))
    key_to_id = {**{pk: pk for pk in matching.kept}, **{("new", position): pk for position, pk in new_ids.items()}}
    _memberships_write(rows, final, facts, key_to_id, considered={p.pk for p in in_scope}, now=now)

    by_pk = {p.pk: p for p in live}
    changed = []
    for portfolio_id in matching.kept:
        portfolio = by_pk[portfolio_id]
        values = dict(facts[portfolio_id].model_fields(), last_run_id=run_id)
        if not portfolio.name_is_custom and facts[portfolio_id].generated_name:
            values["name"] = facts[portfolio_id].generated_name
        different = {
            name: value for name, value in values.items() if name != "last_run_id" and getattr(portfolio, name) != value
        }
        for name, value in values.items():
            setattr(portfolio, name, value)
        if different:
            changed.append(portfolio)
    if changed:  # what a run measured differently gets a history row; the rest only its last run
        bulk_update_with_history(changed, Portfolio, ["name", "last_run", *METRIC_FIELDS], batch_size=WRITE_BATCH_SIZE)
    measured_again = {portfolio.pk for portfolio in changed}
    Portfolio.objects.filter(pk__in=[pk for pk in matching.kept if pk not in measured_again]).update(last_run_id=run_id)
    superseded = [by_pk[pk] for pk in matching.superseded]
    for portfolio in superseded:
        portfolio.status = PortfolioStatus.ARCHIVED
        portfolio.status_changed_at = now
        portfolio.status_reason = gettext("Superseded: run #%(id)s found no group like it.") % {"id": run_id}
        portfolio.remembered_members = sorted(current[portfolio.pk])
        portfolio.member_count = 0
    if superseded:
        bulk_update_with_history(
            superseded,
            Portfolio,
            ["status", "status_changed_at", "status_reason", "remembered_members", "member_count"],
        )

    before = {pk: members for pk, members in current.items() if members}
    after = {key_to_id[key]: members - outside.get(key_to_id[key], set()) for key, members in final.items()}
    moved = changes_between(before, after)
    return _summary(
        moved=moved,
        new_ids=list(new_ids.values()),
        matching=matching,
        key_to_id=key_to_id,
        after=after,
    )


def _scope_domain_ids(slugs) -> set[int] | None:
    if not slugs:
        return None
    return set(Domain.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def _memberships_write(rows: dict, final: dict, facts: dict, key_to_id: dict, *, considered: set[int], now) -> None:
    """Bring the memberships of the portfolios the run considered to `final`, touching only what
    differs: a re-run on unchanged data writes no membership at all."""
    inserts, updates, seen = [], [], set()
    for key, members in final.items():
        portfolio_id = key_to_id[key]
        member_facts = facts[key].members
        for use_case_id in members:
            seen.add(use_case_id)
            tie = member_facts[use_case_id]
            row = rows.get(use_case_id)
            if row is None:  # its JSON and digest are made while the rows stream to the database
                inserts.append((portfolio_id, use_case_id, tie))
            elif (row[1], row[3]) != (portfolio_id, tie.digest):
                updates.append((row[0], portfolio_id, tie))
    deletes = [row[0] for use_case_id, row in rows.items() if row[1] in considered and use_case_id not in seen]
    for start in range(0, len(deletes), WRITE_BATCH_SIZE):
        PortfolioMembership.objects.filter(pk__in=deletes[start : start + WRITE_BATCH_SIZE]).delete()
    if connection.vendor == "postgresql":
        _memberships_copy(inserts, updates, now=now)
        return
    if updates:
        changed = [
            PortfolioMembership(
                pk=row_id,
                portfolio_id=portfolio_id,
                strength=tie.strength,
                ties=tie.ties,
                ties_digest=tie.digest,
                updated_at=now,
            )
            for row_id, portfolio_id, tie in updates
        ]
        PortfolioMembership.objects.bulk_update(
            changed, ["portfolio", "strength", "ties", "ties_digest", "updated_at"], batch_size=WRITE_BATCH_SIZE
        )
    PortfolioMembership.objects.bulk_create(
        [
            PortfolioMembership(
                portfolio_id=portfolio_id,
                use_case_id=use_case_id,
                strength=tie.strength,
                ties=tie.ties,
                ties_digest=tie.digest,
            )
            for portfolio_id, use_case_id, tie in inserts
        ],
        batch_size=WRITE_BATCH_SIZE,
    )


def _memberships_copy(inserts: list, updates: list, *, now) -> None:
    """The bulk path on PostgreSQL: COPY the new rows in, and the changed ones into a temporary table
    that one UPDATE applies."""
    table = PortfolioMembership._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if updates:
            raw.execute(
                "CREATE TEMPORARY TABLE portfolio_membership_changes (id bigint PRIMARY KEY, "
                "portfolio_id bigint, strength double precision, ties jsonb, ties_digest text) ON COMMIT DROP"
            )
            with raw.copy(
                "COPY portfolio_membership_changes (id, portfolio_id, strength, ties, ties_digest) FROM STDIN"
            ) as copy:
                _copy_lines(
                    copy,
                    (
                        f"{row_id}\t{portfolio_id}\t{tie.strength!r}\t{_copy_json(tie.ties_json)}\t{tie.digest}"
                        for row_id, portfolio_id, tie in updates
                    ),
                )
            raw.execute(
                f"UPDATE {table} AS m SET portfolio_id = c.portfolio_id, strength = c.strength, ties = c.ties, "
                "ties_digest = c.ties_digest, updated_at = %s FROM portfolio_membership_changes AS c WHERE m.id = c.id",
                [now],
            )
            raw.execute("DROP TABLE portfolio_membership_changes")
        if inserts:
            columns = "created_at, updated_at, portfolio_id, use_case_id, pinned, source, strength, ties, ties_digest"
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                start = f"{now.isoformat()}\t{now.isoformat()}\t"
                end = f"\tf\t{MembershipSource.CLUSTERING.value}\t"
                _copy_lines(
                    copy,
                    (
                        f"{start}{portfolio}\t{use_case}{end}{tie.strength!r}\t{_copy_json(tie.ties_json)}\t{tie.digest}"
                        for portfolio, use_case, tie in inserts
                    ),
                )


def _copy_json(text: str) -> str:
    """JSON text as a field of COPY's text format. JSON text has no raw tab or line break (they are
    escaped inside strings), so only its backslashes need doubling."""
    return text.replace("\\", "\\\\") if "\\" in text else text


def _copy_lines(copy, lines, *, chunk: int = 10_000) -> None:
    """Rows already formatted as COPY text lines, sent in chunks: one f-string a row costs a fraction
    of psycopg's write_row, which dumps value by value. Every value but the JSON is a number, a
    digest, a constant or an ISO timestamp, none of which COPY would need escaped."""
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            copy.write("\n".join(batch) + "\n")
            batch = []
    if batch:
        copy.write("\n".join(batch) + "\n")


def _portfolio_reference(number: int) -> str:
    return f"{PORTFOLIO_REFERENCE_PREFIX}{number:03d}"


def _most_moved(lists: dict) -> dict:
    """The CHANGE_PORTFOLIO_LIMIT portfolios with the most use cases in `lists` (ties: the key as text,
    a fixed order whatever the run)."""
    if len(lists) <= CHANGE_PORTFOLIO_LIMIT:
        return lists
    ranked = sorted(lists, key=lambda key: (-len(lists[key]), str(key)))[:CHANGE_PORTFOLIO_LIMIT]
    return {key: lists[key] for key in ranked}


def _summary(*, moved: dict, new_ids: list[int], matching, key_to_id, after) -> dict:
    """What the run changed, for its page and the API: portfolios by reference, use cases by reference
    (at most CHANGE_LIST_LIMIT named per portfolio, with the counts)."""
    listed = {name: _most_moved(moved[name]) for name in ("joined", "left")}
    touched = set(new_ids) | set(matching.kept) | set(matching.superseded) | set(matching.suppressed.values())
    touched |= {key_to_id.get(k, k) for k in (*listed["joined"], *listed["left"])}
    names = {
        pk: (reference, name)
        for pk, reference, name in Portfolio.objects.filter(pk__in=touched).values_list("pk", "reference", "name")
    }
    named_use_cases = {pk for lists in listed.values() for ids in lists.values() for pk in ids[:CHANGE_LIST_LIMIT]}
    references = (
        dict(UseCase.objects.filter(pk__in=named_use_cases).values_list("pk", "reference")) if named_use_cases else {}
    )

    def portfolio(pk) -> dict:
        reference, name = names.get(pk, ("", ""))
        return {"id": pk, "reference": reference, "name": name}

    def movement(lists: dict) -> list[dict]:
        rows = []
        for key in sorted(lists, key=lambda k: names.get(key_to_id.get(k, k), ("",))[0]):
            ids = lists[key]
            rows.append(
                {
                    **portfolio(key_to_id.get(key, key)),
                    "count": len(ids),
                    "use_cases": [references.get(pk, str(pk)) for pk in ids[:CHANGE_LIST_LIMIT]],
                }
            )
        return rows

    return {
        "portfolio_count": len(after),
        "new": [{**portfolio(pk), "members": len(after.get(pk, ()))} for pk in new_ids],
        "kept": sorted(pk for pk in matching.matched.values()),
        "suppressed": [portfolio(pk) for pk in sorted(set(matching.suppressed.values()))],
        "unmatched": [portfolio(pk) for pk in matching.unmatched if pk not in matching.superseded],
        "superseded": [portfolio(pk) for pk in matching.superseded],
        "joined": movement(listed["joined"]),
        "left": movement(listed["left"]),
        "joined_portfolios": len(moved["joined"]),
        "left_portfolios": len(moved["left"]),
        "splits": [
            {
                **portfolio(key_to_id.get(s["portfolio"], s["portfolio"])),
                "into": [portfolio(key_to_id.get(k, k)) for k in s["into"]],
            }
            for s in moved["splits"]
        ],
        "merges": [
            {**portfolio(key_to_id.get(m["portfolio"], m["portfolio"])), "from": [portfolio(k) for k in m["from"]]}
            for m in moved["merges"]
        ],
        "moved": moved["moved"],
    }


# The committee's portfolios ---------------------------------------------------------------------------
# Adopt, rename, edit, dismiss, archive; place a use case in a portfolio or take it out; pin it. Each
# locks the portfolio row (a run writing at the same time locks them too), checks, writes, recomputes
# the metrics of what it changed and records its audit event.

PORTFOLIO_EDITABLE_FIELDS = ("name", "theme", "owner")


def _lock_portfolio(portfolio: Portfolio) -> Portfolio:
    return Portfolio.objects.select_for_update().get(pk=portfolio.pk)


def _require_live(portfolio: Portfolio) -> None:
    if not portfolio.is_live:
        raise BusinessRuleError(
            gettext("%(portfolio)s is %(status)s: it cannot be changed.")
            % {"portfolio": portfolio, "status": portfolio.get_status_display()},
            code="portfolio_closed",
        )


def portfolios_recompute(portfolio_ids) -> None:
    """Metrics and member ties of these portfolios, from the graph as it is now (the options of the
    default run). Called by the services below after a change of members."""
    ids = sorted(set(portfolio_ids))
    if not ids:
        return
    graph = graph_build(GraphOptions.from_settings())
    groups: dict[int, list[int]] = {pk: [] for pk in ids}
    for portfolio_id, use_case_id in PortfolioMembership.objects.filter(portfolio__in=ids).values_list(
        "portfolio_id", "use_case_id"
    ):
        groups[portfolio_id].append(use_case_id)
    facts = portfolio_facts(graph, groups)
    memberships = list(PortfolioMembership.objects.filter(portfolio__in=ids))
    for membership in memberships:
        member = facts[membership.portfolio_id].members[membership.use_case_id]
        membership.strength, membership.ties, membership.ties_digest = member.strength, member.ties, member.digest
    PortfolioMembership.objects.bulk_update(
        memberships, ["strength", "ties", "ties_digest"], batch_size=WRITE_BATCH_SIZE
    )
    for portfolio in Portfolio.objects.filter(pk__in=ids):
        for name, value in facts[portfolio.pk].model_fields().items():
            setattr(portfolio, name, value)
        if not portfolio.name_is_custom and facts[portfolio.pk].generated_name:
            portfolio.name = facts[portfolio.pk].generated_name
        portfolio.save()


@transaction.atomic
def portfolio_update(*, actor: Actor, portfolio: Portfolio, data: dict) -> Portfolio:
    """Rename a portfolio, say what it is for, or name its owner. A name the committee gives is kept
    by later runs."""
    require_may_manage_portfolios(actor)
    refuse_unknown_fields(data, PORTFOLIO_EDITABLE_FIELDS)
    locked = _lock_portfolio(portfolio)
    changes = apply_changes(locked, data, PORTFOLIO_EDITABLE_FIELDS)
    if not changes:
        return locked
    if "name" in changes:
        locked.name_is_custom = True
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, action=AuditAction.PORTFOLIO_UPDATED, target=locked, data={"changes": changes})
    return locked


def _set_status(
    actor, portfolio: Portfolio, status: str, *, reason: str, action: AuditAction, remember: bool
) -> Portfolio:
    check_text_limits(Portfolio, status_reason=reason)
    previous = portfolio.status
    portfolio.status = status
    portfolio.status_changed_at = timezone.now()
    portfolio.status_reason = reason
    data = {"from": previous, "to": status, "reason": reason}
    if remember:
        members = list(portfolio.memberships.order_by("use_case_id").values_list("use_case_id", flat=True))
        portfolio.remembered_members = members
        portfolio.memberships.all().delete()
        portfolio.member_count = 0
        data["members"] = list(
            UseCase.objects.filter(pk__in=members).order_by("reference").values_list("reference", flat=True)
        )
    portfolio.save()
    audit_record(actor=actor, action=action, target=portfolio, data=data)
    return portfolio


@transaction.atomic
def portfolio_adopt(
    *, actor: Actor, portfolio: Portfolio, name: str | None = None, owner=None, reason: str = ""
) -> Portfolio:
    """The committee adopts a proposal: it becomes a portfolio it funds and follows."""
    require_may_manage_portfolios(actor)
    locked = _lock_portfolio(portfolio)
    if locked.status != PortfolioStatus.PROPOSED:
        raise BusinessRuleError(
            gettext("%(portfolio)s is %(status)s: only a proposal can be adopted.")
            % {"portfolio": locked, "status": locked.get_status_display()},
            code="not_proposed",
        )
    if name is not None and name != locked.name:
        locked.name, locked.name_is_custom = name, True
    if owner is not None:
        locked.owner = owner
    locked.full_clean()
    return _set_status(
        actor, locked, PortfolioStatus.ADOPTED, reason=reason, action=AuditAction.PORTFOLIO_ADOPTED, remember=False
    )


@transaction.atomic
def portfolio_dismiss(*, actor: Actor, portfolio: Portfolio, reason: str = "") -> Portfolio:
    """The committee turns a proposal down. Its use cases are freed; a later run that finds the same
    group matches this one and does not propose it again."""
    require_may_manage_portfolios(actor)
    locked = _lock_portfolio(portfolio)
    if locked.status != PortfolioStatus.PROPOSED:
        raise BusinessRuleError(
            gettext("%(portfolio)s is %(status)s: only a proposal can be dismissed (archive an adopted portfolio).")
            % {"portfolio": locked, "status": locked.get_status_display()},
            code="not_proposed",
        )
    return _set_status(
        actor, locked, PortfolioStatus.DISMISSED, reason=reason, action=AuditAction.PORTFOLIO_DISMISSED, remember=True
    )


@transaction.atomic
def portfolio_archive(*, actor: Actor, portfolio: Portfolio, reason: str = "") -> Portfolio:
    """Close an adopted portfolio (its work is done, or merged into another)."""
    require_may_manage_portfolios(actor)
    locked = _lock_portfolio(portfolio)
    if locked.status != PortfolioStatus.ADOPTED:
        raise BusinessRuleError(
            gettext("%(portfolio)s is %(status)s: only an adopted portfolio can be archived.")
            % {"portfolio": locked, "status": locked.get_status_display()},
            code="not_adopted",
        )
    return _set_status(
        actor, locked, PortfolioStatus.ARCHIVED, reason=reason, action=AuditAction.PORTFOLIO_ARCHIVED, remember=True
    )


@transaction.atomic
def portfolio_member_add(
    *, actor: Actor, portfolio: Portfolio, use_case: UseCase, pinned: bool = True
) -> PortfolioMembership:
    """Place a use case in a portfolio (taking it out of the one it was in). Pinned by default: what
    the committee places by hand stays where it put it whatever later runs find."""
    require_may_manage_portfolios(actor)
    current = PortfolioMembership.objects.filter(use_case=use_case).values_list("portfolio_id", flat=True).first()
    locked = {
        p.pk: p
        for p in Portfolio.objects.select_for_update().filter(pk__in={portfolio.pk, current} - {None}).order_by("pk")
    }
    target = locked[portfolio.pk]
    _require_live(target)
    _require_visible(actor, use_case, "use_case")
    previous = PortfolioMembership.objects.select_for_update().filter(use_case=use_case).first()
    if previous is not None and previous.portfolio_id == target.pk:
        if previous.pinned == pinned:
            return previous
        return portfolio_member_pin(actor=actor, membership=previous, pinned=pinned)
    if previous is not None and previous.portfolio_id not in locked:
        raise ChangedMeanwhile(gettext("This use case was moved meanwhile: read it again and retry."))
    moved_from = locked.get(previous.portfolio_id) if previous is not None else None
    if previous is not None:
        previous.delete()
    target.excluded_use_cases = [pk for pk in target.excluded_use_cases if pk != use_case.pk]
    target.save(update_fields=["excluded_use_cases", "updated_at"])
    membership = PortfolioMembership.objects.create(
        portfolio=target,
        use_case=use_case,
        pinned=pinned,
        source=MembershipSource.COMMITTEE,
        added_by=user_or_none(actor),
    )
    portfolios_recompute([target.pk] + ([moved_from.pk] if moved_from is not None else []))
    audit_record(
        actor=actor,
        action=AuditAction.PORTFOLIO_MEMBER_ADDED,
        target=membership,
        data={
            "portfolio": target.reference,
            "use_case": use_case.reference,
            "pinned": pinned,
            "from": moved_from.reference if moved_from is not None else None,
        },
    )
    membership.refresh_from_db()
    return membership


@transaction.atomic
def portfolio_member_remove(*, actor: Actor, membership: PortfolioMembership) -> None:
    """Take a use case out of its portfolio. Later runs do not put it back there."""
    require_may_manage_portfolios(actor)
    portfolio = _lock_portfolio(membership.portfolio)
    current = PortfolioMembership.objects.select_for_update().filter(pk=membership.pk, portfolio=portfolio).first()
    if current is None:
        raise ChangedMeanwhile(gettext("This membership was changed meanwhile: read it again and retry."))
    _require_live(portfolio)
    use_case = current.use_case
    portfolio.excluded_use_cases = sorted({*portfolio.excluded_use_cases, use_case.pk})
    portfolio.save(update_fields=["excluded_use_cases", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PORTFOLIO_MEMBER_REMOVED,
        target=current,
        data={"portfolio": portfolio.reference, "use_case": use_case.reference, "was_pinned": current.pinned},
    )
    current.delete()
    portfolios_recompute([portfolio.pk])


@transaction.atomic
def portfolio_member_pin(*, actor: Actor, membership: PortfolioMembership, pinned: bool = True) -> PortfolioMembership:
    """Pin a member (later runs keep it in this portfolio) or unpin it (runs may move it again)."""
    require_may_manage_portfolios(actor)
    portfolio = _lock_portfolio(membership.portfolio)
    current = PortfolioMembership.objects.select_for_update().filter(pk=membership.pk, portfolio=portfolio).first()
    if current is None:
        raise ChangedMeanwhile(gettext("This membership was changed meanwhile: read it again and retry."))
    _require_live(portfolio)
    if current.pinned == pinned:
        return current
    current.pinned = pinned
    current.save(update_fields=["pinned", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PORTFOLIO_MEMBER_PINNED,
        target=current,
        data={"portfolio": portfolio.reference, "use_case": current.use_case.reference, "pinned": pinned},
    )
    return current


# Priority weights -------------------------------------------------------------------------------------


@transaction.atomic
def priority_weights_update(*, actor: Actor, data: dict) -> PriorityWeights:
    """The committee's weights of the priority (portfolio.priorities): each change audited with what
    it was and what it became."""
    require_may_manage_portfolios(actor)
    refuse_unknown_fields(data, WEIGHT_FIELDS)
    PriorityWeights.objects.get_or_create(pk=1)
    locked = PriorityWeights.objects.select_for_update().get(pk=1)
    before = locked.as_dict()
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    after = locked.as_dict()
    changes = {name: [before[name], after[name]] for name in WEIGHT_FIELDS if before[name] != after[name]}
    if not changes:
        return locked
    locked.updated_by = user_or_none(actor)
    locked.save()
    audit_record(actor=actor, action=AuditAction.PRIORITY_WEIGHTS_CHANGED, target=locked, data={"changes": changes})
    return locked


# Duplicates at intake -----------------------------------------------------------------------------------


@transaction.atomic
def duplicate_pair_judge(*, actor: Actor, use_case: UseCase, other: UseCase, verdict: str) -> DuplicatePair:
    """The committee's answer to a suggested duplicate: "not a duplicate" (the pair is never suggested
    again) or "merged" (the two are linked as the same idea, a `duplicates` link, so they land in one
    portfolio and each page shows the other). Audited; judging a pair again replaces the verdict."""
    require_may_manage_portfolios(actor)
    if verdict not in DuplicateVerdict.values:
        raise ValidationError(
            {"verdict": [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(DuplicateVerdict.values)}]}
        )
    if use_case.pk == other.pk:
        raise ValidationError({"other": [gettext("A use case is not a duplicate of itself.")]})
    first, second = sorted((use_case, other), key=lambda uc: uc.pk)
    pair, _created = DuplicatePair.objects.select_for_update().get_or_create(
        first=first, second=second, defaults={"verdict": verdict, "decided_by": user_or_none(actor)}
    )
    if pair.verdict != verdict:
        pair.verdict, pair.decided_by = verdict, user_or_none(actor)
        pair.save(update_fields=["verdict", "decided_by"])
    linked = None
    merged_link = UseCaseLink.objects.filter(
        Q(source=first, target=second) | Q(source=second, target=first), kind=LinkKind.DUPLICATES
    ).first()
    if verdict != DuplicateVerdict.MERGED and merged_link is not None:
        link_delete(actor=actor, link=merged_link)  # not the same idea after all: unlinked, audited
    if verdict == DuplicateVerdict.MERGED:
        exists = UseCaseLink.objects.filter(
            Q(source=first, target=second) | Q(source=second, target=first), kind=LinkKind.DUPLICATES
        ).exists()
        if not exists:
            linked = link_create(
                actor=actor,
                source=use_case,
                target=other,
                kind=LinkKind.DUPLICATES,
                strength=LinkStrength.STRONG,
                rationale=gettext("Merged by the committee: the same idea."),
            )
    audit_record(
        actor=actor,
        action=AuditAction.DUPLICATE_JUDGED,
        target=use_case,
        data={
            "other": other.reference,
            "verdict": verdict,
            **({"link": linked.pk} if linked is not None else {}),
        },
    )
    return pair
