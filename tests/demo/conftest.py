import shutil

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


@pytest.fixture
def broken_data(tmp_path, monkeypatch):
    """A copy of the data files to spoil, read by the loader instead of the real ones."""
    from demo import fixtures

    copy = tmp_path / "data"
    shutil.copytree(fixtures.DATA_DIR, copy)
    monkeypatch.setattr(fixtures, "DATA_DIR", copy)
    return copy


def spoil(path, old: str, new: str) -> None:
    """Replace the first `old` in the file at `path` (which must hold it)."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
