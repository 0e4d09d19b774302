"""The impact endpoints: success measures (KPIs) with their progress, the measurement push (bulk,
idempotent, all or nothing, every bad row named), the flat measurement list for BI, side effects and
their review. Who may is the services' rule; these tests ask it as the real roles."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from core.actors import SYSTEM
from core.models import AuditEvent
from domains.choices import Status
from governance import services
from governance.models import Kpi, KpiMeasurement, SideEffect
from portfolio.models import Portfolio, PortfolioMembership
from tests.api.conftest import body
from tests.factories import DomainFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def day(offset: int) -> str:
    """A day relative to today, as the API writes it (negative: in the past)."""
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def own(member, make_use_case):
    """A submitted use case of the member's team, with the factory's growth KPI (baseline 2, target 3)."""
    return make_use_case(status=Status.SUBMITTED, team=member.team)


@pytest.fixture
def kpi(own) -> Kpi:
    return own.kpis.get()


@pytest.fixture
def other_team_client(db):
    """A member of another team: sees the member's shared use cases, may change nothing of them."""
    outsider = UserFactory(username="outsider")
    TeamFactory(slug="outsiders", members=[outsider])
    return signed_in(outsider)


def push_url(kpi: Kpi) -> str:
    return f"/api/v1/kpis/{kpi.pk}/measurements/"


def push(client, kpi: Kpi, rows):
    return client.post(push_url(kpi), rows, format="json")


def kpi_body(use_case, **overrides) -> dict:
    return {
        "use_case": use_case.pk,
        "name": "Repeat purchases",
        "category": "engagement",
        "unit": "%",
        "baseline": 10,
        "target": 15,
        "direction": "higher",
        "frequency": "monthly",
        **overrides,
    }


# Success measures -----------------------------------------------------------------------------------


def test_a_team_member_adds_a_kpi_to_their_use_case(member_client, own):
    response = member_client.post("/api/v1/kpis/", kpi_body(own, owner="team-member"), format="json")

    assert response.status_code == 201, response.content
    row = response.json()
    assert row["use_case_reference"] == own.reference
    assert row["owner"] == "team-member"
    assert (row["baseline"], row["target"], row["direction"]) == (10.0, 15.0, "higher")
    assert (row["latest_value"], row["latest_date"], row["progress_status"]) == (None, None, "no_data")
    assert Kpi.objects.filter(use_case=own, name="Repeat purchases").exists()
    assert AuditEvent.objects.filter(action="kpi.created", use_case=own).count() == 1


def test_a_member_of_another_team_may_not_add_a_kpi(other_team_client, own):
    response = other_team_client.post("/api/v1/kpis/", kpi_body(own), format="json")

    assert response.status_code == 403, response.content
    assert list(own.kpis.values_list("name", flat=True)) == ["Conversion rate"]
    assert not AuditEvent.objects.filter(action="kpi.created").exists()


def test_the_committee_changes_a_kpi_and_another_team_may_not(committee_client, other_team_client, kpi):
    refused = other_team_client.patch(f"/api/v1/kpis/{kpi.pk}/", {"target": 4}, format="json")
    changed = committee_client.patch(f"/api/v1/kpis/{kpi.pk}/", {"target": 4, "owner": None}, format="json")

    assert refused.status_code == 403
    assert changed.status_code == 200, changed.content
    assert changed.json()["target"] == 4.0
    kpi.refresh_from_db()
    assert kpi.target == 4


def test_a_kpi_stays_with_its_use_case_and_its_progress_is_read_only(member_client, kpi, make_use_case, member):
    elsewhere = make_use_case(team=member.team)

    moved = member_client.patch(f"/api/v1/kpis/{kpi.pk}/", {"use_case": elsewhere.pk}, format="json")
    forced = member_client.patch(f"/api/v1/kpis/{kpi.pk}/", {"progress_status": "on_track"}, format="json")

    assert moved.status_code == 400 and "stays with the use case" in moved.json()["use_case"][0]
    assert forced.status_code == 400 and "progress_status" in forced.json()
    assert Kpi.objects.get(pk=kpi.pk).use_case_id == kpi.use_case_id


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused(member_client, own):
    response = member_client.post("/api/v1/kpis/", kpi_body(own, baseline=10, target=5), format="json")

    assert response.status_code == 400
    assert "better than the baseline" in str(response.json())


def test_the_last_kpi_beyond_efficiency_of_a_submitted_use_case_is_kept(member_client, kpi, make_use_case, member):
    draft = make_use_case(status=Status.DRAFT, team=member.team)

    kept = member_client.delete(f"/api/v1/kpis/{kpi.pk}/")
    deleted = member_client.delete(f"/api/v1/kpis/{draft.kpis.get().pk}/")

    assert kept.status_code == 400 and kept.json()["code"] == "last_outcome_kpi"
    assert Kpi.objects.filter(pk=kpi.pk).exists()
    assert deleted.status_code == 204
    assert not draft.kpis.exists()


def test_kpis_of_another_teams_draft_are_hidden_and_a_read_only_token_sees_no_draft(
    member_client, committee_client, make_token, member, make_use_case, own
):
    hidden = make_use_case(status=Status.DRAFT).kpis.get()
    own_draft = make_use_case(status=Status.DRAFT, team=member.team).kpis.get()
    bi = make_token(user=member)

    def listed(client) -> set[int]:
        return {row["id"] for row in client.get("/api/v1/kpis/", {"page_size": 100}).json()["results"]}

    assert member_client.get(f"/api/v1/kpis/{hidden.pk}/").status_code == 404
    assert member_client.get(push_url(hidden)).status_code == 404
    assert listed(member_client) == {own.kpis.get().pk, own_draft.pk}
    assert listed(committee_client) == {own.kpis.get().pk, own_draft.pk, hidden.pk}
    assert listed(bi) == {own.kpis.get().pk}


def test_kpis_filter_by_use_case_reference_category_domain_and_portfolio(committee_client, make_use_case):
    retail = DomainFactory(slug="retail")
    first, second = make_use_case(domain=retail), make_use_case()
    efficiency = services.kpi_create(
        actor=SYSTEM,
        use_case=second,
        data={"name": "Handling time", "category": "efficiency", "direction": "lower", "baseline": 8, "target": 5},
    )
    portfolio = Portfolio.objects.create(reference="PF-001", name="Retail growth")
    PortfolioMembership.objects.create(portfolio=portfolio, use_case=first)

    def ids(**params) -> list[int]:
        response = committee_client.get("/api/v1/kpis/", params)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    growth = [first.kpis.get().pk, second.kpis.get(category="growth").pk]
    assert ids(use_case=second.pk) == sorted([growth[1], efficiency.pk])
    assert ids(use_case_reference=first.reference) == [growth[0]]
    assert ids(category="efficiency") == [efficiency.pk]
    assert ids(domain="retail") == [growth[0]]
    assert ids(portfolio=portfolio.pk) == [growth[0]]
    assert committee_client.get("/api/v1/kpis/", {"category": "happiness"}).status_code == 400


# The measurement push ---------------------------------------------------------------------------------


def test_pushing_the_same_measurements_twice_leaves_one_row_per_date(member_client, member, kpi):
    rows = [{"date": day(-40), "value": 2.2}, {"date": day(-10), "value": "2.45", "note": "After the campaign"}]

    first = push(member_client, kpi, rows)
    again = push(member_client, kpi, rows)

    assert first.status_code == 200, first.content
    assert {k: first.json()[k] for k in ("created", "updated", "unchanged")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    recorded = first.json()["measurements"]
    assert [(m["date"], m["value"], m["source"], m["recorded_by"]) for m in recorded] == [
        (day(-40), 2.2, "api", member.username),
        (day(-10), 2.45, "api", member.username),
    ]
    assert again.status_code == 200
    assert {k: again.json()[k] for k in ("created", "updated", "unchanged")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }
    assert [m["id"] for m in again.json()["measurements"]] == [m["id"] for m in recorded]
    assert KpiMeasurement.objects.filter(kpi=kpi).count() == 2
    assert AuditEvent.objects.filter(action="kpi.measured").count() == 1  # the unchanged push wrote nothing


def test_a_date_pushed_again_with_another_value_is_updated_and_the_kpi_shows_its_progress(member_client, kpi):
    push(member_client, kpi, [{"date": day(-40), "value": 2.2}, {"date": day(-10), "value": 2.3}])

    response = push(member_client, kpi, [{"date": day(-10), "value": 2.6}, {"date": day(-40), "value": 2.2}])
    row = member_client.get(f"/api/v1/kpis/{kpi.pk}/").json()

    assert {k: response.json()[k] for k in ("created", "updated", "unchanged")} == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    assert KpiMeasurement.objects.get(kpi=kpi, date=day(-10)).value == Decimal("2.6")
    # baseline 2, target 3, no target date: 60% of the way, and better than the measurement before.
    assert (row["latest_value"], row["latest_date"], row["previous_value"]) == (2.6, day(-10), 2.2)
    assert (row["first_measured_on"], row["progress_status"], row["progress"]) == (day(-40), "on_track", 0.6)
    assert row["gain"] == 0.6


def test_a_push_with_three_bad_rows_names_each_row_and_field_and_writes_nothing(member_client, kpi):
    events = AuditEvent.objects.count()
    rows = [
        {"date": day(-3), "value": 2.1},
        {"date": day(1), "value": 2.2},  # tomorrow
        {"date": day(-2), "value": "a lot"},
        {"date": day(-3), "value": 2.3},  # the date of row 1 again
    ]

    response = push(member_client, kpi, rows)

    assert response.status_code == 400, response.content
    refused = response.json()
    assert refused["code"] == "invalid_rows"
    assert [(e["row"], e["field"]) for e in refused["errors"]] == [(2, "date"), (3, "value"), (4, "date")]
    messages = [e["message"] for e in refused["errors"]]
    assert "in the future" in messages[0] and "Not a number" in messages[1] and "row 1" in messages[2]
    assert "3 row(s) refused, nothing recorded" in refused["detail"]
    assert not KpiMeasurement.objects.filter(kpi=kpi).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"date": day(1), "value": 1}, "date", "in the future"),
        ({"date": day(-1), "value": "twelve"}, "value", "Not a number"),
        ({"date": day(-1), "value": True}, "value", "A value is required"),
        ({"date": day(-1)}, "value", "A value is required"),
        ({"value": 1}, "date", "A date is required"),
        ({"date": "31/01/2026", "value": 1}, "date", "Not a date"),
        # The service would read these; the API takes what its schema says (YYYY-MM-DD, plain digits).
        ({"date": "20260131", "value": 1}, "date", "Not a date"),
        ({"date": day(-1), "value": "1e3"}, "value", "Not a number"),
        ({"date": day(-1), "value": 10**15}, "value", "Too large"),
        ({"date": day(-1), "value": 1, "unit": "%"}, "unit", "Unknown field"),
        ({"date": day(-1), "value": 1, "note": "x" * 501}, "note", "At most 500 characters"),
        ("2026-01-31,12", "row", "Each row is an object"),
    ],
    ids=[
        "future date",
        "non-numeric value",
        "boolean value",
        "no value",
        "no date",
        "date not ISO",
        "date without dashes",
        "value with an exponent",
        "value too large",
        "unknown field",
        "note too long",
        "row not an object",
    ],
)
def test_a_bad_row_is_named_with_its_field(member_client, kpi, row, field, words):
    response = push(member_client, kpi, [{"date": day(-5), "value": 2}, row])

    assert response.status_code == 400, response.content
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, field)]
    assert words in response.json()["errors"][0]["message"]
    assert not KpiMeasurement.objects.filter(kpi=kpi).exists()


def test_a_push_of_1000_rows_is_taken_and_one_of_1001_refused(member_client, kpi):
    rows = [{"date": day(-n), "value": n} for n in range(1, 1002)]

    refused = push(member_client, kpi, rows)
    taken = push(member_client, kpi, rows[:1000])

    assert refused.status_code == 400
    assert "At most 1000" in refused.json()["non_field_errors"][0]
    assert taken.status_code == 200, taken.content[:300]
    assert taken.json()["created"] == 1000
    assert KpiMeasurement.objects.filter(kpi=kpi).count() == 1000


@pytest.mark.parametrize("sent", [[], {"measurements": [{"date": "2026-01-01", "value": 1}]}, "12"])
def test_a_push_that_is_not_a_list_of_rows_is_refused(member_client, kpi, sent):
    response = push(member_client, kpi, sent)

    assert response.status_code == 400, response.content
    assert "array" in str(response.json()) or response.json()["code"] == "empty"
    assert not KpiMeasurement.objects.exists()


def test_a_read_only_token_may_not_push_and_a_write_token_may(make_token, member, kpi):
    reader, writer = make_token(user=member), make_token(user=member, can_write=True)
    rows = [{"date": day(-1), "value": 2.5}]

    refused = push(reader, kpi, rows)
    taken = push(writer, kpi, rows)

    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert taken.status_code == 200, taken.content
    assert KpiMeasurement.objects.filter(kpi=kpi).count() == 1


def test_the_kpi_owner_and_a_data_team_account_push_and_another_team_may_not(other_team_client, kpi):
    owner, robot = UserFactory(username="kpi-owner"), UserFactory(username="data-robot")
    Kpi.objects.filter(pk=kpi.pk).update(owner=owner)
    robot.user_permissions.add(Permission.objects.get(codename="push_kpi_measurements"))

    refused = push(other_team_client, kpi, [{"date": day(-3), "value": 2.1}])
    by_owner = push(signed_in(owner), kpi, [{"date": day(-2), "value": 2.2}])
    by_robot = push(signed_in(robot), kpi, [{"date": day(-1), "value": 2.3}])

    assert refused.status_code == 403
    assert (by_owner.status_code, by_robot.status_code) == (200, 200)
    assert sorted(KpiMeasurement.objects.filter(kpi=kpi).values_list("recorded_by__username", flat=True)) == [
        "data-robot",
        "kpi-owner",
    ]


# Reading measurements --------------------------------------------------------------------------------


@pytest.fixture
def measured(kpi, own, make_use_case):
    """Three measurements of the member's KPI, and one of another use case's."""
    services.kpi_measurements_record(
        actor=SYSTEM,
        kpi=kpi,
        rows=[{"date": day(-30), "value": 2.1}, {"date": day(-20), "value": 2.2}, {"date": day(-10), "value": 2.4}],
    )
    other = make_use_case().kpis.get()
    services.kpi_measurements_record(actor=SYSTEM, kpi=other, rows=[{"date": day(-20), "value": 5}])
    return kpi, other


def test_a_kpis_measurements_are_listed_newest_first_and_as_csv(member_client, measured):
    kpi, _other = measured

    page = member_client.get(push_url(kpi))
    exported = member_client.get(push_url(kpi), {"format": "csv"})

    assert page.status_code == 200
    assert [(m["date"], m["value"]) for m in page.json()["results"]] == [
        (day(-10), 2.4),
        (day(-20), 2.2),
        (day(-30), 2.1),
    ]
    assert page.json()["count"] == 3
    lines = list(csv.DictReader(io.StringIO(body(exported).decode())))
    assert sorted(line["date"] for line in lines) == [day(-30), day(-20), day(-10)]
    assert list(lines[0]) == list(page.json()["results"][0])
    refused = member_client.get(push_url(kpi), {"date_from": day(-20)})
    assert refused.status_code == 400 and "date_from" in refused.json()


def test_the_flat_measurement_list_filters_by_kpi_use_case_and_dates(committee_client, measured, own):
    kpi, other = measured

    def dates(**params) -> list[str]:
        response = committee_client.get("/api/v1/kpi-measurements/", params)
        assert response.status_code == 200, response.content
        return sorted(row["date"] for row in response.json()["results"])

    assert dates(kpi=kpi.pk) == [day(-30), day(-20), day(-10)]
    assert dates(use_case=own.pk, date_from=day(-25), date_to=day(-10)) == [day(-20), day(-10)]
    assert dates(kpi=other.pk) == [day(-20)]
    row = committee_client.get("/api/v1/kpi-measurements/", {"kpi": other.pk}).json()["results"][0]
    assert (row["kpi_name"], row["category"], row["use_case"], row["value"]) == (
        "Conversion rate",
        "growth",
        other.use_case_id,
        5.0,
    )


def test_the_kpi_list_as_csv_carries_the_progress_columns_of_the_json(committee_client, measured):
    kpi, _other = measured

    json_row = next(row for row in committee_client.get("/api/v1/kpis/").json()["results"] if row["id"] == kpi.pk)
    response = committee_client.get("/api/v1/kpis/", {"format": "csv"})
    csv_row = next(row for row in csv.DictReader(io.StringIO(body(response).decode())) if row["id"] == str(kpi.pk))

    assert list(csv_row) == list(json_row)
    assert csv_row["progress_status"] == json_row["progress_status"] == "on_track"
    assert float(csv_row["latest_value"]) == json_row["latest_value"] == 2.4


# Side effects --------------------------------------------------------------------------------------------


def side_effect_body(use_case, **overrides) -> dict:
    return {
        "use_case": use_case.pk,
        "category": "workforce",
        "title": "Agents fear the assistant replaces them",
        "likelihood": 3,
        "severity": 4,
        "mitigation": "Train every agent; no headcount target.",
        **overrides,
    }


def test_a_team_member_records_a_side_effect_and_another_team_may_not(member_client, other_team_client, own):
    refused = other_team_client.post("/api/v1/side-effects/", side_effect_body(own), format="json")
    created = member_client.post("/api/v1/side-effects/", side_effect_body(own), format="json")

    assert refused.status_code == 403
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["kind"], row["status"], row["score"]) == ("anticipated", "open", 12)
    assert row["last_reviewed_on"] == day(0)  # rated when recorded: reviewed today
    assert own.side_effects.count() == 2


def test_a_side_effect_is_changed_through_the_api_and_keeps_its_use_case(member_client, own, make_use_case, member):
    side_effect = own.side_effects.get()
    SideEffect.objects.filter(pk=side_effect.pk).update(last_reviewed_on=timezone.localdate() - timedelta(days=90))

    changed = member_client.patch(
        f"/api/v1/side-effects/{side_effect.pk}/", {"severity": 5, "status": "mitigating"}, format="json"
    )
    moved = member_client.patch(
        f"/api/v1/side-effects/{side_effect.pk}/", {"use_case": make_use_case(team=member.team).pk}, format="json"
    )
    scored = member_client.patch(f"/api/v1/side-effects/{side_effect.pk}/", {"score": 1}, format="json")

    assert changed.status_code == 200, changed.content
    assert (changed.json()["score"], changed.json()["status"], changed.json()["last_reviewed_on"]) == (
        10,
        "mitigating",
        day(0),
    )
    assert moved.status_code == 400 and "use_case" in moved.json()
    assert scored.status_code == 400 and "likelihood times the severity" in scored.json()["score"][0]
    assert SideEffect.objects.get(pk=side_effect.pk).use_case_id == own.pk


def test_an_observed_side_effect_is_tied_only_to_a_kpi_of_its_use_case(member_client, own, make_use_case, member):
    foreign = make_use_case(team=member.team).kpis.get()

    refused = member_client.post(
        "/api/v1/side-effects/", side_effect_body(own, kind="observed", kpi=foreign.pk), format="json"
    )
    tied = member_client.post(
        "/api/v1/side-effects/", side_effect_body(own, kind="observed", kpi=own.kpis.get().pk), format="json"
    )

    assert refused.status_code == 400 and "kpi" in refused.json()
    assert tied.status_code == 201, tied.content
    assert tied.json()["kpi_name"] == "Conversion rate"


def test_side_effects_filter_by_score_kind_and_status(committee_client, own):
    data = {"category": "reputation", "title": "Press calls it surveillance", "likelihood": 4, "severity": 5}
    services.side_effect_create(actor=SYSTEM, use_case=own, data={**data, "kind": "observed", "status": "mitigating"})

    def titles(**params) -> list[str]:
        response = committee_client.get("/api/v1/side-effects/", params)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles(min_score=10) == ["Press calls it surveillance"]
    assert titles(kind="anticipated") == ["Customers see fewer slots"]
    assert titles(status="open,mitigating", use_case=own.pk) == [
        "Press calls it surveillance",
        "Customers see fewer slots",
    ]
    assert committee_client.get("/api/v1/side-effects/", {"min_score": 26}).status_code == 400


def test_marking_the_side_effects_reviewed(member_client, other_team_client, own, make_use_case, member):
    SideEffect.objects.filter(use_case=own).update(last_reviewed_on=timezone.localdate() - timedelta(days=120))
    url = f"/api/v1/use-cases/{own.pk}/side-effects-reviewed/"

    refused = other_team_client.post(url, {}, format="json")
    future = member_client.post(url, {"last_reviewed_on": day(1)}, format="json")
    reviewed = member_client.post(url, format="json")
    unrated = make_use_case(team=member.team, assessed_side_effect=False)
    nothing = member_client.post(f"/api/v1/use-cases/{unrated.pk}/side-effects-reviewed/", format="json")

    assert refused.status_code == 403
    assert future.status_code == 400 and "last_reviewed_on" in future.json()
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json() == {
        "use_case": own.pk,
        "use_case_reference": own.reference,
        "reviewed": 1,
        "last_reviewed_on": day(0),
    }
    assert SideEffect.objects.get(use_case=own).last_reviewed_on == timezone.localdate()
    assert nothing.status_code == 400 and nothing.json()["code"] == "nothing_to_review"


# Query counts -------------------------------------------------------------------------------------------

# Session and user; the team member's visibility (committee membership, their and their groups'
# permissions); count (pages only); rows. Pinned so that a query per row cannot creep in.
MAX_LIST_QUERIES = 7


def test_the_impact_lists_run_the_same_queries_for_many_rows_as_for_few(
    member_client, member, make_use_case, django_assert_max_num_queries
):
    def grow(n: int) -> dict[str, int]:
        for _ in range(n):
            use_case = make_use_case(team=member.team)
            rows = [{"date": day(-d), "value": d} for d in range(1, 4)]
            services.kpi_measurements_record(actor=SYSTEM, kpi=use_case.kpis.get(), rows=rows)
        kpi = Kpi.objects.order_by("pk").first()
        paths = ["/api/v1/kpis/", "/api/v1/kpi-measurements/", "/api/v1/side-effects/", push_url(kpi)]
        counts = {}
        for path in paths:
            for params in ({"page_size": 1000}, {"pagination": "cursor", "page_size": 1000}, {"format": "csv"}):
                with CaptureQueriesContext(connection) as captured:
                    response = member_client.get(path, params)
                    assert response.status_code == 200, body(response)[:300]
                    body(response)
                counts[(path, params.get("format") or params.get("pagination", "page"))] = len(captured)
        return counts

    few = grow(2)
    many = grow(30)

    assert many == few
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        assert len(member_client.get("/api/v1/kpis/", {"page_size": 1000}).json()["results"]) == 32
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        assert len(member_client.get("/api/v1/kpi-measurements/", {"page_size": 1000}).json()["results"]) == 96
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        assert len(member_client.get("/api/v1/side-effects/", {"page_size": 1000}).json()["results"]) == 32
    # A measure's own measurements read the measure first.
    nested = {key: count for key, count in many.items() if key[0].endswith("/measurements/")}
    assert max(count for key, count in many.items() if key not in nested) <= MAX_LIST_QUERIES, many
    assert max(nested.values()) <= MAX_LIST_QUERIES + 1, nested
