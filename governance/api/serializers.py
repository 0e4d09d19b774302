"""Input and output shapes of the workflow endpoints. Status is output only: it changes through the
workflow actions, never by writing it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api.serializers import StrictInputMixin
from domains.models import UseCase

from ..choices import DecisionOutcome, VoteChoice
from ..models import ChangeRequest, Decision, Vote
from ..workflow import TRANSITIONS, available_actions


class WorkflowStateSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    available_actions = serializers.SerializerMethodField(
        help_text=_("The workflow actions the requesting user may take now.")
    )

    class Meta:
        model = UseCase
        fields = ("id", "reference", "title", "status", "status_display", "status_changed_at", "available_actions")
        read_only_fields = fields

    def get_available_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return available_actions(actor=request.user, use_case=obj) if request else []


class VoteInputSerializer(StrictInputMixin, serializers.Serializer):
    choice = serializers.ChoiceField(choices=VoteChoice.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# The result of a workflow action; the flat resource of the same model is at its own endpoint.
@extend_schema_serializer(component_name="VoteCast")
class VoteSerializer(serializers.ModelSerializer):
    voter = serializers.CharField(source="voter.username", read_only=True)
    function = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    round = serializers.IntegerField(source="round.number", read_only=True)

    class Meta:
        model = Vote
        fields = ("id", "round", "voter", "function", "choice", "comment", "created_at")
        read_only_fields = fields


class DecisionInputSerializer(StrictInputMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    rationale = serializers.CharField()
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "The chair only: why the committee approves although what the use case depends on is not approved "
            "(lifts the dependency gate; recorded in the audit trail)."
        ),
    )


# The result of a workflow action; the flat resource of the same model is at its own endpoint.
@extend_schema_serializer(component_name="DecisionRecorded")
class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    round = serializers.IntegerField(source="round.number", read_only=True)
    votes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    use_case = WorkflowStateSerializer(read_only=True)

    class Meta:
        model = Decision
        fields = ("id", "use_case", "round", "outcome", "rationale", "conditions", "decided_by", "votes", "created_at")
        read_only_fields = fields


class CommentInputSerializer(StrictInputMixin, serializers.Serializer):
    comment = serializers.CharField()


# The result of a workflow action; the flat resource of the same model is at its own endpoint.
@extend_schema_serializer(component_name="ChangeRequestRecorded")
class ChangeRequestSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    use_case = WorkflowStateSerializer(read_only=True)

    class Meta:
        model = ChangeRequest
        fields = ("id", "use_case", "comment", "author", "created_at")
        read_only_fields = fields


class TransitionInputSerializer(StrictInputMixin, serializers.Serializer):
    # Only the actions this endpoint can carry out: approve and reject are decisions (decide).
    action = serializers.ChoiceField(
        choices=[(name, t.label) for name, t in TRANSITIONS.items() if not t.needs_decision]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "The chair only: why delivery or scale goes ahead although what the use case depends on is not "
            "approved (lifts the dependency gate; recorded in the audit trail)."
        ),
    )
