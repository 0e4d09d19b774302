"""Who may do what in governance (django-rules predicates). The workflow table
(governance/workflow.py) names these for each transition; team predicates come from domains."""

from __future__ import annotations

import rules

from core.actors import is_person
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
