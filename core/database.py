"""Database trouble the user can do nothing about but wait: a lock held too long, a statement that ran
past its timeout, a lost connection, two writes that crossed (a deadlock, a serialization failure).
Each is told apart from a bug (which stays a 500) so that the API answers a JSON 503 or 409 with
`Retry-After` and the web keeps what the person typed.

PostgreSQL reports the reason as a SQLSTATE on the driver's exception, which Django keeps as the
`__cause__` of its own `OperationalError`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Two writes crossed: the transaction was rolled back whole; doing it again will work.
CROSSED_STATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
# The database is busy or going away: try again in a moment.
BUSY_STATES = {"55P03", "57014"}  # lock_not_available (lock_timeout), query_canceled (statement_timeout)
GONE_STATE_CLASSES = ("08", "57P")  # connection exceptions; admin/crash shutdown, cannot connect now


@dataclass(frozen=True)
class DatabaseTrouble:
    status: int
    code: str
    message: str
    retry_after: int


def database_trouble(exc: BaseException) -> DatabaseTrouble | None:
    """What to tell the user about this database error, or None when it is not passing trouble (an
    integrity or programming error is a bug or a rule, and is handled elsewhere)."""
    if not isinstance(exc, DatabaseError) or not isinstance(exc, (OperationalError, InterfaceError)):
        return None
    state = getattr(exc.__cause__, "sqlstate", None) or ""
    retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
    if state in CROSSED_STATES:
        return DatabaseTrouble(
            409,
            "retry",
            _("Another change to the same records was made at the same moment; nothing was saved. Please try again."),
            1,
        )
    if state in BUSY_STATES or "database is locked" in str(exc):
        return DatabaseTrouble(
            503,
            "database_busy",
            _("The database is busy and could not save or read this in time; nothing was saved. Please try again."),
            retry_after,
        )
    # No SQLSTATE: a lost connection when the driver is psycopg (the server went away before saying
    # why); on another driver (SQLite's "no such column") it is a bug, and stays a 500.
    lost = not state and type(exc.__cause__).__module__.startswith("psycopg")
    if isinstance(exc, InterfaceError) or lost or state.startswith(GONE_STATE_CLASSES):
        return DatabaseTrouble(
            503,
            "database_unavailable",
            _("The database cannot be reached just now; nothing was saved. Please try again in a moment."),
            retry_after,
        )
    return None


def log_trouble(trouble: DatabaseTrouble, exc: BaseException, path: str) -> None:
    logger.warning("%s on %s: %s", trouble.code, path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
