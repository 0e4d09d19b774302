"""A use case's review by its committee: rounds, votes, decisions and change requests."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS, limited_text, text_limit_constraints

from ..choices import DecisionOutcome, RoundClosure, VoteChoice
from .committees import Committee


class ReviewRound(models.Model):
    """One review of a use case by its committee, from "start review" to a decision, a change
    request or a withdrawal. Each member votes once per round; a resubmission opens a new one."""

    use_case = models.ForeignKey(
        "domains.UseCase", on_delete=models.PROTECT, related_name="review_rounds", verbose_name=_("use case")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="review_rounds", verbose_name=_("committee")
    )
    number = models.PositiveSmallIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=20, choices=RoundClosure.choices, blank=True)

    class Meta:
        ordering = ["use_case_id", "number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
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

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="votes", verbose_name=_("round"))
    voter = models.ForeignKey("domains.User", on_delete=models.PROTECT, related_name="votes", verbose_name=_("voter"))
    # The function the voter represented on the committee when they voted.
    function = models.ForeignKey(
        "domains.BusinessFunction", verbose_name=_("function"), on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=20, choices=VoteChoice.choices)
    comment = limited_text(_("comment"), NOTE_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["round_id", "created_at", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            *text_limit_constraints("vote", {"comment": NOTE_MAX_CHARS}),
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

    use_case = models.ForeignKey(
        "domains.UseCase", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("use case")
    )
    # One decision per round: the database refuses a second even if two requests race.
    round = models.OneToOneField(
        ReviewRound, on_delete=models.PROTECT, related_name="decision", verbose_name=_("round")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    rationale = limited_text(_("rationale"), PROSE_MAX_CHARS)
    conditions = limited_text(_("conditions"), PROSE_MAX_CHARS, blank=True)
    decided_by = models.ForeignKey(
        "domains.User", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("decided by")
    )
    votes = models.ManyToManyField(Vote, verbose_name=_("votes it rests on"), related_name="decisions", blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            *text_limit_constraints("decision", {"rationale": PROSE_MAX_CHARS, "conditions": PROSE_MAX_CHARS}),
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

    use_case = models.ForeignKey(
        "domains.UseCase", on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("use case")
    )
    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("round")
    )
    author = models.ForeignKey(
        "domains.User", on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("author")
    )
    comment = limited_text(_("comment"), NOTE_MAX_CHARS)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            *text_limit_constraints("change_request", {"comment": NOTE_MAX_CHARS}),
            models.CheckConstraint(
                condition=~Q(comment=""),
                name="changerequest_comment_required",
                violation_error_message=_("A change request says what to change."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id}: {self.comment[:60]}"
