import os
import shutil
import sqlite3
from collections.abc import Callable
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


# SQLite copies of the worlds transactional tests have built, by name (see `world`).
_WORLDS: dict[str, sqlite3.Connection] = {}


def world(name: str, build: Callable[[], object]) -> None:
    """Build a transactional test's data, or put back the copy taken when an earlier test
    built the world of this name.

    A transactional test (a live server, a browser) cannot share data the way `shared_data`
    does: the database is emptied after each one, so each rebuilds its world through the
    services, Wagtail's page tree, reference index and search index included, which is most
    of what a browser test costs. On SQLite's in-memory test database the first build is
    copied with SQLite's online backup and the next test of the same world is given that
    copy back, byte for byte, in milliseconds. `build` must start from the empty database
    every transactional test starts from, and the name must say everything it builds:
    tests that share a name share the data. On PostgreSQL every test builds its own.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    connection.ensure_connection()
    copyable = (
        connection.vendor == "sqlite"
        and connection.is_in_memory_db()
        and not connection.in_atomic_block
    )
    if copyable and name in _WORLDS:
        _WORLDS[name].backup(connection.connection)
        # What Python remembers of the rows the copy replaced: content type ids (the
        # emptied database's post-migrate signal numbered them afresh) and Wagtail's
        # cached site root paths.
        ContentType.objects.clear_cache()
        cache.clear()
        return
    build()
    if copyable:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _WORLDS[name] = copy


def demo_world(*loaders: str) -> None:
    """The demo site shell and then the named apps' demo content, in this order, as a
    `world` for transactional tests: `demo_world("challenges", "pilots")`."""
    from importlib import import_module

    def build():
        load_demo_site()
        with open(os.devnull, "w") as devnull:
            for app in loaders:
                import_module(f"{app}.demo_content").load(stdout=devnull)

    world("demo:" + "+".join(loaders), build)


@pytest.fixture
def demo_site(db):
    """The site shell from the demo-content loader: home page, content pages, users.
    (The loader is idempotent: under shared data that holds the site it only checks.)"""
    from home.models import HomePage

    demo_world()
    return HomePage.objects.get()


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
