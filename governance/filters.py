"""Filtersets for governance lists."""

from __future__ import annotations

from core.api.filters import (
    ChoiceInFilter,
    DayFilter,
    IdFilter,
    SlugInFilter,
    TextFilter,
    TrueFalseFilter,
    UpdatedRangeFilterSet,
)
from core.models import AuditEvent

from .choices import DecisionOutcome, MemberRole, VoteChoice
from .models import (
    ChangeRequest,
    Committee,
    CommitteeMembership,
    Decision,
    Meeting,
    ReviewRound,
    Vote,
)


class AuditEventFilterSet(UpdatedRangeFilterSet):
    # Audit events are never updated: the incremental range applies to when they happened.
    updated_field = "created_at"

    action = ChoiceInFilter(choices=AuditEvent.Action.choices, help_text="Any of these actions, e.g. use_case.updated.")
    action_prefix = TextFilter(
        field_name="action",
        lookup_expr="startswith",
        max_length=100,
        help_text="Actions starting with this, e.g. link.",
    )
    actor = TextFilter(field_name="actor_name", max_length=150, help_text="Username of who acted.")
    use_case = IdFilter(field_name="use_case_id", help_text="Events about this use case (id).")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "use_case"]


class CommitteeFilterSet(UpdatedRangeFilterSet):
    domain = SlugInFilter(
        field_name="domains__slug", distinct=True, help_text="Committees covering any of these domains."
    )

    class Meta:
        model = Committee
        fields = ["domain", "covers_all_domains"]


class CommitteeMembershipFilterSet(UpdatedRangeFilterSet):
    function = SlugInFilter(field_name="function__slug", help_text="Members representing any of these functions.")
    role = ChoiceInFilter(choices=MemberRole.choices)

    class Meta:
        model = CommitteeMembership
        fields = ["committee", "function", "role"]


class ReviewRoundFilterSet(UpdatedRangeFilterSet):
    updated_field = "opened_at"
    use_case = IdFilter(field_name="use_case_id", help_text="Rounds of this use case (id).")

    class Meta:
        model = ReviewRound
        fields = ["committee", "use_case", "closed_reason"]


class VoteFilterSet(UpdatedRangeFilterSet):
    # Votes and decisions are never edited: the incremental range applies to when they were cast.
    updated_field = "created_at"
    use_case = IdFilter(field_name="round__use_case_id", help_text="Votes on this use case (id).")
    function = SlugInFilter(field_name="function__slug", help_text="Votes by members of any of these functions.")
    choice = ChoiceInFilter(choices=VoteChoice.choices)

    class Meta:
        model = Vote
        fields = ["round", "use_case", "function", "choice"]


class DecisionFilterSet(UpdatedRangeFilterSet):
    updated_field = "created_at"
    use_case = IdFilter(field_name="use_case_id", help_text="Decisions on this use case (id).")
    domain = SlugInFilter(field_name="use_case__domain__slug", help_text="Decisions in any of these domains.")
    outcome = ChoiceInFilter(choices=DecisionOutcome.choices)

    class Meta:
        model = Decision
        fields = ["use_case", "domain", "outcome"]


class ChangeRequestFilterSet(UpdatedRangeFilterSet):
    updated_field = "created_at"
    use_case = IdFilter(field_name="use_case_id", help_text="Change requests on this use case.")
    open = TrueFalseFilter(field_name="resolved_at", lookup_expr="isnull", help_text="Not yet resolved.")

    class Meta:
        model = ChangeRequest
        fields = ["use_case", "open"]


class MeetingFilterSet(UpdatedRangeFilterSet):
    date_from = DayFilter(field_name="date", lookup_expr="gte", help_text="Meetings on or after this day.")
    date_to = DayFilter(field_name="date", lookup_expr="lte", help_text="Meetings on or before this day.")

    class Meta:
        model = Meeting
        fields = ["committee", "date_from", "date_to"]
