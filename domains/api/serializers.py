"""The columns of the domains app's endpoints, and the input of the use-case writes.

Each serializer is also the flat row of its list and CSV (core/api/flat.py): related objects
appear as their slug (username for people), to-many relations as lists of slugs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import StrictInputMixin

from ..choices import JourneyStage
from ..models import (
    USE_CASE_CONTENT_FIELDS,
    USE_CASE_RELATION_FIELDS,
    BusinessFunction,
    Domain,
    Foundation,
    Team,
    UseCase,
    User,
)

TIMESTAMPS = ["created_at", "updated_at"]


class BusinessFunctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessFunction
        fields = ["id", "slug", "name", "description", *TIMESTAMPS]


class DomainSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sponsor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Domain
        fields = ["id", "slug", "name", "description", "owner", "sponsor", "strategic_priority", *TIMESTAMPS]


class TeamSerializer(serializers.ModelSerializer):
    function = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "slug", "name", "function", "description", "members", *TIMESTAMPS]


class FoundationSerializer(serializers.ModelSerializer):
    owner_team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Foundation
        fields = ["id", "slug", "name", "kind", "readiness", "owner_team", "description", *TIMESTAMPS]


class UseCaseSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A use case, flat. On writes: content only; `status` changes through the workflow actions and
    `reference` is given at creation."""

    read_only_reasons = {
        "status": _("The status changes only through the workflow actions (submit, review, decide)."),
        "reference": _("The reference is given when the use case is created and never changes."),
    }

    domain = serializers.SlugRelatedField(slug_field="slug", queryset=Domain.objects.all())
    domain_name = serializers.CharField(source="domain.name", read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    team_name = serializers.CharField(source="team.name", read_only=True)
    team_function = serializers.CharField(source="team.function.slug", read_only=True)
    functions = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=BusinessFunction.objects.all(), required=False
    )
    foundations = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Foundation.objects.all(), required=False
    )
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), default=serializers.CurrentUserDefault()
    )
    sponsor = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    journey_stages = serializers.ListField(child=serializers.ChoiceField(JourneyStage.choices), required=False)
    estimated_annual_benefit = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, allow_null=True, required=False, coerce_to_string=False
    )
    estimated_annual_cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, allow_null=True, required=False, coerce_to_string=False
    )

    class Meta:
        model = UseCase
        # The content (domains.models.USE_CASE_CONTENT_FIELDS) between the record and the names BI
        # tools show; to-many columns last.
        fields = [
            "id",
            "reference",
            "status",
            "status_changed_at",
            *(name for name in USE_CASE_CONTENT_FIELDS if name not in USE_CASE_RELATION_FIELDS),
            "domain_name",
            "team_name",
            "team_function",
            "external_id",
            "version",
            *TIMESTAMPS,
            *USE_CASE_RELATION_FIELDS,
        ]
        read_only_fields = ["reference", "status", "status_changed_at", "version", *TIMESTAMPS]
        # Uniqueness (external id) is checked by the service's full_clean, once, with its own message.
        validators: list = []
