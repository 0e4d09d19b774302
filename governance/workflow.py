"""The approval workflow, defined once: for each action, the states it may start from, the state it
leads to, who may take it (a django-rules predicate) and what must hold first. The services in
governance/services.py apply this table under a row lock; the admin, the team forms and the API
all go through them.

    draft -> submitted -> in_review -> approved -> in_delivery -> scaled -> retired
    in_review -> changes_requested -> (edit) -> submitted      in_review -> rejected
    submitted | in_review | approved -> on_hold -> (back to where it was)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import BusinessRuleError
from domains.choices import Status
from domains.models import UseCase

from .exceptions import SubmissionIncomplete, WorkflowError
from .rules import is_committee_chair, is_committee_member, is_owner, is_team_member
from .selectors import committee_for


def require_complete(use_case: UseCase) -> None:
    missing = use_case.missing_for_submission()
    if missing:
        labels = ", ".join(UseCase.field_label(name) for name in missing)
        raise SubmissionIncomplete(
            gettext("%(reference)s cannot be submitted yet: please complete %(fields)s.")
            % {"reference": use_case.reference, "fields": labels},
            missing_fields=missing,
        )


def require_committee(use_case: UseCase) -> None:
    if committee_for(use_case) is None:
        raise BusinessRuleError(
            gettext("No committee reviews the domain %(domain)s: ask an administrator to assign one.")
            % {"domain": use_case.domain},
            code="no_committee",
        )


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    # None: back to the state the use case was in before (resume from hold).
    target: str | None
    may: rules.Predicate
    preconditions: tuple[Callable[[UseCase], None], ...] = ()
    # Approve and reject happen only through a decision (use_case_decide), never as a bare transition.
    needs_decision: bool = False


_owner_or_chair = is_owner | is_committee_chair

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            _("Submit"),
            frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}),
            Status.SUBMITTED,
            is_team_member,
            (require_complete, require_committee),
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.ON_HOLD}),
            Status.DRAFT,
            is_team_member,
        ),
        Transition(
            "start_review",
            _("Start review"),
            frozenset({Status.SUBMITTED}),
            Status.IN_REVIEW,
            is_committee_member,
            (require_committee,),
        ),
        Transition(
            "request_changes",
            _("Request changes"),
            frozenset({Status.IN_REVIEW}),
            Status.CHANGES_REQUESTED,
            is_committee_member,
        ),
        Transition(
            "approve",
            _("Approve"),
            frozenset({Status.IN_REVIEW}),
            Status.APPROVED,
            is_committee_chair,
            needs_decision=True,
        ),
        Transition(
            "reject",
            _("Reject"),
            frozenset({Status.IN_REVIEW}),
            Status.REJECTED,
            is_committee_chair,
            needs_decision=True,
        ),
        Transition(
            "put_on_hold",
            _("Put on hold"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED}),
            Status.ON_HOLD,
            is_committee_member,
        ),
        Transition("resume", _("Resume"), frozenset({Status.ON_HOLD}), None, is_committee_member),
        Transition(
            "start_delivery",
            _("Start delivery (pilot)"),
            frozenset({Status.APPROVED}),
            Status.IN_DELIVERY,
            _owner_or_chair,
        ),
        Transition("scale", _("Scale to production"), frozenset({Status.IN_DELIVERY}), Status.SCALED, _owner_or_chair),
        Transition(
            "retire",
            _("Retire"),
            frozenset({Status.IN_DELIVERY, Status.SCALED, Status.APPROVED}),
            Status.RETIRED,
            _owner_or_chair,
        ),
    )
}

# The states a resumed use case may return to (those put_on_hold starts from).
HOLDABLE_STATES = TRANSITIONS["put_on_hold"].sources


def get_transition(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise BusinessRuleError(
            gettext("Unknown action %(action)s. Known actions: %(known)s.")
            % {"action": action, "known": ", ".join(TRANSITIONS)},
            code="unknown_action",
            details={"action": [action]},
        )


def allowed_actions(status: str) -> list[str]:
    """Actions the state allows, whoever asks, in table order."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]


def available_actions(*, actor, use_case: UseCase) -> list[str]:
    """Actions this actor may take on this use case now."""
    return [a for a in allowed_actions(use_case.status) if TRANSITIONS[a].may.test(actor, use_case)]


def check_state(use_case: UseCase, transition: Transition) -> None:
    if use_case.status not in transition.sources:
        raise wrong_state(use_case, str(transition.label))


def wrong_state(use_case: UseCase, what: str) -> WorkflowError:
    """The refusal for an action the current state does not allow: names the state and the steps
    it does allow."""
    allowed = allowed_actions(use_case.status)
    labels = ", ".join(str(TRANSITIONS[a].label).lower() for a in allowed) or gettext("none")
    return WorkflowError(
        gettext(
            '%(reference)s is %(state)s: "%(action)s" is not allowed in this state. Allowed next steps: %(allowed)s.'
        )
        % {"reference": use_case.reference, "state": use_case.get_status_display(), "action": what, "allowed": labels},
        current_state=use_case.status,
        allowed_actions=allowed,
    )


def may(actor, transition: Transition, use_case: UseCase) -> bool:
    return bool(
        actor is not None and getattr(actor, "is_authenticated", False) and transition.may.test(actor, use_case)
    )


def who_may(transition: Transition) -> str:
    """How the refusal describes who may take the action."""
    if transition.may is is_team_member:
        return gettext("a member of the team that owns the use case")
    if transition.may is is_committee_member:
        return gettext("a member of the committee that reviews it")
    if transition.may is is_committee_chair:
        return gettext("the chair of the committee that reviews it")
    return gettext("the use case's owner or the committee chair")
