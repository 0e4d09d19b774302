"""The demo organisation: loaded from its data files through the product's own services, with a
history over the last 18 months, and idempotent. Loaded once per test session (tests/demo/conftest.py)."""

import datetime

import pytest
import yaml
from django.core.management import call_command
from django.http import HttpRequest
from django.utils import timezone

from core.models import AuditEvent
from demo import fixtures
from demo.fixtures import DemoDataError
from domains.models import BusinessFunction, Domain, Foundation, Team, UseCase, User
from governance.models import Decision, Kpi, KpiMeasurement, Meeting, ReviewRound, SideEffect
from governance.selectors import round_quorum
from portfolio.models import UseCaseLink
from tests.demo.conftest import spoil

pytestmark = pytest.mark.django_db

DATA = fixtures.DATA_DIR


def _rows(name):
    return yaml.safe_load((DATA / name).read_text())


def test_the_demo_is_a_realistic_organisation(demo):
    assert (Domain.objects.count(), Team.objects.count(), Foundation.objects.count()) == (7, 12, 17)
    assert UseCase.objects.count() == len(_rows("use_cases.yaml")) == 67
    assert UseCaseLink.objects.count() == len(_rows("links.yaml")) == 103
    assert set(UseCase.objects.values_list("ambition", flat=True)) == {"optimisation", "transformation"}
    want = {"demo:" + row["key"]: row["status"] for row in _rows("use_cases.yaml")}
    assert dict(UseCase.objects.values_list("external_id", "status")) == want
    isolated = UseCase.objects.filter(outgoing_links__isnull=True, incoming_links__isnull=True)
    assert isolated.count() >= 3


def test_every_state_was_reached_through_the_workflow(demo):
    for use_case in UseCase.objects.exclude(status="draft"):
        moves = list(
            AuditEvent.objects.filter(use_case=use_case, action__startswith="workflow.")
            .order_by("created_at", "id")
            .values_list("data", flat=True)
        )
        assert moves, use_case
        assert moves[0]["from"] == "draft" and moves[-1]["to"] == use_case.status, use_case
        assert all(a["to"] == b["from"] for a, b in zip(moves, moves[1:], strict=False)), use_case


def test_decisions_rest_on_a_quorum_of_other_teams_members(demo):
    decisions = Decision.objects.select_related("round__committee", "use_case").prefetch_related("votes__voter")
    assert decisions.count() >= 30
    for decision in decisions:
        committee = decision.round.committee
        votes = [v for v in decision.votes.all() if v.choice != "abstain"]
        assert len(votes) >= committee.quorum_votes
        assert len({v.function_id for v in votes}) >= committee.quorum_functions
        team = set(decision.use_case.team.members.values_list("pk", flat=True))
        assert not {v.voter_id for v in votes} & team, decision.use_case
        assert decision.use_case.risk_tier != "not_assessed"


def test_the_history_spreads_over_the_last_18_months(demo):
    now = timezone.now()
    created = sorted(UseCase.objects.values_list("created_at", flat=True))
    assert now - datetime.timedelta(days=575) <= created[0] <= now - datetime.timedelta(days=365)
    assert created[-1] <= now
    months = {d.strftime("%Y-%m") for d in Decision.objects.values_list("created_at", flat=True)}
    assert len(months) >= 10
    in_review = UseCase.objects.filter(status="in_review")
    assert ReviewRound.objects.filter(use_case__in=in_review, closed_at__isnull=True).count() == in_review.count()
    assert Meeting.objects.filter(date__gt=timezone.localdate()).count() == 1


def test_quorums_of_use_cases_in_review_can_still_be_met_by_the_members_not_yet_voted(demo):
    for review_round in ReviewRound.objects.filter(closed_at__isnull=True).select_related("committee"):
        quorum = round_quorum(review_round=review_round)
        # Each function not yet voted is a member who may still vote (one member per function).
        assert quorum.functions_missing <= len(quorum.functions_not_voted), review_round
        assert quorum.votes_missing <= len(quorum.functions_not_voted), review_round


def test_demo_users_log_in_and_the_committee_works_in_the_admin(demo, client):
    people = _rows("organisation.yaml")["people"]
    chair = next(p["username"] for p in people if p.get("committee_role") == "chair")
    member = next(p["username"] for p in people if not p.get("committee_role"))
    assert client.login(request=HttpRequest(), username=chair, password="demo-pass-2026")
    assert client.get("/admin/domains/usecase/").status_code == 200
    assert User.objects.get(username=member).check_password("demo-pass-2026")
    assert not User.objects.filter(is_superuser=True).exists()


def _snapshot() -> dict:
    return {
        "users": User.objects.count(),
        "use_cases": sorted(UseCase.objects.values_list("reference", "status", "updated_at")),
        "links": sorted(UseCaseLink.objects.values_list("source_id", "target_id", "kind", "updated_at")),
        "audit": AuditEvent.objects.count(),
        "decisions": Decision.objects.count(),
        "meetings": Meeting.objects.count(),
        "kpis": sorted(Kpi.objects.values_list("use_case_id", "name", "updated_at")),
        "measurements": sorted(KpiMeasurement.objects.values_list("kpi_id", "date", "value", "updated_at")),
        "side_effects": sorted(
            SideEffect.objects.values_list("use_case_id", "title", "last_reviewed_on", "updated_at")
        ),
    }


def test_loading_again_changes_nothing(demo, capsys):
    before = _snapshot()

    call_command("load_demo")

    assert _snapshot() == before
    printed = capsys.readouterr().out
    assert "nothing changed" in printed and "marc.dubois" in printed and "demo-pass-2026" in printed


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "use_cases.yaml",
            "status: in_delivery",
            "status: piloting",
            "care-agent-assist: status 'piloting' is not one of",
        ),
        ("use_cases.yaml", "risk_tier: limited", "risk_tier: limitted", "risk_tier 'limitted' is not one of"),
        ("use_cases.yaml", "owner: manon.blanc", "owner: nobody", "owner 'nobody' names no person"),
        (
            "links.yaml",
            "kind: shares_data",
            "kind: shares_everything",
            "link 1: kind 'shares_everything' is not one of",
        ),
        ("foundations.yaml", "  kind: data_source", "  kind: lake", "foundations.yaml, customer-360: kind 'lake'"),
        ("organisation.yaml", "committee_role: secretary", "committee_role: clerk", "committee_role 'clerk'"),
    ],
)
def test_a_wrong_value_in_the_files_fails_loudly_naming_where(broken_data, file, old, new, message):
    spoil(broken_data / file, old, new)
    functions = set(BusinessFunction.objects.values_list("slug", flat=True))

    with pytest.raises(DemoDataError) as excinfo:
        fixtures.load(functions)

    assert message in str(excinfo.value)
