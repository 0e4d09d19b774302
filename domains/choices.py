"""Choice sets shared by models, forms, filters and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StrategicPriority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class FoundationKind(models.TextChoices):
    DATA_SOURCE = "data_source", _("Data source")
    PLATFORM = "platform", _("Platform")
    MODEL = "model", _("Model")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class Readiness(models.IntegerChoices):
    IDEA = 1, _("1 - Idea")
    IN_BUILD = 2, _("2 - In build")
    PILOT_READY = 3, _("3 - Pilot-ready")
    IN_PRODUCTION = 4, _("4 - In production")
    INDUSTRIALISED = 5, _("5 - Industrialised")


class Ambition(models.TextChoices):
    OPTIMISATION = "optimisation", _("Optimisation")
    TRANSFORMATION = "transformation", _("Transformation")


AMBITION_HELP = {
    Ambition.OPTIMISATION: _("Does an existing process faster, cheaper or with fewer errors."),
    Ambition.TRANSFORMATION: _("Changes how customers discover, choose and stay, or how the work itself is done."),
}


class JourneyStage(models.TextChoices):
    DISCOVER = "discover", _("Discover")
    CHOOSE = "choose", _("Choose")
    PURCHASE = "purchase", _("Purchase")
    ONBOARDING = "onboarding", _("Onboarding")
    USAGE = "usage", _("Usage")
    SUPPORT = "support", _("Support")
    LOYALTY = "loyalty", _("Loyalty")


class AITechnique(models.TextChoices):
    CLASSICAL_ML = "classical_ml", _("Classical machine learning")
    GENERATIVE = "generative", _("Generative AI")
    NLP = "nlp", _("Natural language processing")
    COMPUTER_VISION = "computer_vision", _("Computer vision")
    OPTIMISATION = "optimisation", _("Optimisation / operations research")
    AGENTIC = "agentic", _("Agentic AI")
    OTHER = "other", _("Other")


class RiskTier(models.TextChoices):
    PROHIBITED = "prohibited", _("Prohibited")
    HIGH = "high", _("High risk")
    LIMITED = "limited", _("Limited risk")
    MINIMAL = "minimal", _("Minimal risk")
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")


class Sourcing(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house")
    VENDOR = "vendor", _("Vendor")
    HYBRID = "hybrid", _("Both in-house and vendor")


class Status(models.TextChoices):
    """Where a use case stands. Only the workflow service in governance changes it."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ON_HOLD = "on_hold", _("On hold")
    IN_DELIVERY = "in_delivery", _("In delivery (pilot)")
    SCALED = "scaled", _("Scaled (in production)")
    RETIRED = "retired", _("Retired")
    DISCARDED = "discarded", _("Discarded draft")


# States in which the owning team may still edit the content of a use case (and submit it).
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
