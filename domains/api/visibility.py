"""Which use cases, and which rows about use cases, an API request may see. The rule itself is
`domains.selectors.use_case_visibility_filter`; this module only says whose visibility a request
carries and applies it to the rows of a list."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.api.authentication import request_token

from ..models import UseCase
from ..selectors import use_case_visibility_filter

_UNSET = object()


def visibility_actor(request):
    """The actor whose use-case visibility applies. A person sees past-draft use cases and their
    teams' drafts (the committee sees all). A read-only token is a BI client: it sees what anyone
    may see (every use case past draft, no draft), whoever it acts as. A token granted write is an
    integration working for its user (creating and completing their team's drafts), so it sees what
    that user sees."""
    token = request_token(request)
    if token is not None and not token.can_write:
        return None
    return request.user


def request_visibility(request) -> Q | None:
    """The requester's use-case visibility (None: sees every use case), worked out once per request:
    it costs a permission query, and a list, its serializer and its to-many columns all ask."""
    visibility = getattr(request, "_use_case_visibility", _UNSET)
    if visibility is _UNSET:
        visibility = use_case_visibility_filter(visibility_actor(request))
        request._use_case_visibility = visibility
    return visibility


def visible_use_cases(request) -> QuerySet[UseCase]:
    visibility = request_visibility(request)
    return UseCase.objects.all() if visibility is None else UseCase.objects.filter(visibility)


def _path_is_nullable(model, path: str) -> bool:
    """Whether any hop of a `a__b` foreign-key path may be null."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


class UseCaseRowsVisibility:
    """For viewsets over rows about use cases (links, votes, decisions, audit events...):
    `use_case_paths` names the foreign keys to UseCase through which visibility applies; a row shows
    only if every one of them is visible to the requester (a null one does not hide it)."""

    use_case_paths: tuple[str, ...] = ()

    def visible(self, queryset: QuerySet) -> QuerySet:
        queryset = super().visible(queryset)
        if not self.use_case_paths or request_visibility(self.request) is None:
            return queryset
        visible_ids = visible_use_cases(self.request).values("pk")
        for path in self.use_case_paths:
            condition = Q(**{f"{path}__in": visible_ids})
            if _path_is_nullable(queryset.model, path):
                condition |= Q(**{f"{path}__isnull": True})
            queryset = queryset.filter(condition)
        return queryset
