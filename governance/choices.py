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


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
