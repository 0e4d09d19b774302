"""How the committee weighs a use case for its priority (portfolio.priorities): one row, edited in the
admin through portfolio.services.priority_weights_update, which audits each change."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

WEIGHT_FIELDS = ("business_value", "feasibility", "data_readiness", "risk", "synergy", "conflict")


def setting_weight(name: str) -> float:
    return float(settings.PORTFOLIO_PRIORITY_WEIGHTS[name])


def _weight(label, help_text, name: str):
    return models.FloatField(
        label,
        default=partial(setting_weight, name),
        validators=[MinValueValidator(0.0), MaxValueValidator(10.0)],
        help_text=help_text,
    )


class PriorityWeights(models.Model):
    """The standalone score is the weighted mean of the four criteria a use case has (value,
    feasibility, data readiness, risk), on the 1-5 scale; `synergy` says how much the synergy score
    adds to it, `conflict` how much each conflicts_with link costs, before its strength factor."""

    business_value = _weight(_("business value"), _("Weight of the business value score (1-5)."), "business_value")
    feasibility = _weight(_("feasibility"), _("Weight of the feasibility score (1-5)."), "feasibility")
    data_readiness = _weight(_("data readiness"), _("Weight of the data readiness score (1-5)."), "data_readiness")
    risk = _weight(
        _("risk"),
        _("Weight of the risk tier, read as 5 for minimal, 4 limited, 2 high, 0 prohibited (unassessed: left out)."),
        "risk",
    )
    synergy = _weight(
        _("synergy"),
        _("How much the synergy score (value reinforced through links and shared foundations) adds to the priority."),
        "synergy",
    )
    conflict = _weight(
        _("conflict cost"),
        _("What one conflicts_with link of medium strength costs, times the other use case's standalone score / 5."),
        "conflict",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("updated by")
    )

    class Meta:
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")

    def __str__(self) -> str:
        return str(_("Priority weights"))

    @classmethod
    def current(cls) -> PriorityWeights:
        """The one row (the settings' defaults until the committee edits them; never written here)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in WEIGHT_FIELDS}
