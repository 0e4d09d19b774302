"""Impact through the API: success measures (KPIs) with their latest value and progress, their
measurements (pushed in bulk by BI pipelines, listed flat for BI tools), and the register of side
effects. Every write calls the same service as the team pages and the admin, which decides who may:
the use case's team, its committee, an administrator; for measurements also the measure's owner and
accounts holding governance.push_kpi_measurements. Rows about use cases the requester may not see
(another team's drafts) are hidden, as everywhere (domains.api.visibility)."""

from __future__ import annotations

import datetime
import re
from functools import cache
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import is_list_serializer
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.filters import (
    DAY_PATTERN,
    LIST_PARAMETERS,
    ChoiceInFilter,
    DayFilter,
    IdFilter,
    NumberFilter,
    SlugInFilter,
    TextFilter,
    UpdatedRangeFilterSet,
)
from core.api.flat import FlatRowSpec, flat_spec
from core.api.parsers import JSONBodyParser
from core.api.renderers import stream_csv
from core.api.schema import ApiAutoSchema
from core.api.serializers import IdRelatedField, StrictInputMixin
from core.api.viewsets import FlatReadOnlyViewSet
from domains.api.visibility import UseCaseRowsVisibility, visible_use_cases
from domains.models import UseCase, User
from domains.selectors import use_case_list

from .. import services
from ..choices import (
    KpiCategory,
    KpiProgress,
    MeasurementSource,
    SideEffectCategory,
    SideEffectKind,
    SideEffectStatus,
)
from ..models import Kpi, KpiMeasurement, SideEffect
from ..models.impact import MEASUREMENT_DECIMALS, MEASUREMENT_DIGITS
from ..selectors import kpi_progress_of, kpis_with_latest

# A measurement's value given as text: digits, optionally a point and more digits (no exponent, no
# spaces, no thousands separators). Text keeps every digit that a JSON number might round.
DECIMAL_TEXT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def _measure(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MEASUREMENT_DIGITS, decimal_places=MEASUREMENT_DECIMALS, coerce_to_string=False, **kwargs
    )


def _username(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs)


class DayField(serializers.DateField):
    """A calendar date written YYYY-MM-DD and nothing else (DRF also reads 2026-1-5)."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.fullmatch(DAY_PATTERN, value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


# Success measures ---------------------------------------------------------------------------------


class KpiSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A success measure, flat, with its latest measurement and where it stands against its target.
    On writes: the measure itself; its values come through /kpis/{id}/measurements/."""

    read_only_reasons = {
        name: _("Measurements are recorded through /kpis/{id}/measurements/; this column follows from them.")
        for name in (
            "latest_value",
            "latest_date",
            "previous_value",
            "first_measured_on",
            "progress_status",
            "progress",
            "expected_progress",
            "gain",
        )
    }

    use_case = IdRelatedField(queryset=UseCase.objects.all(), help_text=_("The use case it measures (id)."))
    use_case_reference = serializers.CharField(source="use_case.reference", read_only=True)
    domain = serializers.CharField(source="use_case.domain.slug", read_only=True)
    baseline = _measure(allow_null=True, required=False, help_text=_("The value before the use case."))
    target = _measure(allow_null=True, required=False)
    target_date = DayField(allow_null=True, required=False, help_text=_("When the target is due."))
    owner = _username(allow_null=True, required=False, help_text=_("Who answers for it (username)."))
    latest_value = _measure(read_only=True, allow_null=True, help_text=_("The most recent measurement."))
    latest_date = serializers.DateField(read_only=True, allow_null=True)
    previous_value = _measure(read_only=True, allow_null=True, help_text=_("The measurement before the latest."))
    first_measured_on = serializers.DateField(source="first_date", read_only=True, allow_null=True)
    # Worked out for each row from the columns above (KpiRowSpec), by governance.selectors.kpi_progress_of.
    progress_status = serializers.ChoiceField(
        choices=KpiProgress.choices,
        read_only=True,
        help_text=_(
            "on_track, at_risk, off_track, or no_data (no measurement yet, or no baseline or no target). With a "
            "target date, the progress is compared with the share of the time elapsed; without one, with the "
            "previous measurement."
        ),
    )
    progress = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_("Share of the way from baseline to target covered by the latest value (1: reached)."),
    )
    expected_progress = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("Share of the time to the target date already elapsed.")
    )
    gain = serializers.DecimalField(
        max_digits=MEASUREMENT_DIGITS + 1,
        decimal_places=MEASUREMENT_DECIMALS,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text=_(
            "The latest value's improvement over the baseline, in the better direction (for a monetary measure: "
            "the annual benefit realised)."
        ),
    )

    class Meta:
        model = Kpi
        fields = [
            "id",
            "use_case",
            "use_case_reference",
            "domain",
            "name",
            "category",
            "unit",
            "is_monetary",
            "baseline",
            "target",
            "target_date",
            "direction",
            "frequency",
            "owner",
            "latest_value",
            "latest_date",
            "previous_value",
            "first_measured_on",
            "created_at",
            "updated_at",
            "progress_status",
            "progress",
            "expected_progress",
            "gain",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Name uniqueness and the target beyond the baseline are the service's full_clean, once.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and not self.fields["use_case"].read_only:
            # A use case the requester cannot see does not exist for them.
            self.fields["use_case"].queryset = visible_use_cases(request)


class KpiUpdateSerializer(KpiSerializer):
    read_only_reasons = {
        **KpiSerializer.read_only_reasons,
        "use_case": _("A success measure stays with the use case it measures: create one on the other use case."),
    }
    use_case = serializers.PrimaryKeyRelatedField(read_only=True)


PROGRESS_COLUMNS = ("progress_status", "progress", "expected_progress", "gain")


def _instant(value) -> datetime.datetime | None:
    """A timestamp as the flat rows give it: ISO 8601 text on PostgreSQL, a datetime elsewhere."""
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value


class KpiRowSpec(FlatRowSpec):
    """A measure's stored and annotated columns read as flat rows (one query, with the latest values as
    subqueries: governance.selectors.kpis_with_latest), and its progress worked out in Python from
    them, by the same rule as everywhere (kpi_progress_of), a page or a CSV batch at a time: no query
    more, whatever the number of rows."""

    def __init__(self, serializer_class):
        super().__init__(serializer_class)
        if self.many:
            raise ImproperlyConfigured("KpiRowSpec reads no to-many column")
        computed = [column for column in self.scalar if column.name in PROGRESS_COLUMNS]
        self.scalar = [column for column in self.scalar if column.name not in PROGRESS_COLUMNS]
        self.scalar_names = tuple(column.name for column in self.scalar)
        self.scalar_paths = tuple(column.path for column in self.scalar)
        self._id_index = self.scalar_names.index("id")
        self.columns = self.scalar + computed
        self.names = [column.name for column in self.columns]
        self._csv_converters = [(i, column.csv) for i, column in enumerate(self.columns) if column.csv is not None]

    @staticmethod
    def _progress():
        today, tolerance = timezone.localdate(), settings.GOVERNANCE_KPI_TOLERANCE

        def progress(row: dict) -> dict:
            kpi = SimpleNamespace(
                baseline=row["baseline"],
                target=row["target"],
                direction=row["direction"],
                target_date=row["target_date"],
                created_at=_instant(row["created_at"]),
            )
            result = kpi_progress_of(
                kpi,
                latest=row["latest_value"],
                latest_date=row["latest_date"],
                previous=row["previous_value"],
                first_date=row["first_measured_on"],
                today=today,
                tolerance=tolerance,
            )
            return {
                "progress_status": str(result.status),
                "progress": result.progress,
                "expected_progress": result.expected,
                "gain": result.gain,
            }

        return progress

    def rows(self, queryset: QuerySet) -> list[dict]:
        rows = super().rows(queryset)
        progress = self._progress()
        for row in rows:
            row.update(progress(row))
        return rows

    def csv_lines(self, queryset: QuerySet):
        lines = super().csv_lines(queryset)
        yield next(lines)
        progress, names = self._progress(), self.scalar_names
        for cells in lines:
            values = progress(dict(zip(names, cells, strict=True)))
            cells.extend(values[name] for name in PROGRESS_COLUMNS)
            yield cells


@cache
def kpi_rows() -> KpiRowSpec:
    return KpiRowSpec(KpiSerializer)


class KpiFilterSet(UpdatedRangeFilterSet):
    use_case = IdFilter(field_name="use_case_id", help_text=_("Measures of this use case (id)."))
    use_case_reference = TextFilter(
        field_name="use_case__reference",
        max_length=UseCase._meta.get_field("reference").max_length,
        help_text=_("Measures of the use case with this reference, e.g. UC-0012."),
    )
    category = ChoiceInFilter(choices=KpiCategory.choices)
    domain = SlugInFilter(field_name="use_case__domain__slug", help_text=_("Measures of use cases in these domains."))
    portfolio = IdFilter(
        field_name="use_case__portfolio_membership__portfolio_id",
        help_text=_("Measures of the use cases in this live portfolio (id)."),
    )

    class Meta:
        model = Kpi
        fields = ["use_case", "use_case_reference", "category", "domain", "portfolio"]


# Measurements -------------------------------------------------------------------------------------


class KpiMeasurementSerializer(serializers.ModelSerializer):
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)
    category = serializers.CharField(source="kpi.category", read_only=True)
    unit = serializers.CharField(source="kpi.unit", read_only=True)
    use_case = serializers.PrimaryKeyRelatedField(source="kpi.use_case", read_only=True)
    use_case_reference = serializers.CharField(source="kpi.use_case.reference", read_only=True)
    value = _measure(read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = KpiMeasurement
        fields = [
            "id",
            "kpi",
            "kpi_name",
            "category",
            "unit",
            "use_case",
            "use_case_reference",
            "date",
            "value",
            "source",
            "note",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number"},
            {"type": "string", "pattern": DECIMAL_TEXT_PATTERN, "description": 'Digits, e.g. "1250.75".'},
        ],
        "description": "A number, or its digits as text (keeps every digit). At most 14 digits before the "
        "point; rounded to 4 after it.",
    }
)
class MeasurementValueField(serializers.Field):
    """Documents a row's value; the rows themselves are read by the service (see `_schema_strictness`)."""


class MeasurementRowSerializer(StrictInputMixin, serializers.Serializer):
    """One row of a push, as the schema documents it: kpi_measurements_record reads and checks the rows."""

    date = serializers.DateField(help_text=_("The day measured, YYYY-MM-DD; not in the future."))
    value = MeasurementValueField()
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=KpiMeasurement._meta.get_field("note").max_length,
        help_text=_("Kept on the row; a push without one keeps the note already there."),
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("The row's position in the array, from 1."))
    field = serializers.CharField(help_text=_("date, value, note, a field the row should not have, or row."))
    message = serializers.CharField()


class MeasurementsRefusedSerializer(serializers.Serializer):
    """Nothing was recorded. `errors` names every refused row and field (code invalid_rows); other
    refusals (an empty push, a body that is not an array, more than 1,000 rows) say so in `detail` or
    under the name of what is wrong."""

    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    errors = RowErrorSerializer(many=True, required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class MeasurementsRecordedSerializer(serializers.Serializer):
    created = serializers.IntegerField(read_only=True, help_text=_("Dates measured for the first time."))
    updated = serializers.IntegerField(read_only=True, help_text=_("Dates whose value (or note) changed."))
    unchanged = serializers.IntegerField(read_only=True, help_text=_("Dates already holding this value."))
    measurements = KpiMeasurementSerializer(many=True, read_only=True, help_text=_("The pushed rows, in order."))


class KpiMeasurementFilterSet(UpdatedRangeFilterSet):
    kpi = IdFilter(field_name="kpi_id", help_text=_("Measurements of this measure (id)."))
    use_case = IdFilter(field_name="kpi__use_case_id", help_text=_("Measurements of this use case's measures (id)."))
    category = ChoiceInFilter(field_name="kpi__category", choices=KpiCategory.choices)
    source = ChoiceInFilter(choices=MeasurementSource.choices)
    date_from = DayFilter(field_name="date", lookup_expr="gte", help_text=_("Measured on or after this day."))
    date_to = DayFilter(field_name="date", lookup_expr="lte", help_text=_("Measured on or before this day."))

    class Meta:
        model = KpiMeasurement
        fields = ["kpi", "use_case", "category", "source", "date_from", "date_to"]


class _NotTaken:
    """A field the schema does not take although the service would read it (see _schema_strictness)."""

    def __str__(self) -> str:
        return "not taken"


NOT_TAKEN = _NotTaken()


def _schema_strictness(rows: list) -> list:
    """The rows as the schema takes them. The service reads a little more than the schema promises
    (dates as 20260131 or with spaces around them, values as text in any form Decimal reads, such as
    1e3): a field of that kind is handed on as NOT_TAKEN, which the service refuses as any field it
    cannot read ("Not a date", "Not a number"). So the answer names it beside every other row's
    errors, in one list, and nothing is written."""
    strict = []
    for row in rows:
        if isinstance(row, dict):
            row = dict(row)
            date, value = row.get("date"), row.get("value")
            if isinstance(date, str) and date and not re.fullmatch(DAY_PATTERN, date):
                row["date"] = NOT_TAKEN
            if isinstance(value, str) and value and not re.fullmatch(DECIMAL_TEXT_PATTERN, value):
                row["value"] = NOT_TAKEN
        strict.append(row)
    return strict


@cache
def measurement_rows() -> FlatRowSpec:
    return flat_spec(KpiMeasurementSerializer)


class KpiSchema(ApiAutoSchema):
    """The push's body is an array of rows: its bounds are the ListSerializer's."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if is_list_serializer(serializer) and schema is not None:
            schema = {**schema, "minItems": serializer.min_length, "maxItems": serializer.max_length}
        return schema, required


# The rows of one push, as the schema states them (the JSON parser's array limit is the same).
PUSH_BODY = MeasurementRowSerializer(many=True, min_length=1, max_length=services.MEASUREMENTS_MAX_ROWS)


def refuse_unknown_parameters(request) -> None:
    """The nested list takes pages and the output format only (filters: /kpi-measurements/)."""
    problems = {}
    for name in request.query_params:
        if name not in LIST_PARAMETERS:
            problems[name] = [
                gettext("Unknown parameter: this list takes %(names)s (filter at /api/v1/kpi-measurements/).")
                % {"names": ", ".join(LIST_PARAMETERS)}
            ]
        elif len(request.query_params.getlist(name)) > 1:
            problems[name] = [gettext("Give this parameter once.")]
    if problems:
        raise ValidationError(problems)


class AnnotatedRowsMixin:
    """For lists whose columns include annotations: the row just written is read with them too."""

    def annotated(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def get_queryset(self):
        return self.annotated(super().get_queryset())

    def row(self, pk, *, only_visible: bool = True) -> dict:
        queryset = self.get_queryset() if only_visible else self.annotated(self.queryset.model._default_manager.all())
        rows = self.flat.rows(queryset.filter(pk=pk))
        if not rows:
            raise Http404
        return rows[0]


@extend_schema_view(
    list=extend_schema(
        description="Success measures of the use cases the requester may see, each with its latest measurement "
        "and where it stands against its target (progress_status)."
    ),
    create=extend_schema(
        description="Add a success measure to a use case (its team, its committee or an administrator).",
        responses={201: KpiSerializer},
    ),
    partial_update=extend_schema(
        request=KpiUpdateSerializer,
        responses={200: KpiSerializer},
        description="Change a measure (the use case it measures stays).",
    ),
    destroy=extend_schema(
        description="Remove a measure and its measurements. Refused (400, code last_outcome_kpi) for the last "
        "measure beyond efficiency of a use case past its submission."
    ),
)
class KpiViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    AnnotatedRowsMixin,
    UseCaseRowsVisibility,
    FlatReadOnlyViewSet,
):
    queryset = Kpi.objects.all()
    serializer_class = KpiSerializer
    filterset_class = KpiFilterSet
    use_case_paths = ("use_case",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    schema = KpiSchema()

    def annotated(self, queryset):
        return kpis_with_latest(queryset)

    def get_serializer_class(self):
        return KpiUpdateSerializer if self.action == "partial_update" else KpiSerializer

    @property
    def flat(self):
        return kpi_rows()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kpi = services.kpi_create(actor=request.user, use_case=data.pop("use_case"), data=data)
        return self.written_response(kpi.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        kpi = self.get_object()
        serializer = self.get_serializer(kpi, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.kpi_update(actor=request.user, kpi=kpi, data=dict(serializer.validated_data))
        return self.written_response(kpi.pk)

    def destroy(self, request, *args, **kwargs):
        services.kpi_delete(actor=request.user, kpi=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses=KpiMeasurementSerializer(many=True),
        description="The measure's measurements, newest first, in pages (or `?format=csv`). To filter by date or "
        "across measures, read /api/v1/kpi-measurements/.",
    )
    @extend_schema(
        methods=["POST"],
        request=PUSH_BODY,
        responses={200: MeasurementsRecordedSerializer, 400: MeasurementsRefusedSerializer},
        summary="Record measurements: a JSON array of {date, value, note?}, one value per date",
        description=(
            "Idempotent: a date already measured is updated, so pushing the same array twice leaves the same "
            "rows (the second answer counts them unchanged). All or nothing: a bad row and nothing is written; "
            "the 400 lists every refused row (from 1) with its field and why: a date that is missing, not "
            "YYYY-MM-DD or in the future, a date given twice, a value that is not a number or is too large, an "
            "unknown field. At most 1,000 rows. The use case's team, its committee, an administrator, the "
            "measure's owner, or an account holding governance.push_kpi_measurements (a data team's robot)."
        ),
    )
    # JSON only (an array has no form encoding); the measure's filters do not apply to its measurements.
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONBodyParser], filter_backends=[])
    def measurements(self, request, pk=None):
        kpi = get_object_or_404(self.get_queryset(), pk=pk)
        if request.method == "GET":
            refuse_unknown_parameters(request)
            return self._measurement_list(KpiMeasurement.objects.filter(kpi=kpi))
        if not isinstance(request.data, list):
            raise ValidationError(
                {
                    "non_field_errors": [
                        gettext('Send a JSON array of rows: [{"date": "2026-01-31", "value": 12.5, "note": "..."}].')
                    ]
                }
            )
        recorded = services.kpi_measurements_record(
            actor=request.user, kpi=kpi, rows=_schema_strictness(request.data), source=MeasurementSource.API
        )
        ids = [measurement.pk for measurement in recorded.measurements]
        by_id = {row["id"]: row for row in measurement_rows().rows(KpiMeasurement.objects.filter(pk__in=ids))}
        return Response(
            {
                "created": recorded.created,
                "updated": recorded.updated,
                "unchanged": recorded.unchanged,
                "measurements": [by_id[pk] for pk in ids],
            }
        )

    def _measurement_list(self, queryset: QuerySet):
        """The rows of /kpi-measurements/ for one measure: pages, the cursor, or every row as CSV."""
        spec = measurement_rows()
        if self.wants_csv():
            lines = spec.csv_lines(queryset.order_by(self.cursor_field, "pk"))
            response = StreamingHttpResponse(stream_csv(lines), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="kpi-measurement.csv"'
            return response
        page = self.paginator.paginate_queryset(queryset, self.request, view=self)
        return self.paginator.get_paginated_response(spec.rows(page))


@extend_schema_view(
    list=extend_schema(
        description="Every measurement of the measures the requester may see, flat (measure, use case, date, value, "
        "source): for BI tools. Written through /api/v1/kpis/{id}/measurements/."
    ),
    retrieve=extend_schema(description="One measurement, by id."),
)
class KpiMeasurementViewSet(UseCaseRowsVisibility, FlatReadOnlyViewSet):
    queryset = KpiMeasurement.objects.all()
    serializer_class = KpiMeasurementSerializer
    filterset_class = KpiMeasurementFilterSet
    use_case_paths = ("kpi__use_case",)


# Side effects -------------------------------------------------------------------------------------


class SideEffectSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A side effect, anticipated or observed, with its rating (score = likelihood x severity, null until
    both are rated) and its review."""

    read_only_reasons = {"score": _("The score is the likelihood times the severity: set those.")}

    use_case = IdRelatedField(queryset=UseCase.objects.all(), help_text=_("The use case it comes from (id)."))
    use_case_reference = serializers.CharField(source="use_case.reference", read_only=True)
    owner = _username(allow_null=True, required=False, help_text=_("Who watches it (username)."))
    # The model's `score` property, as an annotation of the list (SideEffectViewSet.annotated).
    score = serializers.IntegerField(
        source="rated_score",
        read_only=True,
        allow_null=True,
        help_text=_("Likelihood x severity, 1 to 25; null until both are rated."),
    )
    last_reviewed_on = DayField(
        allow_null=True,
        required=False,
        help_text=_("Today when it is created rated, or when a person changes its rating, mitigation or status."),
    )
    kpi = IdRelatedField(
        queryset=Kpi.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("For an observed effect: the success measure of the same use case that shows it (id)."),
    )
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)

    class Meta:
        model = SideEffect
        fields = [
            "id",
            "use_case",
            "use_case_reference",
            "kind",
            "category",
            "title",
            "description",
            "likelihood",
            "severity",
            "score",
            "mitigation",
            "owner",
            "status",
            "last_reviewed_on",
            "kpi",
            "kpi_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            visible = visible_use_cases(request)
            if not self.fields["use_case"].read_only:
                self.fields["use_case"].queryset = visible
            self.fields["kpi"].queryset = Kpi.objects.filter(use_case__in=visible.values("pk"))


class SideEffectUpdateSerializer(SideEffectSerializer):
    read_only_reasons = {
        **SideEffectSerializer.read_only_reasons,
        "use_case": _("A side effect stays with the use case it was recorded on: record it on the other one."),
    }
    use_case = serializers.PrimaryKeyRelatedField(read_only=True)


class SideEffectFilterSet(UpdatedRangeFilterSet):
    use_case = IdFilter(field_name="use_case_id", help_text=_("Side effects of this use case (id)."))
    kind = ChoiceInFilter(choices=SideEffectKind.choices)
    category = ChoiceInFilter(choices=SideEffectCategory.choices)
    status = ChoiceInFilter(choices=SideEffectStatus.choices)
    min_score = NumberFilter(
        method="filter_min_score",
        min_value=1,
        max_value=25,
        help_text=_("Rated at least this (likelihood x severity); unrated ones are left out."),
    )

    class Meta:
        model = SideEffect
        fields = ["use_case", "kind", "category", "status", "min_score"]

    def filter_min_score(self, queryset, name, value):
        return queryset.alias(rated=F("likelihood") * F("severity")).filter(rated__gte=value)


@extend_schema_view(
    list=extend_schema(description="Side effects of the use cases the requester may see, highest risk first."),
    create=extend_schema(
        description="Record a side effect (the use case's team, its committee or an administrator). Rated, it is "
        "reviewed today unless last_reviewed_on says when.",
        responses={201: SideEffectSerializer},
    ),
    partial_update=extend_schema(
        request=SideEffectUpdateSerializer,
        responses={200: SideEffectSerializer},
        description="Change a side effect. Changing its rating, mitigation or status reviews it today.",
    ),
    destroy=extend_schema(description="Delete a side effect."),
)
class SideEffectViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    AnnotatedRowsMixin,
    UseCaseRowsVisibility,
    FlatReadOnlyViewSet,
):
    queryset = SideEffect.objects.all()
    serializer_class = SideEffectSerializer
    filterset_class = SideEffectFilterSet
    use_case_paths = ("use_case",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def annotated(self, queryset):
        return queryset.annotate(rated_score=F("likelihood") * F("severity"))

    def get_serializer_class(self):
        return SideEffectUpdateSerializer if self.action == "partial_update" else SideEffectSerializer

    @property
    def flat(self):
        return flat_spec(SideEffectSerializer)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        side_effect = services.side_effect_create(actor=request.user, use_case=data.pop("use_case"), data=data)
        return self.written_response(side_effect.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        side_effect = self.get_object()
        serializer = self.get_serializer(side_effect, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.side_effect_update(actor=request.user, side_effect=side_effect, data=dict(serializer.validated_data))
        return self.written_response(side_effect.pk)

    def destroy(self, request, *args, **kwargs):
        services.side_effect_delete(actor=request.user, side_effect=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# The side-effect review, on the use-case routes: /use-cases/{id}/side-effects-reviewed/ -----------------


class SideEffectsReviewedInputSerializer(StrictInputMixin, serializers.Serializer):
    """Optional: without a body, the side effects were reviewed today."""

    last_reviewed_on = DayField(
        required=False, help_text=_("The day the side effects were gone through (today if left out); not later.")
    )


class SideEffectsReviewedSerializer(serializers.Serializer):
    use_case = serializers.IntegerField(read_only=True)
    use_case_reference = serializers.CharField(read_only=True)
    reviewed = serializers.IntegerField(
        read_only=True, help_text=_("How many live, rated side effects now carry this review date.")
    )
    last_reviewed_on = serializers.DateField(read_only=True)


class UseCaseImpactViewSet(viewsets.GenericViewSet):
    """The impact steps on a use case."""

    serializer_class = SideEffectsReviewedSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return use_case_list(actor=self.request.user)

    @extend_schema(
        request=SideEffectsReviewedInputSerializer,
        responses={200: SideEffectsReviewedSerializer},
        summary="Mark the use case's side effects reviewed (its team, its committee or an administrator)",
        description="Every live (open, being mitigated, accepted), rated side effect of the use case gets this "
        "review date: the team or the committee went through them and found them still right. 400: a review "
        "date in the future, or nothing to review (code nothing_to_review).",
    )
    @action(detail=True, methods=["post"], url_path="side-effects-reviewed")
    def side_effects_reviewed(self, request, pk=None):
        use_case = self.get_object()
        serializer = SideEffectsReviewedInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        on = serializer.validated_data.get("last_reviewed_on") or timezone.localdate()
        reviewed = services.side_effects_mark_reviewed(actor=request.user, use_case=use_case, on=on)
        return Response(
            {
                "use_case": use_case.pk,
                "use_case_reference": use_case.reference,
                "reviewed": reviewed,
                "last_reviewed_on": on,
            }
        )
