"""python manage.py import_use_cases FILE --mapping MAPPING [--dry-run] [--skip-bad-rows]

Imports an inventory file (CSV or XLSX) through a mapping: a YAML or JSON file, the name of a mapping
saved in the admin, or the name of a shipped one (exchange/mappings/, e.g. us-federal-ai-inventory-2024).
It runs in the foreground with a progress bar, records the run like an import from the admin, and
prints what it created, updated and left alone, and every problem with its row, column and value."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.actors import SYSTEM
from exchange import services
from exchange.models import ImportMapping
from exchange.selectors import shipped_mapping_path

PROBLEMS_PRINTED = 50


class Command(BaseCommand):
    help = "Import use cases from a CSV or XLSX inventory through a mapping."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument(
            "--mapping",
            required=True,
            help="A mapping file (YAML or JSON), a saved mapping's name, or a shipped one's.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows, report the bad ones.")
        parser.add_argument("--as", dest="username", help="Record the import as this user (default: the system).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file, mapping, dry_run, skip_bad_rows, username, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        definition, saved = self._mapping(mapping)
        actor = SYSTEM
        if username:
            from domains.models import User

            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No user named {username}.")
        content = path.read_bytes()
        try:
            run = services.import_run_create(
                actor=actor,
                file_name=path.name,
                content=content,
                definition=definition,
                mapping=saved,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
                enqueue=False,
                size_limited=False,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        bar = None
        if not no_progress:
            from tqdm import tqdm

            bar = tqdm(unit=" rows", desc=path.name, file=self.stderr._out, mininterval=0.5)

        def report(rows: int) -> None:
            if bar is not None:
                bar.update(rows - bar.n)

        run = services.import_run_execute(run_id=run.pk, actor=actor, report=report)
        if bar is not None:
            bar.close()
        self._print(run)
        if run.status in (run.Status.FAILED, run.Status.REFUSED):
            errors = sum(1 for problem in run.problems if problem["severity"] == "error")
            raise CommandError(
                run.error or f"Nothing written: {errors} bad row(s); correct them or pass --skip-bad-rows."
            )

    def _mapping(self, name: str):
        path = Path(name)
        if path.is_file():
            return path.read_text(encoding="utf-8"), None
        saved = ImportMapping.objects.filter(name=name).first()
        if saved is not None:
            return saved.definition, saved
        shipped = shipped_mapping_path(name)
        if shipped is not None:
            return shipped.read_text(encoding="utf-8"), None
        raise CommandError(f"No mapping file, saved mapping or shipped mapping named {name}.")

    def _print(self, run) -> None:
        write = self.stdout.write
        write(f"{run.get_status_display()}: {run.file_name} (sha256 {run.file_sha256[:12]}…), import run {run.pk}")
        write(
            f"  rows {run.rows_total or 0}: created {run.created_count}, updated {run.updated_count}, "
            f"left alone {run.unchanged_count}, bad rows skipped {run.skipped_count}, "
            f"identical duplicates {run.duplicate_count}"
        )
        for kind, names in sorted(run.created_records.items()):
            write(f"  new {kind}: {len(names)}")
        for rule, count in sorted(run.cleaning.items()):
            write(f"  cleaned: {rule}: {count}")
        errors = [p for p in run.problems if p["severity"] == "error"]
        warnings = [p for p in run.problems if p["severity"] != "error"]
        write(f"  problems: {len(errors)} error(s), {len(warnings)} warning(s)")
        for problem in (errors + warnings)[:PROBLEMS_PRINTED]:
            where = f"row {problem['row']}" if problem["row"] else "file"
            column = f", {problem['column']}" if problem["column"] else ""
            value = f" [{problem['value']}]" if problem["value"] else ""
            write(f"    {problem['severity']}: {where}{column}{value}: {problem['message']}")
        if run.problem_count > PROBLEMS_PRINTED:
            write(f"    ... and {run.problem_count - PROBLEMS_PRINTED} more (see the import run in the admin)")
        if run.error:
            write(f"  error: {run.error}")
