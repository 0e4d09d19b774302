"""The workflow verbs of the API, on the use-case routes: /api/v1/use-cases/{id}/submit/ and so on.
Each validates its input, calls the same service as the admin and the forms, and serializes the
result. Refusals: 400 bad input, 403 may not, 404 not visible, 409 wrong state."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from domains.selectors import use_case_list

from .. import services
from .serializers import (
    ChangeRequestSerializer,
    CommentInputSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    TransitionInputSerializer,
    VoteInputSerializer,
    VoteSerializer,
    WorkflowStateSerializer,
)

_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input, or a business rule refused it (detail, code)."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="This user may not take this step."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such use case, or not visible to this user."),
    409: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Not allowed in the current state; the body names current_state and allowed_actions.",
    ),
}


def _responses(ok_status: int, serializer, *, bad_input: bool = True) -> dict:
    responses = {ok_status: serializer, **_ERRORS}
    if not bad_input:
        responses[400] = OpenApiResponse(
            OpenApiTypes.OBJECT, description="A business rule refused it (e.g. required fields missing)."
        )
    return responses


class UseCaseWorkflowViewSet(viewsets.GenericViewSet):
    """Workflow actions on a use case."""

    serializer_class = WorkflowStateSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return use_case_list(actor=self.request.user)

    def _state(self, use_case) -> Response:
        use_case.refresh_from_db()
        return Response(WorkflowStateSerializer(use_case, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None,
        responses=_responses(200, WorkflowStateSerializer, bad_input=False),
        summary="Submit a draft (or a revised use case) to its committee",
        description="Team members of the owning team. 400 lists the required fields still empty in missing_fields.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        use_case = self.get_object()
        services.use_case_submit(actor=request.user, use_case=use_case)
        return self._state(use_case)

    @extend_schema(
        request=None,
        responses=_responses(200, WorkflowStateSerializer, bad_input=False),
        summary="Start the committee's review (opens a review round)",
    )
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        use_case = self.get_object()
        services.use_case_start_review(actor=request.user, use_case=use_case)
        return self._state(use_case)

    @extend_schema(
        request=VoteInputSerializer,
        responses=_responses(201, VoteSerializer),
        summary="Cast the requesting member's vote in the current review round",
    )
    @action(detail=True, methods=["post"])
    def votes(self, request, pk=None):
        use_case = self.get_object()
        data = self._valid(VoteInputSerializer)
        vote = services.vote_cast(actor=request.user, use_case=use_case, **data)
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DecisionInputSerializer,
        responses=_responses(201, DecisionSerializer),
        summary="Record the committee's decision (chair); needs the quorum and function diversity",
        description="400 with code quorum_not_met names the votes and functions missing.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        use_case = self.get_object()
        data = self._valid(DecisionInputSerializer)
        decision = services.use_case_decide(actor=request.user, use_case=use_case, **data)
        return Response(DecisionSerializer(decision, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        request=CommentInputSerializer,
        responses=_responses(201, ChangeRequestSerializer),
        summary="Request changes (ends the review round; the team edits and resubmits)",
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        use_case = self.get_object()
        data = self._valid(CommentInputSerializer)
        change = services.use_case_request_changes(actor=request.user, use_case=use_case, comment=data["comment"])
        change.use_case.refresh_from_db()
        return Response(ChangeRequestSerializer(change, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        request=TransitionInputSerializer,
        responses=_responses(200, WorkflowStateSerializer),
        summary="Any other workflow step by name",
        description=(
            "withdraw, put_on_hold, resume, start_delivery, scale, retire (and submit, start_review, "
            "request_changes with a comment). approve and reject are decisions: use decide."
        ),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        use_case = self.get_object()
        data = self._valid(TransitionInputSerializer)
        services.use_case_transition(actor=request.user, use_case=use_case, **data)
        return self._state(use_case)

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
