"""The approval workflow, defined once: for each action, the states it may start from, the state it
leads to, who may take it (a django-rules predicate) and what must hold first. The services in
governance/services.py apply this table under a row lock; the admin, the team pages and the API all
go through them.

    draft -> submitted -> in_review -> approved -> in_delivery -> scaled -> retired
    in_review -> changes_requested -> (edit) -> submitted      in_review -> rejected
    submitted | in_review | approved -> on_hold -> (back to where it was)      draft -> discarded

Committee actions on a use case (review, request changes, decide, hold, resume, and the vote) are
never taken by a member of the team that owns it: they are refused with a message saying why, and
the quorum counts the other members.

Approving, starting delivery and scaling wait for what the use case depends on (the dependency gate):
the chair may lift that gate with a recorded reason (`override_reason`), audited with the step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import BusinessRuleError
from domains.choices import EDITABLE_STATUSES, RiskTier, Status
from domains.models import UseCase
from portfolio.selectors import dependencies_not_ready

from .choices import KpiCategory
from .exceptions import GateRefused, QuorumNotMet, SubmissionIncomplete, WorkflowError
from .rules import is_committee_chair, is_committee_member, is_team_member
from .selectors import committee_for, open_round, round_quorum


def require_complete(use_case: UseCase) -> None:
    missing = use_case.missing_for_submission()
    if missing:
        labels = ", ".join(UseCase.field_label(name) for name in missing)
        raise SubmissionIncomplete(
            gettext("%(reference)s cannot be submitted yet: please complete %(fields)s.")
            % {"reference": use_case.reference, "fields": labels},
            missing_fields=missing,
        )


def require_outcome_kpi(use_case: UseCase) -> None:
    """A use case is submitted with at least one success measure beyond efficiency (the setting
    GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI relaxes it)."""
    if not settings.GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI:
        return
    if use_case.kpis.exclude(category=KpiCategory.EFFICIENCY).exists():
        return
    raise BusinessRuleError(
        gettext(
            "%(reference)s cannot be submitted yet: add at least one success measure beyond efficiency (growth, "
            "engagement, lasting results or risk). The committee judges a use case on what it changes for customers "
            "and the business, not only on the cost it saves."
        )
        % {"reference": use_case.reference},
        code="outcome_kpi_missing",
        details={"missing_fields": ["kpis"]},
    )


def require_side_effects_assessed(use_case: UseCase) -> None:
    """Delivery and scale need at least one assessed side effect (likelihood and severity rated)."""
    if use_case.side_effects.filter(likelihood__isnull=False, severity__isnull=False).exists():
        return
    raise BusinessRuleError(
        gettext(
            "%(reference)s has no assessed side effect: before it goes to delivery or scale, record the side effects "
            "you anticipate (on the workforce, customers, fairness, regulation, operations, the environment, "
            "reputation) and rate their likelihood and severity."
        )
        % {"reference": use_case.reference},
        code="side_effects_not_assessed",
        details={"missing_fields": ["side_effects"]},
    )


def require_committee(use_case: UseCase) -> None:
    if committee_for(use_case) is None:
        raise BusinessRuleError(
            gettext("No committee reviews the domain %(domain)s: ask an administrator to assign one.")
            % {"domain": use_case.domain},
            code="no_committee",
        )


def require_risk_assessed(use_case: UseCase) -> None:
    """The EU AI Act risk tier is part of what the committee decides on."""
    if use_case.risk_tier == RiskTier.NOT_ASSESSED:
        raise BusinessRuleError(
            gettext(
                "%(reference)s has no EU AI Act risk tier yet (not yet assessed): assess it before the committee "
                "decides."
            )
            % {"reference": use_case.reference},
            code="risk_not_assessed",
            details={"missing_fields": ["risk_tier"]},
        )


def require_dependencies_ready(use_case: UseCase) -> None:
    """The dependency gate: what a use case depends on (its depends_on links) is approved, in delivery
    or scaled before it is approved, goes to delivery or scales. The chair may lift it with a reason."""
    blocking = dependencies_not_ready(use_case=use_case)
    if not blocking:
        return
    # A draft is its team's own (another team may not read it): named by its reference only.
    names = "; ".join(
        gettext("%(reference)s %(title)s (%(status)s)")
        % {"reference": other.reference, "title": other.title, "status": other.get_status_display()}
        if other.status != Status.DRAFT
        else gettext("%(reference)s (a draft)") % {"reference": other.reference}
        for other in blocking
    )
    raise GateRefused(
        gettext(
            "%(reference)s depends on use cases that are not approved, in delivery or scaled: %(names)s. Settle those "
            "first, or the committee's chair overrides the gate with a reason."
        )
        % {"reference": use_case.reference, "names": names},
        code="dependencies_not_ready",
        blocking=[{"reference": other.reference, "status": other.status} for other in blocking],
    )


def _quorum_message(quorum) -> str:
    parts = []
    if quorum.votes_missing:
        parts.append(
            gettext("%(missing)d more vote(s) needed (%(counted)d of %(needed)d cast, abstentions excluded)")
            % {"missing": quorum.votes_missing, "counted": quorum.votes_counted, "needed": quorum.votes_needed}
        )
    if quorum.functions_missing:
        text = gettext("%(missing)d more function(s) needed among the votes (%(have)d of %(needed)d)") % {
            "missing": quorum.functions_missing,
            "have": len(quorum.functions_voted),
            "needed": quorum.functions_needed,
        }
        if quorum.functions_not_voted:
            text += gettext("; not yet voted: %(functions)s") % {"functions": ", ".join(quorum.functions_not_voted)}
        parts.append(text)
    return gettext("Quorum not met: %(parts)s.") % {"parts": "; ".join(parts)}


def no_open_round(use_case: UseCase) -> WorkflowError:
    """The refusal for a step that needs the open review round of a use case that has none (data
    written around the workflow): the workflow does not invent one."""
    return WorkflowError(
        gettext("%(reference)s has no open review round: start the review first.") % {"reference": use_case.reference},
        current_state=use_case.status,
        allowed_actions=allowed_actions(use_case.status),
        code="no_open_round",
    )


def require_quorum(use_case: UseCase) -> None:
    """The votes of the open round meet the committee's quorum: enough votes, from enough distinct
    business functions (abstentions and the owning team's members do not count)."""
    review_round = open_round(use_case=use_case)
    if review_round is None:
        raise no_open_round(use_case)
    quorum = round_quorum(review_round=review_round)
    if not quorum.is_met:
        raise QuorumNotMet(
            _quorum_message(quorum),
            votes_missing=quorum.votes_missing,
            functions_missing=quorum.functions_missing,
            functions_not_voted=quorum.functions_not_voted,
        )


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    # None: back to the state recorded when it was put on hold (UseCase.status_before_hold).
    target: str | None
    may: rules.Predicate
    # Who may, in words, for the refusal.
    who: str
    preconditions: tuple[Callable[[UseCase], None], ...] = ()
    # Approve and reject happen only through a decision (use_case_decide), never as a bare transition.
    needs_decision: bool = False
    # A committee action: never taken by a member of the team that owns the use case.
    committee_action: bool = False
    # Remembers the state it leaves, for `target=None` to return to (put on hold).
    remembers_source: bool = False


_TEAM = _("a member of the team that owns the use case")
_COMMITTEE = _("a member of the committee that reviews it")
_CHAIR = _("the chair of the committee that reviews it")
_TEAM_OR_CHAIR = _("a member of the team that owns the use case or the committee chair")
_team_or_chair = is_team_member | is_committee_chair

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            _("Submit"),
            EDITABLE_STATUSES,
            Status.SUBMITTED,
            is_team_member,
            _TEAM,
            (require_complete, require_outcome_kpi, require_committee),
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.ON_HOLD}),
            Status.DRAFT,
            is_team_member,
            _TEAM,
        ),
        Transition(
            "discard", _("Discard the draft"), frozenset({Status.DRAFT}), Status.DISCARDED, is_team_member, _TEAM
        ),
        Transition(
            "start_review",
            _("Start review"),
            frozenset({Status.SUBMITTED}),
            Status.IN_REVIEW,
            is_committee_member,
            _COMMITTEE,
            (require_committee,),
            committee_action=True,
        ),
        Transition(
            "request_changes",
            _("Request changes"),
            frozenset({Status.IN_REVIEW}),
            Status.CHANGES_REQUESTED,
            is_committee_member,
            _COMMITTEE,
            committee_action=True,
        ),
        Transition(
            "approve",
            _("Approve"),
            frozenset({Status.IN_REVIEW}),
            Status.APPROVED,
            is_committee_chair,
            _CHAIR,
            (require_risk_assessed, require_quorum, require_dependencies_ready),
            needs_decision=True,
            committee_action=True,
        ),
        Transition(
            "reject",
            _("Reject"),
            frozenset({Status.IN_REVIEW}),
            Status.REJECTED,
            is_committee_chair,
            _CHAIR,
            (require_risk_assessed, require_quorum),
            needs_decision=True,
            committee_action=True,
        ),
        Transition(
            "put_on_hold",
            _("Put on hold"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED}),
            Status.ON_HOLD,
            is_committee_member,
            _COMMITTEE,
            committee_action=True,
            remembers_source=True,
        ),
        Transition(
            "resume",
            _("Resume"),
            frozenset({Status.ON_HOLD}),
            None,
            is_committee_member,
            _COMMITTEE,
            committee_action=True,
        ),
        Transition(
            "start_delivery",
            _("Start delivery (pilot)"),
            frozenset({Status.APPROVED}),
            Status.IN_DELIVERY,
            _team_or_chair,
            _TEAM_OR_CHAIR,
            (require_side_effects_assessed, require_dependencies_ready),
        ),
        Transition(
            "scale",
            _("Scale to production"),
            frozenset({Status.IN_DELIVERY}),
            Status.SCALED,
            _team_or_chair,
            _TEAM_OR_CHAIR,
            (require_side_effects_assessed, require_dependencies_ready),
        ),
        Transition(
            "retire",
            _("Retire"),
            frozenset({Status.IN_DELIVERY, Status.SCALED, Status.APPROVED}),
            Status.RETIRED,
            _team_or_chair,
            _TEAM_OR_CHAIR,
        ),
    )
}


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


def may(actor, transition: Transition, use_case: UseCase) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if transition.committee_action and is_team_member(actor, use_case):
        return False
    return bool(transition.may.test(actor, use_case))


def available_actions(*, actor, use_case: UseCase) -> list[str]:
    """Actions this actor may take on this use case now."""
    return [a for a in allowed_actions(use_case.status) if may(actor, TRANSITIONS[a], use_case)]


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


def recusal_refusal(use_case: UseCase, what: str) -> PermissionDenied:
    return PermissionDenied(
        gettext(
            "%(reference)s belongs to your team (%(team)s): a committee member does not review, vote on or decide "
            'their own team\'s use case, so "%(action)s" is for the other members.'
        )
        % {"reference": use_case.reference, "team": use_case.team, "action": what}
    )


def require_may(actor, transition: Transition, use_case: UseCase) -> None:
    """Refuse, saying why, an actor who may not take this step."""
    if may(actor, transition, use_case):
        return
    authenticated = getattr(actor, "is_authenticated", False)
    if (
        transition.committee_action
        and authenticated
        and transition.may.test(actor, use_case)
        and is_team_member(actor, use_case)
    ):
        raise recusal_refusal(use_case, str(transition.label))
    raise PermissionDenied(
        gettext('Only %(who)s may "%(action)s" %(reference)s.')
        % {"who": transition.who, "action": transition.label, "reference": use_case.reference}
    )


def require_may_override(actor, use_case: UseCase, refusal: GateRefused) -> None:
    """Only the chair of the committee that reviews the use case lifts a gate, and never for their own
    team's use case."""
    if is_committee_chair(actor, use_case) and not is_team_member(actor, use_case):
        return
    raise PermissionDenied(
        gettext("Only the chair of the committee that reviews %(reference)s may override this gate: %(refusal)s")
        % {"reference": use_case.reference, "refusal": refusal.message}
    )
