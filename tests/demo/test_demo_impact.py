"""The demo's impact: success measures in every category, measurements over the last 12 months that
the dashboard reads as mostly on track with some at risk and a few off track, side effects in every
category with a stale-review queue that is not empty, all written through the product's services
before the workflow steps that ask for them. Loaded once per test session (tests/demo/conftest.py)."""

import datetime
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core.models import AuditEvent
from demo import fixtures, loader, measurements
from demo.fixtures import DemoDataError
from domains.models import BusinessFunction, UseCase
from governance.choices import KpiCategory, KpiProgress, MeasurementSource, SideEffectCategory, SideEffectKind
from governance.models import Kpi, KpiMeasurement, SideEffect
from governance.selectors import (
    LIVE_USE_CASE_STATUSES,
    impact_rollup,
    kpi_progress_of,
    kpis_with_progress,
    use_cases_with_stale_side_effects,
)
from tests.demo.conftest import spoil

pytestmark = pytest.mark.django_db

SHARED = ~Q(status__in=["draft", "discarded"])


def test_every_category_has_success_measures_and_every_shared_use_case_one_to_four(demo):
    per_category = Counter(Kpi.objects.values_list("category", flat=True))
    assert set(per_category) == set(KpiCategory.values)
    assert min(per_category.values()) >= 10
    counts = UseCase.objects.filter(SHARED).annotate(n=Count("kpis")).values_list("n", flat=True)
    assert len(counts) == 57
    assert min(counts) >= 1 and max(counts) <= 4


def test_every_shared_use_case_has_a_measure_beyond_efficiency(demo):
    without = UseCase.objects.filter(SHARED).exclude(kpis__category__in=set(KpiCategory.values) - {"efficiency"})

    assert list(without.values_list("external_id", flat=True)) == []


def test_measures_were_written_before_the_use_case_was_submitted(demo):
    submitted = dict(
        AuditEvent.objects.filter(action="workflow.submit")
        .values("use_case_id")
        .annotate(first=Min("created_at"))
        .values_list("use_case_id", "first")
    )
    first_kpi = dict(
        Kpi.objects.exclude(category="efficiency")
        .values("use_case_id")
        .annotate(first=Min("created_at"))
        .values_list("use_case_id", "first")
    )
    assert len(submitted) == 57
    assert all(first_kpi[use_case] < when for use_case, when in submitted.items())


def test_monetary_measures_set_a_realised_benefit_against_the_estimate(demo):
    monetary = Kpi.objects.filter(is_monetary=True)
    assert monetary.count() >= 10
    assert not monetary.filter(use_case__estimated_annual_benefit__isnull=True).exists()
    assert set(monetary.values_list("unit", flat=True)) == {"EUR"}

    rollups = impact_rollup(by="domain")

    assert sum(r.estimated_benefit for r in rollups) > sum(r.realised_benefit for r in rollups) > 0


def test_measurements_span_the_last_12_months_and_none_is_in_the_future(demo):
    today = timezone.localdate()
    span = KpiMeasurement.objects.aggregate(first=Min("date"), last=Max("date"))
    assert today - datetime.timedelta(days=366) <= span["first"] <= today - datetime.timedelta(days=330)
    assert today - datetime.timedelta(days=35) <= span["last"] < today
    assert not KpiMeasurement.objects.filter(created_at__gt=timezone.now()).exists()
    # Recorded after the period they measure, by the system (imports) or the measure's owner.
    for date, created_at in KpiMeasurement.objects.values_list("date", "created_at"):
        assert timezone.localdate(created_at) > date
    assert set(KpiMeasurement.objects.values_list("source", flat=True)) == {
        MeasurementSource.IMPORT,
        MeasurementSource.MANUAL,
    }
    manual = KpiMeasurement.objects.filter(source=MeasurementSource.MANUAL).select_related("kpi")
    assert all(m.recorded_by_id == m.kpi.owner_id for m in manual)


def test_measurements_follow_each_measures_frequency(demo):
    for kpi in Kpi.objects.filter(measurements__isnull=False).distinct().prefetch_related("measurements"):
        dates = sorted(m.date for m in kpi.measurements.all())
        if kpi.frequency == "weekly":
            assert all(d.weekday() == 6 for d in dates), kpi
            assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False)), kpi
        else:
            step = {"monthly": 1, "quarterly": 3, "yearly": 12}[kpi.frequency]
            assert all((d + datetime.timedelta(days=1)).day == 1 and d.month % step == 0 for d in dates), kpi
            months = [d.year * 12 + d.month for d in dates]
            assert all(b - a == step for a, b in zip(months, months[1:], strict=False)), kpi


def test_every_live_use_case_is_measured_and_some_approved_ones_too(demo):
    live = UseCase.objects.filter(status__in=LIVE_USE_CASE_STATUSES)
    assert live.count() == 15
    assert not live.exclude(kpis__measurements__isnull=False).exists()
    approved = UseCase.objects.filter(status="approved", kpis__measurements__isnull=False).distinct()
    assert 1 <= approved.count() < UseCase.objects.filter(status="approved").count()
    not_started = ~Q(status__in=["approved", *LIVE_USE_CASE_STATUSES])
    assert not KpiMeasurement.objects.filter(kpi__use_case__in=UseCase.objects.filter(not_started)).exists()


def test_the_dashboard_reads_mostly_on_track_some_at_risk_a_few_off_track(demo):
    kpis = kpis_with_progress(queryset=Kpi.objects.filter(measurements__isnull=False).distinct())
    mix = Counter(kpi.progress.status for kpi in kpis)

    assert mix[KpiProgress.ON_TRACK] > mix[KpiProgress.AT_RISK] > mix[KpiProgress.OFF_TRACK] > 0
    assert mix[KpiProgress.ON_TRACK] >= len(kpis) / 2
    assert mix[KpiProgress.NO_DATA] == 0


def test_each_measure_shows_the_trend_its_file_declares(demo):
    declared = {
        (f"demo:{key}", spec["name"]): spec["trend"]
        for key, entry in fixtures.load(set(BusinessFunction.objects.values_list("slug", flat=True))).impact.items()
        for spec in entry.get("kpis") or []
        if "trend" in spec
    }
    reads = {"ahead": "on_track", "on_track": "on_track", "at_risk": "at_risk", "off_track": "off_track"}
    kpis = kpis_with_progress(queryset=Kpi.objects.select_related("use_case").filter(measurements__isnull=False))
    shown = {(kpi.use_case.external_id, kpi.name): kpi.progress for kpi in kpis}

    assert len(shown) >= 55
    for measure, trend in declared.items():
        if trend in reads and measure in shown:  # a measure may have no period ended since it went live
            assert shown[measure].status == reads[trend], measure
        if trend == "ahead":
            assert shown[measure].progress >= 1, measure


def test_side_effects_cover_all_seven_categories_anticipated_and_observed(demo):
    assert set(SideEffect.objects.values_list("category", flat=True)) == set(SideEffectCategory.values)
    observed = SideEffect.objects.filter(kind=SideEffectKind.OBSERVED)
    assert observed.count() >= 10
    assert set(observed.values_list("use_case__status", flat=True)) <= {"in_delivery", "scaled", "retired"}
    assert observed.filter(kpi__isnull=False).count() >= 5
    assert all(se.kpi.use_case_id == se.use_case_id for se in observed.filter(kpi__isnull=False))
    submitted = UseCase.objects.filter(SHARED)
    anticipating = submitted.filter(side_effects__kind=SideEffectKind.ANTICIPATED).distinct()
    assert anticipating.count() >= 0.8 * submitted.count()
    levels = SideEffect.objects.filter(likelihood__isnull=False).values_list("likelihood", "severity")
    assert {level for pair in levels for level in pair} == {1, 2, 3, 4, 5}


def test_every_delivered_use_case_had_an_assessed_side_effect_before_delivery(demo):
    deliveries = AuditEvent.objects.filter(action="workflow.start_delivery").values_list("use_case_id", "created_at")
    assert len(deliveries) == 17
    for use_case_id, when in deliveries:
        assert SideEffect.objects.filter(
            use_case_id=use_case_id, likelihood__isnull=False, severity__isnull=False, created_at__lt=when
        ).exists(), use_case_id
    # Observed side effects are recorded once the use case is live.
    for side_effect in SideEffect.objects.filter(kind=SideEffectKind.OBSERVED):
        went_live = next(when for use_case_id, when in deliveries if use_case_id == side_effect.use_case_id)
        assert side_effect.created_at > went_live, side_effect


def test_a_few_live_use_cases_wait_in_the_stale_review_queue(demo):
    days = settings.GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS
    today = timezone.localdate()

    stale = use_cases_with_stale_side_effects(days=days)

    assert 1 <= len(stale) <= 4
    for use_case, last_review in stale:
        assert use_case.status in LIVE_USE_CASE_STATUSES
        assert last_review is not None and last_review < today - datetime.timedelta(days=days)
    # The other live use cases were reviewed within the period, none in the future.
    assert not SideEffect.objects.filter(last_reviewed_on__gt=today).exists()
    assert AuditEvent.objects.filter(action="side_effect.updated").count() >= 20


def test_a_demo_loaded_before_the_impact_file_gets_its_measures_and_side_effects(demo):
    # given: a use case loaded before impact.yaml existed
    use_case = UseCase.objects.get(external_id="demo:care-chatbot")
    SideEffect.objects.filter(use_case=use_case).delete()
    Kpi.objects.filter(use_case=use_case).delete()

    # when
    call_command("load_demo")

    # then
    kpis = kpis_with_progress(queryset=Kpi.objects.filter(use_case=use_case))
    assert len(kpis) == 4 and all(kpi.progress.status == KpiProgress.ON_TRACK for kpi in kpis)
    assert KpiMeasurement.objects.filter(kpi__use_case=use_case).count() >= 60
    assert SideEffect.objects.filter(use_case=use_case).count() == 4
    assert SideEffect.objects.filter(use_case=use_case, kind="observed", kpi__isnull=False).exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    category: engagement\n",
            "    category: engagment\n",
            "care-agent-assist, success measure 'First-contact resolution rate': category 'engagment' is not one of",
        ),
        (
            "    baseline: 9.7\n",
            "    baseline: 6.5\n",
            "'Average handling time on email': target 7.5 is not better than baseline 6.5 (lower is better)",
        ),
        (
            "    baseline: 50\n    target: 400\n",
            "    baseline: 50\n    target: 400\n    trend: on_track\n",
            "voc-digest, success measure 'Verbatims read by category managers each month': trend: only an approved",
        ),
        (
            "    category: risk\n    unit: complaints a year\n",
            "    category: efficiency\n    unit: complaints a year\n",
            "impact.yaml, complaint-escalation-routing: kpis: the use case is in_review, so it was submitted: give",
        ),
        (
            "  - kind: anticipated\n    category: workforce\n    title: Store managers feel blamed",
            "  - kind: observed\n    category: workforce\n    title: Store managers feel blamed",
            "side effect 'Store managers feel blamed by store-level verbatims': kind: a side effect is observed once",
        ),
        (
            "    status: mitigating\n    reviewed_days_ago: 21\n",
            "    status: mitigating\n",
            "'Draft replies state wrong order or delivery facts': reviewed_days_ago: the use case is in_delivery, so",
        ),
        (
            "    likelihood: 3\n    severity: 4\n",
            "    likelihood: 3\n    severity: 6\n",
            "'Draft replies state wrong order or delivery facts': severity 6 must be a whole number from 1 to 5",
        ),
        (
            "    kpi: First-contact resolution rate\n",
            "    kpi: First contact resolution\n",
            "kpi 'First contact resolution' names no success measure of this use case",
        ),
        (
            "    owner: isabelle.roux\n    trend: flat\n",
            "    owner: lea.mercier\n    trend: flat\n",
            "'Adviser attrition': owner 'lea.mercier' is neither in team 'customer-care' nor on the committee",
        ),
        (
            "    unit: EUR\n    is_monetary: true\n",
            "    unit: k EUR\n    is_monetary: true\n",
            "is_monetary: a monetary measure counts euros a year, so its unit is EUR, not 'k EUR'",
        ),
    ],
)
def test_a_wrong_impact_entry_fails_loudly_naming_the_entry_and_field(broken_data, old, new, message):
    spoil(broken_data / "impact.yaml", old, new)
    functions = set(BusinessFunction.objects.values_list("slug", flat=True))

    with pytest.raises(DemoDataError) as excinfo:
        fixtures.load(functions)

    assert message in str(excinfo.value)


def test_a_delivered_use_case_without_an_assessed_side_effect_is_refused_by_the_files(broken_data):
    text = (broken_data / "impact.yaml").read_text()
    start = text.index("\nit-ticket-triage:")
    end = text.index("\ninvoice-matching:")
    chunk = text[start:end].replace("    likelihood: 2\n    severity: 3\n", "")
    (broken_data / "impact.yaml").write_text(text[:start] + chunk + text[end:])

    with pytest.raises(DemoDataError) as excinfo:
        fixtures.load(set(BusinessFunction.objects.values_list("slug", flat=True)))

    assert "impact.yaml, it-ticket-triage: side_effects: the use case is retired, so it went to delivery" in str(
        excinfo.value
    )


# The measurements' generator, read by the product's progress rule --------------------------------


def test_the_trends_hold_whatever_the_day_the_demo_is_loaded(demo):
    """Targets and history are relative to the day of the load, period ends are not: on any day of the
    next year the files' trends must still show, and every live use case be measured."""
    tolerance = settings.GOVERNANCE_KPI_TOLERANCE
    reads = {"ahead": "on_track", "on_track": "on_track", "at_risk": "at_risk", "off_track": "off_track"}
    for fortnight in range(27):
        now = timezone.now() + datetime.timedelta(days=14 * fortnight, hours=5 * fortnight)
        history = loader.plan_history(now=now)
        assert history.problems == [], now
        specs = {
            (key, spec["name"]): spec for key, entry in history.data.impact.items() for spec in entry.get("kpis") or []
        }
        live = {row["key"] for row in history.data.use_cases if row["status"] in LIVE_USE_CASE_STATUSES}
        assert live <= {key for key, _name in history.series}, now
        for (key, name), series in history.series.items():
            spec, dates = specs[(key, name)], sorted(series)
            kpi = Kpi(
                baseline=Decimal(str(spec["baseline"])),
                target=Decimal(str(spec["target"])),
                direction=spec["direction"],
                target_date=measurements.add_months(history.today, spec["target_in_months"]),
                created_at=history.prepared[key],
            )
            progress = kpi_progress_of(
                kpi,
                latest=series[dates[-1]],
                latest_date=dates[-1],
                previous=series[dates[-2]] if len(dates) > 1 else None,
                first_date=dates[0],
                today=history.today,
                tolerance=tolerance,
            )
            if spec["trend"] in reads:
                assert progress.status == reads[spec["trend"]], (now, key, name)
            assert dates[-1] < history.today and dates[0] >= history.today - datetime.timedelta(days=366)


def _kpi(baseline, target, direction, target_date, created):
    kpi = Kpi(baseline=Decimal(baseline), target=Decimal(target), direction=direction, target_date=target_date)
    kpi.created_at = timezone.make_aware(datetime.datetime.combine(created, datetime.time(12)))
    return kpi


@pytest.mark.parametrize(
    ("trend", "status"),
    [("ahead", "on_track"), ("on_track", "on_track"), ("at_risk", "at_risk"), ("off_track", "off_track")],
)
@pytest.mark.parametrize(("baseline", "target", "direction"), [("9.7", "7.5", "lower"), ("0", "1150000", "higher")])
def test_a_drawn_series_ends_where_the_progress_rule_reads_its_trend(trend, status, baseline, target, direction):
    today = datetime.date(2026, 3, 15)
    created, live_from = today - datetime.timedelta(days=300), today - datetime.timedelta(days=200)
    dates = measurements.period_ends("monthly", live_from, today - datetime.timedelta(days=1))
    target_date = measurements.add_months(today, 4)

    values = measurements.series(
        baseline=Decimal(baseline),
        target=Decimal(target),
        unit="minutes",
        trend=trend,
        dates=dates,
        live_from=live_from,
        start=created,
        target_date=target_date,
        tolerance=settings.GOVERNANCE_KPI_TOLERANCE,
        rng=random.Random("test"),
    )

    assert len(values) == len(dates) == 7
    result = kpi_progress_of(
        _kpi(baseline, target, direction, target_date, created),
        latest=values[-1],
        latest_date=dates[-1],
        previous=values[-2],
        first_date=dates[0],
        today=today,
        tolerance=settings.GOVERNANCE_KPI_TOLERANCE,
    )
    assert result.status == status
    assert values == measurements.series(
        baseline=Decimal(baseline),
        target=Decimal(target),
        unit="minutes",
        trend=trend,
        dates=dates,
        live_from=live_from,
        start=created,
        target_date=target_date,
        tolerance=settings.GOVERNANCE_KPI_TOLERANCE,
        rng=random.Random("test"),
    )


def test_an_at_risk_trend_the_dates_cannot_show_names_the_measure():
    today = datetime.date(2026, 3, 15)
    dates = [datetime.date(2026, 2, 28)]

    with pytest.raises(measurements.TrajectoryError) as excinfo:
        measurements.series(
            baseline=Decimal(10),
            target=Decimal(20),
            unit="%",
            trend="at_risk",
            dates=dates,
            live_from=dates[0],
            start=today - datetime.timedelta(days=20),
            target_date=measurements.add_months(today, 12),
            tolerance=0.1,
            rng=random.Random("test"),
            where="impact.yaml, x, success measure 'y'",
        )

    assert "impact.yaml, x, success measure 'y': trend 'at_risk' needs more of the time" in str(excinfo.value)


def test_period_ends_are_sundays_month_ends_quarter_ends_and_year_ends():
    first, last = datetime.date(2025, 12, 3), datetime.date(2026, 12, 2)

    assert measurements.period_ends("weekly", first, last)[:2] == [
        datetime.date(2025, 12, 7),
        datetime.date(2025, 12, 14),
    ]
    assert measurements.period_ends("monthly", first, last)[0] == datetime.date(2025, 12, 31)
    assert len(measurements.period_ends("monthly", first, last)) == 12
    assert measurements.period_ends("quarterly", first, last) == [
        datetime.date(2025, 12, 31),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 9, 30),
    ]
    assert measurements.period_ends("yearly", first, last) == [datetime.date(2025, 12, 31)]
