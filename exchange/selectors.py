"""Reads of the exchange app: import runs and mappings as the committee sees them, and the mappings
shipped with the product."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet

from .models import ImportMapping, ImportRun

SHIPPED_MAPPINGS = Path(__file__).resolve().parent / "mappings"


def shipped_mappings() -> list[Path]:
    return sorted(SHIPPED_MAPPINGS.glob("*.yaml"))


def shipped_mapping_path(name: str) -> Path | None:
    """A shipped mapping by its file name, with or without .yaml."""
    stem = name.removesuffix(".yaml")
    path = SHIPPED_MAPPINGS / f"{stem}.yaml"
    return path if path.is_file() and path.parent == SHIPPED_MAPPINGS else None


def import_run_list(*, with_details: bool = False) -> QuerySet[ImportRun]:
    """Import runs, newest first; without their problems and mapping (read on one run's page) unless
    `with_details`."""
    runs = ImportRun.objects.select_related("mapping", "requested_by")
    return runs if with_details else runs.defer("problems", "mapping_definition")


def import_mapping_list() -> QuerySet[ImportMapping]:
    return ImportMapping.objects.select_related("created_by")
