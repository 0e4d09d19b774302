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


def require_may_edit_use_case(actor, use_case) -> None:
    """The one rule for changing a use case's content or its links, checked by the services of both
    apps: the committee that covers it (or a superuser) at any time; its own team while it is a draft
    or changes were requested; the system (imports, demo data) always."""
    from django.core.exceptions import PermissionDenied

    from core.actors import is_system, require_actor
    from core.exceptions import BusinessRuleError

    from .selectors import EDIT_ANY_USE_CASE

    require_actor(actor)
    if is_system(actor) or actor.has_perm(EDIT_ANY_USE_CASE, use_case):
        return
    if not is_use_case_team_member(actor, use_case):
        raise PermissionDenied(f"Only the team that owns {use_case.reference} or the committee may change it.")
    if not is_in_editable_state(actor, use_case):
        raise BusinessRuleError(
            f"{use_case.reference} is {use_case.get_status_display()}: its content can be edited only while it "
            "is a draft or after the committee requested changes.",
            code="not_editable",
        )
