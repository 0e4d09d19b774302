"""Success measures, measurements and side effects: the models' constraints, the services (who may,
idempotent and all-or-nothing pushes), the workflow's gates, the progress rule and its roll-ups, the
stale-review reminder and what each foundation unlocks."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from core.actors import SYSTEM
from core.exceptions import BusinessRuleError
from core.models import AuditEvent
from domains.choices import Status
from domains.selectors import foundation_impact
from governance import services
from governance.choices import KpiProgress
from governance.models import Kpi, KpiMeasurement, Notification, SideEffect
from governance.selectors import impact_rollup, kpi_progress_of, use_cases_with_stale_side_effects
from governance.services import MeasurementRowsInvalid
from tests.factories import DomainFactory, FoundationFactory, UseCaseFactory

from .conftest import advance

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)


def _kpi(use_case, **values):
    data = {"name": "Repeat purchase rate", "category": "lasting_results", "unit": "%", "baseline": 10, "target": 20}
    data.update(values)
    return services.kpi_create(actor=SYSTEM, use_case=use_case, data=data)


# The models refuse bad data even when it skips the services ---------------------------------------


def test_target_must_lie_beyond_the_baseline_in_the_measure_s_direction(world):
    with pytest.raises(ValidationError) as refused:
        _kpi(world.use_case, direction="higher", baseline=20, target=10)
    assert "The target must be better than the baseline" in str(refused.value)
    with pytest.raises(ValidationError):
        _kpi(world.use_case, name="Handling time", category="efficiency", direction="lower", baseline=5, target=8)
    assert _kpi(world.use_case, name="Handling time", category="efficiency", direction="lower", baseline=8, target=5)


def test_database_refuses_a_second_measurement_on_the_same_date_and_unknown_categories(world):
    kpi = _kpi(world.use_case)
    KpiMeasurement.objects.create(kpi=kpi, date=TODAY, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiMeasurement.objects.create(kpi=kpi, date=TODAY, value=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Kpi.objects.create(use_case=world.use_case, name="X", category="happiness")
    with pytest.raises(IntegrityError), transaction.atomic():
        SideEffect.objects.create(use_case=world.use_case, category="customer", title="Bad", likelihood=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        SideEffect.objects.create(use_case=world.use_case, category="customer", title="Anticipated", kpi=kpi)


# Who may ----------------------------------------------------------------------------------------------


def test_team_and_committee_record_measures_other_teams_may_not(world):
    assert _kpi(world.use_case, name="By system").pk
    made_by_team = services.kpi_create(
        actor=world.team_member, use_case=world.use_case, data={"name": "NPS", "category": "engagement"}
    )
    made_by_member = services.kpi_create(
        actor=world.finance, use_case=world.use_case, data={"name": "Churn", "category": "lasting_results"}
    )
    assert made_by_team.pk and made_by_member.pk
    with pytest.raises(PermissionDenied, match="Only the team that owns"):
        services.kpi_create(
            actor=world.other_team_member, use_case=world.use_case, data={"name": "Mine", "category": "growth"}
        )
    with pytest.raises(PermissionDenied):
        services.side_effect_create(
            actor=world.other_team_member, use_case=world.use_case, data={"category": "customer", "title": "x"}
        )
    assert not Kpi.objects.filter(name="Mine").exists()
    events = AuditEvent.objects.filter(action="kpi.created", use_case_id=world.use_case.pk)
    assert events.count() == 3


def test_the_measure_s_owner_and_a_data_team_account_push_measurements(world, django_user_model):
    from django.contrib.auth.models import Permission

    kpi = _kpi(world.use_case, owner=world.other_team_member)
    recorded = services.kpi_measurements_record(
        actor=world.other_team_member, kpi=kpi, rows=[{"date": "2026-01-31", "value": "11"}]
    )
    assert recorded.created == 1
    pipeline = django_user_model.objects.create_user("bi-pipeline")
    with pytest.raises(PermissionDenied):
        services.kpi_measurements_record(actor=pipeline, kpi=kpi, rows=[{"date": "2026-02-28", "value": "12"}])
    # The committee's admin group holds the governance app's permissions, but not this one.
    from governance.selectors import committee_admin_permissions

    assert not committee_admin_permissions().filter(codename="push_kpi_measurements").exists()
    pipeline.user_permissions.add(Permission.objects.get(codename="push_kpi_measurements"))
    pipeline = django_user_model.objects.get(pk=pipeline.pk)
    assert (
        services.kpi_measurements_record(
            actor=pipeline, kpi=kpi, rows=[{"date": "2026-02-28", "value": "12"}], source="api"
        ).created
        == 1
    )
    # ...but neither may change the measure itself.
    with pytest.raises(PermissionDenied):
        services.kpi_update(actor=pipeline, kpi=kpi, data={"target": 30})


# Measurements: idempotent, all or nothing ----------------------------------------------------------


def test_pushing_the_same_measurements_twice_leaves_one_row_per_date(world):
    kpi = _kpi(world.use_case)
    rows = [{"date": "2026-01-31", "value": 11}, {"date": "2026-02-28", "value": "12.5", "note": "from BI"}]
    first = services.kpi_measurements_record(actor=world.team_member, kpi=kpi, rows=rows, source="api")
    again = services.kpi_measurements_record(actor=world.team_member, kpi=kpi, rows=rows, source="api")
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    corrected = services.kpi_measurements_record(
        actor=world.team_member, kpi=kpi, rows=[{"date": "2026-02-28", "value": 13}]
    )
    assert (corrected.created, corrected.updated) == (0, 1)
    assert list(kpi.measurements.order_by("date").values_list("value", flat=True)) == [Decimal(11), Decimal(13)]
    assert kpi.measurements.get(date="2026-02-28").note == "from BI"
    assert AuditEvent.objects.filter(action="kpi.measured", target_id=str(kpi.pk)).count() == 2


def test_a_bad_row_names_its_row_and_field_and_nothing_is_written(world):
    kpi = _kpi(world.use_case)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        {"date": "2026-01-31", "value": 11},
        {"date": "31/01/2026", "value": 12},
        {"date": "2026-02-28", "value": "twelve"},
        {"date": tomorrow, "value": 1},
        {"date": "2026-01-31", "value": 14},
        {"value": 3},
        {"date": "2026-03-31", "value": "NaN"},
        {"date": "2026-04-30", "value": "1e20"},
        {"date": "2026-05-31", "value": 5, "colour": "red"},
    ]
    with pytest.raises(MeasurementRowsInvalid) as refused:
        services.kpi_measurements_record(actor=world.team_member, kpi=kpi, rows=rows)
    errors = {(e["row"], e["field"]): e["message"] for e in refused.value.details["errors"]}
    assert errors[(2, "date")] == "Not a date: use the form YYYY-MM-DD."
    assert errors[(3, "value")] == "Not a number."
    assert "is in the future" in errors[(4, "date")]
    assert errors[(5, "date")] == "2026-01-31 is already given in row 1: one value per date."
    assert errors[(6, "date")] == "A date is required, in the form YYYY-MM-DD."
    assert errors[(7, "value")] == "Not a number."
    assert "Too large" in errors[(8, "value")]
    assert (9, "colour") in errors
    assert str(refused.value).startswith("8 row(s) refused, nothing recorded. Row 2, date:")
    assert not kpi.measurements.exists()
    assert not AuditEvent.objects.filter(action="kpi.measured").exists()


def test_an_empty_or_oversized_push_is_refused(world):
    kpi = _kpi(world.use_case)
    with pytest.raises(BusinessRuleError, match="No measurements given"):
        services.kpi_measurements_record(actor=world.team_member, kpi=kpi, rows=[])
    rows = [{"date": (TODAY - datetime.timedelta(days=i)).isoformat(), "value": i} for i in range(1001)]
    with pytest.raises(BusinessRuleError, match="1001 rows in one push: at most 1000"):
        services.kpi_measurements_record(actor=world.team_member, kpi=kpi, rows=rows)


# The workflow's gates ------------------------------------------------------------------------------


def test_submission_needs_a_measure_beyond_efficiency_and_says_why(world):
    use_case = UseCaseFactory(team=world.use_case.team, owner=world.owner, outcome_kpi=False)
    _kpi(use_case, name="Handling time", category="efficiency", direction="lower", baseline=10, target=8)
    with pytest.raises(BusinessRuleError) as refused:
        services.use_case_submit(actor=world.owner, use_case=use_case)
    assert refused.value.code == "outcome_kpi_missing"
    assert "at least one success measure beyond efficiency (growth, engagement, lasting results or risk)" in str(
        refused.value
    )
    assert "not only on the cost it saves" in str(refused.value)
    use_case.refresh_from_db()
    assert use_case.status == Status.DRAFT
    _kpi(use_case, name="Basket size", category="growth")
    assert services.use_case_submit(actor=world.owner, use_case=use_case).status == Status.SUBMITTED


@override_settings(GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI=False)
def test_a_setting_relaxes_the_outcome_measure_rule(world):
    use_case = UseCaseFactory(team=world.use_case.team, owner=world.owner, outcome_kpi=False)
    assert services.use_case_submit(actor=world.owner, use_case=use_case).status == Status.SUBMITTED


def test_delivery_and_scale_need_an_assessed_side_effect(world):
    use_case = UseCaseFactory(team=world.use_case.team, owner=world.owner, assessed_side_effect=False)
    advance(world, Status.APPROVED, use_case)
    services.side_effect_create(
        actor=world.owner, use_case=use_case, data={"category": "workforce", "title": "Advisers' roles change"}
    )
    with pytest.raises(BusinessRuleError) as refused:
        services.use_case_transition(actor=world.owner, use_case=use_case, action="start_delivery")
    assert refused.value.code == "side_effects_not_assessed"
    assert "has no assessed side effect" in str(refused.value)
    use_case.refresh_from_db()
    assert use_case.status == Status.APPROVED
    side_effect = use_case.side_effects.get()
    services.side_effect_update(actor=world.owner, side_effect=side_effect, data={"likelihood": 3, "severity": 2})
    side_effect.refresh_from_db()
    assert side_effect.last_reviewed_on == timezone.localdate()
    assert services.use_case_transition(actor=world.owner, use_case=use_case, action="start_delivery").status == (
        Status.IN_DELIVERY
    )
    # In delivery, the last assessed side effect is neither unrated nor removed.
    with pytest.raises(BusinessRuleError, match="last assessed side effect of .* before you clear its rating"):
        services.side_effect_update(actor=world.owner, side_effect=side_effect, data={"severity": None})
    with pytest.raises(BusinessRuleError, match="before you remove it"):
        services.side_effect_delete(actor=world.owner, side_effect=side_effect)
    side_effect.refresh_from_db()
    assert side_effect.severity == 2


def test_the_last_outcome_measure_of_a_submitted_use_case_is_kept(world):
    use_case = world.use_case
    advance(world, Status.SUBMITTED, use_case)
    only = use_case.kpis.get()
    with pytest.raises(BusinessRuleError, match="last success measure of"):
        services.kpi_delete(actor=world.owner, kpi=only)
    with pytest.raises(BusinessRuleError, match="before you make it an efficiency measure"):
        services.kpi_update(actor=world.owner, kpi=only, data={"category": "efficiency"})
    only.refresh_from_db()
    assert only.category == "growth"
    _kpi(use_case, name="Basket size", category="growth")
    services.kpi_delete(actor=world.owner, kpi=only)
    assert not Kpi.objects.filter(pk=only.pk).exists()


def test_an_observed_effect_is_tied_to_a_measure_of_its_own_use_case(world):
    other = UseCaseFactory(team=world.use_case.team, owner=world.owner)
    foreign = other.kpis.get()
    with pytest.raises(ValidationError, match="Choose a success measure of this use case"):
        services.side_effect_create(
            actor=world.owner,
            use_case=world.use_case,
            data={"kind": "observed", "category": "customer", "title": "Fewer calls", "kpi": foreign},
        )


# Progress and roll-ups -------------------------------------------------------------------------------


def _progress(kpi, latest, *, previous=None, latest_date=TODAY, first_date=datetime.date(2026, 1, 1)):
    return kpi_progress_of(
        kpi,
        latest=Decimal(latest),
        latest_date=latest_date,
        previous=None if previous is None else Decimal(previous),
        first_date=first_date,
        today=TODAY,
        tolerance=0.1,
    )


def test_progress_against_a_dated_target(world):
    # From 10 to 20 by the end of the year: on 30 June, about half the time has elapsed.
    kpi = _kpi(world.use_case, target_date=datetime.date(2026, 12, 31))
    kpi.created_at = timezone.make_aware(datetime.datetime(2026, 1, 1))
    assert _progress(kpi, "15").status == KpiProgress.ON_TRACK  # 50% done, 50% elapsed
    assert _progress(kpi, "14.2").status == KpiProgress.ON_TRACK  # 42%: within 10 points
    assert _progress(kpi, "13").status == KpiProgress.AT_RISK  # 30%: behind, above half
    assert _progress(kpi, "12").status == KpiProgress.OFF_TRACK  # 20%: below half of 50%
    assert _progress(kpi, "9").status == KpiProgress.OFF_TRACK  # worse than the baseline
    assert _progress(kpi, "21").status == KpiProgress.ON_TRACK  # target reached early
    assert _progress(kpi, "15").progress == pytest.approx(0.5)
    assert _progress(kpi, "15").gain == Decimal(5)


def test_progress_of_a_lower_is_better_measure_without_a_date(world):
    kpi = _kpi(world.use_case, name="Handling time", category="efficiency", direction="lower", baseline=10, target=6)
    assert _progress(kpi, "8").status == KpiProgress.ON_TRACK  # first value, on the way
    assert _progress(kpi, "8", previous="9").status == KpiProgress.ON_TRACK  # still improving
    assert _progress(kpi, "8.5", previous="8").status == KpiProgress.AT_RISK  # went back
    assert _progress(kpi, "11", previous="8").status == KpiProgress.OFF_TRACK  # worse than before
    assert _progress(kpi, "8").gain == Decimal(2)
    no_target = _kpi(world.use_case, name="Visits", category="growth", target=None)
    assert _progress(no_target, "5").status == KpiProgress.NO_DATA


def test_roll_up_per_domain_and_portfolio_with_estimated_and_realised_benefit(world):
    from portfolio.models import Portfolio, PortfolioMembership

    retail, logistics = DomainFactory(name="Retail"), DomainFactory(name="Logistics")
    a = UseCaseFactory(domain=retail, team=world.use_case.team, owner=world.owner, estimated_annual_benefit=100_000)
    b = UseCaseFactory(domain=retail, team=world.use_case.team, owner=world.owner, estimated_annual_benefit=50_000)
    c = UseCaseFactory(domain=logistics, team=world.use_case.team, owner=world.owner)
    for use_case in (a, b, c):
        advance(world, Status.SUBMITTED, use_case)
    on_time = datetime.date(2026, 1, 31)
    money = _kpi(a, name="Margin gained", category="growth", unit="EUR", is_monetary=True, baseline=0, target=100_000)
    services.kpi_measurements_record(actor=SYSTEM, kpi=money, rows=[{"date": on_time, "value": 60_000}])
    worse = _kpi(b, name="Loyal customers", baseline=10, target=20)
    services.kpi_measurements_record(actor=SYSTEM, kpi=worse, rows=[{"date": on_time, "value": 8}])
    # a and b each have the factory's growth measure (no measurement yet); c too.
    portfolio = Portfolio.objects.create(reference="PF-001", name="Retail growth")
    PortfolioMembership.objects.create(portfolio=portfolio, use_case=a)
    PortfolioMembership.objects.create(portfolio=portfolio, use_case=c)

    by_domain = {r.label: r for r in impact_rollup(by="domain", today=TODAY)}
    assert by_domain["Retail"].use_cases == 2
    assert by_domain["Retail"].kpis == 4
    assert by_domain["Retail"].by_status == {"on_track": 1, "at_risk": 0, "off_track": 1, "no_data": 2}
    assert by_domain["Retail"].by_category["growth"] == 3
    assert by_domain["Retail"].estimated_benefit == Decimal(100_000)
    assert by_domain["Retail"].realised_benefit == Decimal(60_000)
    assert by_domain["Retail"].on_track_share == 0.5
    assert by_domain["Logistics"].kpis == 1 and by_domain["Logistics"].on_track_share is None

    (in_portfolio,) = impact_rollup(by="portfolio", today=TODAY)
    assert in_portfolio.label == "PF-001 Retail growth"
    assert (in_portfolio.use_cases, in_portfolio.kpis) == (2, 3)
    assert in_portfolio.by_status["on_track"] == 1


def test_roll_up_reads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    for _ in range(5):
        use_case = UseCaseFactory(team=world.use_case.team, owner=world.owner)
        _kpi(use_case, name="Repeat")
        advance(world, Status.SUBMITTED, use_case)
    assert len(impact_rollup(by="domain")) == 5
    with django_assert_num_queries(2):
        impact_rollup(by="portfolio")
    with django_assert_num_queries(1):
        impact_rollup(by="domain")


# Side-effect reviews -------------------------------------------------------------------------------------


def test_live_use_cases_with_stale_side_effect_reviews_are_listed_and_reminded(world):
    use_case = world.use_case
    advance(world, Status.IN_DELIVERY, use_case)
    side_effect = use_case.side_effects.get()
    today = timezone.localdate()
    SideEffect.objects.filter(pk=side_effect.pk).update(last_reviewed_on=today - datetime.timedelta(days=120))
    fresh = UseCaseFactory(team=use_case.team, owner=world.owner)
    advance(world, Status.IN_DELIVERY, fresh)
    SideEffect.objects.filter(use_case=fresh).update(last_reviewed_on=today - datetime.timedelta(days=10))

    assert [(u.pk, last) for u, last in use_cases_with_stale_side_effects(days=90)] == [
        (use_case.pk, today - datetime.timedelta(days=120))
    ]
    sent = services.notifications_remind_stale_side_effects(days=90)
    recipients = {n.recipient.username for n in sent}
    assert {"owner", "team-member", "chair", "finance"} <= recipients
    assert all(n.kind == "side_effects_stale" and n.use_case_id == use_case.pk for n in sent)
    assert "more than 90 days ago" in sent[0].body
    assert services.notifications_remind_stale_side_effects(days=90) == []  # once a day
    assert Notification.objects.filter(kind="side_effects_stale").count() == len(sent)

    assert services.side_effects_mark_reviewed(actor=world.owner, use_case=use_case) == 1
    assert use_cases_with_stale_side_effects(days=90) == []
    assert AuditEvent.objects.filter(action="side_effect.reviewed", use_case_id=use_case.pk).exists()


# Foundations -----------------------------------------------------------------------------------------------


def test_each_foundation_says_what_it_unlocks_and_what_it_holds_back(world, django_assert_num_queries):
    lake = FoundationFactory(name="Customer 360", readiness=4)
    gateway = FoundationFactory(name="LLM gateway", readiness=1)
    FoundationFactory(name="Unused", readiness=3)
    team, owner = world.use_case.team, world.owner
    live = UseCaseFactory(team=team, owner=owner, estimated_annual_benefit=300_000)
    waiting = UseCaseFactory(team=team, owner=owner, estimated_annual_benefit=100_000)
    draft = UseCaseFactory(team=team, owner=owner, estimated_annual_benefit=1_000_000)
    advance(world, Status.IN_DELIVERY, live)
    advance(world, Status.SUBMITTED, waiting)
    for use_case, foundations in ((live, [lake]), (waiting, [lake, gateway]), (draft, [lake, gateway])):
        use_case.foundations.set(foundations)

    with django_assert_num_queries(3):
        ranked = foundation_impact()
    assert [r.foundation.name for r in ranked] == ["Customer 360", "LLM gateway", "Unused"]
    first, second, unused = ranked
    assert first.by_status == {Status.SUBMITTED: 1, Status.IN_DELIVERY: 1}  # the draft is not shared
    assert (first.reuse_count, first.benefit_enabled, first.held_back) == (2, Decimal(400_000), [])
    assert second.held_back == [waiting] and second.is_low_readiness
    assert (unused.reuse_count, unused.unlocked) == (0, 0)
