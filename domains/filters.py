"""Filtersets for the domains app's lists (API and, later, pages)."""

from __future__ import annotations

from django.db.models import Q

from core.api.filters import ChoiceInFilter, SlugInFilter, TextFilter, UpdatedRangeFilterSet

from .choices import AITechnique, Ambition, FoundationKind, RiskTier, Sourcing, Status
from .models import BusinessFunction, Domain, Foundation, Team, UseCase


class BusinessFunctionFilterSet(UpdatedRangeFilterSet):
    slug = SlugInFilter(field_name="slug", lookup_expr="in")

    class Meta:
        model = BusinessFunction
        fields = ["slug"]


class DomainFilterSet(UpdatedRangeFilterSet):
    slug = SlugInFilter(field_name="slug", lookup_expr="in")

    class Meta:
        model = Domain
        fields = ["slug", "strategic_priority"]


class TeamFilterSet(UpdatedRangeFilterSet):
    function = SlugInFilter(field_name="function__slug", lookup_expr="in")

    class Meta:
        model = Team
        fields = ["function"]


class FoundationFilterSet(UpdatedRangeFilterSet):
    kind = ChoiceInFilter(choices=FoundationKind.choices)
    owner_team = SlugInFilter(field_name="owner_team__slug", lookup_expr="in")

    class Meta:
        model = Foundation
        fields = ["kind", "readiness", "owner_team"]


def use_cases_with_functions(slugs):
    """Ids of use cases involving any of these functions: a subquery, so no row comes twice."""
    return UseCase.functions.through.objects.filter(businessfunction__slug__in=slugs).values("usecase_id")


class UseCaseFilterSet(UpdatedRangeFilterSet):
    domain = SlugInFilter(field_name="domain__slug", lookup_expr="in")
    team = SlugInFilter(field_name="team__slug", lookup_expr="in")
    function = SlugInFilter(method="filter_function", help_text="Any of these functions is involved.")
    foundation = SlugInFilter(method="filter_foundation", help_text="Builds on any of these foundations.")
    status = ChoiceInFilter(choices=Status.choices)
    ambition = ChoiceInFilter(choices=Ambition.choices)
    risk_tier = ChoiceInFilter(choices=RiskTier.choices)
    ai_technique = ChoiceInFilter(choices=AITechnique.choices)
    sourcing = ChoiceInFilter(choices=Sourcing.choices)
    reference = TextFilter(max_length=UseCase._meta.get_field("reference").max_length)
    q = TextFilter(
        method="filter_words",
        max_length=200,
        help_text="Words that must each appear in the title, the problem or the solution (or be the reference).",
    )

    # Words of a search, at most: a longer query is cut here, not run as a scan per word.
    MAX_SEARCH_WORDS = 8

    class Meta:
        model = UseCase
        fields = ["is_high_impact", "uses_personal_data"]

    def filter_words(self, queryset, name, value):
        for word in value.split()[: self.MAX_SEARCH_WORDS]:
            queryset = queryset.filter(
                Q(reference__iexact=word)
                | Q(title__icontains=word)
                | Q(problem_statement__icontains=word)
                | Q(proposed_solution__icontains=word)
            )
        return queryset

    def filter_function(self, queryset, name, value):
        return queryset.filter(pk__in=use_cases_with_functions(value)) if value else queryset

    def filter_foundation(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=UseCase.foundations.through.objects.filter(foundation__slug__in=value).values("use_case_id")
        )
