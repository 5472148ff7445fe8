"""Make the upgrade test's fixture: a database at this checkout's schema, demo content in.

Run from the project root, with nothing else needed:

    .venv/bin/python tests/migrations/make_fixture.py

In a temporary folder (deleted afterwards) it builds a SQLite database the way `make demo`
does, with the development settings: `manage.py migrate`, then
`manage.py load_demo_content`. The demo content has no organisation invitation, so two are
added through `home.services.organisation_invite`, so that the invitation rows (a
model that moved from challenges to home) are in the fixture too. Then it writes, into
tests/migrations/fixtures/baseline/:

- migrations.json: the applied migration nodes, in the order django_migrations holds them,
  and the targets (each app's leaf node) that reach exactly that state;
- row_counts.json: the rows in every table, counted with SQL straight from the file;
- data.json.gz: every row, as `manage.py dumpdata --all --format json --indent 1`
  writes it, gzipped without a timestamp;
- meta.json: the commit and versions it was made from, and this command.

It refuses to run when the models and the migrations disagree (`makemigrations --check`),
since the fixture must be at a schema that the migrations, not the models, describe.
"""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "baseline"
COMMAND = ".venv/bin/python tests/migrations/make_fixture.py"

# Tables that are no model's: the migration ledger (it grows with every migration), and
# SQLite's own bookkeeping, including FTS5's shadow tables behind Wagtail's search index
# (the virtual table wagtailsearch_indexentry_fts is a model's and is counted).
NOT_COUNTED = {"django_migrations", "sqlite_sequence"}
NOT_COUNTED_PREFIXES = ("wagtailsearch_indexentry_fts_",)

# (inviting organisation admin, invited email address): the demo content has none.
INVITATIONS = [
    ("founder@brightpath.example", "data.lead@brightpath.example"),
    ("team@homesense.example", "installer@homesense.example"),
]


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603
        ["git", *args],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _manage(*args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _build(database: Path, workdir: Path) -> list[dict]:
    """The `make demo` steps on the throwaway database, then the invitations, dumped."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lab_site.settings.dev",
        DATABASE_URL=f"sqlite:///{database.as_posix()}",
        MEDIA_ROOT=str(workdir / "media"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private_media"),
        ELASTICSEARCH_URL="",
        CELERY_BROKER_URL="",
        CACHE_URL="",
        EMAIL_URL="dummymail://",
    )
    _manage("makemigrations", "--check", "--dry-run")
    _manage("migrate", "--noinput")
    _manage("load_demo_content")

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # As a manage.py command would, load the URLs and Wagtail's hooks (what they
    # register, e.g. snippets, decides what the reference index records on a save).
    call_command("check", verbosity=0)
    from home import services
    from home.models import OrganisationMembership

    for admin_email, email in INVITATIONS:
        membership = OrganisationMembership.objects.get(
            user__email=admin_email, role=OrganisationMembership.Role.ADMIN
        )
        services.organisation_invite(
            organisation=membership.organisation, by=membership.user, email=email
        )
    connection.close()

    output = workdir / "data.json"
    _manage("dumpdata", "--all", "--format", "json", "--indent", "1", "-o", str(output))
    return json.loads(output.read_text())


def _leaf_targets() -> list[list[str]]:
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted([app, name] for app, name in graph.leaf_nodes())


def _read_database(database: Path) -> tuple[list[list[str]], dict[str, int]]:
    """The applied nodes and the row count of every table, with plain SQL."""
    db = sqlite3.connect(database)
    try:
        applied = [
            list(row)
            for row in db.execute("SELECT app, name FROM django_migrations ORDER BY id")
        ]
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name not in NOT_COUNTED and not name.startswith(NOT_COUNTED_PREFIXES)
        ]
        counts = {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
    finally:
        db.close()
    return applied, counts


def _check_dump_is_complete(objects: list[dict], counts: dict[str, int]) -> None:
    """Every table's rows are in the dump: one object per row, or one m2m pair per row."""
    from django.apps import apps

    per_model: dict[str, int] = {}
    for obj in objects:
        per_model[obj["model"]] = per_model.get(obj["model"], 0) + 1
    dumped: dict[str, int] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        dumped[meta.db_table] = per_model.get(meta.label_lower, 0)
        for field in meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                dumped[through._meta.db_table] = sum(
                    len(obj["fields"].get(field.name, ()))
                    for obj in objects
                    if obj["model"] == meta.label_lower
                )
    unmatched = {
        table: (count, dumped.get(table))
        for table, count in counts.items()
        if dumped.get(table) != count
    }
    if unmatched:
        raise SystemExit(f"dumpdata missed rows (table: (rows, dumped)): {unmatched}")


def main() -> None:
    commit = _git("rev-parse", "HEAD")
    migrations_dirty = bool(
        _git("status", "--porcelain", "--", ":(glob)*/migrations/[0-9]*.py")
    )
    with tempfile.TemporaryDirectory(prefix="impactlab-migfixture-") as tmp:
        workdir = Path(tmp)
        database = workdir / "baseline.sqlite3"
        objects = _build(database, workdir)
        targets = _leaf_targets()
        applied, counts = _read_database(database)
        _check_dump_is_complete(objects, counts)

    import django
    import wagtail

    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    (FIXTURE_DIR / "migrations.json").write_text(
        json.dumps({"targets": targets, "applied": applied}, indent=1) + "\n"
    )
    (FIXTURE_DIR / "row_counts.json").write_text(
        json.dumps(counts, indent=1, sort_keys=True) + "\n"
    )
    data = json.dumps(objects, indent=1, ensure_ascii=False).encode()
    with (
        open(FIXTURE_DIR / "data.json.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        gz.write(data)
    meta = {
        "schema_commit": commit,
        "migration_files_changed_from_commit": migrations_dirty,
        "command": COMMAND,
        "database": "sqlite",
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "objects": len(objects),
        "rows": sum(counts.values()),
    }
    (FIXTURE_DIR / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(
        f"Wrote {FIXTURE_DIR.relative_to(ROOT)}: {len(applied)} applied migrations, "
        f"{len(counts)} tables, {meta['rows']} rows, {len(objects)} objects."
    )


if __name__ == "__main__":
    main()
