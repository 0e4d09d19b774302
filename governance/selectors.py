"""Reads for governance: which committee reviews a use case, its timeline, the feedback a team
sees and what is expected of it next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from domains.choices import Status
from domains.models import UseCase, User

from .choices import COUNTED_VOTE_CHOICES
from .models import AuditEvent, ChangeRequest, Committee, CommitteeMembership, Decision, ReviewRound, Vote

_COMMITTEE_CACHE_ATTR = "_governance_committee"


def committee_for(use_case: UseCase) -> Committee | None:
    """The committee that reviews a use case: one that names its domain, else one that covers every
    domain (lowest id first, so the answer is stable). Cached on the instance per domain."""
    cached = getattr(use_case, _COMMITTEE_CACHE_ATTR, None)
    if cached is not None and cached[0] == use_case.domain_id:
        return cached[1]
    committee = (
        Committee.objects.filter(domains=use_case.domain_id).order_by("pk").first()
        or Committee.objects.filter(covers_all_domains=True).order_by("pk").first()
    )
    setattr(use_case, _COMMITTEE_CACHE_ATTR, (use_case.domain_id, committee))
    return committee


def active_membership(*, user: User, committee: Committee, on: datetime.date | None = None):
    return (
        CommitteeMembership.objects.active(on)
        .filter(committee=committee, user=user)
        .select_related("function")
        .order_by("-start_date", "-pk")
        .first()
    )


def has_active_membership(*, user: User) -> bool:
    return CommitteeMembership.objects.active().filter(user=user).exists()


def committee_voting_members(*, committee: Committee) -> QuerySet[CommitteeMembership]:
    return (
        CommitteeMembership.objects.active()
        .voting()
        .filter(committee=committee)
        .select_related("user", "function")
        .order_by("function__name", "user__username", "pk")
    )


def committee_members(*, committee: Committee) -> QuerySet[CommitteeMembership]:
    return (
        CommitteeMembership.objects.active()
        .filter(committee=committee)
        .select_related("user", "function")
        .order_by("role", "user__username", "pk")
    )


def open_round(*, use_case: UseCase) -> ReviewRound | None:
    return ReviewRound.objects.filter(use_case=use_case, closed_at__isnull=True).select_related("committee").first()


@dataclass(frozen=True)
class QuorumStatus:
    votes_needed: int
    votes_counted: int
    functions_needed: int
    functions_voted: list[str]
    # Functions represented by voting members of the committee that have not voted yet.
    functions_not_voted: list[str]

    @property
    def votes_missing(self) -> int:
        return max(0, self.votes_needed - self.votes_counted)

    @property
    def functions_missing(self) -> int:
        return max(0, self.functions_needed - len(self.functions_voted))

    @property
    def is_met(self) -> bool:
        return self.votes_missing == 0 and self.functions_missing == 0


def round_quorum(*, review_round: ReviewRound) -> QuorumStatus:
    """Counts the votes that take a position (abstentions excluded) and the distinct functions
    among them, against the committee's quorum."""
    committee = review_round.committee
    counted = [v for v in review_round.votes.select_related("function") if v.choice in COUNTED_VOTE_CHOICES]
    voted = sorted({v.function.name for v in counted})
    on_committee = {m.function.name for m in committee_voting_members(committee=committee)}
    return QuorumStatus(
        votes_needed=committee.quorum_votes,
        votes_counted=len(counted),
        functions_needed=committee.quorum_functions,
        functions_voted=voted,
        functions_not_voted=sorted(on_committee - set(voted)),
    )


# Timeline -----------------------------------------------------------------------------------------


class TimelineKind:
    TRANSITION = "transition"
    VOTE = "vote"
    DECISION = "decision"
    COMMENT = "comment"
    FIELD_CHANGE = "field_change"


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    actor: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


# Audit actions the timeline shows from other sources (votes, decisions, change requests, field
# history), so they are not listed twice.
_TIMELINE_SKIPPED_ACTIONS = frozenset({"vote.cast", "use_case.updated"})
# Written by the workflow itself; the transition entry says it.
_HISTORY_IGNORED_FIELDS = frozenset({"status", "status_changed_at", "updated_at", "created_at", "id"})


def _user_name(user: User | None, fallback: str = "") -> str:
    if user is None:
        return fallback or _("system")
    return user.get_full_name() or user.get_username()


def _history_entries(use_case: UseCase) -> list[TimelineEntry]:
    records = list(use_case.history.select_related("history_user").order_by("history_date", "history_id"))
    tracked = [f.attname for f in use_case.history.model.instance_type._meta.concrete_fields]
    tracked = [name for name in tracked if name not in _HISTORY_IGNORED_FIELDS]
    entries = []
    for previous, record in zip(records, records[1:], strict=False):
        changed = [name for name in tracked if getattr(previous, name, None) != getattr(record, name, None)]
        if not changed:
            continue
        labels = []
        for attname in changed:
            name = attname[:-3] if attname.endswith("_id") else attname
            labels.append(UseCase.field_label(name))
        entries.append(
            TimelineEntry(
                when=record.history_date,
                actor=_user_name(record.history_user),
                kind=TimelineKind.FIELD_CHANGE,
                text=_("Changed %(fields)s") % {"fields": ", ".join(labels)},
                data={"fields": changed},
            )
        )
    return entries


def _transition_text(event: AuditEvent) -> str:
    from .workflow import TRANSITIONS

    action = event.action.removeprefix("workflow.")
    transition = TRANSITIONS.get(action)
    label = str(transition.label) if transition else action
    text = _("%(action)s: %(source)s -> %(target)s") % {
        "action": label,
        "source": Status(event.data["from"]).label if event.data.get("from") in Status.values else "",
        "target": Status(event.data["to"]).label if event.data.get("to") in Status.values else "",
    }
    if event.data.get("comment") and action != "request_changes":  # listed with its change request
        text += f" - {event.data['comment']}"
    return text


def use_case_timeline(*, use_case: UseCase) -> list[TimelineEntry]:
    """Everything that happened to a use case, oldest first: workflow transitions, votes,
    decisions, change requests and field changes. Five queries whatever the length."""
    entries: list[TimelineEntry] = []
    events = AuditEvent.objects.filter(use_case=use_case).select_related("actor").order_by("created_at", "id")
    for event in events:
        if event.action in _TIMELINE_SKIPPED_ACTIONS:
            continue
        if event.action.startswith("workflow."):
            kind, text = TimelineKind.TRANSITION, _transition_text(event)
        elif event.action == "change_request.created":
            continue  # listed from the ChangeRequest row with its comment
        else:
            kind = TimelineKind.FIELD_CHANGE
            details = ", ".join(f"{k}: {v}" for k, v in sorted(event.data.items()) if not isinstance(v, dict | list))
            text = event.action.replace("_", " ").replace(".", " ").capitalize() + (f" ({details})" if details else "")
        entries.append(
            TimelineEntry(
                when=event.created_at,
                actor=_user_name(event.actor, event.actor_name),
                kind=kind,
                text=text,
                data=event.data,
            )
        )
    votes = Vote.objects.filter(round__use_case=use_case).select_related("voter", "function", "round")
    for vote in votes:
        text = _("Round %(round)s: %(choice)s (%(function)s)") % {
            "round": vote.round.number,
            "choice": vote.get_choice_display(),
            "function": vote.function.name,
        }
        if vote.comment:
            text += f" - {vote.comment}"
        entries.append(TimelineEntry(vote.created_at, _user_name(vote.voter), TimelineKind.VOTE, text))
    for decision in Decision.objects.filter(use_case=use_case).select_related("decided_by"):
        text = f"{decision.get_outcome_display()}: {decision.rationale}"
        if decision.conditions:
            text += " " + _("Conditions: %(conditions)s") % {"conditions": decision.conditions}
        entries.append(TimelineEntry(decision.created_at, _user_name(decision.decided_by), TimelineKind.DECISION, text))
    for change in ChangeRequest.objects.filter(use_case=use_case).select_related("author"):
        text = _("Changes requested: %(comment)s") % {"comment": change.comment}
        entries.append(TimelineEntry(change.created_at, _user_name(change.author), TimelineKind.COMMENT, text))
    entries.extend(_history_entries(use_case))
    entries.sort(key=lambda e: e.when)
    return entries


# Feedback for the team ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UseCaseFeedback:
    round: ReviewRound | None
    votes: list[Vote]
    decision: Decision | None
    open_change_requests: list[ChangeRequest]


def use_case_feedback(*, use_case: UseCase) -> UseCaseFeedback:
    """What the committee said: the latest round's votes with their comments, the latest decision
    with its conditions, and the change requests the team has not yet answered by resubmitting."""
    review_round = (
        ReviewRound.objects.filter(use_case=use_case)
        .prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("voter", "function").order_by("created_at", "id"))
        )
        .order_by("-number")
        .first()
    )
    decision = Decision.objects.filter(use_case=use_case).select_related("decided_by").first()
    open_requests = list(
        ChangeRequest.objects.filter(use_case=use_case, resolved_at__isnull=True)
        .select_related("author")
        .order_by("created_at", "id")
    )
    return UseCaseFeedback(
        round=review_round,
        votes=list(review_round.votes.all()) if review_round else [],
        decision=decision,
        open_change_requests=open_requests,
    )


def next_actions_for_team(*, use_case: UseCase) -> str:
    """One sentence on what the owning team is expected to do next."""
    status = use_case.status
    if status == Status.DRAFT:
        missing = use_case.missing_for_submission()
        if missing:
            return ngettext(
                "Complete %(count)d required field, then submit to the committee.",
                "Complete %(count)d required fields, then submit to the committee.",
                len(missing),
            ) % {"count": len(missing)}
        return _("Ready: submit it to the committee.")
    if status == Status.CHANGES_REQUESTED:
        count = ChangeRequest.objects.filter(use_case=use_case, resolved_at__isnull=True).count()
        return ngettext(
            "Changes requested by the committee: %(count)d comment. Edit the use case and resubmit.",
            "Changes requested by the committee: %(count)d comments. Edit the use case and resubmit.",
            count,
        ) % {"count": count}
    if status == Status.SUBMITTED:
        return _("Nothing for now: waiting for the committee to start its review.")
    if status == Status.IN_REVIEW:
        review_round = open_round(use_case=use_case)
        cast = review_round.votes.count() if review_round else 0
        return ngettext(
            "Nothing for now: in review by the committee (%(count)d vote cast).",
            "Nothing for now: in review by the committee (%(count)d votes cast).",
            cast,
        ) % {"count": cast}
    if status == Status.APPROVED:
        decision = Decision.objects.filter(use_case=use_case).first()
        if decision and decision.conditions:
            return _("Approved with conditions: %(conditions)s Start the pilot when they are met.") % {
                "conditions": decision.conditions
            }
        return _("Approved: start the pilot (move it to delivery).")
    if status == Status.IN_DELIVERY:
        return _("In pilot: scale it to production when the pilot has proved its value.")
    if status == Status.ON_HOLD:
        return _("On hold by the committee: nothing to do until it resumes the review.")
    if status == Status.REJECTED:
        return _("Rejected by the committee: see the decision's rationale.")
    if status == Status.SCALED:
        return _("In production: retire it when it is no longer used.")
    return _("Retired: nothing further.")


def use_cases_awaiting_vote(*, user: User) -> QuerySet[UseCase]:
    """Use cases in review, in an open round of a committee where the user votes, without their vote."""
    committees = CommitteeMembership.objects.active().voting().filter(user=user).values("committee")
    open_in_my_committee = ReviewRound.objects.filter(
        use_case=OuterRef("pk"), closed_at__isnull=True, committee__in=committees
    )
    my_vote = Vote.objects.filter(round__use_case=OuterRef("pk"), round__closed_at__isnull=True, voter=user)
    return UseCase.objects.filter(Exists(open_in_my_committee), ~Exists(my_vote), status=Status.IN_REVIEW)


TIMELINE_KIND_LABELS = {
    TimelineKind.TRANSITION: _lazy("Transition"),
    TimelineKind.VOTE: _lazy("Vote"),
    TimelineKind.DECISION: _lazy("Decision"),
    TimelineKind.COMMENT: _lazy("Comment"),
    TimelineKind.FIELD_CHANGE: _lazy("Change"),
}
