"""Reads for the team web pages that need the governance models in bulk.

`selectors.next_actions_for_team` answers for one use case with a query or two of its own; a list
page asks for a whole page of use cases at once, so this module answers the same question for many
in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from domains.choices import Status
from domains.models import UseCase

from .models import ChangeRequest, Decision, Vote


@dataclass(frozen=True)
class Expectation:
    text: str
    # The ball is in the team's court.
    needs_action: bool


def _missing_count(use_case: UseCase) -> int:
    """Required fields still empty; reads functions from the prefetch cache when there is one."""
    missing = 0
    for name in UseCase.REQUIRED_FOR_SUBMISSION:
        value = getattr(use_case, UseCase._meta.get_field(name).attname)
        if value is None or value == "":
            missing += 1
    if not use_case.functions.all():
        missing += 1
    return missing


def team_expectations(*, use_cases: list[UseCase]) -> dict[int, Expectation]:
    """What each use case's team is expected to do next, keyed by use-case id. Three queries for
    any number of use cases (none for a page of drafts)."""
    ids = [uc.pk for uc in use_cases]
    by_status = {uc.status for uc in use_cases}
    change_requests: dict[int, int] = {}
    votes: dict[int, int] = {}
    conditions: dict[int, str] = {}
    if Status.CHANGES_REQUESTED in by_status:
        change_requests = dict(
            ChangeRequest.objects.filter(use_case_id__in=ids, resolved_at__isnull=True)
            .values("use_case_id")
            .annotate(total=Count("id"))
            .values_list("use_case_id", "total")
        )
    if Status.IN_REVIEW in by_status:
        votes = dict(
            Vote.objects.filter(round__use_case_id__in=ids, round__closed_at__isnull=True)
            .values("round__use_case_id")
            .annotate(total=Count("id"))
            .values_list("round__use_case_id", "total")
        )
    if Status.APPROVED in by_status:
        # Newest first, so the first seen per use case is its latest decision.
        for use_case_id, text in (
            Decision.objects.filter(use_case_id__in=ids)
            .order_by("-created_at", "-id")
            .values_list("use_case_id", "conditions")
        ):
            conditions.setdefault(use_case_id, text)
    return {uc.pk: _expectation(uc, change_requests, votes, conditions) for uc in use_cases}


def _expectation(uc: UseCase, change_requests, votes, conditions) -> Expectation:
    status = uc.status
    if status == Status.DRAFT:
        missing = _missing_count(uc)
        if missing:
            return Expectation(
                ngettext(
                    "Complete %(count)d required field, then submit it to the committee.",
                    "Complete %(count)d required fields, then submit it to the committee.",
                    missing,
                )
                % {"count": missing},
                True,
            )
        return Expectation(_("Ready: submit it to the committee."), True)
    if status == Status.CHANGES_REQUESTED:
        count = change_requests.get(uc.pk, 0)
        return Expectation(
            ngettext(
                "Changes requested by the committee: %(count)d comment. Edit it and submit it again.",
                "Changes requested by the committee: %(count)d comments. Edit it and submit it again.",
                count,
            )
            % {"count": count},
            True,
        )
    if status == Status.SUBMITTED:
        return Expectation(_("Nothing for now: waiting for the committee to start its review."), False)
    if status == Status.IN_REVIEW:
        cast = votes.get(uc.pk, 0)
        return Expectation(
            ngettext(
                "Nothing for now: the committee is reviewing it (%(count)d vote cast).",
                "Nothing for now: the committee is reviewing it (%(count)d votes cast).",
                cast,
            )
            % {"count": cast},
            False,
        )
    if status == Status.APPROVED:
        if conditions.get(uc.pk):
            return Expectation(
                _("Approved with conditions: %(conditions)s Start the pilot once they are met.")
                % {"conditions": conditions[uc.pk]},
                True,
            )
        return Expectation(_("Approved: start the pilot."), True)
    if status == Status.REJECTED:
        return Expectation(_("Rejected by the committee: read the rationale of its decision."), False)
    if status == Status.ON_HOLD:
        return Expectation(_("On hold: nothing to do until the committee resumes the review."), False)
    if status == Status.IN_DELIVERY:
        return Expectation(_("In pilot: show its results to scale it to production."), False)
    if status == Status.SCALED:
        return Expectation(_("In production: keep measuring its value."), False)
    return Expectation(_("Retired: nothing further."), False)


def status_counts(*, team_ids: list[int]) -> list[tuple[str, int]]:
    """(status, number of use cases) for these teams, one query."""
    if not team_ids:
        return []
    return list(
        UseCase.objects.filter(team_id__in=team_ids)
        .values("status")
        .annotate(total=Count("id"))
        .order_by("status")
        .values_list("status", "total")
    )
