"""Committee meetings and their agendas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.limits import MINUTES_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from .committees import Committee


class Meeting(TimeStampedModel):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("committee")
    )
    date = models.DateField(_("date"))
    agenda = models.ManyToManyField(
        "domains.UseCase", through="governance.AgendaItem", related_name="meetings", blank=True
    )
    minutes = limited_text(_("minutes"), MINUTES_MAX_CHARS, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            *text_limit_constraints("meeting", {"minutes": MINUTES_MAX_CHARS}),
            models.UniqueConstraint(
                fields=["committee", "date"],
                name="meeting_one_per_committee_per_day",
                violation_error_message=_("This committee already meets on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} - {self.date:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    use_case = models.ForeignKey(
        "domains.UseCase", on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("use case")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
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
        # "1. UC-0068 Agent assist": the use case by its reference and title, never its database id.
        return f"{self.position}. {self.use_case}" if self.use_case_id else f"{self.position}."
