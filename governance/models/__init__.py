"""How decisions are made and recorded: committees, review rounds, votes, decisions, change
requests, meetings and the notification outbox. The audit trail every app writes is core.AuditEvent."""

from .committees import Committee, CommitteeMembership, CommitteeMembershipQuerySet
from .meetings import AgendaItem, Meeting
from .notifications import Notification
from .reviews import ChangeRequest, Decision, ReviewRound, Vote

__all__ = [
    "AgendaItem",
    "ChangeRequest",
    "Committee",
    "CommitteeMembership",
    "CommitteeMembershipQuerySet",
    "Decision",
    "Meeting",
    "Notification",
    "ReviewRound",
    "Vote",
]
