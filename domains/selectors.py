"""Reads for the domains app. Visibility is applied here, once, for every caller."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .choices import Status
from .models import UseCase

# Granted to the committee (governance/rules.py) and to superusers: see other teams' drafts.
VIEW_ALL_DRAFTS = "domains.view_all_drafts"
# Granted to the committee that covers a use case, and to superusers: edit its content and links in
# any state (teams edit their own only while it is a draft or changes were requested).
EDIT_ANY_USE_CASE = "domains.edit_any_use_case"


def use_case_visibility_filter(actor) -> Q | None:
    """None when the actor sees every use case; otherwise the Q of what they may see: everything
    past draft, and the drafts of their own teams."""
    if actor is not None and actor.is_authenticated and actor.has_perm(VIEW_ALL_DRAFTS):
        return None
    if actor is None or not actor.is_authenticated:
        return ~Q(status=Status.DRAFT)
    return ~Q(status=Status.DRAFT) | Q(team__in=actor.teams.values("pk"))


def use_case_list(*, actor, queryset: QuerySet[UseCase] | None = None) -> QuerySet[UseCase]:
    """Use cases the actor may see, with what list pages and serializers read in a fixed number
    of queries."""
    qs = queryset if queryset is not None else UseCase.objects.all()
    visibility = use_case_visibility_filter(actor)
    if visibility is not None:
        qs = qs.filter(visibility)
    return qs.select_related("domain", "team", "team__function", "owner", "sponsor").prefetch_related("functions")
