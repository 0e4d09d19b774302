"""Reads for governance: which committee reviews a use case, its timeline, the feedback a team
sees and what is expected of it next (for one use case or a page of them)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from core.models import ApiToken, AuditEvent
from domains.choices import Status
from domains.models import Foundation, UseCase, User
from domains.selectors import TEAM_PRIVATE_STATUSES, is_shared, shared_filter
from portfolio.choices import LinkKind

from .choices import (
    COUNTED_VOTE_CHOICES,
    LIVE_SIDE_EFFECT_STATUSES,
    KpiCategory,
    KpiDirection,
    KpiProgress,
    MemberRole,
    VoteChoice,
)
from .models import (
    ChangeRequest,
    Committee,
    CommitteeMembership,
    Decision,
    Kpi,
    KpiMeasurement,
    ReviewRound,
    SideEffect,
    Vote,
)

_COMMITTEE_CACHE_ATTR = "_governance_committee"

# The Django group through which committee members work in the admin, and what it may do there.
COMMITTEE_ADMIN_GROUP = "AI steering committee"
_COMMITTEE_ADMIN_APPS = ("core", "domains", "portfolio", "governance", "exchange")
# Accounts are an administrator's business: changing a user would let a member make themselves a
# superuser. The committee may look people up; API tokens it may create only for itself (the token
# services refuse anything else).
# Teams decide who edits a team's use cases and who is recused from its votes: an administrator
# changes them (domains.services.team_*), never a committee member adding herself to a team.
# Committees' mandate, quorum and members: the admin lets only an administrator or the chair change
# them, through governance.services.committee_* (the group keeps change_committee for the chair).
_COMMITTEE_ADMIN_EXCLUDED = (
    # An import run is a record of what happened (like the audit trail): nobody edits or deletes it.
    "change_importrun",
    "delete_importrun",
    "add_user",
    "change_user",
    "delete_user",
    "delete_apitoken",
    "add_team",
    "change_team",
    "delete_team",
    "add_committee",
    "delete_committee",
    "delete_committeemembership",
    # Portfolios come from clustering runs and change through the portfolio services (the admin asks
    # portfolio.rules); runs are a record, never edited or deleted.
    "add_portfolio",
    "delete_portfolio",
    "change_clusteringrun",
    "delete_clusteringrun",
    "add_portfoliomembership",
    "change_portfoliomembership",
    "delete_portfoliomembership",
    # A data team's robot pushes values of any measure: granted one account at a time, never to the group.
    "push_kpi_measurements",
    # The weekly snapshots are the system's record of the dashboard's figures.
    "add_impactsnapshot",
    "change_impactsnapshot",
    "delete_impactsnapshot",
)


def committee_admin_permissions() -> QuerySet:
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label__in=_COMMITTEE_ADMIN_APPS).exclude(
        codename__in=_COMMITTEE_ADMIN_EXCLUDED
    )


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


def open_round(*, use_case: UseCase) -> ReviewRound | None:
    """The review round of a use case in review: opened by "start review", closed by the decision, the
    change request or the withdrawal that ends it."""
    return ReviewRound.objects.select_related("committee").filter(use_case=use_case, closed_at__isnull=True).first()


def round_quorum(*, review_round: ReviewRound) -> QuorumStatus:
    """Counts the votes that take a position (abstentions excluded) and the distinct functions
    among them, against the committee's quorum. Members of the team that owns the use case do not
    vote on it, so the functions still awaited are those of the other voting members."""
    committee = review_round.committee
    counted = [v for v in review_round.votes.select_related("function") if v.choice in COUNTED_VOTE_CHOICES]
    voted = sorted({v.function.name for v in counted})
    team_id = UseCase.objects.filter(pk=review_round.use_case_id).values("team_id")
    eligible = committee_voting_members(committee=committee).exclude(user__teams__in=team_id)
    on_committee = {m.function.name for m in eligible}
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
    LINK = "link"
    EVENT = "event"


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    actor: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


# Audit actions the timeline shows from their own rows (the vote, with its comment), so they are not
# listed twice. use_case.updated is filtered in _shown_in_timeline: the field history says most of it.
_TIMELINE_SKIPPED_ACTIONS = frozenset({"vote.cast"})
# Written by the workflow itself; the transition entry says it.
_HISTORY_IGNORED_FIELDS = frozenset(
    {"status", "status_changed_at", "status_before_hold", "updated_at", "created_at", "id", "version"}
)


def _user_name(user: User | None, fallback: str = "") -> str:
    if user is None:
        return fallback or _("system")
    return user.get_full_name() or user.get_username()


def _field_labels(model, names) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name.replace("_", " "))
    return ", ".join(labels)


def _history_entries(use_case: UseCase) -> list[TimelineEntry]:
    records = list(use_case.history.select_related("history_user").order_by("history_date", "history_id"))
    tracked = [f.attname for f in use_case.history.model.instance_type._meta.concrete_fields]
    tracked = [name for name in tracked if name not in _HISTORY_IGNORED_FIELDS]
    entries = []
    for previous, record in zip(records, records[1:], strict=False):
        changed = [name for name in tracked if getattr(previous, name, None) != getattr(record, name, None)]
        if not changed:
            continue
        names = [attname[:-3] if attname.endswith("_id") else attname for attname in changed]
        entries.append(
            TimelineEntry(
                when=record.history_date,
                actor=_user_name(record.history_user),
                kind=TimelineKind.FIELD_CHANGE,
                text=_("Changed: %(fields)s") % {"fields": _field_labels(UseCase, names)},
                data={"fields": changed},
            )
        )
    return entries


@dataclass(frozen=True)
class EventNames:
    """What the audit data names only by key, resolved for display: "UC-0001" -> "UC-0001 Title",
    foundation slug -> its name. Unknown keys are shown as they are."""

    use_cases: dict[str, str] = field(default_factory=dict)
    foundations: dict[str, str] = field(default_factory=dict)

    def use_case(self, reference: str) -> str:
        title = self.use_cases.get(reference)
        return f"{reference} {title}" if title else reference

    def foundation(self, slug: str) -> str:
        return self.foundations.get(slug) or slug


def _event_names(events: list[AuditEvent], use_case: UseCase) -> EventNames:
    """One query for every use case and foundation the events name. Another team's draft keeps its
    title to itself: a draft's title is shown only on the timeline of a draft of the same team (seen
    by that team and the committee only)."""
    references: set[str] = set()
    slugs: set[str] = set()
    for event in events:
        if event.action.startswith("link."):
            references.update(str(event.data.get(key, "")) for key in ("source", "target"))
        elif event.action.startswith("use_case.foundation_"):
            slugs.add(str(event.data.get("foundation", "")))
    references.discard(use_case.reference)
    references.discard("")
    slugs.discard("")
    if not references and not slugs:
        return EventNames()
    visible = shared_filter()
    if not is_shared(use_case.status):
        visible |= Q(team_id=use_case.team_id, status__in=TEAM_PRIVATE_STATUSES)
    titles = (
        UseCase.objects.filter(visible, reference__in=references)
        .annotate(key=Value("u"))
        .order_by()
        .values_list("key", "reference", "title")
    )
    # Two reads, not a union: modeltranslation rewrites a foundation's "name" into its language columns,
    # which a union's positional columns cannot follow.
    use_cases = {code: name for _key, code, name in titles} if references else {}
    foundations = (
        {foundation.slug: str(foundation) for foundation in Foundation.objects.filter(slug__in=slugs).order_by()}
        if slugs
        else {}
    )
    return EventNames(use_cases=use_cases, foundations=foundations)


def _transition_text(event: AuditEvent) -> str:
    from .workflow import TRANSITIONS

    action = event.action.removeprefix("workflow.")
    transition = TRANSITIONS.get(action)
    label = str(transition.label) if transition else action.replace("_", " ").capitalize()
    text = _("%(action)s: %(source)s → %(target)s") % {
        "action": label,
        "source": Status(event.data["from"]).label if event.data.get("from") in Status.values else "",
        "target": Status(event.data["to"]).label if event.data.get("to") in Status.values else "",
    }
    if event.data.get("comment") and action != "request_changes":  # listed with its change request
        text += f" - {event.data['comment']}"
    return text


def _link_relation(event: AuditEvent, this: str) -> str:
    """How the use case whose timeline this is relates to the other end of the link."""
    kind = event.data.get("kind")
    if kind == LinkKind.DEPENDS_ON:
        return _("depends on it") if event.data.get("source") == this else _("it depends on this one")
    relations = {
        LinkKind.SHARES_DATA: _("they share data"),
        LinkKind.SHARES_PLATFORM: _("they share a platform"),
        LinkKind.REINFORCES: _("they reinforce each other"),
        LinkKind.CONFLICTS_WITH: _("they conflict"),
        LinkKind.DUPLICATES: _("they are the same idea"),
    }
    return str(relations.get(kind) or kind or "")


def _link_text(event: AuditEvent, names: EventNames, this: str | None) -> str:
    data = event.data
    this = this or data.get("source", "")
    other = data.get("target") if data.get("source") == this else data.get("source")
    values = {
        "use_case": names.use_case(str(other or "")),
        "relation": _link_relation(event, this),
        "strength": data.get("strength", ""),
    }
    if event.action == "link.created":
        return _("Linked to %(use_case)s: %(relation)s (strength %(strength)s)") % values
    if event.action == "link.updated":
        return _("Link to %(use_case)s changed: %(relation)s (strength %(strength)s)") % values
    return _("Link to %(use_case)s removed (%(relation)s)") % values


def _api_token_text(event: AuditEvent) -> str:
    data = event.data
    if event.action == "api_token.created":
        return _("API token created: %(name)s, acting as %(user)s, %(access)s") % {
            "name": data.get("name", event.target_repr),
            "user": data.get("user", ""),
            "access": _("read and write") if data.get("can_write") else _("read only"),
        }
    if event.action == "api_token.revoked":
        return _("API token revoked: %(name)s") % {"name": data.get("name", event.target_repr)}
    return _("API token %(name)s changed: %(fields)s") % {
        "name": event.target_repr,
        "fields": _field_labels(ApiToken, data.get("fields", [])),
    }


def _foundation_text(event: AuditEvent, names: EventNames) -> str:
    foundation = {"foundation": names.foundation(str(event.data.get("foundation", "")))}
    if event.action == "use_case.foundation_added":
        return _("Foundation added: %(foundation)s") % foundation
    if event.action == "use_case.foundation_removed":
        return _("Foundation removed: %(foundation)s") % foundation
    return _("How it uses %(foundation)s: note changed") % foundation


def _fallback_text(event: AuditEvent) -> str:
    """An action this module does not say in a sentence yet: its label in the reader's language (or,
    an action no longer declared, its name in words), never its raw data."""
    if event.action in AuditEvent.Action.values:
        return str(AuditEvent.Action(event.action).label)
    return event.action.replace(".", " ").replace("_", " ").capitalize()


def _changes_text(model, changes: dict) -> str:
    def shown(value) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        if value in (None, ""):
            return "—"
        return str(value)

    return "; ".join(
        _("%(field)s: %(before)s → %(after)s")
        % {"field": _field_labels(model, [name]), "before": shown(before), "after": shown(after)}
        for name, (before, after) in changes.items()
    )


def _committee_text(event: AuditEvent) -> str:
    data = event.data
    action = event.action
    if action == "committee.created":
        return _("Committee created: %(name)s") % {"name": data.get("name", event.target_repr)}
    if action == "committee.updated":
        return _("Committee changed: %(changes)s") % {"changes": _changes_text(Committee, data.get("changes", {}))}
    if action == "committee.member_added":
        role = data.get("role", "")
        return _("%(user)s joined as %(role)s, for %(function)s, from %(start)s") % {
            "user": data.get("user", ""),
            "role": MemberRole(role).label if role in MemberRole.values else role,
            "function": data.get("function", ""),
            "start": data.get("start_date", ""),
        }
    if action == "committee.member_changed":
        return _("Membership of %(user)s changed: %(changes)s") % {
            "user": data.get("user", ""),
            "changes": _changes_text(CommitteeMembership, data.get("changes", {})),
        }
    if action == "team.created":
        return _("Team created: %(name)s") % {"name": data.get("name", event.target_repr)}
    if action == "team.updated":
        from domains.models import Team

        return _("Team changed: %(changes)s") % {"changes": _changes_text(Team, data.get("changes", {}))}
    return _fallback_text(event)


def committee_timeline(*, committee: Committee) -> list[TimelineEntry]:
    """What was changed on a committee (mandate, quorum, domains, members), by whom, oldest first."""
    events = AuditEvent.objects.filter(
        target_type__app_label="governance", target_type__model="committee", target_id=str(committee.pk)
    ).select_related("actor")
    return [
        TimelineEntry(
            when=event.created_at,
            actor=_user_name(event.actor, event.actor_name),
            kind=TimelineKind.EVENT,
            text=audit_event_text(event),
            data=event.data,
        )
        for event in events.order_by("created_at", "id")
    ]


def audit_event_text(event: AuditEvent, names: EventNames | None = None, *, use_case: UseCase | None = None) -> str:
    """One translated sentence for an audit event. `names` resolves references and slugs to titles
    (see `_event_names`); `use_case` is the use case the sentence is read from, for links."""
    names = names or EventNames()
    action, data = event.action, event.data
    if action.startswith("workflow."):
        return _transition_text(event)
    if action.startswith("link."):
        return _link_text(event, names, use_case.reference if use_case else None)
    if action.startswith("use_case.foundation_"):
        return _foundation_text(event, names)
    if action.startswith("api_token."):
        return _api_token_text(event)
    if action == "use_case.created":
        return _("Created: %(title)s") % {"title": data.get("title", event.target_repr)}
    if action == "use_case.updated":
        return _("Changed: %(fields)s") % {"fields": _field_labels(UseCase, data.get("fields", []))}
    if action == "vote.cast":
        return _("Voted in round %(round)s: %(choice)s") % {
            "round": data.get("round", ""),
            "choice": VoteChoice(data["choice"]).label if data.get("choice") in VoteChoice.values else "",
        }
    if action.startswith(("committee.", "team.")):
        return _committee_text(event)
    if action == "meeting.prepared":
        count = len(data.get("added", []))
        return ngettext(
            "Meeting of %(date)s prepared: %(count)d use case added to the agenda",
            "Meeting of %(date)s prepared: %(count)d use cases added to the agenda",
            count,
        ) % {"date": data.get("date", ""), "count": count}
    return _fallback_text(event)


def _event_kind(action: str) -> str:
    if action.startswith("workflow."):
        return TimelineKind.TRANSITION
    if action.startswith("link."):
        return TimelineKind.LINK
    if action.startswith("use_case."):
        return TimelineKind.FIELD_CHANGE
    return TimelineKind.EVENT


def _shown_in_timeline(event: AuditEvent) -> bool:
    if event.action in _TIMELINE_SKIPPED_ACTIONS:
        return False
    if event.action == "use_case.updated":
        # The field history lists the columns; only the relations it cannot see are left here.
        return bool(_relation_fields(event))
    return True


def _relation_fields(event: AuditEvent) -> list[str]:
    relations = {f.name for f in UseCase._meta.get_fields() if f.many_to_many or f.one_to_many}
    return [name for name in event.data.get("fields", []) if name in relations]


def use_case_timeline(*, use_case: UseCase) -> list[TimelineEntry]:
    """Everything that happened to a use case, oldest first: workflow transitions, votes,
    decisions, change requests, field changes, links and foundations. Five queries whatever the
    length, six when events name other use cases or foundations."""
    entries: list[TimelineEntry] = []
    events = [
        event
        for event in AuditEvent.objects.filter(use_case=use_case).select_related("actor").order_by("created_at", "id")
        if _shown_in_timeline(event)
    ]
    names = _event_names(events, use_case)
    for event in events:
        if event.action == "use_case.updated":
            text = _("Changed: %(fields)s") % {"fields": _field_labels(UseCase, _relation_fields(event))}
        else:
            text = audit_event_text(event, names, use_case=use_case)
        entries.append(
            TimelineEntry(
                when=event.created_at,
                actor=_user_name(event.actor, event.actor_name),
                kind=_event_kind(event.action),
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
        text = _("%(outcome)s: %(rationale)s") % {
            "outcome": decision.get_outcome_display(),
            "rationale": decision.rationale,
        }
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


@dataclass(frozen=True)
class Expectation:
    text: str
    # The ball is in the team's court.
    needs_action: bool


def team_expectations(*, use_cases: list[UseCase]) -> dict[int, Expectation]:
    """What each use case's team is expected to do next, keyed by use-case id: the one source of
    these sentences, for a list page and for one use case alike. At most three queries for any
    number of use cases, plus one per use case for drafts whose functions were not prefetched
    (`use_case_list` prefetches them)."""
    ids = [uc.pk for uc in use_cases]
    statuses = {uc.status for uc in use_cases}
    open_requests: dict[int, int] = {}
    votes: dict[int, int] = {}
    conditions: dict[int, str] = {}
    if Status.CHANGES_REQUESTED in statuses:
        open_requests = dict(
            ChangeRequest.objects.filter(use_case_id__in=ids, resolved_at__isnull=True)
            .values("use_case_id")
            .annotate(total=Count("id"))
            .values_list("use_case_id", "total")
        )
    if Status.IN_REVIEW in statuses:
        votes = dict(
            Vote.objects.filter(round__use_case_id__in=ids, round__closed_at__isnull=True)
            .values("round__use_case_id")
            .annotate(total=Count("id"))
            .values_list("round__use_case_id", "total")
        )
    if Status.APPROVED in statuses:
        # Newest first, so the first seen per use case is its latest decision.
        for use_case_id, text in (
            Decision.objects.filter(use_case_id__in=ids)
            .order_by("-created_at", "-id")
            .values_list("use_case_id", "conditions")
        ):
            conditions.setdefault(use_case_id, text)
    return {
        uc.pk: _expectation(
            uc,
            open_requests=open_requests.get(uc.pk, 0),
            votes=votes.get(uc.pk, 0),
            conditions=conditions.get(uc.pk, ""),
        )
        for uc in use_cases
    }


def next_actions_for_team(*, use_case: UseCase) -> str:
    """One sentence on what the owning team is expected to do next."""
    return team_expectations(use_cases=[use_case])[use_case.pk].text


def _expectation(use_case: UseCase, *, open_requests: int, votes: int, conditions: str) -> Expectation:
    status = use_case.status
    if status == Status.DRAFT:
        missing = len(use_case.missing_for_submission())
        if missing:
            text = ngettext(
                "Complete %(count)d required field, then submit it to the committee.",
                "Complete %(count)d required fields, then submit it to the committee.",
                missing,
            ) % {"count": missing}
            return Expectation(text, True)
        return Expectation(_("Ready: submit it to the committee."), True)
    if status == Status.CHANGES_REQUESTED:
        text = ngettext(
            "Changes requested by the committee: %(count)d comment. Edit the use case and resubmit.",
            "Changes requested by the committee: %(count)d comments. Edit the use case and resubmit.",
            open_requests,
        ) % {"count": open_requests}
        return Expectation(text, True)
    if status == Status.SUBMITTED:
        return Expectation(_("Nothing for now: waiting for the committee to start its review."), False)
    if status == Status.IN_REVIEW:
        text = ngettext(
            "Nothing for now: the committee is reviewing it (%(count)d vote cast).",
            "Nothing for now: the committee is reviewing it (%(count)d votes cast).",
            votes,
        ) % {"count": votes}
        return Expectation(text, False)
    if status == Status.APPROVED:
        if conditions:
            text = _("Approved with conditions: %(conditions)s Start the pilot when they are met.") % {
                "conditions": conditions
            }
            return Expectation(text, True)
        return Expectation(_("Approved: start the pilot (move it to delivery)."), True)
    if status == Status.IN_DELIVERY:
        return Expectation(_("In pilot: scale it to production when the pilot has proved its value."), False)
    if status == Status.ON_HOLD:
        return Expectation(_("On hold by the committee: nothing to do until it resumes the review."), False)
    if status == Status.REJECTED:
        return Expectation(_("Rejected by the committee: see the decision's rationale."), False)
    if status == Status.SCALED:
        return Expectation(_("In production: retire it when it is no longer used."), False)
    if status == Status.DISCARDED:
        return Expectation(_("Discarded by the team: kept on record, nothing further."), False)
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


def use_cases_awaiting_vote(*, user: User) -> QuerySet[UseCase]:
    """Use cases in review, in an open round of a committee where the user votes, without their vote."""
    committees = CommitteeMembership.objects.active().voting().filter(user=user).values("committee")
    open_in_my_committee = ReviewRound.objects.filter(
        use_case=OuterRef("pk"), closed_at__isnull=True, committee__in=committees
    )
    my_vote = Vote.objects.filter(round__use_case=OuterRef("pk"), round__closed_at__isnull=True, voter=user)
    # A member does not vote on their own team's use cases: they wait for the others, not for them.
    return UseCase.objects.filter(Exists(open_in_my_committee), ~Exists(my_vote), status=Status.IN_REVIEW).exclude(
        team__members=user
    )


TIMELINE_KIND_LABELS = {
    TimelineKind.TRANSITION: pgettext_lazy("timeline", "Transition"),
    TimelineKind.VOTE: pgettext_lazy("timeline", "Vote"),
    TimelineKind.DECISION: pgettext_lazy("timeline", "Decision"),
    TimelineKind.COMMENT: pgettext_lazy("timeline", "Comment"),
    TimelineKind.FIELD_CHANGE: pgettext_lazy("timeline", "Change"),
    TimelineKind.LINK: pgettext_lazy("timeline", "Link"),
    TimelineKind.EVENT: pgettext_lazy("timeline", "Event"),
}


# Impact: success measures, their progress and roll-ups, side effects ----------------------------------

# Live use cases: in delivery or scaled. Their side effects are watched (the stale-review reminder).
LIVE_USE_CASE_STATUSES = (Status.IN_DELIVERY, Status.SCALED)


@dataclass(frozen=True)
class KpiProgressResult:
    """Where a measure stands. `progress` is the share of the way from baseline to target covered by
    the latest value (0: at the baseline, 1: target reached, negative: worse than the baseline);
    `expected` the share of its time already elapsed, when it has a target date."""

    status: str
    progress: float | None
    expected: float | None
    latest: Decimal | None
    latest_date: datetime.date | None
    gain: Decimal | None

    @property
    def label(self) -> str:
        return str(KpiProgress(self.status).label)


def kpi_progress_of(
    kpi: Kpi,
    *,
    latest: Decimal | None,
    latest_date: datetime.date | None,
    previous: Decimal | None,
    first_date: datetime.date | None,
    today: datetime.date,
    tolerance: float,
) -> KpiProgressResult:
    """The rule, on known values (tests/governance/test_impact_progress.py):
    - no measurement, or no baseline or no target: no data;
    - target reached (progress >= 1): on track;
    - worse than the baseline (progress < 0): off track;
    - with a target date: on track while the progress is at most `tolerance` behind the share of the time
      elapsed since the first measurement (or the measure's creation), at risk down to half of that share,
      off track below;
    - without a target date: on track while the latest value moved towards the target since the
      previous one (or it is the first), at risk when it stalled or went back."""
    gain = None
    if latest is not None and kpi.baseline is not None:
        gain = latest - kpi.baseline if kpi.direction == KpiDirection.HIGHER else kpi.baseline - latest
    if latest is None or kpi.baseline is None or kpi.target is None or kpi.target == kpi.baseline:
        return KpiProgressResult(KpiProgress.NO_DATA, None, None, latest, latest_date, gain)
    progress = float((latest - kpi.baseline) / (kpi.target - kpi.baseline))
    expected = None
    if kpi.target_date is not None:
        start = min(first_date or today, kpi.created_at.date() if kpi.created_at else today)
        span = (kpi.target_date - start).days
        elapsed = (min(latest_date or today, kpi.target_date) - start).days
        expected = 1.0 if span <= 0 else max(0.0, min(1.0, elapsed / span))
    if progress >= 1:
        status = KpiProgress.ON_TRACK
    elif progress < 0:
        status = KpiProgress.OFF_TRACK
    elif expected is not None:
        if progress >= expected - tolerance:
            status = KpiProgress.ON_TRACK
        elif progress >= expected / 2:
            status = KpiProgress.AT_RISK
        else:
            status = KpiProgress.OFF_TRACK
    elif previous is None:
        status = KpiProgress.ON_TRACK
    else:
        better = latest > previous if kpi.direction == KpiDirection.HIGHER else latest < previous
        status = KpiProgress.ON_TRACK if better else KpiProgress.AT_RISK
    return KpiProgressResult(status, progress, expected, latest, latest_date, gain)


def _latest_measurements():
    latest = KpiMeasurement.objects.filter(kpi=OuterRef("pk")).order_by("-date")
    return {
        "latest_value": Subquery(latest.values("value")[:1]),
        "latest_date": Subquery(latest.values("date")[:1]),
        "previous_value": Subquery(latest.values("value")[1:2]),
        "first_date": Subquery(KpiMeasurement.objects.filter(kpi=OuterRef("pk")).order_by("date").values("date")[:1]),
    }


def kpis_with_progress(*, queryset: QuerySet[Kpi] | None = None, today: datetime.date | None = None) -> list[Kpi]:
    """The measures of `queryset` (all by default), each with `.progress` (KpiProgressResult); one query."""
    from django.conf import settings
    from django.utils import timezone

    today = today or timezone.localdate()
    tolerance = settings.GOVERNANCE_KPI_TOLERANCE
    kpis = list((queryset if queryset is not None else Kpi.objects.all()).annotate(**_latest_measurements()))
    for kpi in kpis:
        kpi.progress = kpi_progress_of(
            kpi,
            latest=kpi.latest_value,
            latest_date=kpi.latest_date,
            previous=kpi.previous_value,
            first_date=kpi.first_date,
            today=today,
            tolerance=tolerance,
        )
    return kpis


@dataclass
class ImpactRollup:
    """Progress of the measures of a group of use cases (a domain, a portfolio): how many are on track,
    at risk, off track or not yet measured, per category; and, for the use cases whose measures count
    money, the estimated annual benefit beside the benefit realised (the gain of those measures)."""

    key: Any
    label: str
    use_cases: int = 0
    kpis: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KpiProgress.values, 0))
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KpiCategory.values, 0))
    estimated_benefit: Decimal = Decimal(0)
    realised_benefit: Decimal = Decimal(0)

    @property
    def on_track_share(self) -> float | None:
        measured = self.kpis - self.by_status[KpiProgress.NO_DATA]
        return self.by_status[KpiProgress.ON_TRACK] / measured if measured else None


def impact_rollup(
    *, by: str, use_cases: QuerySet[UseCase] | None = None, today: datetime.date | None = None
) -> list[ImpactRollup]:
    """The measures of `use_cases` (every shared use case by default) rolled up `by` "domain" or
    "portfolio" (its live portfolio; use cases in none are left out), largest group first. Two queries."""
    from portfolio.models import PortfolioMembership

    if by not in ("domain", "portfolio"):
        raise ValueError(f"impact_rollup by domain or portfolio, not {by!r}")
    scope = use_cases if use_cases is not None else UseCase.objects.filter(shared_filter())
    kpis = kpis_with_progress(
        queryset=Kpi.objects.filter(use_case__in=scope.values("pk")).select_related("use_case__domain"), today=today
    )
    if by == "domain":
        group_of = {kpi.use_case_id: (kpi.use_case.domain_id, str(kpi.use_case.domain)) for kpi in kpis}
    else:
        group_of = {
            use_case_id: (portfolio_id, f"{reference} {name}")
            for use_case_id, portfolio_id, reference, name in PortfolioMembership.objects.filter(
                use_case_id__in={kpi.use_case_id for kpi in kpis}
            ).values_list("use_case_id", "portfolio_id", "portfolio__reference", "portfolio__name")
        }
    groups: dict[Any, ImpactRollup] = {}
    counted_use_cases: set[int] = set()
    monetary_use_cases: dict[int, Decimal | None] = {}
    for kpi in kpis:
        group = group_of.get(kpi.use_case_id)
        if group is None:
            continue
        rollup = groups.setdefault(group[0], ImpactRollup(key=group[0], label=group[1]))
        if kpi.use_case_id not in counted_use_cases:
            counted_use_cases.add(kpi.use_case_id)
            rollup.use_cases += 1
        rollup.kpis += 1
        rollup.by_status[kpi.progress.status] += 1
        rollup.by_category[kpi.category] += 1
        if kpi.is_monetary:
            if kpi.use_case_id not in monetary_use_cases:
                monetary_use_cases[kpi.use_case_id] = kpi.use_case.estimated_annual_benefit
                rollup.estimated_benefit += kpi.use_case.estimated_annual_benefit or 0
            if kpi.progress.gain is not None:
                rollup.realised_benefit += kpi.progress.gain
    return sorted(groups.values(), key=lambda r: (-r.use_cases, r.label))


def use_cases_with_stale_side_effects(
    *, days: int, today: datetime.date | None = None
) -> list[tuple[UseCase, datetime.date | None]]:
    """Live use cases (in delivery or scaled) with a live side effect not reviewed for `days` days (or
    never), each with its oldest review date (None: never reviewed), the oldest first."""
    from django.utils import timezone

    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    rows = (
        SideEffect.objects.filter(use_case__status__in=LIVE_USE_CASE_STATUSES, status__in=LIVE_SIDE_EFFECT_STATUSES)
        .values("use_case_id")
        .annotate(oldest=Min("last_reviewed_on"), never=Count("pk", filter=Q(last_reviewed_on__isnull=True)))
        .filter(Q(never__gt=0) | Q(oldest__lt=cutoff))
    )
    oldest = {row["use_case_id"]: (None if row["never"] else row["oldest"]) for row in rows}
    use_cases = UseCase.objects.filter(pk__in=list(oldest)).select_related("domain", "team", "owner")
    result = [(use_case, oldest[use_case.pk]) for use_case in use_cases]
    return sorted(result, key=lambda pair: (pair[1] or datetime.date.min, pair[0].pk))


def kpi_recent_measurements(*, kpis: list[Kpi], limit: int = 12) -> dict[int, list[KpiMeasurement]]:
    """The latest `limit` measurements of each measure, oldest first (a trend reads left to right),
    keyed by the measure's id; one query whatever the number of measures and measurements."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    recent: dict[int, list[KpiMeasurement]] = {kpi.pk: [] for kpi in kpis}
    if not recent:
        return recent
    rows = (
        KpiMeasurement.objects.filter(kpi_id__in=list(recent))
        .annotate(recency=Window(RowNumber(), partition_by=[F("kpi_id")], order_by=[F("date").desc()]))
        .filter(recency__lte=limit)
        .order_by("kpi_id", "date")
    )
    for measurement in rows:
        recent[measurement.kpi_id].append(measurement)
    return recent


def kpis_with_latest(queryset: QuerySet[Kpi] | None = None) -> QuerySet[Kpi]:
    """The measures of `queryset` (all by default) annotated with what `kpi_progress_of` reads beside
    the measure itself: latest_value, latest_date, previous_value and first_date, as subqueries of the
    one query. For lists that read rows rather than instances (the API's flat rows), which then work
    out the progress of each row with `kpi_progress_of`, as `kpis_with_progress` does."""
    return (queryset if queryset is not None else Kpi.objects.all()).annotate(**_latest_measurements())
