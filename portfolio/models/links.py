"""How use cases relate: the links that make the portfolio a graph."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import NOTE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import SYMMETRIC_KINDS, LinkKind, LinkStrength

# How a link reads, from its source to its target.
LINK_SENTENCES = {
    LinkKind.SHARES_DATA: _("%(source)s shares data with %(target)s"),
    LinkKind.SHARES_PLATFORM: _("%(source)s shares a platform with %(target)s"),
    LinkKind.DEPENDS_ON: _("%(source)s depends on %(target)s"),
    LinkKind.REINFORCES: _("%(source)s reinforces %(target)s"),
    LinkKind.CONFLICTS_WITH: _("%(source)s conflicts with %(target)s"),
    LinkKind.DUPLICATES: _("%(source)s is the same idea as %(target)s"),
}


def _end_label(link, end: str) -> str:
    """One end of a link by its reference (the use case's number, never its database id)."""
    if getattr(link, f"{end}_id") is None:
        return "?"
    return getattr(link, end).reference


class UseCaseLink(TimeStampedModel):
    """A directed link from `source` to `target`. For symmetric kinds the direction carries no
    meaning and the pair may exist only once; `depends_on` reads "source depends on target"."""

    Kind = LinkKind

    source = models.ForeignKey(
        "domains.UseCase", verbose_name=_("from"), on_delete=models.CASCADE, related_name="outgoing_links"
    )
    target = models.ForeignKey(
        "domains.UseCase", verbose_name=_("to"), on_delete=models.CASCADE, related_name="incoming_links"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    strength = models.PositiveSmallIntegerField(
        _("strength"), choices=LinkStrength.choices, default=LinkStrength.MEDIUM
    )
    rationale = limited_text(_("rationale"), NOTE_MAX_CHARS, blank=True)
    created_by = models.ForeignKey(
        "domains.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_links",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("use-case link")
        verbose_name_plural = _("use-case links")
        indexes = [
            models.Index(fields=["updated_at", "id"], name="link_updated_id_idx"),
            models.Index(fields=["target", "kind"], name="link_target_kind_idx"),
        ]
        constraints = [
            *text_limit_constraints("link", {"rationale": NOTE_MAX_CHARS}),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="link_not_to_itself",
                violation_error_message=_("A use case cannot be linked to itself."),
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=1, strength__lte=3),
                name="link_strength_1_to_3",
                violation_error_message=_("Strength must be 1, 2 or 3."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values),
                name="link_kind_valid",
                violation_error_message=_("Unknown link kind."),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="link_unique_directed",
                violation_error_message=_("These two use cases already have a link of this kind."),
            ),
            models.UniqueConstraint(
                Least("source", "target"),
                Greatest("source", "target"),
                F("kind"),
                condition=Q(kind__in=SYMMETRIC_KINDS),
                name="link_unique_symmetric",
                violation_error_message=_(
                    "These two use cases already have a link of this kind (the other way round counts too)."
                ),
            ),
        ]

    def __str__(self) -> str:
        # A sentence, as the committee reads it: "UC-0068 shares data with UC-0010".
        sentence = LINK_SENTENCES.get(self.kind, _("%(source)s is linked to %(target)s"))
        return str(sentence) % {"source": _end_label(self, "source"), "target": _end_label(self, "target")}

    @property
    def is_symmetric(self) -> bool:
        return self.kind in SYMMETRIC_KINDS

    def clean(self) -> None:
        super().clean()
        if self.kind == LinkKind.DEPENDS_ON and self.source_id and self.target_id and self.source_id != self.target_id:
            from ..graph import dependency_cycle

            cycle = dependency_cycle(source_id=self.source_id, target_id=self.target_id, exclude_link_id=self.pk)
            if cycle:
                raise ValidationError(
                    {"target": _("This dependency would close a cycle: %(cycle)s.") % {"cycle": " → ".join(cycle)}},
                    code="dependency_cycle",
                )
