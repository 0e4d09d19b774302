"""What the committee said of a pair of use cases suggested as the same idea (portfolio.duplicates):
"not a duplicate" (never suggested again) or "merged" (linked as the same idea)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import DuplicateVerdict


class DuplicatePair(models.Model):
    """One row per pair judged, lower id first."""

    Verdict = DuplicateVerdict

    first = models.ForeignKey("domains.UseCase", verbose_name=_("use case"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(
        "domains.UseCase", verbose_name=_("other use case"), on_delete=models.CASCADE, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=DuplicateVerdict.choices)
    decided_by = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate verdict")
        verbose_name_plural = _("duplicate verdicts")
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"],
                name="duplicate_pair_once",
                violation_error_message=_("This pair was already judged."),
            ),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")),
                name="duplicate_pair_ordered",
                violation_error_message=_("A pair is stored lower id first, and a use case is no pair with itself."),
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=DuplicateVerdict.values),
                name="duplicate_pair_verdict_valid",
                violation_error_message=_("Unknown verdict."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} / {self.second_id}: {self.get_verdict_display()}"
