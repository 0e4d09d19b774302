"""Who may propose, adopt and edit portfolios: the committee (any active member, registered as the
permission below by governance/rules.py, which knows committees), an administrator, the system
(the demo loader, `cluster_portfolios`, scheduled runs)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from core.actors import is_system, require_actor

MANAGE_PORTFOLIOS = "portfolio.manage_portfolios"


def may_manage_portfolios(actor) -> bool:
    if is_system(actor):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_superuser or actor.has_perm(MANAGE_PORTFOLIOS))


def require_may_manage_portfolios(actor) -> None:
    require_actor(actor)
    if not may_manage_portfolios(actor):
        raise PermissionDenied(gettext("Only the steering committee proposes, adopts and changes portfolios."))
