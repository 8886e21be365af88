"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
from io import StringIO
from pathlib import Path

import pytest

from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; the ORM calls our
# fixtures make there are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        message = f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab with its own cookies, phone-sized when asked."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def audit_log_emptied_after_each_test(transactional_db):
    """The test runner empties every table after a browser test. On SQLite it does so
    with DELETE, which the audit log's append-only triggers refuse, so they are lifted
    for that clean-up and put back for the next test. (PostgreSQL empties tables with
    TRUNCATE, which the triggers leave alone.)"""
    from django.db import connection

    from moderation import db_triggers

    with connection.schema_editor() as editor:
        db_triggers.drop(None, editor)
        db_triggers.create(None, editor)
    yield
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            db_triggers.drop(None, editor)


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The live server's address, with the demo content loaded."""
    call_command("seed_demo", stdout=StringIO())
    call_command("update_index", stdout=StringIO())
    return live_server.url
