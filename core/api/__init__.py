"""Shared API machinery: flat rows, pagination, CSV, token authentication, permissions, schema.

Adding a read endpoint for a new model is a serializer, a filterset and a few lines of viewset
(governance/api/audit.py is a complete example)::

    # governance/api/serializers.py
    class DecisionSerializer(serializers.ModelSerializer):
        use_case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
        decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

        class Meta:
            model = Decision
            fields = ["id", "use_case", "outcome", "rationale", "decided_by", "created_at", "updated_at"]

    # governance/filters.py
    class DecisionFilterSet(UpdatedRangeFilterSet):   # adds updated_since / updated_before
        class Meta:
            model = Decision
            fields = ["outcome"]

    # governance/api/decisions.py
    class DecisionViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
        serializer_class = DecisionSerializer
        filterset_class = DecisionFilterSet
        queryset = Decision.objects.all()
        # Rows about use cases the requester may not see (other teams' drafts) are hidden
        # (UseCaseRowsVisibility comes from domains.api.visibility):
        use_case_paths = ("use_case",)
        # cursor_field = "created_at"   # for append-only models without updated_at (votes, audit)

    # config/api_router.py
    router.register("decisions", DecisionViewSet, basename="decision")

The serializer is the single declaration of the columns: `FlatRowSpec` turns its fields into a
`values_list()` (related slugs follow `__`, to-many relations come in one extra query per page), so
lists, cursor pages and CSV never build a model instance or call the serializer per row, and JSON and
CSV carry the same column names. Serializers keep doing their usual job for input on writes and for
the OpenAPI schema. Every list then answers page-number pages, `?pagination=cursor` keyset pages over
(updated_at, id), `?format=csv`, `updated_since`/`updated_before`, token or session authentication,
read-only tokens and per-token throttling, without more code. Writable endpoints add the DRF
create/update/destroy methods that validate with the serializer, call the service, and answer
`self.written_response(pk)` (domains/api/views.py, portfolio/api/views.py). Workflow viewsets with
their own `@action`s get the token rules (a read-only token gets 403 on every write) and per-token
throttling from the REST_FRAMEWORK defaults, as long as they keep `ApiPermission` among their
permission classes.

A reporting view for BI tools reading PostgreSQL goes in reporting/sql.py (see there).
"""
