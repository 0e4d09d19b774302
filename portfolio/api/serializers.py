"""Columns of the link endpoints, the flat graph tables and the portfolio lists, and the input of
link writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import IdRelatedField, StrictInputMixin
from domains.api.visibility import visible_use_cases
from domains.models import UseCase

from ..models import ClusteringRun, Portfolio, PortfolioMembership, UseCaseLink


class UseCaseLinkSerializer(StrictInputMixin, serializers.ModelSerializer):
    """`depends_on` reads "source depends on target"; other kinds are symmetric."""

    source = IdRelatedField(queryset=UseCase.objects.all())
    source_reference = serializers.CharField(source="source.reference", read_only=True)
    target = IdRelatedField(queryset=UseCase.objects.all())
    target_reference = serializers.CharField(source="target.reference", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = UseCaseLink
        fields = [
            "id",
            "source",
            "source_reference",
            "target",
            "target_reference",
            "kind",
            "strength",
            "rationale",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Pair uniqueness (both directions for symmetric kinds) and cycles are the service's checks.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # An end the requester cannot see does not exist for them.
            for name in ("source", "target"):
                self.fields[name].queryset = visible_use_cases(request)

    def validate(self, attrs):
        source = attrs.get("source", getattr(self.instance, "source", None))
        target = attrs.get("target", getattr(self.instance, "target", None))
        if source is not None and source == target:
            raise serializers.ValidationError({"target": [_("A use case cannot be linked to itself.")]})
        return attrs


class GraphNodeSerializer(serializers.ModelSerializer):
    """One node per use case: what a network visual needs, without joins."""

    label = serializers.CharField(source="title", read_only=True)
    domain = serializers.CharField(source="domain.slug", read_only=True)
    team = serializers.CharField(source="team.slug", read_only=True)
    team_function = serializers.CharField(source="team.function.slug", read_only=True)
    # A membership exists only in a live portfolio (proposed or adopted): a dismissed or archived one
    # gives its members up. One join, whatever the number of nodes.
    portfolio = serializers.CharField(
        source="portfolio_membership.portfolio.reference",
        read_only=True,
        help_text=_("Reference of the live portfolio the use case belongs to; null when none."),
    )
    portfolio_name = serializers.CharField(source="portfolio_membership.portfolio.name", read_only=True)

    class Meta:
        model = UseCase
        fields = [
            "id",
            "reference",
            "label",
            "domain",
            "team",
            "team_function",
            "status",
            "ambition",
            "business_value",
            "feasibility",
            "risk_tier",
            "portfolio",
            "portfolio_name",
            "updated_at",
        ]
        read_only_fields = fields


class GraphEdgeSerializer(serializers.ModelSerializer):
    """One edge per link; `directed` is true for depends_on, false for the symmetric kinds."""

    source = serializers.IntegerField(source="source_id", read_only=True)
    source_reference = serializers.CharField(source="source.reference", read_only=True)
    target = serializers.IntegerField(source="target_id", read_only=True)
    target_reference = serializers.CharField(source="target.reference", read_only=True)
    directed = serializers.BooleanField(read_only=True)

    class Meta:
        model = UseCaseLink
        fields = [
            "id",
            "source",
            "source_reference",
            "target",
            "target_reference",
            "kind",
            "strength",
            "directed",
            "updated_at",
        ]
        read_only_fields = fields


# Portfolios -----------------------------------------------------------------------------------------
# Some columns are finished in Python a page at a time (portfolio.api.rows): the why sentence, the
# names of the shared foundations, and the JSON columns that name use cases.


class PortfolioSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    total_benefit = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, coerce_to_string=False)
    total_cost = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, coerce_to_string=False)
    domains = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Names, most members first.")
    )
    functions = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Names, most members first.")
    )
    shared_foundations = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Names of the foundations at least two members build on, most shared first."),
    )
    why = serializers.CharField(
        source="explanation",
        read_only=True,
        help_text=_("Why the group holds together, in one sentence in the reader's language."),
    )

    class Meta:
        model = Portfolio
        fields = [
            "id",
            "reference",
            "name",
            "theme",
            "status",
            "status_changed_at",
            "owner",
            "member_count",
            "internal_weight",
            "cohesion",
            "total_benefit",
            "total_cost",
            "transformation_share",
            "domains",
            "functions",
            "shared_foundations",
            "why",
            "proposed_by_run",
            "last_run",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PortfolioMembershipSerializer(serializers.ModelSerializer):
    portfolio_reference = serializers.CharField(source="portfolio.reference", read_only=True)
    use_case_reference = serializers.CharField(source="use_case.reference", read_only=True)
    ties = serializers.JSONField(
        read_only=True,
        help_text=_(
            "The strongest ties that hold the use case in its portfolio, strongest first: links to other "
            "members and foundations shared with them. In CSV, one readable line per tie, joined by |."
        ),
    )

    class Meta:
        model = PortfolioMembership
        fields = [
            "id",
            "portfolio",
            "portfolio_reference",
            "use_case",
            "use_case_reference",
            "pinned",
            "source",
            "strength",
            "ties",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClusteringRunSerializer(serializers.ModelSerializer):
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ClusteringRun
        fields = [
            "id",
            "status",
            "parameters",
            "fingerprint",
            "started_by",
            "started_at",
            "finished_at",
            "duration_seconds",
            "progress",
            "progress_message",
            "node_count",
            "edge_count",
            "foundation_count",
            "portfolio_count",
            "isolated_count",
            "modularity",
            "resolution_used",
            "moved_count",
            "error",
            "changes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
