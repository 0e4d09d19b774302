import pytest
from django.core.management import call_command

from core.models import AuditEvent
from domains.models import Domain, Foundation, Team, UseCase, User
from governance.demo import data
from portfolio.models import UseCaseLink

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        "users": User.objects.count(),
        "domains": Domain.objects.count(),
        "teams": Team.objects.count(),
        "foundations": Foundation.objects.count(),
        "use_cases": sorted(UseCase.objects.values_list("reference", "status", "updated_at")),
        "links": sorted(UseCaseLink.objects.values_list("source_id", "target_id", "kind", "updated_at")),
        "audit": AuditEvent.objects.count(),
    }


def test_load_demo_creates_a_realistic_organisation(capsys):
    call_command("load_demo")

    assert Domain.objects.count() >= 6
    assert Team.objects.count() >= 10
    assert Foundation.objects.count() >= 15
    assert UseCase.objects.count() >= 60
    assert UseCaseLink.objects.count() >= 80
    assert set(UseCase.objects.values_list("ambition", flat=True)) == {"optimisation", "transformation"}
    assert set(UseCase.objects.values_list("risk_tier", flat=True)) == {
        "prohibited",
        "high",
        "limited",
        "minimal",
        "not_assessed",
    }
    assert UseCase.objects.values("status").distinct().count() >= 6
    isolated = UseCase.objects.filter(outgoing_links__isnull=True, incoming_links__isnull=True)
    assert isolated.count() >= 3

    printed = capsys.readouterr().out
    chair = next(u for u in data.USERS if u["committee_role"] == "chair")
    assert chair["username"] in printed and "demo-pass-2026" in printed


def test_demo_users_can_log_in_and_the_committee_has_admin_permissions(client):
    call_command("load_demo")
    chair = next(u["username"] for u in data.USERS if u["committee_role"] == "chair")
    assert client.login(username=chair, password="demo-pass-2026")
    assert client.get("/admin/domains/usecase/").status_code == 200
    member = next(u["username"] for u in data.USERS if not u["is_staff"])
    assert User.objects.get(username=member).check_password("demo-pass-2026")


def test_running_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    before = _snapshot()

    call_command("load_demo")

    assert _snapshot() == before
    assert "nothing changed" in capsys.readouterr().out
