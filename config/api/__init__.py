"""Shared API machinery: flat rows, pagination, CSV, token authentication, permissions, schema.

Adding a read endpoint for a new model is a serializer, a filterset and a few lines of viewset::

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
    class DecisionViewSet(FlatReadOnlyViewSet):
        serializer_class = DecisionSerializer
        filterset_class = DecisionFilterSet
        queryset = Decision.objects.all()
        # Rows about use cases the requester may not see are hidden:
        use_case_path = "use_case"

    # config/api_router.py
    router.register("decisions", DecisionViewSet, basename="decision")

The serializer is the single declaration of the columns: `FlatRowSpec` turns its fields into a
`values_list()` (related slugs follow `__`, to-many relations come in one extra query per page), so
lists, cursor pages and CSV never build a model instance or call the serializer per row, and JSON and
CSV carry the same column names. Serializers keep doing their usual job for input on writes and for
the OpenAPI schema. Every list then answers page-number pages, `?pagination=cursor` keyset pages over
(updated_at, id), `?format=csv`, `updated_since`/`updated_before`, token or session authentication,
read-only tokens and per-token throttling, without more code.
"""
