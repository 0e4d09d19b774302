"""API tokens are created and revoked by the committee in the admin."""

import pytest

from core.models import ApiToken, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_token_shows_the_key_once_and_stores_only_its_hash(admin_client):
    robot = UserFactory(username="tableau")

    response = admin_client.post(
        "/admin/core/apitoken/add/",
        {"name": "Tableau finance", "user": robot.pk, "rate_limit": "600/min"},
        follow=True,
    )

    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"] if "Copy its key now" in str(m)]
    assert len(shown) == 1
    key = shown[0].rsplit(" ", 1)[-1]
    assert token.matches(key) and token.key_hash != key and not token.can_write
    assert AuditEvent.objects.filter(action="api_token.created").exists()
    # the key works, once shown; the change page never shows it again
    assert admin_client.get(f"/admin/core/apitoken/{token.pk}/change/").content.decode().count(key) == 0


def test_admin_revokes_tokens_and_grants_write_explicitly(admin_client, make_token):
    bi = make_token()

    admin_client.post(
        f"/admin/core/apitoken/{bi.token.pk}/change/",
        {"name": "BI", "can_write": "on", "rate_limit": "1200/min"},
    )
    bi.token.refresh_from_db()
    assert bi.token.can_write
    admin_client.post(
        "/admin/core/apitoken/", {"action": "revoke_tokens", "_selected_action": [bi.token.pk]}, follow=True
    )

    bi.token.refresh_from_db()
    assert bi.token.revoked_at is not None
    assert bi.get("/api/v1/use-cases/").status_code == 401
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api_token.updated", "api_token.revoked"} <= actions


def test_rate_limit_must_be_well_formed(admin_client):
    response = admin_client.post(
        "/admin/core/apitoken/add/", {"name": "x", "user": UserFactory().pk, "rate_limit": "lots"}
    )
    assert response.status_code == 200
    assert "requests/period" in response.content.decode()
    assert not ApiToken.objects.exists()
