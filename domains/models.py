"""What the business has: its people, domains, functions, teams, foundations and AI use cases."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    EDITABLE_STATUSES,
    AITechnique,
    Ambition,
    FoundationKind,
    JourneyStage,
    Readiness,
    RiskTier,
    Sourcing,
    Status,
    StrategicPriority,
)

REFERENCE_PREFIX = "UC-"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person: committee member, team member or both. The home function is informative; the
    function a committee member represents lives on their committee membership."""

    function = models.ForeignKey(
        "domains.BusinessFunction",
        verbose_name=_("home function"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class BusinessFunction(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business function")

    def __str__(self) -> str:
        return self.name


class Domain(TimeStampedModel):
    """A business domain, the focus area in which use cases reinforce each other."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_domains"
    )
    sponsor = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_domains"
    )
    strategic_priority = models.PositiveSmallIntegerField(
        _("strategic priority"), choices=StrategicPriority.choices, default=StrategicPriority.MEDIUM
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("domain")

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    function = models.ForeignKey(
        BusinessFunction, verbose_name=_("function"), on_delete=models.PROTECT, related_name="teams"
    )
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField("domains.User", blank=True, related_name="teams", verbose_name=_("members"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class Foundation(TimeStampedModel):
    """A data source, platform, model or infrastructure component that use cases build on."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FoundationKind.choices)
    owner_team = models.ForeignKey(
        Team, verbose_name=_("owner team"), null=True, blank=True, on_delete=models.PROTECT, related_name="foundations"
    )
    readiness = models.PositiveSmallIntegerField(
        _("readiness level"), choices=Readiness.choices, default=Readiness.IDEA
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("foundation")
        constraints = [
            models.CheckConstraint(
                condition=Q(readiness__gte=1, readiness__lte=5),
                name="foundation_readiness_1_to_5",
                violation_error_message=_("Readiness level must be between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceSequence(models.Model):
    """Hands out human references (UC-0001...). A row lock on the counter makes concurrent
    creations safe on PostgreSQL; SQLite serialises writers anyway."""

    name = models.CharField(max_length=50, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

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
    title = models.CharField(_("title"), max_length=200)
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
    owner = models.ForeignKey(
        "domains.User", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_use_cases"
    )
    sponsor = models.ForeignKey(
        "domains.User",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_use_cases",
    )
    problem_statement = models.TextField(_("problem statement"), blank=True)
    proposed_solution = models.TextField(_("proposed solution"), blank=True)
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
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("Identifier in the system it was imported from.")
    )
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
        permissions = [("view_all_drafts", "Can see the drafts of every team")]
        indexes = [models.Index(fields=["updated_at", "id"], name="usecase_updated_id_idx")]
        constraints = [
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
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="usecase_external_id_unique",
                violation_error_message=_("Another use case already has this external id."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = format_reference(ReferenceSequence.reserve("use_case")[0])
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

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

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="foundation_usages")
    foundation = models.ForeignKey(Foundation, on_delete=models.PROTECT, related_name="usages")
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
        return f"{self.use_case_id} uses {self.foundation}"


API_TOKEN_RATE_RE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"


class ApiToken(models.Model):
    """A key with which a BI tool or integration calls the API as `user`. Only a SHA-256 of the key is
    stored (the key is random, 256 bits, so a slow password hash would add nothing but latency); the
    key itself is shown once, when the token is created. Read-only unless `can_write`; sees every use
    case past draft, never drafts; throttled at `rate_limit`."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it, e.g. 'Power BI finance'."))
    user = models.ForeignKey(
        "domains.User",
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("Writes made with this token are recorded under this person."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(
        _("may write"), default=False, help_text=_("Read-only unless granted: every write answers 403.")
    )
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        default="1200/min",
        validators=[
            RegexValidator(API_TOKEN_RATE_RE, _("Write the limit as requests/period, e.g. 600/min or 10000/hour."))
        ],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "domains.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="created_api_tokens"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    # last_used_at is written at most this often per token, not on every request.
    LAST_USED_RESOLUTION_SECONDS = 60

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_limit__regex=API_TOKEN_RATE_RE),
                name="apitoken_rate_limit_format",
                violation_error_message=_("Write the limit as requests/period, e.g. 600/min or 10000/hour."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> tuple[str, str]:
        """A fresh (prefix, key); the key reads `<prefix>.<secret>`."""
        prefix = secrets.token_hex(6)
        return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"

    def matches(self, key: str) -> bool:
        return hmac.compare_digest(self.key_hash, self.hash_key(key))
