"""Reads for the domains app. Visibility is applied here, once, for every caller."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext

from core.actors import is_system
from core.exceptions import ChangedMeanwhile

from .choices import Status
from .models import USE_CASE_CONTENT_FIELDS, Foundation, UseCase, UseCaseFoundation

# Granted to the committee (governance/rules.py) and to superusers: see other teams' drafts.
VIEW_ALL_DRAFTS = "domains.view_all_drafts"
# Granted to the committee that covers a use case, and to superusers: edit its content and links in
# any state (teams edit their own only while it is a draft or changes were requested).
EDIT_ANY_USE_CASE = "domains.edit_any_use_case"


# The one visibility rule. Use cases in TEAM_PRIVATE_STATUSES are their team's own business: visible
# to the team, the committee and the system only. Those in RECORD_ONLY_STATUSES (drafts the team
# discarded) are kept for the record: the committee and the system see them, nobody else. Everyone
# (other teams, read-only API tokens, the BI reporting views) sees every other use case.
TEAM_PRIVATE_STATUSES = frozenset({Status.DRAFT})
RECORD_ONLY_STATUSES = frozenset({Status.DISCARDED})
_NOT_SHARED = TEAM_PRIVATE_STATUSES | RECORD_ONLY_STATUSES


def sees_every_use_case(actor) -> bool:
    return is_system(actor) or (actor is not None and actor.is_authenticated and actor.has_perm(VIEW_ALL_DRAFTS))


def shared_filter(prefix: str = "") -> Q:
    """The use cases anyone may see (`prefix`: the path to the use case, e.g. "use_case__")."""
    return ~Q(**{f"{prefix}status__in": _NOT_SHARED})


def use_case_visibility_filter(actor) -> Q | None:
    """None when the actor sees every use case; otherwise the Q of what they may see: everything
    shared, and their own teams' drafts. `actor` None is "anyone" (a BI client)."""
    if sees_every_use_case(actor):
        return None
    shared = shared_filter()
    if actor is None or not actor.is_authenticated:
        return shared
    return shared | Q(team__in=actor.teams.values("pk"), status__in=TEAM_PRIVATE_STATUSES)


def shared_use_case_sql(alias: str) -> str:
    """The same rule as SQL, for the reporting views (which take no parameters): the use cases anyone
    may see, as a condition on the use-case table aliased `alias`."""
    statuses = ", ".join(f"'{status}'" for status in sorted(_NOT_SHARED))
    return f"{alias}.status NOT IN ({statuses})"


def is_shared(status: str) -> bool:
    """Whether anyone may see a use case in this state (the Python side of the same rule)."""
    return status not in _NOT_SHARED


def use_case_list(*, actor, queryset: QuerySet[UseCase] | None = None) -> QuerySet[UseCase]:
    """Use cases the actor may see, with what list pages and serializers read in a fixed number
    of queries."""
    qs = queryset if queryset is not None else UseCase.objects.all()
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        qs = qs.filter(visibility)
    return qs.select_related("domain", "team", "team__function", "owner", "sponsor").prefetch_related("functions")


@dataclass(frozen=True)
class ChangesSince:
    """What was saved on a use case after a given version: the content fields that differ now, who
    saved, and the current values of those fields (as text)."""

    fields: list[str]
    people: list[str]
    current: dict[str, str]


def use_case_changes_since(*, use_case: UseCase, version: int) -> ChangesSince:
    """Read from the field history: the record of `version` against the newest one."""
    later = list(use_case.history.filter(version__gt=version).select_related("history_user").order_by("history_date"))
    base = use_case.history.filter(version=version).order_by("-history_date").first()
    latest = use_case.history.order_by("-history_date").first()
    fields: list[str] = []
    if base is not None and latest is not None and latest.pk != base.pk:
        delta = latest.diff_against(base)
        content = set(USE_CASE_CONTENT_FIELDS) | {"status"}
        fields = sorted(change.field for change in delta.changes if change.field in content)
    people = []
    for record in later:
        user = record.history_user
        name = (user.get_full_name() or user.get_username()) if user is not None else "system"
        if name not in people:
            people.append(name)
    current = {
        name: str(getattr(use_case, name) if getattr(use_case, name) is not None else "")[:200] for name in fields
    }
    return ChangesSince(fields=fields, people=people, current=current)


def edit_conflict(use_case: UseCase, expected_version: int) -> ChangedMeanwhile:
    """The refusal of an edit started from an older version: who changed what since, in a sentence
    and in details (the fields, the people, the current version) for forms and API clients."""
    since = use_case_changes_since(use_case=use_case, version=expected_version)
    labels = [str(UseCase.field_label(name)) for name in since.fields]
    message = gettext(
        "While you were editing, %(people)s saved %(reference)s (version %(current)s, you started from %(started)s)"
    ) % {
        "people": ", ".join(since.people) or gettext("someone"),
        "reference": use_case.reference,
        "current": use_case.version,
        "started": expected_version,
    }
    if labels:
        message += gettext(" and changed: %(fields)s") % {"fields": ", ".join(labels)}
    message += gettext(". Nothing of yours was saved yet.")
    return ChangedMeanwhile(
        message,
        details={
            "current_version": use_case.version,
            "your_version": expected_version,
            "changed_fields": since.fields,
            "changed_by": since.people,
            "current_values": {name: since.current[name] for name in since.fields},
        },
    )


# Foundations: what each one unlocks ----------------------------------------------------------------

# A foundation is reused by the use cases that build on it and are still going somewhere: shared, and
# neither rejected nor retired. Held back: those not yet in delivery while the foundation is not ready.
_REUSING_STATUSES = frozenset(Status.values) - _NOT_SHARED - {Status.REJECTED, Status.RETIRED}
_WAITING_STATUSES = frozenset(
    {Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED, Status.ON_HOLD}
)


@dataclass
class FoundationImpact:
    foundation: Foundation
    by_status: dict[str, int]
    reuse_count: int
    benefit_enabled: Decimal
    held_back: list[UseCase]

    @property
    def is_low_readiness(self) -> bool:
        return bool(self.held_back) or self.foundation.readiness <= settings.FOUNDATION_LOW_READINESS

    @property
    def unlocked(self) -> int:
        return sum(self.by_status.values())


def foundation_impact(
    *, foundations: QuerySet[Foundation] | None = None, use_cases: QuerySet[UseCase] | None = None
) -> list[FoundationImpact]:
    """For each foundation: the shared use cases building on it, by status; how many reuse it; the
    estimated annual benefit of those (each use case's whole benefit: a foundation enables it); and,
    while its readiness is at or below FOUNDATION_LOW_READINESS, the use cases it holds back (not yet in
    delivery). Ranked by benefit enabled, then reuse. `use_cases` counts only those (the committee's
    dashboard filtered by domain or portfolio). Three queries whatever the number of rows."""
    foundations = list(
        (foundations if foundations is not None else Foundation.objects.all()).select_related("owner_team")
    )
    ids = [f.pk for f in foundations]
    by_status: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    benefit: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    reuse: dict[int, int] = dict.fromkeys(ids, 0)
    usages = UseCaseFoundation.objects.filter(foundation_id__in=ids)
    if use_cases is not None:
        usages = usages.filter(use_case__in=use_cases.values("pk"))
    rows = (
        usages.filter(shared_filter(prefix="use_case__"))
        .values("foundation_id", "use_case__status")
        .annotate(count=Count("use_case_id"), benefit=Sum("use_case__estimated_annual_benefit"))
    )
    for row in rows:
        status = row["use_case__status"]
        by_status[row["foundation_id"]][status] = row["count"]
        if status in _REUSING_STATUSES:
            reuse[row["foundation_id"]] += row["count"]
            benefit[row["foundation_id"]] += row["benefit"] or 0
    low = [f.pk for f in foundations if f.readiness <= settings.FOUNDATION_LOW_READINESS]
    held: dict[int, list[UseCase]] = {pk: [] for pk in ids}
    if low:
        for usage in (
            usages.filter(foundation_id__in=low, use_case__status__in=_WAITING_STATUSES)
            .select_related("use_case")
            .order_by("use_case__reference")
        ):
            held[usage.foundation_id].append(usage.use_case)
    result = [
        FoundationImpact(
            foundation=f,
            by_status={s: by_status[f.pk][s] for s in Status.values if s in by_status[f.pk]},
            reuse_count=reuse[f.pk],
            benefit_enabled=benefit[f.pk],
            held_back=held[f.pk],
        )
        for f in foundations
    ]
    return sorted(result, key=lambda r: (-r.benefit_enabled, -r.reuse_count, r.foundation.name))
