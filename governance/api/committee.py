"""The committee's records, read-only: committees and their members, review rounds, votes,
decisions, change requests and meetings. Writes go through the workflow actions
(governance/api/views.py) and the admin, never through these endpoints."""

from __future__ import annotations

from rest_framework import serializers

from core.api.viewsets import FlatReadOnlyViewSet
from domains.api.visibility import UseCaseRowsVisibility, visible_use_cases

from ..filters import (
    ChangeRequestFilterSet,
    CommitteeFilterSet,
    CommitteeMembershipFilterSet,
    DecisionFilterSet,
    MeetingFilterSet,
    ReviewRoundFilterSet,
    VoteFilterSet,
)
from ..models import ChangeRequest, Committee, CommitteeMembership, Decision, Meeting, ReviewRound, Vote


def _reference(source: str = "use_case") -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(source=source, slug_field="reference", read_only=True)


def _username() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


class CommitteeSerializer(serializers.ModelSerializer):
    domains = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "mandate",
            "covers_all_domains",
            "domains",
            "quorum_votes",
            "quorum_functions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CommitteeMembershipSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    user = _username()
    function = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CommitteeMembership
        fields = [
            "id",
            "committee",
            "committee_name",
            "user",
            "function",
            "role",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReviewRoundSerializer(serializers.ModelSerializer):
    use_case_reference = _reference()

    class Meta:
        model = ReviewRound
        fields = ["id", "use_case", "use_case_reference", "committee", "number", "opened_at", "closed_at"]
        fields += ["closed_reason"]
        read_only_fields = fields


class VoteSerializer(serializers.ModelSerializer):
    use_case = serializers.PrimaryKeyRelatedField(source="round.use_case", read_only=True)
    use_case_reference = _reference("round.use_case")
    round_number = serializers.IntegerField(source="round.number", read_only=True)
    voter = _username()
    function = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Vote
        fields = [
            "id",
            "round",
            "round_number",
            "use_case",
            "use_case_reference",
            "voter",
            "function",
            "choice",
            "comment",
            "created_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    use_case_reference = _reference()
    round_number = serializers.IntegerField(source="round.number", read_only=True)
    decided_by = _username()
    votes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "use_case",
            "use_case_reference",
            "round",
            "round_number",
            "outcome",
            "rationale",
            "conditions",
            "decided_by",
            "votes",
            "created_at",
        ]
        read_only_fields = fields


class ChangeRequestSerializer(serializers.ModelSerializer):
    use_case_reference = _reference()
    author = _username()

    class Meta:
        model = ChangeRequest
        fields = ["id", "use_case", "use_case_reference", "round", "author", "comment", "created_at", "resolved_at"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    agenda = serializers.SlugRelatedField(many=True, slug_field="reference", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "committee", "committee_name", "date", "agenda", "minutes", "created_at", "updated_at"]
        read_only_fields = fields


class CommitteeViewSet(FlatReadOnlyViewSet):
    queryset = Committee.objects.all()
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilterSet


class CommitteeMembershipViewSet(FlatReadOnlyViewSet):
    queryset = CommitteeMembership.objects.all()
    serializer_class = CommitteeMembershipSerializer
    filterset_class = CommitteeMembershipFilterSet


class ReviewRoundViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    queryset = ReviewRound.objects.all()
    serializer_class = ReviewRoundSerializer
    filterset_class = ReviewRoundFilterSet
    use_case_paths = ("use_case",)
    cursor_field = "opened_at"


class VoteViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    queryset = Vote.objects.all()
    serializer_class = VoteSerializer
    filterset_class = VoteFilterSet
    use_case_paths = ("round__use_case",)
    cursor_field = "created_at"


class DecisionViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    queryset = Decision.objects.all()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilterSet
    use_case_paths = ("use_case",)
    cursor_field = "created_at"


class ChangeRequestViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    use_case_paths = ("use_case",)
    cursor_field = "created_at"


class MeetingViewSet(FlatReadOnlyViewSet):
    """The agenda column lists only the use cases the requester may see (a use case withdrawn to
    draft after it was put on an agenda stays its team's business)."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet

    @property
    def flat(self):
        return super().flat.restricted(agenda=visible_use_cases(self.request))
