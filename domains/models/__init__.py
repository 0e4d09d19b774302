"""What the business has: its people, domains, functions, teams, foundations and AI use cases."""

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
    "REFERENCE_PREFIX",
    "BusinessFunction",
    "Domain",
    "Foundation",
    "ReferenceSequence",
    "Team",
    "UseCase",
    "UseCaseFoundation",
    "User",
    "format_reference",
    "validate_journey_stages",
]
