"""Columns of the link endpoints and the flat graph tables, and the input of link writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import IdRelatedField, StrictInputMixin
from domains.api.visibility import visible_use_cases
from domains.models import UseCase

from ..models import UseCaseLink


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
