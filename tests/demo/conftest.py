import pytest


@pytest.fixture(scope="package")
def _demo_organisation(django_db_setup, django_db_blocker):
    """The demo organisation, loaded once for this package (every test that reads the demo lives
    here: once per test session) in a transaction rolled back after the package; each test runs in a
    savepoint inside it (as Django's setUpTestData), so a test that writes leaves nothing behind."""
    from django.db import transaction

    from demo.loader import load_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_organisation, db):
    """The demo organisation, for tests that read it (loaded once: see above)."""
