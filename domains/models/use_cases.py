from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import PROSE_MAX_CHARS, limited_text, text_limit_constraints
from core.models import TimeStampedModel

from ..choices import EDITABLE_STATUSES, AITechnique, Ambition, JourneyStage, RiskTier, Sourcing, Status
from .foundations import Foundation
from .organisation import BusinessFunction, Domain, Team

REFERENCE_PREFIX = "UC-"
# Titles written in other inventories run long (the 2024 U.S. federal file has eight over 200
# characters, up to 342): an import keeps them whole instead of cutting them.
TITLE_MAX_CHARS = 500

# The content of a use case, the one list of it: what its team writes and edits, grouped in the order
# the team form teaches it. The API serializer, the team form, the admin's fieldsets, the services and
# the demo fixtures all read it. (section key, heading, fields). Status, reference and timestamps
# belong to the workflow and the record, the external id to imports.
USE_CASE_CONTENT_SECTIONS = (
    ("idea", _("The idea"), ("title", "team", "domain", "owner", "sponsor", "functions")),
    (
        "problem",
        _("The problem and the customer journey it changes"),
        ("problem_statement", "proposed_solution", "journey_stages"),
    ),
    ("ambition", _("Ambition and approach"), ("ambition", "ai_technique", "sourcing")),
    (
        "value",
        _("Value, feasibility and data readiness"),
        ("business_value", "feasibility", "data_readiness", "estimated_annual_benefit", "estimated_annual_cost"),
    ),
    ("risk", _("Risk"), ("risk_tier", "is_high_impact", "uses_personal_data")),
    ("foundations", _("Foundations it relies on"), ("foundations",)),
)
USE_CASE_CONTENT_FIELDS = tuple(name for _key, _heading, names in USE_CASE_CONTENT_SECTIONS for name in names)
# The to-many part of the content: set through the services' own arguments, not as attributes.
USE_CASE_RELATION_FIELDS = ("functions", "foundations")


class ReferenceSequence(models.Model):
    """Hands out human references (UC-0001...). A row lock on the counter makes concurrent
    creations safe on PostgreSQL; SQLite serialises writers anyway."""

    name = models.CharField(max_length=50, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"

    @classmethod
    def reserve(cls, name: str, count: int = 1) -> range:
        """Reserve `count` consecutive numbers; returns them as a range."""
        with transaction.atomic():
            cls.objects.get_or_create(name=name)
            cls.objects.filter(name=name).update(last_value=F("last_value") + count)
            last = cls.objects.values_list("last_value", flat=True).get(name=name)
        return range(last - count + 1, last + 1)


def format_reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number:04d}"


def validate_journey_stages(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Customer-journey stages must be a list."), code="invalid")
    unknown = sorted({str(v) for v in value} - set(JourneyStage.values))
    if unknown:
        raise ValidationError(
            _("Unknown customer-journey stage(s): %(stages)s. Allowed: %(allowed)s."),
            code="unknown_journey_stage",
            params={"stages": ", ".join(unknown), "allowed": ", ".join(JourneyStage.values)},
        )
    if len(value) != len(set(value)):
        raise ValidationError(_("Each customer-journey stage may be given once."), code="duplicate_journey_stage")


def has_visible_text(value: str) -> bool:
    """Whether a text shows anything: not only spaces, zero-width and other invisible characters."""
    return any(not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs") for char in value)


def _score_field(verbose_name, help_text):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=help_text,
    )


def _score_constraint(field: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"usecase_{field}_1_to_5",
        violation_error_message=message,
    )


class UseCase(TimeStampedModel):
    """An AI use case. Content is edited by its team while editable; `status` is written only by
    the workflow service (it is not editable in any form, serializer or admin)."""

    Status = Status

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="use_cases")
    team = models.ForeignKey(
        Team, verbose_name=_("submitting team"), on_delete=models.PROTECT, related_name="use_cases"
    )
    functions = models.ManyToManyField(
        BusinessFunction,
        verbose_name=_("functions involved"),
        blank=True,
        related_name="use_cases",
        help_text=_("Every business function that takes part: AI is cross-functional work."),
    )
    # Empty only for an imported use case whose inventory names nobody: it "needs an owner", and
    # cannot be submitted until its team names one (REQUIRED_FOR_SUBMISSION). Never a made-up user.
    owner = models.ForeignKey(
        "domains.User",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_use_cases",
    )
    sponsor = models.ForeignKey(
        "domains.User",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_use_cases",
    )
    problem_statement = limited_text(_("problem statement"), PROSE_MAX_CHARS, blank=True)
    proposed_solution = limited_text(_("proposed solution"), PROSE_MAX_CHARS, blank=True)
    ambition = models.CharField(_("ambition"), max_length=20, choices=Ambition.choices, blank=True)
    journey_stages = models.JSONField(
        _("customer-journey stages"),
        default=list,
        blank=True,
        validators=[validate_journey_stages],
        help_text=_("The stages of the customer journey this use case changes; empty for internal work."),
    )
    ai_technique = models.CharField(_("AI technique"), max_length=20, choices=AITechnique.choices, blank=True)
    business_value = _score_field(_("business value"), _("1 (marginal) to 5 (strategic)"))
    feasibility = _score_field(_("feasibility"), _("1 (very hard) to 5 (straightforward)"))
    data_readiness = _score_field(_("data readiness"), _("1 (no usable data) to 5 (data ready and governed)"))
    estimated_annual_benefit = models.DecimalField(
        _("estimated annual benefit (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    estimated_annual_cost = models.DecimalField(
        _("estimated annual cost (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    risk_tier = models.CharField(
        _("EU AI Act risk tier"), max_length=20, choices=RiskTier.choices, default=RiskTier.NOT_ASSESSED
    )
    is_high_impact = models.BooleanField(_("high impact"), default=False, help_text=_("Rights- or safety-impacting."))
    uses_personal_data = models.BooleanField(_("uses personal data"), default=False)
    sourcing = models.CharField(_("sourcing"), max_length=20, choices=Sourcing.choices, blank=True)
    foundations = models.ManyToManyField(
        Foundation,
        verbose_name=_("foundations"),
        through="domains.UseCaseFoundation",
        blank=True,
        related_name="use_cases",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    # Where a use case on hold returns when the committee resumes it; empty unless on hold.
    status_before_hold = models.CharField(
        _("status before hold"), max_length=20, choices=Status.choices, blank=True, editable=False
    )
    # Where an imported use case came from (the mapping's source, e.g. "us-federal-ai-inventory") and
    # its id there: unique together, so re-importing a file updates, and two inventories never collide.
    external_source = models.CharField(
        _("external source"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("The inventory it was imported from."),
    )
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("Identifier in the system it was imported from.")
    )
    # Counts the saves: a form or an API client that says which version it started from is refused
    # (with what changed meanwhile, and who changed it) instead of silently overwriting a newer save.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Fields a use case needs before it can be submitted to the committee.
    REQUIRED_FOR_SUBMISSION = (
        "title",
        "domain",
        "team",
        "owner",
        "problem_statement",
        "proposed_solution",
        "ambition",
        "ai_technique",
        "business_value",
        "feasibility",
        "data_readiness",
        "estimated_annual_benefit",
        "estimated_annual_cost",
        "sourcing",
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("use case")
        verbose_name_plural = _("use cases")
        # Importing an inventory writes many use cases at once, in every domain: the committee's.
        permissions = [("import_use_cases", _("Can import use cases from an inventory file"))]
        indexes = [models.Index(fields=["updated_at", "id"], name="usecase_updated_id_idx")]
        constraints = [
            *text_limit_constraints(
                "use_case", {"problem_statement": PROSE_MAX_CHARS, "proposed_solution": PROSE_MAX_CHARS}
            ),
            _score_constraint("business_value", _("Business value must be between 1 and 5.")),
            _score_constraint("feasibility", _("Feasibility must be between 1 and 5.")),
            _score_constraint("data_readiness", _("Data readiness must be between 1 and 5.")),
            models.CheckConstraint(
                condition=Q(estimated_annual_benefit__isnull=True) | Q(estimated_annual_benefit__gte=0),
                name="usecase_benefit_not_negative",
                violation_error_message=_("Estimated annual benefit cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_annual_cost__isnull=True) | Q(estimated_annual_cost__gte=0),
                name="usecase_cost_not_negative",
                violation_error_message=_("Estimated annual cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="usecase_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="usecase_external_id_unique_per_source",
                violation_error_message=_("Another use case from this source already has this external id."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = format_reference(ReferenceSequence.reserve("use_case")[0])
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember who owned it when loaded: the owner rule applies to a new assignment only.
        instance._loaded_owner_and_team = (instance.__dict__.get("owner_id"), instance.__dict__.get("team_id"))
        return instance

    def clean(self) -> None:
        super().clean()
        if self.title and not has_visible_text(self.title):
            raise ValidationError(
                {"title": _("The title needs visible characters, not only spaces or invisible ones.")}
            )
        # The owner answers for the use case in the workflow (delivery, scale, retire), so whoever is
        # made owner must belong to the submitting team. Someone who later leaves the team stays owner
        # until the team names another: that must not block the team's edits.
        assigned = (self.owner_id, self.team_id) != getattr(self, "_loaded_owner_and_team", None)
        if assigned and self.owner_id and self.team_id and not self.team.members.filter(pk=self.owner_id).exists():
            raise ValidationError(
                {"owner": _("The owner must be a member of the submitting team (%(team)s).") % {"team": self.team}}
            )

    @property
    def audit_use_case_id(self) -> int | None:
        """The audit trail files events about a use case under it (core.services.audit_record)."""
        return self.pk

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def needs_owner(self) -> bool:
        """An imported use case whose inventory named nobody: its team has to name an owner."""
        return self.owner_id is None

    @property
    def net_annual_value(self):
        if self.estimated_annual_benefit is None or self.estimated_annual_cost is None:
            return None
        return self.estimated_annual_benefit - self.estimated_annual_cost

    def missing_for_submission(self) -> list[str]:
        """Names of the required fields still empty, in form order (`field_label` gives labels)."""
        missing = []
        for name in self.REQUIRED_FOR_SUBMISSION:
            value = getattr(self, self._meta.get_field(name).attname)
            if value is None or value == "":
                missing.append(name)
        if self.pk:
            # A list page prefetches functions: read them from the cache instead of a query per row.
            prefetched = getattr(self, "_prefetched_objects_cache", {})
            if not (bool(prefetched["functions"]) if "functions" in prefetched else self.functions.exists()):
                missing.append("functions")
        return missing

    @classmethod
    def field_label(cls, name: str) -> str:
        return str(cls._meta.get_field(name).verbose_name)


class UseCaseFoundation(TimeStampedModel):
    """That a use case builds on a foundation, and how."""

    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="foundation_usages", verbose_name=_("use case")
    )
    foundation = models.ForeignKey(
        Foundation, on_delete=models.PROTECT, related_name="usages", verbose_name=_("foundation")
    )
    note = models.CharField(_("how it is used"), max_length=255, blank=True)

    class Meta:
        ordering = ["use_case_id", "foundation_id"]
        verbose_name = _("foundation used")
        verbose_name_plural = _("foundations used")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "foundation"],
                name="usecasefoundation_unique",
                violation_error_message=_("This use case already lists this foundation."),
            ),
        ]

    def __str__(self) -> str:
        # "UC-0068 Agent assist uses Customer 360": the use case by its reference and title.
        if self.use_case_id is None or self.foundation_id is None:
            return str(_("foundation used"))
        return str(_("%(use_case)s uses %(foundation)s")) % {"use_case": self.use_case, "foundation": self.foundation}
