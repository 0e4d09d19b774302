"""Filtersets for links, portfolios, their members and clustering runs. A filter on a use-case
property (domain, team, function, status) matches a link when either end has it."""

from __future__ import annotations

from django.db.models import Q

from core.api.filters import IdFilter, SlugInFilter, TextFilter, UpdatedRangeFilterSet
from domains.choices import Status
from domains.filters import ChoiceInFilter, use_cases_with_functions

from .choices import LinkKind, PortfolioStatus, RunStatus
from .models import ClusteringRun, Portfolio, PortfolioMembership, UseCaseLink


def _either_end(queryset, lookup: str, value):
    return queryset.filter(Q(**{f"source__{lookup}": value}) | Q(**{f"target__{lookup}": value}))


class UseCaseLinkFilterSet(UpdatedRangeFilterSet):
    kind = ChoiceInFilter(choices=LinkKind.choices)
    use_case = IdFilter(method="filter_use_case", help_text="Either end is this use case (id).")
    domain = SlugInFilter(method="filter_domain", help_text="Either end is in any of these domains.")
    team = SlugInFilter(method="filter_team", help_text="Either end belongs to any of these teams.")
    function = SlugInFilter(method="filter_function", help_text="Either end involves any of these functions.")
    status = ChoiceInFilter(choices=Status.choices, method="filter_status", help_text="Either end has this status.")

    class Meta:
        model = UseCaseLink
        fields = ["strength"]

    def filter_use_case(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))

    def filter_domain(self, queryset, name, value):
        return _either_end(queryset, "domain__slug__in", value) if value else queryset

    def filter_team(self, queryset, name, value):
        return _either_end(queryset, "team__slug__in", value) if value else queryset

    def filter_status(self, queryset, name, value):
        return _either_end(queryset, "status__in", value) if value else queryset

    def filter_function(self, queryset, name, value):
        return _either_end(queryset, "in", use_cases_with_functions(value)) if value else queryset


class PortfolioFilterSet(UpdatedRangeFilterSet):
    status = ChoiceInFilter(choices=PortfolioStatus.choices)
    reference = TextFilter(max_length=Portfolio._meta.get_field("reference").max_length)

    class Meta:
        model = Portfolio
        fields = ["status", "reference"]


class PortfolioMembershipFilterSet(UpdatedRangeFilterSet):
    class Meta:
        model = PortfolioMembership
        fields = ["portfolio", "use_case", "pinned"]


class ClusteringRunFilterSet(UpdatedRangeFilterSet):
    status = ChoiceInFilter(choices=RunStatus.choices)

    class Meta:
        model = ClusteringRun
        fields = ["status"]
