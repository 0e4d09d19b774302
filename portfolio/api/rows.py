"""Flat rows (core.api.flat) with some columns finished in Python, a page or a CSV batch at a time:
the portfolio's why sentence in the reader's language, the shared foundations by name, and the JSON
columns that name use cases (a member's ties, a run's changes) cleared of those the requester may not
see. A finisher takes the column's values for the whole page or batch, so what it reads costs one
query per page, never one per row."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from itertools import islice
from typing import Any

from django.db.models import F
from django.utils.translation import gettext
from rest_framework import serializers

from core.api.flat import STREAM_BATCH_SIZE, AnyOf, FlatRowSpec, Ids, csv_list_cell
from domains.api.visibility import request_visibility, visible_use_cases

from ..choices import LinkKind
from ..explain import why_sentence
from .serializers import ClusteringRunSerializer, PortfolioMembershipSerializer, PortfolioSerializer

# finish(values of one column for a page or batch, request) -> the values to show, in the same order.
Finisher = Callable[[list, Any], list]


class FinishedRowSpec(FlatRowSpec):
    """The columns of a serializer, some of them finished by `finishers` ({column: finisher}); `csv`
    ({column: cell}) writes a finished column's CSV cell, which is otherwise the column's usual one."""

    def __init__(
        self,
        serializer_class: type[serializers.Serializer],
        *,
        finishers: dict[str, Finisher],
        csv: dict[str, Callable[[Any], Any]] | None = None,
    ):
        super().__init__(serializer_class)
        position = {name: index for index, name in enumerate(self.names)}
        converters = dict(self._csv_converters)
        self._finishing = [(name, position[name], finish) for name, finish in finishers.items()]
        self._finished_cells = {
            position[name]: (csv or {}).get(name, converters.get(position[name])) for name in finishers
        }
        # The finished columns get their CSV cell after finishing, not from the base rows.
        self._csv_converters = [(i, convert) for i, convert in self._csv_converters if i not in self._finished_cells]
        self.request = None

    def for_request(self, request) -> FinishedRowSpec:
        spec = copy.copy(self)
        spec.request = request
        return spec

    def rows(self, queryset) -> list[dict[str, Any]]:
        rows = super().rows(queryset)
        for name, _index, finish in self._finishing:
            for row, value in zip(rows, finish([row[name] for row in rows], self.request), strict=True):
                row[name] = value
        return rows

    def csv_lines(self, queryset):
        lines = super().csv_lines(queryset)
        yield next(lines)
        # The base reads STREAM_BATCH_SIZE rows per query: finishing as many keeps one query per batch.
        while batch := list(islice(lines, STREAM_BATCH_SIZE)):
            for _name, index, finish in self._finishing:
                cell = self._finished_cells[index]
                for cells, value in zip(batch, finish([cells[index] for cells in batch], self.request), strict=True):
                    cells[index] = cell(value) if cell is not None else value
            yield from batch


# Finishers -----------------------------------------------------------------------------------------


def _why(values: list, request) -> list[str]:
    """The sentence names the member that holds the group together ("around <title>"): left out when
    the requester may not see that member."""
    hubs = {(explanation or {}).get("hub_reference") for explanation in values} - {None, ""}
    _ids, hidden = _hidden_use_cases(request, references=hubs)
    return [
        why_sentence(
            {**explanation, "hub": ""}
            if explanation and explanation.get("hub_reference") in hidden
            else explanation or {}
        )
        for explanation in values
    ]


def _foundation_names(values: list, request) -> list[list[str]]:
    return [[foundation.get("name", "") for foundation in foundations or []] for foundations in values]


def _hidden_use_cases(request, *, ids=(), references=()) -> tuple[set, set]:
    """(ids, references) among those given that the requester may not see: one query, none when they
    see every use case."""
    ids, references = set(ids), set(references)
    if request is None or request_visibility(request) is None or not (ids or references):
        return set(), set()
    visible = visible_use_cases(request).order_by()
    seen_ids = set(visible.filter(AnyOf(F("pk"), Ids(sorted(ids)))).values_list("pk", flat=True)) if ids else set()
    seen_references = (
        set(visible.filter(AnyOf(F("reference"), Ids(sorted(references)))).values_list("reference", flat=True))
        if references
        else set()
    )
    return ids - seen_ids, references - seen_references


def _visible_ties(values: list, request) -> list[list[dict]]:
    """A member's ties name the other members it is linked to: one the requester may not see (a draft
    since the run, or a run that covered drafts) is left out, as everywhere else."""
    linked = {tie.get("use_case") for ties in values for tie in ties or [] if tie.get("type") == "link"}
    hidden, _references = _hidden_use_cases(request, ids=linked - {None})
    if not hidden:
        return [ties or [] for ties in values]
    return [[tie for tie in ties or [] if tie.get("use_case") not in hidden] for ties in values]


def _visible_changes(values: list, request) -> list[dict]:
    """A run's changes name the use cases that joined and left each portfolio: those the requester may
    not see are left out of the names (the counts stay, as a count names nobody)."""
    named = {
        reference
        for changes in values
        for key in ("joined", "left")
        for movement in (changes or {}).get(key, [])
        for reference in movement.get("use_cases", [])
    }
    _ids, hidden = _hidden_use_cases(request, references=named)
    if not hidden:
        return values
    finished = []
    for changes in values:
        changes = dict(changes or {})
        for key in ("joined", "left"):
            changes[key] = [
                {**movement, "use_cases": [ref for ref in movement.get("use_cases", []) if ref not in hidden]}
                for movement in changes.get(key, [])
            ]
        finished.append(changes)
    return finished


def tie_text(tie: dict) -> str:
    """One tie as a person reads it in a spreadsheet, e.g. "Reinforces UC-0012 (1.5)"."""
    weight = f"{tie.get('weight', 0):g}"
    if tie.get("type") == "foundation":
        return gettext("%(name)s, shared with %(count)s (%(weight)s)") % {
            "name": tie.get("name", ""),
            "count": tie.get("shared_with", 0),
            "weight": weight,
        }
    kind = tie.get("kind", "")
    label = LinkKind(kind).label if kind in LinkKind.values else kind
    return gettext("%(kind)s %(reference)s (%(weight)s)") % {
        "kind": label,
        "reference": tie.get("reference", ""),
        "weight": weight,
    }


def _ties_cell(ties: list) -> str:
    return csv_list_cell([tie_text(tie) for tie in ties])


# The specs of the portfolio lists --------------------------------------------------------------------


@cache
def portfolio_rows() -> FinishedRowSpec:
    return FinishedRowSpec(PortfolioSerializer, finishers={"why": _why, "shared_foundations": _foundation_names})


@cache
def membership_rows() -> FinishedRowSpec:
    return FinishedRowSpec(PortfolioMembershipSerializer, finishers={"ties": _visible_ties}, csv={"ties": _ties_cell})


@cache
def clustering_run_rows() -> FinishedRowSpec:
    return FinishedRowSpec(ClusteringRunSerializer, finishers={"changes": _visible_changes})
