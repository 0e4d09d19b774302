"""copy_create and copy_create_with_history: rows written by COPY (PostgreSQL) or bulk_create (other
databases) read back the same, with their ids, timestamps and "created" history rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from core.bulk import copy_create, copy_create_with_history
from portfolio.models import Portfolio

pytestmark = pytest.mark.django_db


def portfolios(n: int, offset: int = 0) -> list[Portfolio]:
    return [
        Portfolio(
            reference=f"PF-T{offset + k:03d}",
            name=f"Group {k}: ties, tabs\tand \\ back\nslashes",
            total_benefit=Decimal("1234.50"),
            domains=["Retail", "Données"],
            explanation={"count": k, "hub": 'Adviser "assist"'},
            shared_foundations=[{"id": 1, "name": "Lake", "members": 2}],
        )
        for k in range(n)
    ]


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_rows_come_back_with_ids_values_timestamps_and_history(vendor, monkeypatch):
    if vendor != connection.vendor:
        monkeypatch.setattr(connection, "vendor", vendor)  # the bulk_create path, on the same database
    created = copy_create_with_history(Portfolio, portfolios(3))

    assert all(p.pk and not p._state.adding for p in created)
    assert len({p.pk for p in created}) == 3
    for written in created:
        read = Portfolio.objects.get(pk=written.pk)
        assert (read.reference, read.name, read.total_benefit) == (written.reference, written.name, Decimal("1234.50"))
        assert read.domains == ["Retail", "Données"] and read.explanation == written.explanation
        assert read.shared_foundations == written.shared_foundations
        assert read.created_at and read.updated_at
        [history] = read.history.all()
        assert (history.history_type, history.name, history.history_user_id) == ("+", written.name, None)
    # The sequence moved past the reserved ids: the next row, saved the usual way, does not collide.
    later = Portfolio.objects.create(reference="PF-T999", name="Later")
    assert later.pk > max(p.pk for p in created)


def test_nothing_to_write_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert copy_create(Portfolio, []) == []


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_bulk_set_writes_each_objects_own_values_and_nothing_else(vendor, monkeypatch):
    import datetime

    from django.utils import timezone

    from core.bulk import bulk_set
    from domains.models import UseCase
    from tests.factories import UseCaseFactory

    first, second, untouched = UseCaseFactory(), UseCaseFactory(), UseCaseFactory()
    when = timezone.now() - datetime.timedelta(days=400)
    first.status, first.status_changed_at, first.status_before_hold = "scaled", when, ""
    second.status, second.status_changed_at, second.status_before_hold = "retired", None, "approved"
    second.title = "Not written: not among the fields"
    if vendor != connection.vendor:
        monkeypatch.setattr(connection, "vendor", vendor)  # the bulk_update path, on the same database

    bulk_set(UseCase, [first, second], ["status", "status_changed_at", "status_before_hold"])

    monkeypatch.undo()
    rows = {row["pk"]: row for row in UseCase.objects.values("pk", "status", "status_changed_at", "title")}
    assert (rows[first.pk]["status"], rows[first.pk]["status_changed_at"]) == ("scaled", when)
    assert (rows[second.pk]["status"], rows[second.pk]["status_changed_at"]) == ("retired", None)
    assert rows[second.pk]["title"] != "Not written: not among the fields"
    assert rows[untouched.pk]["status"] == "draft"
    assert UseCase.objects.get(pk=second.pk).status_before_hold == "approved"
