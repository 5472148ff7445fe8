import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.browser import CHROMIUM, CHROMIUM_ARGS, is_csp_violation

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if {"browser_page", "chromium"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def shared_data(django_db_blocker, build):
    """Build read-only data once for a whole class or module, and roll it back after.

    Use it from a class- or module-scoped fixture (`yield from shared_data(...)`). The
    data is written inside a transaction that stays open while the class or module
    runs; each test's own transaction (pytest-django's `db`) nests inside it as a
    savepoint, so whatever a test writes is rolled back before the next one starts and
    every test sees the same, freshly built data. Yield primary keys, not model
    instances: the per-test fixtures re-fetch them, so no test sees an object another
    test changed in memory. Every test in the class or module must see this data (give
    it with `usefixtures`), and none may be transactional (`transactional_db`,
    `live_server`): their database is not this transaction.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        # Wagtail caches site root paths in the cache: none may outlive the rows.
        cache.clear()


@pytest.fixture
def fresh_cache():
    """Shared data outlives a test, so must nothing a test left in the cache."""
    cache.clear()
    yield
    cache.clear()


def load_demo_site():
    from home import demo_content
    from home.models import HomePage

    with open(os.devnull, "w") as devnull:
        demo_content.load(stdout=devnull)
    return HomePage.objects.get()


@pytest.fixture
def demo_site(db):
    """The site shell from the demo-content loader: home page, content pages, users.
    (The loader is idempotent: under shared data that holds the site it only checks.)"""
    return load_demo_site()


@pytest.fixture
def login(client, django_user_model):
    """Sign the test client in as the demo user with this email address."""

    def _login(email: str):
        user = django_user_model.objects.get(email=email)
        client.force_login(user)
        return user

    return _login


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install -y chromium) or set CHROMIUM_PATH.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context_options():
    """Override in a test module to change the viewport or turn JavaScript off."""
    return {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def browser_page(chromium, live_server, browser_context_options):
    context = chromium.new_context(base_url=live_server.url, **browser_context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    csp_errors = []
    page.on(
        "console", lambda m: csp_errors.append(m.text) if is_csp_violation(m) else None
    )
    yield page
    context.close()
    # Every browser test also proves the page broke no Content-Security-Policy rule.
    assert not csp_errors, "Content-Security-Policy violations:\n" + "\n".join(
        csp_errors
    )
