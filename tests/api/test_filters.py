"""Filters on every list, the incremental range, and the empty shape."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from domains.choices import Ambition, RiskTier, Status
from domains.models import UseCase
from domains.services import use_case_update
from portfolio.models import UseCaseLink
from tests.api.conftest import body, router_lists
from tests.factories import DomainFactory, FoundationFactory, TeamFactory, UseCaseLinkFactory, function, import_run

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


def test_use_cases_filter_by_domain_team_status_ambition_and_risk_tier(committee_client, make_use_case):
    retail, finance_domain = DomainFactory(slug="retail"), DomainFactory(slug="finance-domain")
    pricing = TeamFactory(slug="pricing")
    a = make_use_case(domain=retail, team=pricing, ambition=Ambition.OPTIMISATION, risk_tier=RiskTier.HIGH)
    b = make_use_case(domain=retail, status=Status.APPROVED, ambition=Ambition.TRANSFORMATION)
    c = make_use_case(domain=finance_domain, status=Status.IN_REVIEW, risk_tier=RiskTier.HIGH)

    get = committee_client.get
    assert refs(get("/api/v1/use-cases/", {"domain": "retail"})) == sorted([a.reference, b.reference])
    assert refs(get("/api/v1/use-cases/", {"domain": "retail,finance-domain"})) == sorted(
        [a.reference, b.reference, c.reference]
    )
    assert refs(get("/api/v1/use-cases/", {"team": "pricing"})) == [a.reference]
    assert refs(get("/api/v1/use-cases/", {"status": "approved,in_review"})) == sorted([b.reference, c.reference])
    assert refs(get("/api/v1/use-cases/", {"ambition": "optimisation"})) == [a.reference]
    assert refs(get("/api/v1/use-cases/", {"risk_tier": "high", "domain": "retail"})) == [a.reference]


def test_function_filter_matches_any_function_involved_without_repeating_a_row(committee_client, make_use_case):
    both = make_use_case(functions=[function("hr"), function("finance")])
    hr_only = make_use_case(functions=[function("hr")])
    make_use_case(functions=[function("legal-compliance")])

    response = committee_client.get("/api/v1/use-cases/", {"function": "hr,finance"})

    assert refs(response) == sorted([both.reference, hr_only.reference])
    assert response.json()["count"] == 2


def test_unknown_filter_value_is_a_400_naming_the_filter(committee_client):
    response = committee_client.get("/api/v1/use-cases/", {"status": "launched", "updated_since": "yesterday"})

    assert response.status_code == 400
    assert set(response.json()) == {"status", "updated_since"}
    assert "launched" in response.json()["status"][0]


def test_updated_since_is_inclusive_and_updated_before_exclusive(committee_client, make_use_case):
    t0 = timezone.now().replace(microsecond=0) - timedelta(days=10)
    rows = [make_use_case() for _ in range(4)]
    for day, use_case in enumerate(rows):
        UseCase.objects.filter(pk=use_case.pk).update(updated_at=t0 + timedelta(days=day))

    def window(**params):
        return refs(committee_client.get("/api/v1/use-cases/", {k: v.isoformat() for k, v in params.items()}))

    assert window(updated_since=t0 + timedelta(days=1)) == sorted(r.reference for r in rows[1:])
    assert window(updated_before=t0 + timedelta(days=1)) == [rows[0].reference]
    # Power BI's RangeStart/RangeEnd partitions: adjacent windows cover every row exactly once.
    first = window(updated_since=t0, updated_before=t0 + timedelta(days=2))
    second = window(updated_since=t0 + timedelta(days=2), updated_before=t0 + timedelta(days=4))
    assert sorted(first + second) == sorted(r.reference for r in rows)
    assert not set(first) & set(second)


@pytest.mark.parametrize("path", [path for path, _viewset in router_lists()])
def test_every_list_takes_the_incremental_range_and_keeps_its_shape_when_empty(
    world, committee_client, make_use_case, path
):
    # `world` first: its committee, created first, is the one that reviews every use case.
    from governance import services
    from tests.governance.conftest import advance

    use_case = make_use_case()
    UseCaseLinkFactory(source=use_case, target=make_use_case())
    FoundationFactory()
    use_case_update(actor=world.secretary, use_case=use_case, data={"title": "Renamed"})  # an audit event
    # A row in every record of the committee: a decision (round, votes), a change request, a meeting.
    advance(world, "approved")
    advance(world, "changes_requested", use_case=make_use_case(status="draft", team=world.use_case.team))
    advance(world, "in_review", use_case=make_use_case(status="draft", team=world.use_case.team))
    services.meeting_prepare_next(
        actor=world.secretary, committee=world.committee, date=timezone.localdate() + timedelta(days=2)
    )
    # A portfolio and its members, from a run over the one link (a group of two).
    from portfolio import services as portfolio_services

    run = portfolio_services.clustering_run_create(actor=world.chair, dispatch=False, min_size=2)
    assert portfolio_services.clustering_run_execute(run_id=run.pk).portfolio_count == 1
    # A measurement of the use case's success measure (the factory gives it one).
    services.kpi_measurements_record(
        actor=world.secretary, kpi=use_case.kpis.first(), rows=[{"date": timezone.localdate(), "value": 2.5}]
    )
    import_run()  # an import the committee previewed
    future = (timezone.now() + timedelta(days=1)).isoformat()

    full = committee_client.get(path)
    empty = committee_client.get(path, {"updated_since": future})
    empty_cursor = committee_client.get(path, {"updated_since": future, "pagination": "cursor"})
    empty_csv = committee_client.get(path, {"updated_since": future, "format": "csv"})

    assert full.status_code == 200
    assert full.json()["count"] >= 1
    assert empty.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert empty_cursor.json() == {"next": None, "results": []}
    full_header = next(csv.reader(io.StringIO(body(committee_client.get(path, {"format": "csv"})).decode())))
    assert body(empty_csv).decode().splitlines() == [",".join(full_header)]


def test_links_filter_by_either_end(committee_client, make_use_case):
    retail = DomainFactory(slug="retail")
    a, b, c = make_use_case(domain=retail), make_use_case(), make_use_case()
    ab = UseCaseLinkFactory(source=a, target=b, kind=UseCaseLink.Kind.DEPENDS_ON)
    bc = UseCaseLinkFactory(source=b, target=c)

    def ids(**params):
        response = committee_client.get("/api/v1/links/", params)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(domain="retail") == [ab.pk]
    assert ids(use_case=b.pk) == sorted([ab.pk, bc.pk])
    assert ids(kind="depends_on") == [ab.pk]
    assert ids(team=c.team.slug) == [bc.pk]
