"""Who may do what in governance (django-rules predicates). The workflow table
(governance/workflow.py) names these for each transition; team predicates come from domains."""

from __future__ import annotations

import rules
from django.utils.translation import gettext

from core.actors import is_person, is_system
from domains.rules import is_use_case_team_member

from .choices import MemberRole
from .selectors import active_membership, committee_for, has_active_membership

# The team that owns a use case: reused from the domains layer.
is_team_member = is_use_case_team_member


def _membership(user, use_case):
    if not is_person(user):
        return None
    committee = committee_for(use_case)
    return active_membership(user=user, committee=committee) if committee is not None else None


@rules.predicate
def is_committee_member(user, use_case=None) -> bool:
    """An active member (any role) of the committee that covers the use case; without a use case,
    of any committee."""
    if not is_person(user):
        return False
    if use_case is None:
        return has_active_membership(user=user)
    return _membership(user, use_case) is not None


@rules.predicate
def is_committee_chair(user, use_case=None) -> bool:
    membership = _membership(user, use_case) if use_case is not None else None
    return membership is not None and membership.role == MemberRole.CHAIR


# The committee and superusers see every team's drafts (domains.selectors.use_case_list reads this),
# and may correct any use case's content and links in any state (domains and portfolio services).
rules.add_perm("domains.view_all_drafts", is_committee_member | rules.is_superuser)
rules.add_perm("domains.edit_any_use_case", is_committee_member | rules.is_superuser)
# Portfolios are the committee's: any active member proposes, adopts and edits them (portfolio.rules).
rules.add_perm("portfolio.manage_portfolios", is_committee_member | rules.is_superuser)


# The committee itself ------------------------------------------------------------------------------
# Its mandate, quorum, domains and members change by an administrator (superuser), the system
# (imports), or the committee's active chair. Nobody else changes their own membership (a secretary
# making herself a member to vote, a member making herself chair), and only an administrator (or the
# system) appoints, changes or ends a chair. governance.services.committee_* apply these; the admin
# reads them to show refusals beside the row, before saving.


def _is_administrator(actor) -> bool:
    return is_system(actor) or (is_person(actor) and actor.is_superuser)


def committee_management_refusal(actor, committee) -> str | None:
    """Why this actor may not change this committee (None when they may); committee None: create one."""
    if _is_administrator(actor):
        return None
    if committee is None or committee.pk is None:
        return gettext("Only an administrator creates a committee.")
    membership = active_membership(user=actor, committee=committee) if is_person(actor) else None
    if membership is None or membership.role != MemberRole.CHAIR:
        return gettext(
            "Only an administrator or the chair of %(committee)s may change its mandate, quorum or members."
        ) % {"committee": committee}
    return None


def membership_change_refusal(actor, committee, *, user, roles: set[str]) -> str | None:
    """Why this actor may not add or change `user`'s membership of `committee`, given the roles it has
    before and after the change (None when they may)."""
    refusal = committee_management_refusal(actor, committee)
    if refusal is not None or _is_administrator(actor):
        return refusal
    if user.pk == actor.pk:
        return gettext("Nobody changes their own membership of a committee: ask an administrator.")
    if MemberRole.CHAIR in roles:
        return gettext("Only an administrator appoints, changes or ends the chair of %(committee)s.") % {
            "committee": committee
        }
    return None


# Impact: success measures, measurements and side effects --------------------------------------------
# A use case's team records its success measures and side effects, and so does the committee that
# reviews it (or an administrator, or the system for imports). Measurements may also come from the
# measure's owner and from a data team's account holding the model permission
# governance.push_kpi_measurements (a BI pipeline pushing values through the API).


def impact_refusal(actor, use_case) -> str | None:
    """Why this actor may not change the success measures or side effects of this use case."""
    from domains.choices import Status

    if _is_administrator(actor):
        return None
    if not is_person(actor):
        return gettext("Sign in to do this.")
    if not (is_team_member(actor, use_case) or is_committee_member(actor, use_case)):
        return gettext(
            "Only the team that owns %(reference)s or its committee may change its success measures and side effects."
        ) % {"reference": use_case.reference}
    if use_case.status == Status.DISCARDED:
        return gettext("%(reference)s was discarded: its record is closed.") % {"reference": use_case.reference}
    return None


def measurement_refusal(actor, kpi) -> str | None:
    """Why this actor may not record measurements of this measure."""
    refusal = impact_refusal(actor, kpi.use_case)
    if refusal is None or not is_person(actor) or kpi.use_case.status == "discarded":
        return refusal
    if kpi.owner_id == actor.pk or actor.has_perm("governance.push_kpi_measurements"):
        return None
    return refusal
