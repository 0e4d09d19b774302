"""Headless Chromium (the Debian package) driven by Playwright against pytest-django's live
server. Playwright cannot download its own browser here, so it launches /usr/bin/chromium.

Screenshots go to $ARTIFACTS_DIR/screenshots (default: artifacts/screenshots in the project),
which CI keeps with its output."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last. A live-server test is transactional: it leaves the database flushed
    (the business functions a data migration seeds are gone too) for whatever runs after it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    """What migrations leave in a fresh database, back after an earlier transactional test's flush:
    content types and permissions (post_migrate; the cached ids may point at deleted rows) and the
    business functions a data migration seeds."""
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    seed = importlib.import_module("domains.migrations.0002_business_functions")
    seed.create_functions(apps, None)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    root = Path(os.environ.get("ARTIFACTS_DIR") or Path(__file__).resolve().parents[2] / "artifacts")
    folder = root / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def chromium():
    executable = chromium_path()
    if executable is None:
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls run in
    # its own thread, and the test's factory calls are plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a fresh browser context (own cookies) at a given size; all closed after the test."""
    contexts = []

    def open_page(viewport=LAPTOP, locale="en-GB"):
        context = chromium.new_context(viewport=viewport, locale=locale, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shot(screenshot_dir):
    """shot(page, "03-form") writes a full-page PNG and returns its path."""

    def take(page, name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        # A full-page picture would draw the sticky bars where the window happens to be scrolled;
        # for the picture only, they sit in the flow (the header on top, the form's buttons below).
        page.evaluate(
            """() => { const style = document.createElement("style"); style.id = "screenshot-flow";
            style.textContent = ".site-header, .form-actions { position: static !important; }";
            document.head.appendChild(style); window.scrollTo(0, 0); }"""
        )
        page.screenshot(path=str(path), full_page=True)
        page.evaluate("() => document.getElementById('screenshot-flow').remove()")
        return path

    return take
