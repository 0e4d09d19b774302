from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import NOTE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import FoundationKind, Readiness
from .organisation import DESCRIPTIONS, Team
from .translated import TranslatedFieldsMixin


class Foundation(TranslatedFieldsMixin, TimeStampedModel):
    """A data source, platform, model or infrastructure component that use cases build on."""

    translated_fields = ("name", "description")

    # Systems as inventories name them ("Enterprise Data Analytics and Visualization (EDAV) Platform, ...").
    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FoundationKind.choices)
    owner_team = models.ForeignKey(
        Team, verbose_name=_("owner team"), null=True, blank=True, on_delete=models.PROTECT, related_name="foundations"
    )
    readiness = models.PositiveSmallIntegerField(
        _("readiness level"), choices=Readiness.choices, default=Readiness.IDEA
    )
    description = limited_text(_("description"), NOTE_MAX_CHARS, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("foundation")
        verbose_name_plural = _("foundations")
        constraints = [
            *text_limit_constraints("foundation", dict.fromkeys(DESCRIPTIONS, NOTE_MAX_CHARS)),
            models.CheckConstraint(
                condition=Q(readiness__gte=1, readiness__lte=5),
                name="foundation_readiness_1_to_5",
                violation_error_message=_("Readiness level must be between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
