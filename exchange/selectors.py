"""Reads of the exchange app: import runs and mappings as the committee sees them, and the mappings
shipped with the product."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet

from domains.services import IMPORT_PERMISSION
from governance.selectors import has_active_membership

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


def may_read_import_runs(user) -> bool:
    """Who sees the record of imports: those who may import (an administrator, the committee's admin
        group) and any sitting committee member. The problems quote the file's cells, so nobody else (None,
    a read-only token's reader, neither)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(IMPORT_PERMISSION) or has_active_membership(user=user)


def import_runs_visible(*, user, with_details: bool = False) -> QuerySet[ImportRun]:
    runs = import_run_list(with_details=with_details)
    return runs if may_read_import_runs(user) else runs.none()


def import_mapping_list() -> QuerySet[ImportMapping]:
    return ImportMapping.objects.select_related("created_by")
