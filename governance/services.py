"""Writes for governance: the audit trail, the approval workflow, votes and decisions, meetings and
the notification outbox.

Every workflow service: one transaction; lock the use case row (select_for_update) and re-check its
state after the lock; check who may; check preconditions; write; append one audit event; write the
notifications it causes as outbox rows in the same transaction, and hand them to Celery after
commit (a broker that is down leaves them pending for the sweeper, it never fails the write).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from kombu.exceptions import OperationalError as KombuOperationalError

from core.actors import Actor, is_person, require_actor, user_or_none
from core.bulk import bulk_set
from core.changes import apply_changes, audit_value, refuse_unknown_fields, set_changes
from core.exceptions import BusinessRuleError
from core.limits import check_text_limits
from core.models import AuditAction
from core.services import audit_record, audit_record_many
from domains.choices import EDITABLE_STATUSES, Status
from domains.models import UseCase, User
from domains.services import require_may_import
from portfolio.graph import LIVE_STATUSES

from .choices import (
    LIVE_SIDE_EFFECT_STATUSES,
    VOTE_CHOICES_NEEDING_COMMENT,
    VOTING_ROLES,
    DecisionOutcome,
    KpiCategory,
    MeasurementSource,
    MemberRole,
    NotificationKind,
    NotificationStatus,
    RoundClosure,
    VoteChoice,
)
from .exceptions import GateRefused, WorkflowError
from .models import (
    AgendaItem,
    ChangeRequest,
    Committee,
    CommitteeMembership,
    Decision,
    ImpactSnapshot,
    Kpi,
    KpiMeasurement,
    Meeting,
    Notification,
    ReviewRound,
    SideEffect,
    Vote,
)
from .models.impact import MEASUREMENT_DECIMALS, MEASUREMENT_DIGITS
from .rules import (
    committee_management_refusal,
    impact_refusal,
    is_team_member,
    measurement_refusal,
    membership_change_refusal,
)
from .selectors import active_membership, committee_for, committee_members
from .workflow import (
    TRANSITIONS,
    Transition,
    allowed_actions,
    check_state,
    get_transition,
    no_open_round,
    recusal_refusal,
    require_may,
    require_may_override,
    wrong_state,
)

logger = logging.getLogger(__name__)

# Delivery: attempts before a notification is marked failed, and the backoff between them.
NOTIFICATION_MAX_ATTEMPTS = 6
NOTIFICATION_BACKOFF_BASE_SECONDS = 30
NOTIFICATION_BACKOFF_MAX_SECONDS = 60 * 60
# A row left "sending" longer than this was claimed by a worker that died (the task time limit is
# shorter), so the sweeper hands it out again.
NOTIFICATION_CLAIM_TIMEOUT = datetime.timedelta(minutes=15)
# A pending row already handed to the broker is handed out again only after this long (its message
# may be waiting for a worker that is down): the queue does not grow by one copy per sweep.
NOTIFICATION_REDISPATCH_AFTER = datetime.timedelta(minutes=10)


# Workflow -----------------------------------------------------------------------------------------


def _lock(use_case: UseCase) -> UseCase:
    # of=("self",): lock the use case row only, not the domain and team rows joined for reading.
    return UseCase.objects.select_for_update(of=("self",)).select_related("domain", "team").get(pk=use_case.pk)


def _locked_open_round(use_case: UseCase) -> ReviewRound:
    """The open review round of a use case in review, locked. Every use case in review has one:
    "start review" opens it."""
    review_round = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("committee")
        .filter(use_case=use_case, closed_at__isnull=True)
        .first()
    )
    if review_round is None:
        raise no_open_round(use_case)
    return review_round


def _begin(*, actor, use_case: UseCase, action: str, override_reason: str = "") -> tuple[Transition, UseCase]:
    """Lock, then check state, permission and preconditions, in that order (all from the table). A
    gate the chair may lift is lifted when `override_reason` is given by the chair: what it lifted is
    kept on the locked use case (`_overridden`) for the step's audit event."""
    require_actor(actor)
    transition = get_transition(action)
    locked = _lock(use_case)
    check_state(locked, transition)
    require_may(actor, transition, locked)
    reason = (override_reason or "").strip()
    locked._overridden = []
    for precondition in transition.preconditions:
        try:
            precondition(locked)
        except GateRefused as refusal:
            if not reason:
                raise
            require_may_override(actor, locked, refusal)
            locked._overridden.append({"gate": refusal.code, "blocking": refusal.blocking, "reason": reason})
    return transition, locked


def _move(*, actor, original: UseCase, locked: UseCase, transition: Transition, data: dict | None = None):
    """Write the new state and its audit event; mirror the state on the caller's instance."""
    source = locked.status
    if transition.target is None:
        target = locked.status_before_hold
        if target not in TRANSITIONS["put_on_hold"].sources:
            raise WorkflowError(
                gettext(
                    "%(reference)s has no record of where it was before it was put on hold: an administrator sets it."
                )
                % {"reference": locked.reference},
                current_state=source,
                allowed_actions=allowed_actions(source),
                code="hold_origin_unknown",
            )
    else:
        target = transition.target
    # Only a use case on hold says where it was: every other state leaves the field empty.
    locked.status_before_hold = source if transition.remembers_source else ""
    locked.status = target
    locked.status_changed_at = timezone.now()
    locked._history_user = user_or_none(actor)
    locked.version += 1
    locked.save(update_fields=["status", "status_changed_at", "status_before_hold", "version", "updated_at"])
    overridden = getattr(locked, "_overridden", None)
    audit_record(
        actor=actor,
        action=AuditAction.for_workflow(transition.action),
        target=locked,
        data={"from": source, "to": target, **(data or {}), **({"overrides": overridden} if overridden else {})},
    )
    original.status, original.status_changed_at = locked.status, locked.status_changed_at
    original.version = locked.version
    original.status_before_hold = locked.status_before_hold
    return locked


def _close_round(review_round: ReviewRound, reason: str) -> None:
    review_round.closed_at, review_round.closed_reason = timezone.now(), reason
    review_round.save(update_fields=["closed_at", "closed_reason"])


def _close_open_round(use_case: UseCase, reason: str) -> ReviewRound | None:
    review_round = (
        ReviewRound.objects.select_for_update(of=("self",)).filter(use_case=use_case, closed_at__isnull=True).first()
    )
    if review_round is not None:
        _close_round(review_round, reason)
    return review_round


def _require_text(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


@transaction.atomic
def use_case_submit(*, actor: Actor, use_case: UseCase) -> UseCase:
    """Draft or changes requested -> submitted. The team's answers to open change requests are in
    the resubmitted content, so those requests are marked resolved."""
    transition, locked = _begin(actor=actor, use_case=use_case, action="submit")
    resubmission = locked.status == Status.CHANGES_REQUESTED
    ChangeRequest.objects.filter(use_case=locked, resolved_at__isnull=True).update(resolved_at=timezone.now())
    _move(actor=actor, original=use_case, locked=locked, transition=transition)
    committee = committee_for(locked)
    _notify_committee_of_submission(use_case=locked, committee=committee, actor=actor, resubmission=resubmission)
    return locked


@transaction.atomic
def use_case_withdraw(*, actor: Actor, use_case: UseCase) -> UseCase:
    transition, locked = _begin(actor=actor, use_case=use_case, action="withdraw")
    _close_open_round(locked, RoundClosure.WITHDRAWN)
    return _move(actor=actor, original=use_case, locked=locked, transition=transition)


@transaction.atomic
def use_case_start_review(*, actor: Actor, use_case: UseCase) -> UseCase:
    """Submitted -> in review, opening a new review round in which each member votes once."""
    transition, locked = _begin(actor=actor, use_case=use_case, action="start_review")
    committee = committee_for(locked)
    last = ReviewRound.objects.filter(use_case=locked).order_by("-number").values_list("number", flat=True).first()
    review_round = ReviewRound.objects.create(use_case=locked, committee=committee, number=(last or 0) + 1)
    return _move(
        actor=actor,
        original=use_case,
        locked=locked,
        transition=transition,
        data={"round": review_round.number, "committee": committee.name},
    )


@transaction.atomic
def use_case_request_changes(*, actor: Actor, use_case: UseCase, comment: str) -> ChangeRequest:
    """In review -> changes requested: ends the review round; the team edits and resubmits."""
    check_text_limits(ChangeRequest, comment=comment)
    transition, locked = _begin(actor=actor, use_case=use_case, action="request_changes")
    comment = _require_text("comment", comment, gettext("Say what the team should change."))
    review_round = _locked_open_round(locked)
    _close_round(review_round, RoundClosure.CHANGES_REQUESTED)
    change = ChangeRequest.objects.create(use_case=locked, round=review_round, author=actor, comment=comment)
    _move(
        actor=actor,
        original=use_case,
        locked=locked,
        transition=transition,
        data={"comment": comment, "round": review_round.number, "change_request": change.pk},
    )
    _notify_team(
        use_case=locked,
        kind=NotificationKind.CHANGES_REQUESTED,
        subject=lambda: gettext("%(reference)s: the committee requests changes") % {"reference": locked.reference},
        body=lambda: (
            gettext("%(actor)s asked for changes to %(use_case)s:\n\n%(comment)s\n\nEdit it and submit it again.")
            % {"actor": _name(actor), "use_case": locked, "comment": comment}
        ),
    )
    return change


@transaction.atomic
def vote_cast(*, actor: Actor, use_case: UseCase, choice: str, comment: str = "") -> Vote:
    """One vote per voting member (chair or member) per review round, while the use case is in
    review; never by a member of the team that owns it."""
    require_actor(actor)
    check_text_limits(Vote, comment=comment)
    if choice not in VoteChoice.values:
        raise ValidationError(
            {"choice": [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(VoteChoice.values)}]}
        )
    locked = _lock(use_case)
    if locked.status != Status.IN_REVIEW:
        raise wrong_state(locked, gettext("Vote"))
    review_round = _locked_open_round(locked)
    membership = active_membership(user=actor, committee=review_round.committee) if is_person(actor) else None
    if membership is None or membership.role not in VOTING_ROLES:
        raise PermissionDenied(
            gettext("Only the chair and the members of %(committee)s vote on %(reference)s.")
            % {"committee": review_round.committee, "reference": locked.reference}
        )
    if is_team_member(actor, locked):
        raise recusal_refusal(locked, gettext("Vote"))
    if choice in VOTE_CHOICES_NEEDING_COMMENT:
        comment = _require_text("comment", comment, gettext("Say why: a vote against needs a comment."))
    if Vote.objects.filter(round=review_round, voter=actor).exists():
        raise BusinessRuleError(
            gettext("You have already voted in review round %(round)d of %(reference)s.")
            % {"round": review_round.number, "reference": locked.reference},
            code="already_voted",
        )
    vote = Vote.objects.create(
        round=review_round, voter=actor, function=membership.function, choice=choice, comment=(comment or "").strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.VOTE_CAST,
        target=locked,
        data={"vote": vote.pk, "round": review_round.number, "choice": choice, "function": membership.function.slug},
    )
    return vote


@transaction.atomic
def use_case_decide(
    *,
    actor: Actor,
    use_case: UseCase,
    outcome: str,
    rationale: str,
    conditions: str = "",
    override_reason: str = "",
) -> Decision:
    """The chair records the committee's decision on the current round's votes: in review ->
    approved or rejected. The transition table's preconditions hold first: the risk tier is
    assessed, the votes meet the committee's quorum and, to approve, what it depends on is approved
    (unless the chair gives `override_reason`)."""
    check_text_limits(Decision, rationale=rationale, conditions=conditions)
    check_text_limits(ChangeRequest, comment=override_reason)
    if outcome not in DecisionOutcome.values:
        raise ValidationError(
            {"outcome": [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(DecisionOutcome.values)}]}
        )
    rationale = _require_text("rationale", rationale, gettext("A decision needs a rationale."))
    action = "approve" if outcome == DecisionOutcome.APPROVED else "reject"
    transition, locked = _begin(actor=actor, use_case=use_case, action=action, override_reason=override_reason)
    review_round = _locked_open_round(locked)
    decision = Decision.objects.create(
        use_case=locked,
        round=review_round,
        outcome=outcome,
        rationale=rationale,
        conditions=(conditions or "").strip(),
        decided_by=actor,
    )
    decision.votes.set(review_round.votes.all())
    _close_round(review_round, RoundClosure.DECIDED)
    _move(
        actor=actor,
        original=use_case,
        locked=locked,
        transition=transition,
        data={"decision": decision.pk, "round": review_round.number, "rationale": rationale},
    )

    def body() -> str:
        text = gettext("The committee decided on %(use_case)s: %(outcome)s.\n\nRationale: %(rationale)s") % {
            "use_case": locked,
            "outcome": decision.get_outcome_display(),
            "rationale": rationale,
        }
        if decision.conditions:
            text += "\n\n" + gettext("Conditions: %(conditions)s") % {"conditions": decision.conditions}
        return text

    if outcome == DecisionOutcome.REJECTED:
        use_case_ripple_notify(cause=locked, action="reject")
    _notify_team(
        use_case=locked,
        kind=NotificationKind.DECISION,
        subject=lambda: (
            gettext("%(reference)s: %(outcome)s by the committee")
            % {"reference": locked.reference, "outcome": decision.get_outcome_display()}
        ),
        body=body,
    )
    return decision


@transaction.atomic
def use_case_transition(
    *, actor: Actor, use_case: UseCase, action: str, comment: str = "", override_reason: str = ""
) -> UseCase:
    """The generic entry: any action of the workflow table by name. Actions with their own inputs
    go to their own service; approve and reject need a decision (use_case_decide). The chair lifts
    the dependency gate of start_delivery and scale with `override_reason`."""
    check_text_limits(ChangeRequest, comment=comment)  # kept in the audit trail: a comment's limit
    check_text_limits(ChangeRequest, comment=override_reason)
    transition = get_transition(action)
    own_service = {
        "submit": use_case_submit,
        "withdraw": use_case_withdraw,
        "start_review": use_case_start_review,
    }
    if action in own_service:
        return own_service[action](actor=actor, use_case=use_case)
    if action == "request_changes":
        use_case_request_changes(actor=actor, use_case=use_case, comment=comment)
        return use_case
    if transition.needs_decision:
        raise BusinessRuleError(
            gettext('"%(action)s" is recorded as a decision of the chair with a rationale: use decide.')
            % {"action": transition.label},
            code="needs_decision",
        )
    transition, locked = _begin(actor=actor, use_case=use_case, action=action, override_reason=override_reason)
    data = {"comment": comment.strip()} if comment and comment.strip() else {}
    moved = _move(actor=actor, original=use_case, locked=locked, transition=transition, data=data)
    if action in RIPPLE_ACTIONS:
        use_case_ripple_notify(cause=moved, action=action)
    return moved


# Meetings -----------------------------------------------------------------------------------------


@transaction.atomic
def use_case_statuses_import(
    *, actor: Actor, changes: list[tuple[UseCase, str, datetime.datetime | None]], run: str
) -> int:
    """Statuses an inventory file gives its use cases ("Operation and Maintenance" is scaled): the
    status is what the organisation already decided before this tool, not a decision taken here, so no
    transition's gate applies; each change is audited as "imported" with where it came from. `since`
    is when the use case reached the status, when the file says (else now). Returns how many changed."""
    require_may_import(actor)
    now = timezone.now()
    moved, events = [], []
    for use_case, status, since in changes:
        if status not in Status.values:
            raise ValueError(f"Unknown status {status!r}.")
        if use_case.status == status:
            continue
        events.append(
            {
                "from": use_case.status,
                "to": status,
                "import": run,
                **({"since": since.date().isoformat()} if since else {}),
            }
        )
        use_case.status = status
        use_case.status_changed_at = since or now
        use_case.status_before_hold = ""
        use_case.updated_at = now  # what reads "changed since" (the priority table, exports) sees it
        moved.append(use_case)
    if moved:
        bulk_set(UseCase, moved, ["status", "status_changed_at", "status_before_hold", "updated_at"])
        audit_record_many(actor=actor, action=AuditAction.WORKFLOW_IMPORTED, targets=moved, data=events)
    return len(moved)


@transaction.atomic
def meeting_prepare_next(*, actor: Actor, committee: Committee, date: datetime.date) -> Meeting:
    """Create (or complete) the committee's meeting on `date` with every use case it has in review
    on the agenda, oldest in review first. Running it again only appends what is new."""
    require_actor(actor)
    if (
        not is_person(actor)
        or not CommitteeMembership.objects.active().filter(committee=committee, user=actor).exists()
    ):
        raise PermissionDenied(
            gettext("Only members of %(committee)s prepare its meetings.") % {"committee": committee}
        )
    if date < timezone.localdate():
        raise ValidationError({"date": [gettext("The next meeting cannot be in the past.")]})
    meeting, _ = Meeting.objects.select_for_update().get_or_create(committee=committee, date=date)
    on_agenda = set(meeting.items.values_list("use_case_id", flat=True))
    last = meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
    in_review = (
        UseCase.objects.filter(
            status=Status.IN_REVIEW, review_rounds__closed_at__isnull=True, review_rounds__committee=committee
        )
        .exclude(pk__in=on_agenda)
        .order_by(F("status_changed_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)
    )
    new_items = [
        AgendaItem(meeting=meeting, use_case_id=pk, position=last + index) for index, pk in enumerate(in_review, 1)
    ]
    AgendaItem.objects.bulk_create(new_items)
    audit_record(
        actor=actor,
        action=AuditAction.MEETING_PREPARED,
        target=meeting,
        data={"date": date.isoformat(), "added": [item.use_case_id for item in new_items]},
    )
    return meeting


# Notifications (the outbox) -----------------------------------------------------------------------


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else gettext("system")


def recipient_language(user: User) -> str:
    """The language a person's emails are written in: theirs (User.language), or the site's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def notification_enqueue(
    *,
    kind: str,
    recipients: Iterable[User],
    subject: str | Callable[[], str],
    body: str | Callable[[], str],
    use_case: UseCase | None = None,
    dedupe_key_for=None,
) -> list[Notification]:
    """Write one outbox row per recipient with an email, in the caller's transaction, and hand them
    to Celery after commit. `subject` and `body` are callables that say the message in the active
    language: each recipient's row is written in their language (recipient_language); a plain string
    is sent as it is. `dedupe_key_for(user)` makes a row unique (reminders): an existing row with that
    key is kept and not sent again."""
    rows = []
    seen: set[str] = set()
    for user in recipients:
        if not user.email or user.email in seen:
            continue
        seen.add(user.email)
        with translation.override(recipient_language(user)):
            subject_text = subject() if callable(subject) else subject
            body_text = body() if callable(body) else body
        values = {
            "kind": kind,
            "recipient": user,
            "email": user.email,
            "subject": subject_text[:200],
            "body": body_text,
            "use_case": use_case,
        }
        if dedupe_key_for is None:
            rows.append(Notification.objects.create(**values))
            continue
        notification, created = Notification.objects.get_or_create(dedupe_key=dedupe_key_for(user), defaults=values)
        if created:
            rows.append(notification)
    if rows:
        transaction.on_commit(partial(notifications_dispatch, [row.pk for row in rows]))
    return rows


def notifications_dispatch(notification_ids: list[int]) -> int:
    """Hand notifications to the broker. Runs after commit: a broker that is down is logged and the
    rows stay pending; the periodic sweeper sends them when it is back. Returns how many were queued."""
    from .tasks import deliver_notification_task

    # Rows that went away or were already handled since (a rolled-back draft, a data load) get no task;
    # a row a dead worker left "sending" past its claim timeout is handed out again.
    stale_claim = timezone.now() - NOTIFICATION_CLAIM_TIMEOUT
    still_pending = set(
        Notification.objects.filter(
            Q(status=NotificationStatus.PENDING) | Q(status=NotificationStatus.SENDING, claimed_at__lt=stale_claim),
            pk__in=notification_ids,
        ).values_list("pk", flat=True)
    )
    queued = []
    for notification_id in (pk for pk in notification_ids if pk in still_pending):
        try:
            deliver_notification_task.delay(notification_id)
        except (KombuOperationalError, OSError) as exc:  # the broker, not the user's write, failed
            logger.warning("Notifications left pending, broker unavailable: %s", exc)
            break
        except Exception:  # tasks run in-process (no broker configured) and this one failed: the row says why
            logger.exception("Notification %s could not be delivered now", notification_id)
            continue
        queued.append(notification_id)
    if queued:
        Notification.objects.filter(pk__in=queued).update(dispatched_at=timezone.now())
    return len(queued)


def _team_recipients(use_case: UseCase) -> list[User]:
    members = list(use_case.team.members.order_by("username"))
    if use_case.owner_id is not None and use_case.owner_id not in {m.pk for m in members}:
        members.insert(0, use_case.owner)
    return members


def _notify_team(
    *, use_case: UseCase, kind: str, subject: Callable[[], str], body: Callable[[], str]
) -> list[Notification]:
    return notification_enqueue(
        kind=kind, recipients=_team_recipients(use_case), subject=subject, body=body, use_case=use_case
    )


def _notify_committee_of_submission(*, use_case: UseCase, committee: Committee, actor, resubmission: bool):
    members = [m.user for m in committee_members(committee=committee)]

    def subject() -> str:
        if resubmission:
            return gettext("%(reference)s resubmitted for review") % {"reference": use_case.reference}
        return gettext("%(reference)s submitted for review") % {"reference": use_case.reference}

    def body() -> str:
        # The domain and the team are named in the reader's language (domains/translation.py).
        return gettext("%(actor)s submitted %(use_case)s (%(domain)s, team %(team)s) to %(committee)s.") % {
            "actor": _name(actor),
            "use_case": use_case,
            "domain": use_case.domain,
            "team": use_case.team,
            "committee": committee,
        }

    return notification_enqueue(
        kind=NotificationKind.SUBMITTED, recipients=members, subject=subject, body=body, use_case=use_case
    )


def _backoff(attempts: int) -> datetime.timedelta:
    seconds = min(NOTIFICATION_BACKOFF_MAX_SECONDS, NOTIFICATION_BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return datetime.timedelta(seconds=seconds)


class NotificationDeliveryFailed(Exception):
    def __init__(self, message: str, *, retry_in: datetime.timedelta | None):
        super().__init__(message)
        self.retry_in = retry_in


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if nobody else has: claim it with a conditional update (pending, or
    left "sending" by a dead worker), send, mark sent. Returns False when there was nothing to do
    (already sent, or claimed by someone else). A failed send returns the row to pending with a
    backoff and raises NotificationDeliveryFailed; after the last attempt the row is failed."""
    now = timezone.now()
    claimable = Q(status=NotificationStatus.PENDING) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - NOTIFICATION_CLAIM_TIMEOUT
    )
    claimed = (
        Notification.objects.filter(claimable, pk=notification_id)
        .filter(Q(status=NotificationStatus.SENDING) | Q(next_attempt_at__lte=now))
        .update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.email])
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= NOTIFICATION_MAX_ATTEMPTS:
            Notification.objects.filter(pk=notification_id, status=NotificationStatus.SENDING).update(
                status=NotificationStatus.FAILED, last_error=error, claimed_at=None
            )
            raise NotificationDeliveryFailed(error, retry_in=None) from exc
        retry_in = _backoff(notification.attempts)
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.PENDING,
            last_error=error,
            claimed_at=None,
            next_attempt_at=now + retry_in,
            dispatched_at=None,  # the retry's message is the task's own; the sweeper is the safety net
        )
        raise NotificationDeliveryFailed(error, retry_in=retry_in) from exc
    Notification.objects.filter(pk=notification_id, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
    )
    return True


def notifications_due(*, limit: int, grace: datetime.timedelta = datetime.timedelta(0)) -> list[int]:
    """Ids of rows to hand out (again): pending and due, older than `grace` (their own transaction's
    dispatch is under way) and not handed to the broker recently; or claimed by a worker that died."""
    now = timezone.now()
    not_recently_queued = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - NOTIFICATION_REDISPATCH_AFTER)
    return list(
        Notification.objects.filter(
            Q(
                not_recently_queued,
                status=NotificationStatus.PENDING,
                next_attempt_at__lte=now - grace,
                created_at__lte=now - grace,
            )
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - NOTIFICATION_CLAIM_TIMEOUT)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _overdue_reviews_subject(*, count: int, days: int) -> str:
    return ngettext(
        "%(count)d use case waiting in review for more than %(days)d days",
        "%(count)d use cases waiting in review for more than %(days)d days",
        count,
    ) % {"count": count, "days": days}


def _overdue_reviews_body(*, committee: Committee, waiting: list[ReviewRound]) -> str:
    lines = "\n".join(
        gettext("- %(use_case)s, in review since %(since)s")
        % {"use_case": r.use_case, "since": date_format(timezone.localtime(r.use_case.status_changed_at).date())}
        for r in waiting
    )
    return gettext("These use cases of %(committee)s are waiting for a decision:\n\n%(lines)s") % {
        "committee": committee,
        "lines": lines,
    }


@transaction.atomic
def notifications_remind_overdue_reviews(*, days: int, now: datetime.datetime | None = None) -> list[Notification]:
    """Once a day: tell each committee's members which of its use cases have been in review longer
    than `days` days. One email per member per day; a second run the same day adds nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = now - datetime.timedelta(days=days)
    rounds = (
        ReviewRound.objects.filter(
            closed_at__isnull=True, use_case__status=Status.IN_REVIEW, use_case__status_changed_at__lte=cutoff
        )
        .select_related("use_case", "committee")
        .order_by("committee_id", "use_case__status_changed_at", "use_case_id")
    )
    by_committee: dict[int, list[ReviewRound]] = {}
    for review_round in rounds:
        by_committee.setdefault(review_round.committee_id, []).append(review_round)
    created = []
    for committee_id, waiting in by_committee.items():
        committee = waiting[0].committee
        created += notification_enqueue(
            kind=NotificationKind.REVIEW_OVERDUE,
            recipients=[m.user for m in committee_members(committee=committee)],
            subject=partial(_overdue_reviews_subject, count=len(waiting), days=days),
            body=partial(_overdue_reviews_body, committee=committee, waiting=waiting),
            dedupe_key_for=lambda user, cid=committee_id: f"review-overdue:{today.isoformat()}:{cid}:{user.pk}",
        )
    return created


def _vote_reminder_subject(*, meeting: Meeting) -> str:
    return gettext("Your vote is awaited before the meeting of %(date)s") % {"date": date_format(meeting.date)}


def _vote_reminder_body(*, pending: list[UseCase]) -> str:
    return gettext("You have not yet voted on:\n\n%(lines)s") % {
        "lines": "\n".join(f"- {use_case}" for use_case in pending)
    }


@transaction.atomic
def notifications_remind_missing_votes(*, days_before: int, today: datetime.date | None = None) -> list[Notification]:
    """For every meeting in the next `days_before` days: remind each voting member who has not yet
    voted on agenda use cases still in review. Once per member per meeting."""
    today = today or timezone.localdate()
    meetings = (
        Meeting.objects.filter(date__gte=today, date__lte=today + datetime.timedelta(days=days_before))
        .select_related("committee")
        .order_by("date", "pk")
    )
    created = []
    for meeting in meetings:
        rounds = list(
            ReviewRound.objects.filter(
                closed_at__isnull=True,
                use_case__status=Status.IN_REVIEW,
                use_case__agenda_items__meeting=meeting,
            )
            .select_related("use_case")
            .order_by("use_case__agenda_items__position")
        )
        if not rounds:
            continue
        voted = set(Vote.objects.filter(round__in=rounds).values_list("round_id", "voter_id"))
        teams_of_use_cases = {
            (use_case_id, user_id)
            for use_case_id, user_id in UseCase.objects.filter(pk__in=[r.use_case_id for r in rounds]).values_list(
                "pk", "team__members"
            )
        }
        for membership in (
            CommitteeMembership.objects.active(today)
            .voting()
            .filter(committee=meeting.committee)
            .select_related("user")
            .order_by("user__username")
        ):
            # A member does not vote on their own team's use cases: no reminder for those.
            pending = [
                r.use_case
                for r in rounds
                if (r.pk, membership.user_id) not in voted
                and (r.use_case_id, membership.user_id) not in teams_of_use_cases
            ]
            if not pending:
                continue
            created += notification_enqueue(
                kind=NotificationKind.VOTE_REMINDER,
                recipients=[membership.user],
                subject=partial(_vote_reminder_subject, meeting=meeting),
                body=partial(_vote_reminder_body, pending=pending),
                dedupe_key_for=lambda user, mid=meeting.pk: f"vote-reminder:{mid}:{user.pk}",
            )
    return created


# The committee itself: its mandate, quorum and membership ------------------------------------------
#
# Who may: an administrator (superuser), or the committee's active chair. Nobody but an administrator
# changes their own membership (a secretary making herself a member to vote, a member making herself
# chair), and only an administrator appoints, changes or ends a chair. Each change is audited on the
# committee, with what it was and what it became, and shown on the committee's timeline in the admin.

COMMITTEE_EDITABLE_FIELDS = ("name", "mandate", "covers_all_domains", "quorum_votes", "quorum_functions")
MEMBERSHIP_EDITABLE_FIELDS = ("function", "role", "start_date", "end_date")


def _require(refusal: str | None) -> None:
    if refusal is not None:
        raise PermissionDenied(refusal)


def _lock_committee(committee: Committee) -> Committee:
    return Committee.objects.select_for_update().get(pk=committee.pk)


def _save_checked(instance) -> None:
    instance.full_clean()
    instance.save()


@transaction.atomic
def committee_create(*, actor: Actor, data: dict[str, Any], domains=None) -> Committee:
    require_actor(actor)
    _require(committee_management_refusal(actor, None))
    refuse_unknown_fields(data, COMMITTEE_EDITABLE_FIELDS)
    committee = Committee(**data)
    _save_checked(committee)
    if domains is not None:
        committee.domains.set(domains)
    audit_record(
        actor=actor,
        action=AuditAction.COMMITTEE_CREATED,
        target=committee,
        data={
            **{name: audit_value(getattr(committee, name)) for name in COMMITTEE_EDITABLE_FIELDS if name != "mandate"},
            "domains": sorted(d.slug for d in committee.domains.all()),
        },
    )
    return committee


@transaction.atomic
def committee_update(*, actor: Actor, committee: Committee, data: dict[str, Any], domains=None) -> Committee:
    """Change a committee's name, mandate, domains or quorum (an administrator or its chair)."""
    require_actor(actor)
    refuse_unknown_fields(data, COMMITTEE_EDITABLE_FIELDS)
    locked = _lock_committee(committee)
    _require(committee_management_refusal(actor, locked))
    changes = apply_changes(locked, data, COMMITTEE_EDITABLE_FIELDS)
    if domains is not None:
        domain_changes = set_changes(locked.domains.values_list("slug", flat=True), (d.slug for d in domains))
        if domain_changes:
            changes["domains"] = domain_changes
    if not changes:
        return locked
    _save_checked(locked)
    if domains is not None:
        locked.domains.set(domains)
    audit_record(actor=actor, action=AuditAction.COMMITTEE_UPDATED, target=locked, data={"changes": changes})
    return locked


@transaction.atomic
def committee_membership_add(
    *,
    actor: Actor,
    committee: Committee,
    user: User,
    function,
    role: str = MemberRole.MEMBER,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> CommitteeMembership:
    require_actor(actor)
    locked = _lock_committee(committee)
    _require(membership_change_refusal(actor, locked, user=user, roles={role}))
    membership = CommitteeMembership(
        committee=locked,
        user=user,
        function=function,
        role=role,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    _save_checked(membership)
    audit_record(
        actor=actor,
        action=AuditAction.COMMITTEE_MEMBER_ADDED,
        target=locked,
        data={
            "membership": membership.pk,
            "user": user.get_username(),
            **{name: audit_value(getattr(membership, name)) for name in MEMBERSHIP_EDITABLE_FIELDS},
        },
    )
    return membership


@transaction.atomic
def committee_membership_update(
    *, actor: Actor, membership: CommitteeMembership, data: dict[str, Any]
) -> CommitteeMembership:
    """Change someone's function, role or dates on a committee; ending a membership is setting its
    end date (memberships are never deleted: the votes they cast keep their meaning)."""
    require_actor(actor)
    refuse_unknown_fields(data, MEMBERSHIP_EDITABLE_FIELDS)
    committee = _lock_committee(membership.committee)
    locked = CommitteeMembership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    roles = {locked.role, data.get("role", locked.role)}
    _require(membership_change_refusal(actor, committee, user=locked.user, roles=roles))
    changes = apply_changes(locked, data, MEMBERSHIP_EDITABLE_FIELDS)
    if not changes:
        return locked
    _save_checked(locked)
    audit_record(
        actor=actor,
        action=AuditAction.COMMITTEE_MEMBER_CHANGED,
        target=committee,
        data={"membership": locked.pk, "user": locked.user.get_username(), "changes": changes},
    )
    return locked


# Impact: success measures, measurements, side effects ----------------------------------------------

KPI_EDITABLE_FIELDS = (
    "name",
    "category",
    "unit",
    "is_monetary",
    "baseline",
    "target",
    "target_date",
    "direction",
    "frequency",
    "owner",
)
SIDE_EFFECT_EDITABLE_FIELDS = (
    "kind",
    "category",
    "title",
    "description",
    "likelihood",
    "severity",
    "mitigation",
    "owner",
    "status",
    "last_reviewed_on",
    "kpi",
)
# One push of measurements holds at most this many rows (the API's array limit is the same).
MEASUREMENTS_MAX_ROWS = 1_000


def _lock_use_case_for_impact(actor, use_case: UseCase) -> UseCase:
    locked = _lock(use_case)
    _require(impact_refusal(actor, locked))
    return locked


def _audit_fields(instance, names) -> dict:
    return {name: audit_value(getattr(instance, name)) for name in names if name not in ("description", "mitigation")}


def _keep_an_outcome_kpi(use_case: UseCase, kpi: Kpi, what: str) -> None:
    """A use case past its submission keeps a success measure beyond efficiency: the committee took it
    on that promise. Refuses to `what` (remove it, make it an efficiency measure) the last one."""
    if (
        settings.GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI
        and use_case.status not in EDITABLE_STATUSES
        and not use_case.kpis.exclude(category=KpiCategory.EFFICIENCY).exclude(pk=kpi.pk).exists()
    ):
        raise BusinessRuleError(
            gettext(
                "%(measure)s is the last success measure of %(reference)s beyond efficiency: add another growth, "
                "engagement, lasting-results or risk measure before you %(what)s."
            )
            % {"measure": kpi.name, "reference": use_case.reference, "what": what},
            code="last_outcome_kpi",
        )


@transaction.atomic
def kpi_create(*, actor: Actor, use_case: UseCase, data: dict[str, Any]) -> Kpi:
    """Add a success measure to a use case (its team or its committee)."""
    require_actor(actor)
    refuse_unknown_fields(data, KPI_EDITABLE_FIELDS)
    locked = _lock_use_case_for_impact(actor, use_case)
    kpi = Kpi(use_case=locked, **data)
    _save_checked(kpi)
    audit_record(actor=actor, action=AuditAction.KPI_CREATED, target=kpi, data=_audit_fields(kpi, KPI_EDITABLE_FIELDS))
    return kpi


@transaction.atomic
def kpi_update(*, actor: Actor, kpi: Kpi, data: dict[str, Any]) -> Kpi:
    require_actor(actor)
    refuse_unknown_fields(data, KPI_EDITABLE_FIELDS)
    use_case = _lock_use_case_for_impact(actor, kpi.use_case)
    locked = Kpi.objects.select_for_update().get(pk=kpi.pk)
    was_outcome = locked.category != KpiCategory.EFFICIENCY
    changes = apply_changes(locked, data, KPI_EDITABLE_FIELDS)
    if not changes:
        return locked
    if was_outcome and locked.category == KpiCategory.EFFICIENCY:
        _keep_an_outcome_kpi(use_case, locked, gettext("make it an efficiency measure"))
    _save_checked(locked)
    audit_record(actor=actor, action=AuditAction.KPI_UPDATED, target=locked, data={"changes": changes})
    return locked


@transaction.atomic
def kpi_delete(*, actor: Actor, kpi: Kpi) -> None:
    """Remove a success measure and its measurements. The last measure outside efficiency of a use
    case past its submission is kept: the committee approved it on that promise."""
    require_actor(actor)
    use_case = _lock_use_case_for_impact(actor, kpi.use_case)
    locked = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if locked.category != KpiCategory.EFFICIENCY:
        _keep_an_outcome_kpi(use_case, locked, gettext("remove it"))
    measurements = locked.measurements.count()
    audit_record(
        actor=actor,
        action=AuditAction.KPI_DELETED,
        target=locked,
        data={**_audit_fields(locked, ("name", "category")), "measurements": measurements},
    )
    locked.delete()


@dataclass(frozen=True)
class MeasurementsRecorded:
    created: int
    updated: int
    unchanged: int
    measurements: list[KpiMeasurement]


class MeasurementRowsInvalid(BusinessRuleError):
    """Rows of a push were refused; `details["errors"]` lists each one: row (from 1), field, message."""

    def __init__(self, errors: list[dict]):
        first = errors[0]
        super().__init__(
            gettext("%(count)d row(s) refused, nothing recorded. Row %(row)s, %(field)s: %(message)s")
            % {"count": len({e["row"] for e in errors}), **first},
            code="invalid_rows",
            details={"errors": errors},
        )


def _measurement_errors(position: int, row, today: datetime.date) -> tuple[dict | None, list[dict]]:
    """A row of a push cleaned ({date, value, note}), or the errors that name its fields."""
    errors = []

    def refuse(field, message):
        errors.append({"row": position, "field": field, "message": str(message)})

    if not isinstance(row, dict):
        refuse("row", gettext("Each row is an object with a date and a value."))
        return None, errors
    unknown = sorted(set(row) - {"date", "value", "note"})
    for name in unknown:
        refuse(name, gettext("Unknown field: each row has a date, a value and an optional note."))
    date = row.get("date")
    if isinstance(date, str) and not date.strip():
        date = None
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date.strip())
        except ValueError:
            refuse("date", gettext("Not a date: use the form YYYY-MM-DD."))
            date = None
    elif isinstance(date, datetime.datetime) or not isinstance(date, datetime.date):
        refuse(
            "date",
            gettext("A date is required, in the form YYYY-MM-DD.")
            if date in (None, "")
            else gettext("Not a date: use the form YYYY-MM-DD."),
        )
        date = None
    if date is not None and date > today:
        refuse(
            "date",
            gettext("%(date)s is in the future: a measurement records what was observed.") % {"date": date.isoformat()},
        )
    value = row.get("value")
    if value is None or value == "" or isinstance(value, bool):
        refuse("value", gettext("A value is required."))
        value = None
    else:
        try:
            value = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            refuse("value", gettext("Not a number."))
            value = None
        else:
            if not value.is_finite():
                refuse("value", gettext("Not a number."))
                value = None
            elif abs(value) >= Decimal(10) ** (MEASUREMENT_DIGITS - MEASUREMENT_DECIMALS):
                refuse(
                    "value",
                    gettext("Too large: at most %(digits)d digits before the decimal point.")
                    % {"digits": MEASUREMENT_DIGITS - MEASUREMENT_DECIMALS},
                )
                value = None
            else:
                value = value.quantize(Decimal(1).scaleb(-MEASUREMENT_DECIMALS), rounding=ROUND_HALF_EVEN)
    note = row.get("note", "")
    if note is None:
        note = ""
    if not isinstance(note, str):
        refuse("note", gettext("The note is text."))
        note = ""
    elif len(note) > KpiMeasurement._meta.get_field("note").max_length:
        refuse(
            "note",
            gettext("At most %(max)d characters (it has %(length)d).")
            % {"max": KpiMeasurement._meta.get_field("note").max_length, "length": len(note)},
        )
    if errors:
        return None, errors
    return {"date": date, "value": value, "note": note.strip()}, []


@transaction.atomic
def kpi_measurements_record(
    *, actor: Actor, kpi: Kpi, rows: Iterable[dict], source: str = MeasurementSource.MANUAL
) -> MeasurementsRecorded:
    """Record values of a measure, one per date: a date already measured is updated, so pushing the
    same rows twice leaves one row per date (idempotent). All or nothing: one bad row (its row number
    from 1, its field and why in the error) and nothing is written."""
    require_actor(actor)
    rows = list(rows)
    source = MeasurementSource(source)  # an unknown source is a programming error (ValueError)
    if not rows:
        raise BusinessRuleError(
            gettext("No measurements given: send at least one row with a date and a value."), code="empty"
        )
    if len(rows) > MEASUREMENTS_MAX_ROWS:
        raise BusinessRuleError(
            gettext("%(count)d rows in one push: at most %(max)d, send the rest in another.")
            % {"count": len(rows), "max": MEASUREMENTS_MAX_ROWS},
            code="too_many_rows",
        )
    use_case = _lock(kpi.use_case)
    locked = Kpi.objects.select_for_update().select_related("use_case").get(pk=kpi.pk)
    locked.use_case = use_case
    _require(measurement_refusal(actor, locked))
    today = timezone.localdate()
    cleaned, errors, seen = [], [], {}
    for position, row in enumerate(rows, start=1):
        values, row_errors = _measurement_errors(position, row, today)
        errors.extend(row_errors)
        if values is None:
            continue
        if values["date"] in seen:
            errors.append(
                {
                    "row": position,
                    "field": "date",
                    "message": gettext("%(date)s is already given in row %(first)d: one value per date.")
                    % {"date": values["date"].isoformat(), "first": seen[values["date"]]},
                }
            )
            continue
        seen[values["date"]] = position
        cleaned.append(values)
    if errors:
        raise MeasurementRowsInvalid(errors)
    existing = {m.date: m for m in locked.measurements.filter(date__in=list(seen))}
    person = user_or_none(actor)
    now = timezone.now()
    created = updated = unchanged = 0
    to_create, to_update, result = [], [], []
    for values in cleaned:
        current = existing.get(values["date"])
        if current is None:
            measurement = KpiMeasurement(
                kpi=locked, source=source, recorded_by=person, created_at=now, updated_at=now, **values
            )
            to_create.append(measurement)
            created += 1
        elif current.value == values["value"] and (current.note == values["note"] or not values["note"]):
            measurement = current
            unchanged += 1
        else:
            current.value, current.source, current.recorded_by, current.updated_at = (
                values["value"],
                source,
                person,
                now,
            )
            if values["note"]:
                current.note = values["note"]
            measurement = current
            to_update.append(current)
            updated += 1
        result.append(measurement)
    KpiMeasurement.objects.bulk_create(to_create)
    KpiMeasurement.objects.bulk_update(to_update, ["value", "source", "recorded_by", "updated_at", "note"])
    if created or updated:
        Kpi.objects.filter(pk=locked.pk).update(updated_at=now)
        audit_record(
            actor=actor,
            action=AuditAction.KPI_MEASURED,
            target=locked,
            data={
                "source": source,
                "created": created,
                "updated": updated,
                "first": min(seen).isoformat(),
                "last": max(seen).isoformat(),
            },
        )
    return MeasurementsRecorded(created=created, updated=updated, unchanged=unchanged, measurements=result)


@transaction.atomic
def measurement_delete(*, actor: Actor, measurement: KpiMeasurement) -> None:
    require_actor(actor)
    kpi = Kpi.objects.select_related("use_case").get(pk=measurement.kpi_id)
    _lock(kpi.use_case)
    _require(measurement_refusal(actor, kpi))
    locked = KpiMeasurement.objects.select_for_update().get(pk=measurement.pk)
    audit_record(
        actor=actor,
        action=AuditAction.KPI_MEASURED,
        target=kpi,
        data={"deleted": locked.date.isoformat(), "value": str(locked.value)},
    )
    locked.delete()


def _keep_an_assessed_side_effect(use_case: UseCase, side_effect: SideEffect, what: str) -> None:
    """A use case in delivery or scaled keeps an assessed side effect: it went there on that assessment.
    Refuses to `what` (unrate it, remove it) the last one."""
    if use_case.status in (Status.IN_DELIVERY, Status.SCALED) and not (
        use_case.side_effects.filter(likelihood__isnull=False, severity__isnull=False)
        .exclude(pk=side_effect.pk)
        .exists()
    ):
        raise BusinessRuleError(
            gettext(
                "%(side_effect)s is the last assessed side effect of %(reference)s, which is %(status)s: assess "
                "another before you %(what)s."
            )
            % {
                "side_effect": side_effect.title,
                "reference": use_case.reference,
                "status": use_case.get_status_display(),
                "what": what,
            },
            code="last_assessed_side_effect",
        )


def _check_side_effect_kpi(side_effect: SideEffect) -> None:
    if side_effect.kpi_id is not None and side_effect.kpi.use_case_id != side_effect.use_case_id:
        raise ValidationError({"kpi": gettext("Choose a success measure of this use case.")})


@transaction.atomic
def side_effect_create(*, actor: Actor, use_case: UseCase, data: dict[str, Any]) -> SideEffect:
    """Record a side effect, anticipated or observed. Rated (likelihood and severity), it counts as
    assessed; it is reviewed today unless the data says when."""
    require_actor(actor)
    refuse_unknown_fields(data, SIDE_EFFECT_EDITABLE_FIELDS)
    locked = _lock_use_case_for_impact(actor, use_case)
    side_effect = SideEffect(use_case=locked, **data)
    if side_effect.last_reviewed_on is None and side_effect.is_assessed:
        side_effect.last_reviewed_on = timezone.localdate()
    _check_side_effect_kpi(side_effect)
    _save_checked(side_effect)
    audit_record(
        actor=actor,
        action=AuditAction.SIDE_EFFECT_CREATED,
        target=side_effect,
        data=_audit_fields(side_effect, SIDE_EFFECT_EDITABLE_FIELDS),
    )
    return side_effect


@transaction.atomic
def side_effect_update(*, actor: Actor, side_effect: SideEffect, data: dict[str, Any]) -> SideEffect:
    """Change a side effect. A person who changes its rating, mitigation or status has reviewed it:
    its review date becomes today unless the data sets one."""
    require_actor(actor)
    refuse_unknown_fields(data, SIDE_EFFECT_EDITABLE_FIELDS)
    use_case = _lock_use_case_for_impact(actor, side_effect.use_case)
    locked = SideEffect.objects.select_for_update().get(pk=side_effect.pk)
    was_assessed = locked.is_assessed
    changes = apply_changes(locked, data, SIDE_EFFECT_EDITABLE_FIELDS)
    if not changes:
        return locked
    if was_assessed and not locked.is_assessed:
        _keep_an_assessed_side_effect(use_case, locked, gettext("clear its rating"))
    reviewing = {"likelihood", "severity", "mitigation", "status"} & set(changes)
    if reviewing and "last_reviewed_on" not in data and locked.is_assessed:
        today = timezone.localdate()
        if locked.last_reviewed_on != today:
            changes["last_reviewed_on"] = [audit_value(locked.last_reviewed_on), audit_value(today)]
            locked.last_reviewed_on = today
    _check_side_effect_kpi(locked)
    _save_checked(locked)
    for name in ("description", "mitigation"):
        if name in changes:
            changes[name] = True  # the trail says the text changed; the field history keeps the texts
    audit_record(actor=actor, action=AuditAction.SIDE_EFFECT_UPDATED, target=locked, data={"changes": changes})
    return locked


@transaction.atomic
def side_effect_delete(*, actor: Actor, side_effect: SideEffect) -> None:
    require_actor(actor)
    use_case = _lock_use_case_for_impact(actor, side_effect.use_case)
    locked = SideEffect.objects.select_for_update().get(pk=side_effect.pk)
    if locked.is_assessed:
        _keep_an_assessed_side_effect(use_case, locked, gettext("remove it"))
    audit_record(
        actor=actor,
        action=AuditAction.SIDE_EFFECT_DELETED,
        target=locked,
        data=_audit_fields(locked, ("kind", "category", "title", "likelihood", "severity")),
    )
    locked.delete()


@transaction.atomic
def side_effects_mark_reviewed(*, actor: Actor, use_case: UseCase, on: datetime.date | None = None) -> int:
    """The team or the committee went through the use case's live side effects and found them still
    right: each one's review date becomes today. Returns how many were marked."""
    require_actor(actor)
    locked = _lock_use_case_for_impact(actor, use_case)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"last_reviewed_on": gettext("A review date cannot be in the future.")})
    live = locked.side_effects.filter(
        status__in=LIVE_SIDE_EFFECT_STATUSES, likelihood__isnull=False, severity__isnull=False
    )
    ids = sorted(live.values_list("pk", flat=True))
    if not ids:
        raise BusinessRuleError(
            gettext("%(reference)s has no assessed side effect to review: rate its likelihood and severity first.")
            % {"reference": locked.reference},
            code="nothing_to_review",
        )
    SideEffect.objects.filter(pk__in=ids).update(last_reviewed_on=on, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.SIDE_EFFECT_REVIEWED,
        target=locked,
        data={"side_effects": ids, "on": on.isoformat()},
    )
    return len(ids)


@transaction.atomic
def notifications_remind_stale_side_effects(*, days: int, today: datetime.date | None = None) -> list[Notification]:
    """Daily: tell each use case's team and its committee's members when the side effects of a live
    use case (in delivery or scaled) have not been reviewed for `days` days. Once per use case per
    day (the dedupe key); each message in its recipient's language."""
    from .selectors import use_cases_with_stale_side_effects

    today = today or timezone.localdate()
    created = []
    for use_case, last_review in use_cases_with_stale_side_effects(days=days, today=today):
        recipients = {user.pk: user for user in _team_recipients(use_case)}
        committee = committee_for(use_case)
        if committee is not None:
            for membership in committee_members(committee=committee).select_related("user"):
                if membership.user.email and membership.user.is_active:
                    recipients.setdefault(membership.user.pk, membership.user)
        for user in recipients.values():
            since = last_review.isoformat() if last_review else None
            with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
                subject = gettext("%(reference)s: side effects to review") % {"reference": use_case.reference}
                body = (
                    gettext(
                        "The side effects of %(reference)s %(title)s (%(status)s) were last reviewed on %(since)s, "
                        "more than %(days)d days ago. Open the use case, check each anticipated and observed "
                        "effect, its rating and its mitigation, and mark them reviewed."
                    )
                    if since
                    else gettext(
                        "The side effects of %(reference)s %(title)s (%(status)s) have never been reviewed. Open the "
                        "use case, rate each anticipated and observed effect and its mitigation, and mark them "
                        "reviewed."
                    )
                ) % {
                    "reference": use_case.reference,
                    "title": use_case.title,
                    "status": use_case.get_status_display(),
                    "since": since,
                    "days": days,
                }
            created += notification_enqueue(
                kind=NotificationKind.SIDE_EFFECTS_STALE,
                recipients=[user],
                subject=subject,
                body=body,
                use_case=use_case,
                dedupe_key_for=lambda person, use_case=use_case: (
                    f"side_effects_stale:{use_case.pk}:{person.pk}:{today.isoformat()}"
                ),
            )
    return created


# The dashboard's weekly snapshot ---------------------------------------------------------------------


@transaction.atomic
def impact_snapshot_take(*, actor: Actor, on: datetime.date | None = None) -> ImpactSnapshot:
    """Record the dashboard's headline figures of the whole portfolio (governance.dashboard's FIGURES,
    computed as the live page computes them) as the snapshot of `on` (today by default). Once per date:
    taken again the same day, it updates that day's row. The system (the weekly beat task) or an
    administrator only. Not an audit event: the figures are read from the record, they change none."""
    from core.actors import SYSTEM, is_system

    from .dashboard import dashboard_use_cases, headline_figures

    require_actor(actor)
    if not (is_system(actor) or actor.is_superuser):
        raise PermissionDenied(gettext("Only the system or an administrator takes the portfolio's snapshot."))
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": gettext("A snapshot cannot be taken for a date in the future.")})
    figures = headline_figures(use_cases=dashboard_use_cases(actor=SYSTEM), today=on)
    snapshot, _created = ImpactSnapshot.objects.update_or_create(taken_on=on, defaults={"figures": figures})
    return snapshot


# Ripple alerts: what a stop or a drop means for the use cases that lean on it --------------------------

# The statuses of the use cases a ripple is worth telling about: work that is alive.
RIPPLE_AFFECTED_STATUSES = frozenset(LIVE_STATUSES)
RIPPLE_ACTIONS = frozenset({"put_on_hold", "retire"})


def _ripple_recipients(affected: list[UseCase]) -> dict[int, tuple[User, list[UseCase]]]:
    """Who answers for each affected use case (its owner, or its team when it has none), with the
    affected use cases each of them answers for."""
    by_user: dict[int, tuple[User, list[UseCase]]] = {}
    for use_case in affected:
        people = [use_case.owner] if use_case.owner_id else list(use_case.team.members.all())
        for person in (p for p in people if p.is_active):
            by_user.setdefault(person.pk, (person, []))[1].append(use_case)
    return by_user


def _what_changed(cause: UseCase, action: str) -> str:
    return {
        "reject": gettext("%(use_case)s was rejected by the committee."),
        "put_on_hold": gettext("%(use_case)s was put on hold by the committee."),
        "retire": gettext("%(use_case)s was retired."),
    }[action] % {"use_case": cause}


def use_case_ripple_notify(*, cause: UseCase, action: str) -> list[Notification]:
    """Tell the owners of the use cases that depend on `cause` or are reinforced by it that it was
    rejected, put on hold or retired, and what that means for each of theirs (through the outbox, in
    each person's language). Called by the workflow services in their transaction."""
    from portfolio.choices import LinkKind
    from portfolio.models import UseCaseLink

    links = (
        UseCaseLink.objects.filter(
            Q(kind=LinkKind.DEPENDS_ON, target=cause)
            | Q(kind=LinkKind.REINFORCES) & (Q(source=cause) | Q(target=cause))
        )
        .select_related("source__owner", "source__team", "target__owner", "target__team")
        .prefetch_related("source__team__members", "target__team__members")
        .order_by("pk")
    )
    how: dict[int, set[str]] = {}
    affected: dict[int, UseCase] = {}
    for link in links:
        other = link.source if link.target_id == cause.pk else link.target
        if other.pk == cause.pk or other.status not in RIPPLE_AFFECTED_STATUSES:
            continue
        affected[other.pk] = other
        how.setdefault(other.pk, set()).add(link.kind)
    if not affected:
        return []
    stops_for_good = action in ("reject", "retire")

    def lines(mine: list[UseCase]) -> str:
        text = []
        for use_case in sorted(mine, key=lambda uc: uc.reference):
            if LinkKind.DEPENDS_ON in how[use_case.pk]:
                meaning = (
                    gettext(
                        "%(use_case)s depends on it: its approval, delivery and scale are held until you find another "
                        "way, or the chair lifts the dependency gate with a reason."
                    )
                    if stops_for_good
                    else gettext(
                        "%(use_case)s depends on it: its approval, delivery and scale wait until it resumes, or the "
                        "chair lifts the dependency gate with a reason."
                    )
                )
                text.append("- " + meaning % {"use_case": use_case})
            if LinkKind.REINFORCES in how[use_case.pk]:
                text.append(
                    "- "
                    + gettext(
                        "%(use_case)s was reinforced by it: the value they added to each other is lost for now, and "
                        "its priority falls."
                    )
                    % {"use_case": use_case}
                )
        return "\n".join(text)

    notifications = []
    for person, mine in _ripple_recipients(list(affected.values())).values():
        notifications += notification_enqueue(
            kind=NotificationKind.RIPPLE,
            recipients=[person],
            subject=lambda: (
                gettext("%(reference)s changed: what it means for your use cases") % {"reference": cause.reference}
            ),
            body=lambda mine=mine: (
                _what_changed(cause, action) + "\n\n" + gettext("What it means for yours:") + "\n" + lines(mine)
            ),
            use_case=cause,
        )
    return notifications


def foundation_ripple_notify(*, foundation, before: int, after: int) -> list[Notification]:
    """Tell the owners of the use cases that use a foundation that its readiness dropped (from
    `before` to `after`), and what that means for each of theirs."""
    from domains.choices import Readiness
    from domains.models import UseCaseFoundation

    usages = (
        UseCaseFoundation.objects.filter(foundation=foundation, use_case__status__in=RIPPLE_AFFECTED_STATUSES)
        .select_related("use_case__owner", "use_case__team")
        .prefetch_related("use_case__team__members")
        .order_by("use_case__reference")
    )
    affected = [usage.use_case for usage in usages]
    notifications = []
    for person, mine in _ripple_recipients(affected).values():
        notifications += notification_enqueue(
            kind=NotificationKind.RIPPLE,
            recipients=[person],
            subject=lambda: (
                gettext("The foundation %(foundation)s is less ready: what it means for your use cases")
                % {"foundation": foundation.name}
            ),
            body=lambda mine=mine: (
                gettext(
                    "The readiness of %(foundation)s dropped from %(before)s to %(after)s.\n\nWhat it means for "
                    "yours (they use it): check that their plans still hold, and tell the committee if a date "
                    "moves:\n%(list)s"
                )
                % {
                    "foundation": foundation.name,
                    "before": Readiness(before).label,
                    "after": Readiness(after).label,
                    "list": "\n".join(f"- {use_case}" for use_case in mine),
                }
            ),
            use_case=mine[0],
        )
    return notifications
