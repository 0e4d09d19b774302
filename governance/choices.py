"""Choice sets of the governance app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


# The secretary keeps the minutes and the agenda; the chair and the members vote.
VOTING_ROLES = frozenset({MemberRole.CHAIR, MemberRole.MEMBER})


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    ABSTAIN = "abstain", _("Abstain")


# Votes that take a position count towards the quorum; an abstention is recorded, not counted.
COUNTED_VOTE_CHOICES = frozenset({VoteChoice.APPROVE, VoteChoice.REJECT, VoteChoice.REQUEST_CHANGES})
# A vote that refuses the proposal as it stands must say why.
VOTE_CHOICES_NEEDING_COMMENT = frozenset({VoteChoice.REJECT, VoteChoice.REQUEST_CHANGES})


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RoundClosure(models.TextChoices):
    DECIDED = "decided", _("Decided")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn by the team")


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Use case submitted")
    DECISION = "decision", _("Decision")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    VOTE_REMINDER = "vote_reminder", _("Vote reminder before a meeting")
    REVIEW_OVERDUE = "review_overdue", _("Use cases waiting in review")
    SIDE_EFFECTS_STALE = "side_effects_stale", _("Side effects not reviewed")
    # A use case others depend on or are reinforced by stopped, or a foundation's readiness dropped.
    RIPPLE = "ripple", _("A change that affects your use cases")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Impact: success measures and side effects --------------------------------------------------------


class KpiCategory(models.TextChoices):
    """What a success measure says about a use case. The article's point: efficiency is one of five,
    growth, engagement and lasting results are what a transformation is judged on."""

    EFFICIENCY = "efficiency", _("Efficiency")
    GROWTH = "growth", _("Growth")
    ENGAGEMENT = "engagement", _("Engagement")
    LASTING_RESULTS = "lasting_results", _("Lasting results")
    RISK = "risk", _("Risk")


class KpiDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("Pushed through the API")
    IMPORT = "import", _("Imported")


class KpiProgress(models.TextChoices):
    """Where a measure stands against its target (governance.selectors.kpi_progress says how)."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No measurement yet")


class SideEffectKind(models.TextChoices):
    ANTICIPATED = "anticipated", _("Anticipated")
    OBSERVED = "observed", _("Observed")


class SideEffectCategory(models.TextChoices):
    WORKFORCE = "workforce", _("Workforce")
    CUSTOMER = "customer", _("Customer")
    ETHICS_FAIRNESS = "ethics_fairness", _("Ethics and fairness")
    REGULATORY = "regulatory", _("Regulatory")
    OPERATIONAL = "operational", _("Operational")
    ENVIRONMENTAL = "environmental", _("Environmental")
    REPUTATION = "reputation", _("Reputation")


class SideEffectStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATING = "mitigating", _("Being mitigated")
    MITIGATED = "mitigated", _("Mitigated")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


# Side effects still to watch: the stale-review reminder and the heat map's "live" view read these.
LIVE_SIDE_EFFECT_STATUSES = frozenset({SideEffectStatus.OPEN, SideEffectStatus.MITIGATING, SideEffectStatus.ACCEPTED})
