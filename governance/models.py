"""How decisions are made and recorded."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from domains.models import TimeStampedModel

from .choices import (
    VOTING_ROLES,
    DecisionOutcome,
    MemberRole,
    NotificationKind,
    NotificationStatus,
    RoundClosure,
    VoteChoice,
)


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only: events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened, who did it and to what. Append-only: the model refuses updates and
    deletes, and on PostgreSQL a trigger refuses them too."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # Kept so the trail still says who acted after the user is deleted.
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("target"), max_length=255)
    # The use case an event concerns, when there is one: the timeline reads by this.
    use_case = models.ForeignKey(
        "domains.UseCase", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["use_case", "created_at"], name="audit_use_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit trail is append-only: events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: events cannot be deleted.")


class Committee(TimeStampedModel):
    """A cross-functional committee that reviews the use cases of the domains it covers."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    mandate = models.TextField(_("mandate"), blank=True)
    domains = models.ManyToManyField(
        "domains.Domain", verbose_name=_("domains covered"), blank=True, related_name="committees"
    )
    covers_all_domains = models.BooleanField(
        _("covers every domain"),
        default=False,
        help_text=_("Reviews the use cases of any domain no other committee covers."),
    )
    quorum_votes = models.PositiveSmallIntegerField(
        _("quorum: votes"), default=3, help_text=_("The minimum number of votes (abstentions excluded) for a decision.")
    )
    quorum_functions = models.PositiveSmallIntegerField(
        _("quorum: distinct functions"),
        default=2,
        help_text=_("The minimum number of distinct business functions among those votes."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_votes__gte=1),
                name="committee_quorum_votes_positive",
                violation_error_message=_("The quorum needs at least one vote."),
            ),
            models.CheckConstraint(
                condition=Q(quorum_functions__gte=1, quorum_functions__lte=F("quorum_votes")),
                name="committee_quorum_functions_range",
                violation_error_message=_(
                    "The number of distinct functions must be at least 1 and at most the number of votes."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMembershipQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)

    def voting(self):
        return self.filter(role__in=VOTING_ROLES)


class CommitteeMembership(TimeStampedModel):
    """A person on a committee, the business function they represent there, and their role."""

    Role = MemberRole

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("domains.User", on_delete=models.CASCADE, related_name="committee_memberships")
    function = models.ForeignKey(
        "domains.BusinessFunction",
        verbose_name=_("function represented"),
        on_delete=models.PROTECT,
        related_name="committee_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    start_date = models.DateField(_("active from"), default=timezone.localdate)
    end_date = models.DateField(_("active until"), null=True, blank=True)

    objects = CommitteeMembershipQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["committee_id", "role", "user_id", "start_date"]
        verbose_name = _("committee membership")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_dates_ordered",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values),
                name="membership_role_valid",
                violation_error_message=_("Unknown committee role."),
            ),
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_user",
                violation_error_message=_("This person already has an open membership of this committee."),
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(end_date__isnull=True, role=MemberRole.CHAIR),
                name="membership_one_open_chair",
                violation_error_message=_("This committee already has a chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.function}) - {self.committee}"

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class ReviewRound(models.Model):
    """One review of a use case by its committee, from "start review" to a decision, a change
    request or a withdrawal. Each member votes once per round; a resubmission opens a new one."""

    use_case = models.ForeignKey("domains.UseCase", on_delete=models.PROTECT, related_name="review_rounds")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="review_rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=20, choices=RoundClosure.choices, blank=True)

    class Meta:
        ordering = ["use_case_id", "number"]
        verbose_name = _("review round")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "number"],
                name="reviewround_number_unique",
                violation_error_message=_("This use case already has a review round with this number."),
            ),
            models.UniqueConstraint(
                fields=["use_case"],
                condition=Q(closed_at__isnull=True),
                name="reviewround_one_open",
                violation_error_message=_("This use case already has an open review round."),
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closed_reason="")
                | Q(closed_at__isnull=False) & ~Q(closed_reason=""),
                name="reviewround_closed_with_reason",
                violation_error_message=_("A closed round says why it closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id} round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Vote(models.Model):
    Choice = VoteChoice

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey("domains.User", on_delete=models.PROTECT, related_name="votes")
    # The function the voter represented on the committee when they voted.
    function = models.ForeignKey(
        "domains.BusinessFunction", verbose_name=_("function"), on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=20, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["round_id", "created_at", "id"]
        verbose_name = _("vote")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter"],
                name="vote_once_per_round",
                violation_error_message=_("This member has already voted in this review round."),
            ),
            models.CheckConstraint(
                condition=Q(choice__in=VoteChoice.values),
                name="vote_choice_valid",
                violation_error_message=_("Unknown vote."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} {self.get_choice_display()} ({self.round})"


class Decision(models.Model):
    """The committee's decision on a use case, taken by the chair on the votes of one round."""

    Outcome = DecisionOutcome

    use_case = models.ForeignKey("domains.UseCase", on_delete=models.PROTECT, related_name="decisions")
    # One decision per round: the database refuses a second even if two requests race.
    round = models.OneToOneField(ReviewRound, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    rationale = models.TextField(_("rationale"))
    conditions = models.TextField(_("conditions"), blank=True)
    decided_by = models.ForeignKey("domains.User", on_delete=models.PROTECT, related_name="decisions")
    votes = models.ManyToManyField(Vote, verbose_name=_("votes it rests on"), related_name="decisions", blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values),
                name="decision_outcome_valid",
                violation_error_message=_("Unknown decision outcome."),
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""),
                name="decision_rationale_required",
                violation_error_message=_("A decision needs a rationale."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.use_case_id}"


class ChangeRequest(models.Model):
    """What the committee asks the team to change before it resubmits."""

    use_case = models.ForeignKey("domains.UseCase", on_delete=models.PROTECT, related_name="change_requests")
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="change_requests")
    author = models.ForeignKey("domains.User", on_delete=models.PROTECT, related_name="change_requests")
    comment = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("change request")
        constraints = [
            models.CheckConstraint(
                condition=~Q(comment=""),
                name="changerequest_comment_required",
                violation_error_message=_("A change request says what to change."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id}: {self.comment[:60]}"


class Meeting(TimeStampedModel):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    agenda = models.ManyToManyField(
        "domains.UseCase", through="governance.AgendaItem", related_name="meetings", blank=True
    )
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date"],
                name="meeting_one_per_committee_per_day",
                violation_error_message=_("This committee already meets on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} - {self.date:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    use_case = models.ForeignKey("domains.UseCase", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = _("agenda item")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "use_case"],
                name="agendaitem_use_case_once",
                violation_error_message=_("This use case is already on the agenda."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agendaitem_position_unique",
                violation_error_message=_("Two agenda items cannot share a position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.use_case_id}"


class Notification(models.Model):
    """An email waiting to be sent: the outbox. Written in the transaction of the event that causes
    it, delivered by Celery; `status` moves pending -> sending -> sent (or failed) by conditional
    updates, so a row is claimed and sent once."""

    Kind = NotificationKind
    Status = NotificationStatus

    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    use_case = models.ForeignKey(
        "domains.UseCase", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # Reminders are computed by periodic tasks; the key makes a second run the same day a no-op.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When it was last handed to the broker: the sweeper does not hand it out again too soon.
    dispatched_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
                violation_error_message=_("Unknown notification status."),
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
                violation_error_message=_("A sent notification records when it was sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} -> {self.email} ({self.get_status_display()})"
