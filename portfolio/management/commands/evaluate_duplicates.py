"""Measure the duplicate-suggestion methods on the labelled evaluation set and print precision and
recall for each: the figures the method and its threshold were chosen by (portfolio.duplicates)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portfolio.duplicates import EVALUATION_SET, METHODS, chosen_scores, evaluate, evaluation_set, precision_recall


class Command(BaseCommand):
    help = "Precision and recall of each duplicate-suggestion method on the labelled evaluation set."

    def add_arguments(self, parser):
        parser.add_argument("--set", default=str(EVALUATION_SET), help="The labelled set (YAML).")
        parser.add_argument("--target-precision", type=float, default=0.8)
        parser.add_argument("--method", action="append", choices=sorted(METHODS), help="Only these methods.")

    def handle(self, *args, **options):
        path = Path(options["set"])
        if not path.is_file():
            raise CommandError(f"--set: no file at {path}.")
        if not 0 < options["target_precision"] <= 1:
            raise CommandError("--target-precision: a share between 0 and 1, e.g. 0.8.")
        data = evaluation_set(path)
        positives = sum(1 for *_pair, same, _kind in data.labelled if same)
        self.stdout.write(
            f"{len(data.keys)} use cases, {len(data.labelled)} labelled pairs ({positives} duplicates); "
            f"scored over all {len(data.keys) * (len(data.keys) - 1) // 2} pairs, "
            f"{len(data.duplicates)} of them the same idea.\n"
            f"Threshold: the one with the highest recall at precision >= {options['target_precision']:.2f}.\n"
        )
        header = (
            f"{'method':<14} {'context':<8} {'threshold':>9} {'precision':>9} {'recall':>7} {'suggested':>9}  by kind"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for result in evaluate(data, target_precision=options["target_precision"], methods=options["method"]):
            context = "+domain" if result.with_context else "text"
            if not result.available:
                self.stdout.write(f"{result.method:<14} {context:<8} {'not available here':>38}")
                continue
            if result.threshold is None:
                self.stdout.write(f"{result.method:<14} {context:<8} {'never reaches the target':>38}")
                continue
            kinds = ", ".join(f"{kind} {hit}/{total}" for kind, (hit, total) in sorted(result.by_kind.items()))
            self.stdout.write(
                f"{result.method:<14} {context:<8} {result.threshold:>9.2f} {result.precision:>9.3f} "
                f"{result.recall:>7.3f} {result.suggested:>9}  {kinds}"
            )
        chosen = chosen_scores(data)
        precision, recall, made = precision_recall(data, chosen, settings.PORTFOLIO_DUPLICATE_THRESHOLD)
        self.stdout.write(
            f"\nIn use: char-ngrams with the domain and foundation bonus at PORTFOLIO_DUPLICATE_THRESHOLD="
            f"{settings.PORTFOLIO_DUPLICATE_THRESHOLD}: precision {precision:.3f}, recall {recall:.3f} "
            f"({made} suggested)."
        )
