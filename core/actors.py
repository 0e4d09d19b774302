"""Who acts. A service always receives an explicit actor: a person (a User, possibly anonymous when
a request is not signed in) or `SYSTEM`, the actor of the demo loader, imports and scheduled jobs.
There is no "actor=None meaning anyone": None is refused like an anonymous visitor."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SystemActor:
    """The system: data loads, imports, jobs. It is recorded as "system" in the audit trail and in
    field history, has no row in the user table, and holds no permission by accident: each rule that
    lets the system through says so with `is_system`."""

    pk = None
    id = None
    username = "system"
    email = ""
    is_active = True
    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    is_system = True

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return str(_("system"))

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def __str__(self) -> str:
        return self.get_full_name()

    def __repr__(self) -> str:
        return "<SystemActor>"


SYSTEM = SystemActor()

# What a service's `actor` may be: a person (anonymous when not signed in) or the system.
Actor: TypeAlias = "AbstractBaseUser | AnonymousUser | SystemActor"


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def is_person(actor) -> bool:
    """A signed-in person (not the system, not anonymous)."""
    return actor is not None and not is_system(actor) and bool(getattr(actor, "is_authenticated", False))


def user_or_none(actor):
    """The User row to store as "who" (created_by, history user): None for the system."""
    return actor if is_person(actor) else None


def require_actor(actor) -> None:
    """Refuse a write without an actor, or by someone not signed in."""
    if is_system(actor) or is_person(actor):
        return
    raise PermissionDenied(gettext("Sign in to do this."))
