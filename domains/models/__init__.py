"""What the business has: its people, domains, functions, teams, foundations and AI use cases."""

from .foundations import Foundation
from .organisation import BusinessFunction, Domain, Team, User
from .use_cases import (
    REFERENCE_PREFIX,
    USE_CASE_CONTENT_FIELDS,
    USE_CASE_CONTENT_SECTIONS,
    USE_CASE_RELATION_FIELDS,
    ReferenceSequence,
    UseCase,
    UseCaseFoundation,
    format_reference,
    validate_journey_stages,
)

__all__ = [
    "REFERENCE_PREFIX",
    "USE_CASE_CONTENT_FIELDS",
    "USE_CASE_CONTENT_SECTIONS",
    "USE_CASE_RELATION_FIELDS",
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
