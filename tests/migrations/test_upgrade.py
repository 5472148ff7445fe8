"""Upgrade test: a database at the baseline schema, demo content in, migrates to the
newest migrations without losing a row.

The baseline is the committed fixture in fixtures/baseline/ (README.md says how it was
made). For one class of tests, a new empty database (a SQLite file, or a PostgreSQL
database next to the test database) is migrated only to the recorded migration nodes;
the recorded rows are loaded into it through the models of that migration state (not
today's, which may have moved); then every migration since runs, and each table must
still hold the recorded number of rows, and a few rows must be exactly as they were.
Each challenge's judging state, once a page field, must be in its Judging row; then the
run goes back past that move and forward again (see `_judging_state_round_trip`).

The migrations run through Django's MigrationExecutor, as `manage.py migrate` runs them
but without its post_migrate step (which adds the permissions and content types of new
models, and would change those tables' counts for a reason that is not a migration's).

The test database that the other tests share is never touched: Wagtail's data migrations
write to the default database whatever connection runs them, so the new database takes
the default alias's place for the run and the test database is put back afterwards.
"""

import copy
import gzip
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchVector
from django.core.management.color import no_style
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import TextField, Value
from django.db.utils import load_backend

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "baseline"

# A model moved to another app keeps its rows, and its table too if the move keeps the
# table's name; one that renames its table is listed here, old name: new name.
TABLE_RENAMES: dict[str, str] = {}

# Wagtail's search index has a SQLite-only model (its FTS5 table); on PostgreSQL the index
# lives in tsvector columns of wagtailsearch_indexentry instead.
SQLITE_ONLY_MODELS = {"wagtailsearch.sqliteftsindexentry"}
SQLITE_ONLY_TABLES = {"wagtailsearch_indexentry_fts"}
POSTGRES_TSVECTOR_FIELDS = {
    "wagtailsearch.indexentry": ("title", "body", "autocomplete")
}


def _read_fixture() -> tuple[dict, dict[str, int], list[dict]]:
    migrations = json.loads((FIXTURE / "migrations.json").read_text())
    counts = json.loads((FIXTURE / "row_counts.json").read_text())
    with gzip.open(FIXTURE / "data.json.gz", "rt", encoding="utf-8") as data:
        objects = json.load(data)
    return migrations, counts, objects


class _HistoricalDeserializer(PythonDeserializer):
    """Django's loaddata deserializer, taking models from a migration state's registry."""

    def __init__(self, objects, *, apps, using):
        super().__init__(objects, using=using)
        self.apps = apps

    def _get_model_from_node(self, model_identifier):
        return self.apps.get_model(model_identifier)


def _model_tables(apps) -> list[str]:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in tables:
            tables.append(meta.db_table)
    return tables


def _count(connection, tables) -> dict[str, int | None]:
    """Rows per table, with SQL; None for a table the database does not have."""
    existing = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                counts[table] = None
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _rows(connection, table: str, columns: str) -> set[tuple] | None:
    """The rows of a baseline table (under its new name, if it has one), with SQL;
    None if the database has no such table."""
    table = TABLE_RENAMES.get(table, table)
    if table not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return {tuple(row) for row in cursor.fetchall()}


def _challenge_pages(connection) -> set[tuple] | None:
    ids = _rows(connection, "challenges_challengepage", "page_ptr_id")
    pages = _rows(connection, "wagtailcore_page", "id, title, slug, url_path")
    if ids is None or pages is None:
        return None
    return {page for page in pages if (page[0],) in ids}


def _load(connection, apps, objects: list[dict]) -> None:
    """Replace every row with the fixture's, as loaddata would, in one transaction."""
    alias = connection.alias
    tables = sorted(
        set(_model_tables(apps)) & set(connection.introspection.table_names())
    )
    tsvector_fields = (
        POSTGRES_TSVECTOR_FIELDS if connection.vendor == "postgresql" else {}
    )
    with transaction.atomic(using=alias):
        # The migrations' own rows (Wagtail's root page, default site, groups...) go:
        # the fixture holds them as the baseline database had them.
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
        )
        with connection.constraint_checks_disabled():
            for deserialized in _HistoricalDeserializer(
                objects, apps=apps, using=alias
            ):
                instance = deserialized.object
                for field in tsvector_fields.get(instance._meta.label_lower, ()):
                    text = getattr(instance, field)
                    setattr(instance, field, SearchVector(Value(text, TextField())))
                deserialized.save(using=alias)
        connection.check_constraints(table_names=tables)
        models = list(apps.get_models(include_auto_created=True))
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def _pg_execute(test_db, sql: str) -> None:
    with test_db._nodb_cursor() as cursor:
        cursor.execute(sql)


@contextmanager
def _new_default_database(tmp_path_factory):
    """A new, empty database in the default alias's place; then dropped, and the test
    database back in its place."""
    test_db = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(test_db.settings_dict)
    vendor = test_db.vendor
    if vendor == "sqlite":
        folder = tmp_path_factory.mktemp("upgrade")
        settings_dict["NAME"] = str(folder / "baseline.sqlite3")
    elif vendor == "postgresql":
        settings_dict["NAME"] = f"{test_db.settings_dict['NAME']}_upgrade"
        name = test_db.ops.quote_name(settings_dict["NAME"])
        _pg_execute(test_db, f"DROP DATABASE IF EXISTS {name}")
        _pg_execute(test_db, f"CREATE DATABASE {name}")
    else:
        pytest.skip(f"the upgrade test knows SQLite and PostgreSQL, not {vendor}")
    backend = load_backend(settings_dict["ENGINE"])
    database = backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = database
    try:
        yield database
    finally:
        database.close()
        connections[DEFAULT_DB_ALIAS] = test_db
        if vendor == "postgresql":
            _pg_execute(test_db, f"DROP DATABASE IF EXISTS {name}")


# Judging's state moved from the page (ChallengePage.judging_state) to its Judging row:
# the migration before the copy, which the check below goes back to and forward from.
JUDGING_STATE_ADDED = ("challenges", "0003_judging_state")


def _judging_state_round_trip(connection, fixture_states: dict[int, str]) -> dict:
    """After the upgrade: go back to before the copy (the page field returns, filled
    from Judging), drop the Judging row of one challenge past "not started", as a
    challenge judged before judging had its own rows has none, and upgrade again (the
    copy makes that row). What each step left."""
    executor = MigrationExecutor(connection)
    executor.migrate([JUDGING_STATE_ADDED])
    reversed_pages = _rows(
        connection, "challenges_challengepage", "page_ptr_id, judging_state"
    )
    dropped = max(pk for pk, state in fixture_states.items() if state != "not_started")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM challenges_judging WHERE challenge_id = %s", [dropped]
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    return {
        "reversed pages": reversed_pages,
        "dropped": dropped,
        "judging again": _rows(
            connection,
            "challenges_judging",
            "challenge_id, state, assessors_per_entry, feedback_released_at",
        ),
    }


def _upgrade(connection) -> dict:
    """Baseline schema, baseline rows, every migration since: what each stage saw."""
    migrations, recorded_counts, objects = _read_fixture()
    targets = [tuple(node) for node in migrations["targets"]]
    if connection.vendor != "sqlite":
        objects = [o for o in objects if o["model"] not in SQLITE_ONLY_MODELS]
        recorded_counts = {
            t: n for t, n in recorded_counts.items() if t not in SQLITE_ONLY_TABLES
        }

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    applied = set(executor.loader.applied_migrations)
    apps = executor.loader.project_state(targets, at_end=True).apps
    baseline_tables = set(_model_tables(apps))
    _load(connection, apps, objects)
    loaded_counts = _count(connection, recorded_counts)

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    upgraded_counts = _count(
        connection, [TABLE_RENAMES.get(t, t) for t in recorded_counts]
    )
    rows = {
        "users": _rows(connection, "home_user", "id, email"),
        "invitations": _rows(
            connection,
            "challenges_organisationinvitation",
            "id, organisation_id, email, token, invited_by_id",
        ),
        "challenge pages": _challenge_pages(connection),
        "organisations": _rows(connection, "home_organisation", "id, name"),
    }
    judging = _rows(connection, "challenges_judging", "challenge_id, state")
    fixture_states = {
        o["pk"]: o["fields"]["judging_state"]
        for o in objects
        if o["model"] == "challenges.challengepage"
    }
    round_trip = _judging_state_round_trip(connection, fixture_states)
    return {
        "recorded_applied": {tuple(node) for node in migrations["applied"]},
        "applied": applied,
        "recorded_counts": recorded_counts,
        "baseline_tables": baseline_tables,
        "loaded_counts": loaded_counts,
        "latest": latest,
        "upgraded_applied": set(executor.recorder.applied_migrations()),
        "upgraded_counts": upgraded_counts,
        "objects": objects,
        "rows": rows,
        "judging": judging,
        "fixture states": fixture_states,
        **round_trip,
    }


@pytest.fixture(scope="class")
def upgrade(django_db_setup, django_db_blocker, tmp_path_factory):
    """One upgrade run for the class's tests, each checking one thing it saw."""
    with (
        django_db_blocker.unblock(),
        _new_default_database(tmp_path_factory) as connection,
    ):
        return _upgrade(connection)


def _fixture_rows(objects: list[dict]) -> dict[str, set[tuple]]:
    """The rows the checks in test_some_rows_are_exactly_as_they_were look for."""

    def of(label):
        return [o for o in objects if o["model"] == label]

    pages = {o["pk"]: o["fields"] for o in of("wagtailcore.page")}
    return {
        "users": {(o["pk"], o["fields"]["email"]) for o in of("home.user")},
        "invitations": {
            (
                o["pk"],
                o["fields"]["organisation"],
                o["fields"]["email"],
                o["fields"]["token"],
                o["fields"]["invited_by"],
            )
            for o in of("challenges.organisationinvitation")
        },
        "challenge pages": {
            (
                o["pk"],
                pages[o["pk"]]["title"],
                pages[o["pk"]]["slug"],
                pages[o["pk"]]["url_path"],
            )
            for o in of("challenges.challengepage")
        },
        "organisations": {
            (o["pk"], o["fields"]["name"]) for o in of("home.organisation")
        },
    }


# The marker only makes pytest-django create the test database, so that it, not a
# developer's database, is what the default alias names outside the upgrade run.
@pytest.mark.django_db
class UpgradeTests:
    def test_the_new_database_is_at_exactly_the_recorded_migrations(self, upgrade):
        assert upgrade["applied"] == upgrade["recorded_applied"]

    def test_the_row_counts_cover_every_table_of_the_baseline_schema(self, upgrade):
        assert set(upgrade["recorded_counts"]) == upgrade["baseline_tables"]

    def test_the_fixture_loads_every_recorded_row(self, upgrade):
        assert upgrade["loaded_counts"] == upgrade["recorded_counts"]

    def test_every_migration_since_the_baseline_is_applied(self, upgrade):
        assert set(upgrade["latest"]) <= upgrade["upgraded_applied"]
        assert upgrade["recorded_applied"] <= upgrade["upgraded_applied"]

    def test_every_table_keeps_its_row_count(self, upgrade):
        expected = {
            TABLE_RENAMES.get(table, table): count
            for table, count in upgrade["recorded_counts"].items()
        }
        assert upgrade["upgraded_counts"] == expected

    def test_some_rows_are_exactly_as_they_were(self, upgrade):
        expected = _fixture_rows(upgrade["objects"])
        # The fixture has rows of each kind, so that these checks cannot pass on nothing.
        assert all(expected.values()), expected
        assert "admin@impactlab.example" in {email for _, email in expected["users"]}
        for name, rows in expected.items():
            assert upgrade["rows"][name] == rows, name

    # The baseline's demo content made a Judging row for every challenge it took past
    # "not started" (its rounds run through the services), so the copy creates no row
    # there and every count above still holds; the round trip below covers a challenge
    # without one.
    def test_each_challenge_keeps_its_judging_state(self, upgrade):
        pages = upgrade["fixture states"]
        # The baseline has challenges in each state, so this cannot pass on nothing.
        assert set(pages.values()) == {"not_started", "in_progress", "awarded"}
        judging = dict(upgrade["judging"])
        for page_id, state in pages.items():
            assert judging.get(page_id, "not_started") == state, page_id

    def test_going_back_puts_the_state_on_the_page(self, upgrade):
        assert upgrade["reversed pages"] == set(upgrade["fixture states"].items())

    def test_a_judged_challenge_without_a_judging_row_gets_one(self, upgrade):
        rows = {row[0]: row[1:] for row in upgrade["judging again"]}
        dropped = upgrade["dropped"]
        state = upgrade["fixture states"][dropped]
        # A new row: the state from the page, every other field the model's default.
        assert rows[dropped] == (state, 3, None)
        assert len(rows) == len(upgrade["judging"])
