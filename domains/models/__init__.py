"""What the business has: its people, domains, functions, teams, foundations and AI use cases."""

from .api_tokens import API_TOKEN_RATE_RE, ApiToken
from .base import TimeStampedModel
from .foundations import Foundation
from .organisation import BusinessFunction, Domain, Team, User
from .use_cases import (
    REFERENCE_PREFIX,
    ReferenceSequence,
    UseCase,
    UseCaseFoundation,
    format_reference,
    validate_journey_stages,
)

__all__ = [
    "API_TOKEN_RATE_RE",
    "REFERENCE_PREFIX",
    "ApiToken",
    "BusinessFunction",
    "Domain",
    "Foundation",
    "ReferenceSequence",
    "Team",
    "TimeStampedModel",
    "UseCase",
    "UseCaseFoundation",
    "User",
    "format_reference",
    "validate_journey_stages",
]
