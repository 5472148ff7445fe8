"""Ten people saving at the same moment on SQLite: every write lands, none fails with
"database is locked" (9 of 10 concurrent submits did before the database OPTIONS in
lab_site/settings/base.py).

Each thread has its own connection to one SQLite file, opened with the project's
settings, and runs the pattern that fails under SQLite's default (DEFERRED)
transactions: read, then write, inside one transaction, all starting together. The
same run with DEFERRED shows the test can tell the difference.
"""

import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

PEOPLE = 10


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A database of its own, outside the test database and its transaction."""
    default = connections["default"]
    if default.vendor != "sqlite":
        pytest.skip("SQLite's file locking only: PostgreSQL locks rows")
    settings = {**default.settings_dict, "NAME": str(tmp_path / "concurrency.sqlite3")}
    settings["OPTIONS"] = dict(settings["OPTIONS"])
    with django_db_blocker.unblock():
        yield settings
    # Forget this thread's connection object too: the next test has another file.
    if "concurrency" in connections.settings:
        del connections["concurrency"]
        del connections.settings["concurrency"]


def _submit_together(settings) -> tuple[list[Exception], int, str]:
    connections.settings["concurrency"] = settings
    with connections["concurrency"].cursor() as cursor:
        cursor.execute("CREATE TABLE entry (n integer)")
    connections["concurrency"].close()
    errors: list[Exception] = []
    start = threading.Barrier(PEOPLE)

    def submit():
        try:
            start.wait()
            with (
                transaction.atomic(using="concurrency"),
                connections["concurrency"].cursor() as cursor,
            ):
                cursor.execute("SELECT count(*) FROM entry")
                seen = cursor.fetchone()[0]
                time.sleep(0.05)
                cursor.execute("INSERT INTO entry (n) VALUES (%s)", [seen])
        except OperationalError as error:
            errors.append(error)
        finally:
            connections["concurrency"].close()

    threads = [threading.Thread(target=submit) for _ in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connections["concurrency"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM entry")
        saved = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    connections["concurrency"].close()
    return errors, saved, mode


class ConcurrentWriteTests:
    def test_every_concurrent_write_waits_its_turn_and_lands(self, sqlite_file):
        errors, saved, mode = _submit_together(sqlite_file)
        assert errors == []
        assert saved == PEOPLE
        assert mode == "wal"

    def test_deferred_transactions_would_fail(self, sqlite_file):
        sqlite_file["OPTIONS"]["transaction_mode"] = "DEFERRED"
        errors, saved, _ = _submit_together(sqlite_file)
        assert errors and all("locked" in str(error) for error in errors)
        assert saved == PEOPLE - len(errors)
