"""Committees and the people on them."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import PROSE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import VOTING_ROLES, MemberRole


class Committee(TimeStampedModel):
    """A cross-functional committee that reviews the use cases of the domains it covers."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    mandate = limited_text(_("mandate"), PROSE_MAX_CHARS, blank=True)
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
        verbose_name_plural = _("committees")
        constraints = [
            *text_limit_constraints("committee", {"mandate": PROSE_MAX_CHARS}),
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

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        "domains.User", on_delete=models.CASCADE, related_name="committee_memberships", verbose_name=_("user")
    )
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
        verbose_name_plural = _("committee memberships")
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
