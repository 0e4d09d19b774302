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


@pytest.fixture
def committee_admin(client):
    """Log a person into the admin the way the committee works there: staff, in the committee's group
    with its permissions, never a superuser. Returns the logged-in client."""
    from django.contrib.auth.models import Group

    from governance.selectors import COMMITTEE_ADMIN_GROUP, committee_admin_permissions

    def login(user):
        group, created = Group.objects.get_or_create(name=COMMITTEE_ADMIN_GROUP)
        if created:
            group.permissions.set(committee_admin_permissions())
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(group)
        client.force_login(user)
        return client

    return login
