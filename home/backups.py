"""Backups: the database and every uploaded file (public and private) in one archive.

`backup_create` writes `lab-backup-<timestamp>.tar.gz` holding the database (a SQLite
copy made with SQLite's online backup API, or a PostgreSQL `pg_dump` custom-format dump),
the public media folder, the private media folder and a manifest. `backup_restore`
puts all of it back, replacing what is there. Both run from the management commands of
the same names; the README says how to schedule and restore them.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"


def _file_roots() -> dict[str, Path]:
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        roots["private_media"] = Path(private)
    return roots


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args + ["--dbname", db["NAME"]]


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL's client tools")
    return path


def _dump_database(workdir: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(workdir / SQLITE_FILE)
        with target:
            connection.connection.backup(target)
        target.close()
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        subprocess.run(  # noqa: S603
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(workdir / POSTGRES_FILE),
                *args,
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        return POSTGRES_FILE
    raise NotImplementedError(f"No backup method for the {connection.vendor} database")


def backup_create(*, destination: Path) -> Path:
    """Write a backup archive into `destination` and return its path."""
    destination.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    archive = destination / f"lab-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_file = _dump_database(workdir)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "database_file": database_file,
            "folders": sorted(_file_roots()),
        }
        (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(workdir / "manifest.json", arcname="manifest.json")
            tar.add(workdir / database_file, arcname=database_file)
            for name, root in _file_roots().items():
                if root.exists():
                    tar.add(root, arcname=name)
    return archive


def _restore_database(workdir: Path, manifest: dict) -> None:
    if manifest["database_vendor"] != connection.vendor:
        raise ValueError(
            f"This backup holds a {manifest['database_vendor']} database; the site "
            f"uses {connection.vendor}."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(workdir / SQLITE_FILE)
        source.backup(connection.connection)
        source.close()
        return
    env, args = _pg_env_and_args()
    connection.close()
    subprocess.run(  # noqa: S603
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(workdir / POSTGRES_FILE),
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def backup_restore(*, archive: Path) -> dict:
    """Replace the database and the media folders with the archive's. Returns the manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(workdir, filter="data")
        manifest = json.loads((workdir / "manifest.json").read_text())
        _restore_database(workdir, manifest)
        for name, root in _file_roots().items():
            source = workdir / name
            if root.exists():
                shutil.rmtree(root)
            if source.exists():
                shutil.copytree(source, root)
            else:
                root.mkdir(parents=True, exist_ok=True)
    return manifest
