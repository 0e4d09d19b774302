import pytest
from django.db import connection

from tests.factories import UserFactory


@pytest.fixture
def postgres_only():
    """For behaviour that lives in PostgreSQL (triggers, row locks, roles). CI runs on PostgreSQL;
    on the embedded SQLite default these tests are skipped with this reason."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): triggers, row locks, roles and views live there")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="committee-staff", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


# The committee and the people around one use case (tests/governance/conftest.py), for every package.
from tests.governance.conftest import world  # noqa: E402, F401
