"""Writes of the exchange app: saving mappings, recording an import and running it.

An import is first recorded with its file (`import_run_create`, committed at once: nothing a person
uploaded is lost if the broker or the worker is down), then executed, by a worker
(`execute_import_run_task`), by the command in the foreground, or by the sweeper when the broker was
away. The run row is the truth: a run is claimed before it executes, so a task delivered twice runs
it once."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from core.actors import SYSTEM, Actor, user_or_none
from core.models import AuditAction
from core.services import audit_record
from domains.services import require_may_import

from . import mapping as mappings
from .importer import Importer
from .models import ImportMapping, ImportRun, ImportRunStatus
from .reading import UnreadableFile, open_table
from .storage import file_bytes, file_open, file_store

logger = logging.getLogger(__name__)
HEARTBEAT_KEY = "exchange:import-run:{id}:progress"


class RunNotQueued(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _mapping_error(error: mappings.MappingError) -> ValidationError:
    return ValidationError({"mapping": [f"{e['key']}: {e['message']}" for e in error.errors]})


@transaction.atomic
def import_mapping_save(
    *, actor: Actor, text: str, mapping: ImportMapping | None = None, description: str | None = None
) -> ImportMapping:
    """Save a mapping (new, or over `mapping`) from its YAML or JSON text, refused with every problem
    named when it is not a mapping this import can use."""
    require_may_import(actor)
    try:
        loaded = mappings.load(text)
    except mappings.MappingError as error:
        raise _mapping_error(error) from error
    instance = mapping or ImportMapping()
    if mapping is not None:
        instance = ImportMapping.objects.select_for_update().get(pk=mapping.pk)
    instance.name = loaded.name
    instance.source = loaded.source
    instance.description = description if description is not None else loaded.description[:2000]
    instance.definition = loaded.document
    if instance.created_by_id is None:
        instance.created_by = user_or_none(actor)
    instance.full_clean()
    instance._history_user = user_or_none(actor)
    instance.save()
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT_MAPPING_SAVED,
        target=instance,
        data={"name": instance.name, "source": instance.source},
    )
    return instance


@transaction.atomic
def import_run_create(
    *,
    actor: Actor,
    file_name: str,
    content: bytes,
    definition: dict[str, Any] | str,
    mapping: ImportMapping | None = None,
    dry_run: bool = True,
    skip_bad_rows: bool = False,
    enqueue: bool = True,
    size_limited: bool = True,
) -> ImportRun:
    """Record an import of a file through a mapping, and (after commit) hand it to a worker. The
    mapping is checked first: a mapping that cannot be used is refused before anything is kept.
    `size_limited`: an upload is bounded by EXCHANGE_IMPORT_MAX_BYTES; the command reads a file on
    disk and is not."""
    require_may_import(actor)
    try:
        loaded = mappings.load(definition)
    except mappings.MappingError as error:
        raise _mapping_error(error) from error
    limit = settings.EXCHANGE_IMPORT_MAX_BYTES
    if size_limited and len(content) > limit:
        raise ValidationError(
            {
                "file": _(
                    "The file is %(size)s MB, over the %(limit)s MB an upload may be. Import it with the command "
                    "(python manage.py import_use_cases), which has no limit."
                )
                % {"size": f"{len(content) / 1_000_000:.1f}", "limit": f"{limit / 1_000_000:.0f}"}
            }
        )
    if not content:
        raise ValidationError({"file": _("The file %(name)s is empty.") % {"name": file_name}})
    person = user_or_none(actor)
    run = ImportRun.objects.create(
        mapping=mapping,
        mapping_definition=loaded.document,
        source=loaded.source,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        requested_by=person,
        requested_by_name=person.get_username() if person is not None else "system",
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
    )
    file_store(run, content)
    if enqueue:
        transaction.on_commit(partial(import_runs_dispatch, [run.pk]))
    return run


def import_runs_dispatch(run_ids: list[int]) -> int:
    """Hand queued runs to the broker; a broker that is down leaves them queued (the sweeper retries)."""
    from .tasks import execute_import_run_task

    queued = 0
    for run_id in run_ids:
        if not ImportRun.objects.filter(pk=run_id, status=ImportRunStatus.QUEUED).exists():
            continue
        try:
            execute_import_run_task.delay(run_id)
        except (KombuOperationalError, OSError) as exc:
            logger.warning("Import run %s left queued, broker unavailable: %s", run_id, exc)
            break
        queued += 1
    return queued


def import_runs_sweep(*, now=None) -> dict[str, int]:
    """Fail the runs whose worker stopped (nothing they wrote was kept: an import commits at its very
    end) and hand out again the runs still queued."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EXCHANGE_RUN_STALE_SECONDS)
    lost = 0
    for run in ImportRun.objects.filter(status=ImportRunStatus.RUNNING, started_at__lt=stale).only("pk"):
        beat = cache.get(HEARTBEAT_KEY.format(id=run.pk))
        if beat is None or beat["at"] < stale.timestamp():
            lost += ImportRun.objects.filter(pk=run.pk, status=ImportRunStatus.RUNNING).update(
                status=ImportRunStatus.FAILED,
                finished_at=now,
                updated_at=now,
                error=_("The worker running it stopped. Nothing it read was written: start the import again."),
            )
    waiting = list(
        ImportRun.objects.filter(
            status=ImportRunStatus.QUEUED, created_at__lt=now - settings.GOVERNANCE_NOTIFICATION_SWEEP_GRACE
        ).values_list("pk", flat=True)
    )
    return {"failed": lost, "queued": import_runs_dispatch(waiting)}


def import_run_progress(run: ImportRun) -> int:
    """Rows read so far by a running import (kept in the cache: the import's own writes are not
    visible until it commits)."""
    if run.status != ImportRunStatus.RUNNING:
        return run.rows_processed
    beat = cache.get(HEARTBEAT_KEY.format(id=run.pk))
    return beat["rows"] if beat else 0


def import_run_execute(*, run_id: int, actor: Actor | None = None, report=None) -> ImportRun:
    """Execute a queued run: read its file through its mapping, write (unless a dry run) all or
    nothing, and record what it did. `report(rows_read)` is told as it goes (the command's progress
    bar). The run's requester is the actor unless one is given."""
    started = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRunStatus.QUEUED).update(
        status=ImportRunStatus.RUNNING, started_at=started, updated_at=started
    )
    if not claimed:
        current = ImportRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        raise RunNotQueued(f"Import run {run_id} is {current or 'missing'}, not queued.")
    run = ImportRun.objects.select_related("requested_by").get(pk=run_id)
    if actor is None:
        actor = run.requested_by or SYSTEM
    key = HEARTBEAT_KEY.format(id=run.pk)

    def progress(rows: int) -> None:
        try:
            cache.set(key, {"rows": rows, "at": timezone.now().timestamp()}, timeout=24 * 3600)
        except Exception as exc:
            logger.info("Import run %s: progress not stored (%s)", run.pk, exc)
        if report is not None:
            report(rows)

    loaded = mappings.load(run.mapping_definition)
    importer = Importer(mapping=loaded, actor=actor, run_label=f"import run {run.pk}", progress=progress)
    try:
        with file_open(run) as stream:
            table = open_table(stream, name=run.file_name, mapping=loaded)
            outcome = importer.run(table, dry_run=run.dry_run, skip_bad_rows=run.skip_bad_rows)
    except (UnreadableFile, ValidationError) as error:
        message = error.args[0] if isinstance(error, UnreadableFile) else "; ".join(error.messages)
        return _finish(run, actor, status=ImportRunStatus.FAILED, error=str(message), outcome=importer.outcome)
    if outcome.written:
        status = ImportRunStatus.SUCCEEDED
    elif run.dry_run:
        status = ImportRunStatus.PREVIEWED
    else:
        status = ImportRunStatus.REFUSED  # a bad row, and bad rows were not to be skipped
    return _finish(run, actor, status=status, outcome=outcome)


@transaction.atomic
def _finish(run: ImportRun, actor: Actor, *, status: str, outcome, error: str = "") -> ImportRun:
    now = timezone.now()
    run.status = status
    run.error = error
    run.finished_at = now
    run.rows_total = outcome.rows_total
    run.rows_processed = outcome.rows_total
    run.created_count = outcome.created
    run.updated_count = outcome.updated
    run.unchanged_count = outcome.unchanged
    run.skipped_count = outcome.skipped
    run.duplicate_count = outcome.duplicates
    run.problem_count = outcome.problem_count
    run.problems = outcome.problems
    run.cleaning = outcome.cleaning
    run.created_records = outcome.created_records
    run.save()
    if status == ImportRunStatus.SUCCEEDED:
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT_FINISHED,
            target=run,
            data={
                "file": run.file_name,
                "sha256": run.file_sha256,
                "source": run.source,
                "created": run.created_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
                "skipped": run.skipped_count,
                "duplicates": run.duplicate_count,
                "problems": run.problem_count,
                "records_created": {kind: len(names) for kind, names in run.created_records.items()},
            },
        )
    return run


def run_has_errors(run: ImportRun) -> bool:
    return any(problem.get("severity") == "error" for problem in run.problems)


def import_run_confirm(*, actor: Actor, run: ImportRun) -> ImportRun:
    """After a dry run a person liked: the same file and mapping, imported for real (a new run)."""
    require_may_import(actor)
    if run.status != ImportRunStatus.PREVIEWED:
        raise ValidationError(
            {
                "run": _("Only a previewed dry run can be confirmed; this one is %(status)s.")
                % {"status": run.get_status_display()}
            }
        )
    if run_has_errors(run) and not run.skip_bad_rows:
        raise ValidationError(
            {"run": _("The dry run found bad rows: correct the file, or preview again choosing to skip bad rows.")}
        )
    content = file_bytes(run)
    return import_run_create(
        actor=actor,
        file_name=run.file_name,
        content=content,
        definition=run.mapping_definition,
        mapping=run.mapping,
        dry_run=False,
        skip_bad_rows=run.skip_bad_rows,
    )
