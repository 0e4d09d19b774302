"""How decisions are made and recorded: committees, review rounds, votes, decisions, change
requests, meetings, the notification outbox, and impact: success measures, their measurements and
side effects. The audit trail every app writes is core.AuditEvent."""

from .committees import Committee, CommitteeMembership, CommitteeMembershipQuerySet
from .impact import ImpactSnapshot, Kpi, KpiMeasurement, SideEffect
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
    "ImpactSnapshot",
    "Kpi",
    "KpiMeasurement",
    "Meeting",
    "Notification",
    "ReviewRound",
    "SideEffect",
    "Vote",
]
