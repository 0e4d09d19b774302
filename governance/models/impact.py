"""Impact beyond efficiency: a use case's success measures (KPIs) and their measurements, the register
of its side effects (anticipated and observed), and the weekly snapshot of the headline figures that
gives the dashboard its trends."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import NOTE_MAX_CHARS, PROSE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import (
    KpiCategory,
    KpiDirection,
    KpiFrequency,
    MeasurementSource,
    SideEffectCategory,
    SideEffectKind,
    SideEffectStatus,
)

# Measurements: up to 14 digits before the point and 4 after (money in euros, rates, counts).
MEASUREMENT_DIGITS = 18
MEASUREMENT_DECIMALS = 4


def _measure_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MEASUREMENT_DIGITS, decimal_places=MEASUREMENT_DECIMALS, **kwargs
    )


class Kpi(TimeStampedModel):
    """A success measure of a use case: what is measured, from where (baseline) to where (target),
    which way is better, how often it is measured and who answers for it."""

    Category = KpiCategory
    Direction = KpiDirection

    use_case = models.ForeignKey(
        "domains.UseCase", verbose_name=_("use case"), on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=KpiCategory.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("For example %, EUR, minutes, NPS."))
    is_monetary = models.BooleanField(
        _("measures money"),
        default=False,
        help_text=_(
            "The value is an annual amount in euros: its gain over the baseline is the benefit realised, set "
            "against the use case's estimated annual benefit."
        ),
    )
    baseline = _measure_field(_("baseline"), null=True, blank=True, help_text=_("The value before the use case."))
    target = _measure_field(_("target"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True, help_text=_("When the target is due."))
    direction = models.CharField(
        _("direction"), max_length=10, choices=KpiDirection.choices, default=KpiDirection.HIGHER
    )
    frequency = models.CharField(
        _("measurement frequency"), max_length=10, choices=KpiFrequency.choices, default=KpiFrequency.MONTHLY
    )
    owner = models.ForeignKey(
        "domains.User",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_kpis",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["use_case_id", "category", "name", "id"]
        verbose_name = _("success measure")
        verbose_name_plural = _("success measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=KpiCategory.values),
                name="kpi_category_valid",
                violation_error_message=_("Unknown KPI category."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=KpiDirection.values),
                name="kpi_direction_valid",
                violation_error_message=_("Unknown KPI direction."),
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=KpiFrequency.values),
                name="kpi_frequency_valid",
                violation_error_message=_("Unknown measurement frequency."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="kpi_name_required",
                violation_error_message=_("A success measure needs a name."),
            ),
            # The target lies on the better side of the baseline: higher when higher is better.
            models.CheckConstraint(
                condition=Q(baseline__isnull=True)
                | Q(target__isnull=True)
                | Q(direction=KpiDirection.HIGHER, target__gt=models.F("baseline"))
                | Q(direction=KpiDirection.LOWER, target__lt=models.F("baseline")),
                name="kpi_target_beyond_baseline",
                violation_error_message=_(
                    "The target must be better than the baseline: above it when higher is better, below it "
                    "when lower is better."
                ),
            ),
            models.UniqueConstraint(
                fields=["use_case", "name"],
                name="kpi_name_unique_per_use_case",
                violation_error_message=_("This use case already has a success measure with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"

    @property
    def audit_use_case_id(self) -> int | None:
        return self.use_case_id


class KpiMeasurement(TimeStampedModel):
    """One value of a measure on one date. Unique per measure and date: recording the same date again
    updates the value (a push is idempotent), it never adds a second row."""

    Source = MeasurementSource

    kpi = models.ForeignKey(
        Kpi, verbose_name=_("success measure"), on_delete=models.CASCADE, related_name="measurements"
    )
    date = models.DateField(_("date"))
    value = _measure_field(_("value"))
    source = models.CharField(
        _("source"), max_length=10, choices=MeasurementSource.choices, default=MeasurementSource.MANUAL
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "domains.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpi_measurements",
    )

    class Meta:
        ordering = ["kpi_id", "-date"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        # Granted to a data team's account (a BI pipeline), never through the committee's group: it
        # pushes values of any measure, where people push those of their own use cases.
        permissions = [("push_kpi_measurements", _("Can push measurements of any success measure"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "date"],
                name="kpimeasurement_one_per_date",
                violation_error_message=_("This measure already has a value on this date."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=MeasurementSource.values),
                name="kpimeasurement_source_valid",
                violation_error_message=_("Unknown measurement source."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.value.normalize():f}"


def _level_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (very low) to 5 (very high)"),
    )


class SideEffect(TimeStampedModel):
    """A side effect of a use case, anticipated before delivery or observed after: what it is, how
    likely and how severe, how it is mitigated, who watches it and when it was last reviewed. An
    observed effect may be tied to the success measure that shows it."""

    Kind = SideEffectKind
    Category = SideEffectCategory
    Status = SideEffectStatus

    use_case = models.ForeignKey(
        "domains.UseCase", verbose_name=_("use case"), on_delete=models.CASCADE, related_name="side_effects"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=SideEffectKind.choices, default=SideEffectKind.ANTICIPATED
    )
    category = models.CharField(_("category"), max_length=20, choices=SideEffectCategory.choices)
    title = models.CharField(_("side effect"), max_length=200)
    description = limited_text(_("description"), PROSE_MAX_CHARS, blank=True)
    likelihood = _level_field(_("likelihood"))
    severity = _level_field(_("severity"))
    mitigation = limited_text(_("mitigation"), NOTE_MAX_CHARS, blank=True)
    owner = models.ForeignKey(
        "domains.User",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_side_effects",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SideEffectStatus.choices, default=SideEffectStatus.OPEN
    )
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    kpi = models.ForeignKey(
        Kpi,
        verbose_name=_("measured by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="side_effects",
        help_text=_("For an observed effect: the success measure that shows it."),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["use_case_id", "-severity", "-likelihood", "id"]
        verbose_name = _("side effect")
        verbose_name_plural = _("side effects")
        indexes = [models.Index(fields=["status", "last_reviewed_on"], name="sideeffect_review_idx")]
        constraints = [
            *text_limit_constraints("side_effect", {"description": PROSE_MAX_CHARS, "mitigation": NOTE_MAX_CHARS}),
            models.CheckConstraint(
                condition=Q(kind__in=SideEffectKind.values),
                name="sideeffect_kind_valid",
                violation_error_message=_("A side effect is anticipated or observed."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=SideEffectCategory.values),
                name="sideeffect_category_valid",
                violation_error_message=_("Unknown side-effect category."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=SideEffectStatus.values),
                name="sideeffect_status_valid",
                violation_error_message=_("Unknown side-effect status."),
            ),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=5),
                name="sideeffect_likelihood_1_to_5",
                violation_error_message=_("Likelihood must be between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__gte=1, severity__lte=5),
                name="sideeffect_severity_1_to_5",
                violation_error_message=_("Severity must be between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(kpi__isnull=True) | Q(kind=SideEffectKind.OBSERVED),
                name="sideeffect_kpi_only_when_observed",
                violation_error_message=_("Only an observed side effect is tied to a success measure."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="sideeffect_title_required",
                violation_error_message=_("A side effect needs a short description."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_use_case_id(self) -> int | None:
        return self.use_case_id

    @property
    def is_assessed(self) -> bool:
        """Assessed: its likelihood and its severity are both rated."""
        return self.likelihood is not None and self.severity is not None

    @property
    def score(self) -> int | None:
        return self.likelihood * self.severity if self.is_assessed else None


class ImpactSnapshot(models.Model):
    """The dashboard's headline figures on one day, taken weekly by governance.snapshot_impact_task:
    today's figures are computed live, the trend lines read these."""

    taken_on = models.DateField(_("taken on"), unique=True)
    figures = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_on"]
        verbose_name = _("impact snapshot")
        verbose_name_plural = _("impact snapshots")

    def __str__(self) -> str:
        return f"{self.taken_on:%Y-%m-%d}"
