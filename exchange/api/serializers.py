from __future__ import annotations

from rest_framework import serializers

from ..models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    mapping = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "status",
            "dry_run",
            "skip_bad_rows",
            "file_name",
            "file_sha256",
            "file_size",
            "source",
            "mapping",
            "requested_by",
            "requested_by_name",
            "rows_total",
            "created_count",
            "updated_count",
            "unchanged_count",
            "skipped_count",
            "duplicate_count",
            "problem_count",
            "problems",
            "cleaning",
            "created_records",
            "error",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
