"""Propose portfolios from the link graph: start a clustering run and execute it here, with a progress
bar (or hand it to a worker with --queue). The same service as the admin's "Propose portfolios".

    python manage.py cluster_portfolios [--resolution 1.0] [--seed 42] [--trials 5] [--min-size 3]
                                        [--reference-weight 10000]
                                        [--domain SLUG ...] [--status STATUS ...] [--queue]
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.actors import SYSTEM
from portfolio import services
from portfolio.choices import RunStatus


class Command(BaseCommand):
    help = "Propose portfolios: cluster the linked use cases (Leiden) and match them with the existing portfolios."

    def add_arguments(self, parser):
        parser.add_argument("--resolution", type=float, help="Leiden resolution (higher: smaller portfolios).")
        parser.add_argument("--seed", type=int, help="First random seed.")
        parser.add_argument("--trials", type=int, help="Seeds tried; the partition of highest modularity is kept.")
        parser.add_argument("--min-size", type=int, dest="min_size", help="Smallest group proposed.")
        parser.add_argument(
            "--reference-weight",
            type=float,
            dest="reference_weight",
            help="Total link weight above which the resolution grows with the graph (0: never).",
        )
        parser.add_argument("--domain", action="append", dest="domains", help="Only this domain (slug); repeatable.")
        parser.add_argument(
            "--status", action="append", dest="statuses", help="Cover use cases in this status; repeatable."
        )
        parser.add_argument("--queue", action="store_true", help="Hand the run to a worker instead of running it here.")
        parser.add_argument("--no-progress", action="store_true", dest="no_progress", help="No progress bar.")

    def handle(self, *args, **options):
        choices = {
            name: options[name]
            for name in ("resolution", "seed", "trials", "min_size", "reference_weight", "domains", "statuses")
            if options[name] is not None
        }
        try:
            run = services.clustering_run_create(actor=SYSTEM, dispatch=options["queue"], **choices)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
            ) from exc
        if options["queue"]:
            self.stdout.write(f"Run #{run.pk} queued: follow it in the admin (Clustering runs).")
            return
        bar = tqdm(total=100, unit="%", disable=options["no_progress"], file=self.stderr._out, leave=False)

        def report(percent: int, message: str) -> None:
            bar.set_description_str(message[:60])
            bar.update(max(0, percent - bar.n))

        try:
            run = services.clustering_run_execute(run_id=run.pk, report=report)
        finally:
            bar.close()
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        changes = run.changes
        self.stdout.write(
            f"Run #{run.pk}: {run.node_count} use cases, {run.edge_count} edges, {run.portfolio_count} portfolios "
            f"({len(changes.get('new', []))} new), {run.isolated_count} isolated, {run.moved_count} moved, "
            f"modularity {run.modularity:.3f} at resolution {run.resolution_used:g}, {run.duration_seconds:.2f} s."
        )
