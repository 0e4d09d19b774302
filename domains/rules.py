"""Object-level predicates (django-rules) about use cases and teams. Committee predicates live in
governance/rules.py, which builds on these."""

import rules

from .choices import EDITABLE_STATUSES


@rules.predicate
def is_use_case_team_member(user, use_case) -> bool:
    if use_case is None or not user.is_authenticated:
        return False
    return use_case.team.members.filter(pk=user.pk).exists()


@rules.predicate
def is_use_case_owner(user, use_case) -> bool:
    return use_case is not None and use_case.owner_id == user.pk


@rules.predicate
def is_in_editable_state(user, use_case) -> bool:
    return use_case is not None and use_case.status in EDITABLE_STATUSES


rules.add_perm("domains.edit_use_case_content", is_use_case_team_member & is_in_editable_state)
