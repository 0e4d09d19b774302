"""Object-level predicates (django-rules) about use cases and teams. Committee predicates live in
governance/rules.py, which builds on these."""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from core.actors import is_system, require_actor
from core.exceptions import BusinessRuleError

from .choices import EDITABLE_STATUSES


@rules.predicate
def is_use_case_team_member(user, use_case) -> bool:
    if use_case is None or not user.is_authenticated or user.pk is None:
        return False
    return use_case.team.members.filter(pk=user.pk).exists()


@rules.predicate
def is_in_editable_state(user, use_case) -> bool:
    return use_case is not None and use_case.status in EDITABLE_STATUSES


def _may_edit_any(actor, use_case) -> bool:
    """The system (imports, demo data), a superuser, and the committee that covers the use case,
    except a committee member who sits in its team: for their own team's work the team's rule
    applies, as they do not review it either."""
    from .selectors import EDIT_ANY_USE_CASE

    if is_system(actor) or actor.is_superuser:
        return True
    if use_case.team_id is not None and is_use_case_team_member(actor, use_case):
        return False
    return actor.has_perm(EDIT_ANY_USE_CASE, use_case)


def require_may_create_use_case(actor, use_case) -> None:
    """Who may create a use case (not yet saved, its team and domain set): a member of its team, the
    committee that covers its domain, a superuser, the system."""
    require_actor(actor)
    if _may_edit_any(actor, use_case) or is_use_case_team_member(actor, use_case):
        return
    raise PermissionDenied(
        gettext("You can create use cases only for a team you belong to (not %(team)s).") % {"team": use_case.team}
    )


def require_may_edit_use_case(actor, use_case, *, new_team=None) -> None:
    """The one rule for changing a use case's content or its links, checked by the services of both
    apps: the committee that covers it (or a superuser) at any time; its own team while it is a draft
    or changes were requested; the system (imports, demo data) always. A team that hands a use case
    to another team must belong to that team too."""
    require_actor(actor)
    if _may_edit_any(actor, use_case):
        return
    if not is_use_case_team_member(actor, use_case):
        raise PermissionDenied(
            gettext("Only the team that owns %(reference)s or the committee may change it.")
            % {"reference": use_case.reference}
        )
    if new_team is not None and new_team.pk != use_case.team_id and not new_team.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(
            gettext("You can move %(reference)s only to a team you belong to (not %(team)s).")
            % {"reference": use_case.reference, "team": new_team}
        )
    if not is_in_editable_state(actor, use_case):
        raise BusinessRuleError(
            gettext(
                "%(reference)s is %(status)s: its content can be edited only while it is a draft or after the "
                "committee requested changes."
            )
            % {"reference": use_case.reference, "status": use_case.get_status_display()},
            code="not_editable",
        )
