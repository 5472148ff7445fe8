"""Downloads built ahead: the unfiltered version of every open-data file, kept in the
`opendata` storage (`STORAGES["opendata"]`, by default `OPENDATA_ROOT` on disk) so that a
download is a file read, not thousands of rows built in a request.

- `downloads_rebuild` builds each file with the download's own view code (the same bytes a
  request builds; a CSV's rows are written to the file as they come, the measurements
  read from the database in chunks), into a temporary file, then saves it under a name holding its content
  hash (`pilots-<hash>.csv`): a file, once saved, never changes. Last, `manifest.json` is
  replaced in one step (a rename on disk), so a reader sees the old set or the new one,
  never half of either. Files neither the new nor the previous manifest names are deleted.
- The manifest holds, per download: the file's name, ETag (its SHA-256, as
  `open_data_response` would give the built response), size, content type and
  disposition, and when that content was first built; and, for the whole set, the data
  version it was built from.
- The data version is a random token in the default cache, replaced after every committed
  change to published data (`home.page_cache.published_data_changed`, the page cache's
  own signal). A manifest built from another version (or when the cache has lost the token) is stale:
  the view builds in the request, as before, and a rebuild is queued.
- Rebuilds are debounced: one is queued only when none is pending (a cache key the task
  clears as it starts, so a change made during a build queues the next one).

Production needs the shared cache (`CACHE_URL`) the page cache needs: with a cache per
process every web worker sees a token of its own, and downloads are always built in the
request (correct, only slower).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.http import http_date

from home.csv import csv_response, write_csv_rows

logger = logging.getLogger(__name__)

STORAGE = "opendata"
MANIFEST = "manifest.json"
VERSION_KEY = "opendata:data-version"
PENDING_KEY = "opendata:rebuild-pending"
CHANGED_AT_KEY = "opendata:data-changed-at"
# A queued rebuild that never ran (a message lost with the broker) stops blocking the
# next one after this long.
PENDING_SECONDS = 15 * 60
CHUNK = 64 * 1024


def storage():
    return storages[STORAGE]


def data_version() -> str:
    """The current data version: a token replaced after every change (made here when the
    cache holds none, e.g. after a restart without a shared cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_changed_at() -> datetime.datetime:
    """When the published data last changed, to the second (now, when the cache holds no
    time): the IATI file's generated-datetime, so that the same data always makes the
    same bytes and ETag, built ahead or in the request."""
    value = cache.get(CHANGED_AT_KEY)
    if value is None:
        cache.add(CHANGED_AT_KEY, timezone.now().replace(microsecond=0), timeout=None)
        value = cache.get(CHANGED_AT_KEY)
    return value


def data_changed(**kwargs) -> None:
    """Receiver of `home.page_cache.published_data_changed`: published data changed (and
    the change committed)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    cache.set(CHANGED_AT_KEY, timezone.now().replace(microsecond=0), timeout=None)
    if getattr(settings, "OPENDATA_REBUILD_ON_CHANGE", True):
        rebuild_queue()


def rebuild_queue() -> bool:
    """Queue `rebuild_downloads_task` unless one is pending; True if queued."""
    from .tasks import rebuild_downloads_task

    if not cache.add(PENDING_KEY, True, timeout=PENDING_SECONDS):
        return False
    rebuild_downloads_task.delay()
    return True


def read_manifest() -> dict | None:
    try:
        with storage().open(MANIFEST, "rb") as file:
            return json.loads(file.read())
    except (FileNotFoundError, OSError, ValueError):
        return None


def _write_manifest(manifest: dict) -> None:
    store = storage()
    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
    try:
        path = store.path(MANIFEST)
    except NotImplementedError:  # a remote storage: no rename, replace as it allows
        store.delete(MANIFEST)
        store.save(MANIFEST, ContentFile(body))
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".manifest-")
    with os.fdopen(fd, "wb") as file:
        file.write(body)
    os.chmod(temp, 0o644)
    os.replace(temp, path)


def _builders() -> dict:
    from .views import PREBUILT

    return PREBUILT


def _write(built, temp) -> tuple[dict, str, int] | None:
    """Write what a builder returned to `temp`: its headers, SHA-256 and size (None if
    the download has nothing to serve, e.g. the IATI file's 404 with no pilot)."""
    from .views import CsvDownload

    if isinstance(built, CsvDownload):
        # Rows straight to the file, never the whole CSV in memory; the headers are
        # those of the response the request would build.
        text = io.TextIOWrapper(temp, encoding="utf-8", newline="")
        write_csv_rows(text, built.header, built.rows)
        text.flush()
        text.detach()
        response = csv_response(built.filename, built.header, ())
    else:
        response = built
        if response.status_code != 200:
            return None
        for chunk in response:
            temp.write(chunk)
    temp.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := temp.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    headers = {
        "content_type": response["Content-Type"],
        "content_disposition": response.get("Content-Disposition", ""),
    }
    return headers, digest.hexdigest(), size


def _build_one(filename: str, build, previous: dict | None) -> dict | None:
    """Build one download into the storage; its manifest entry, or None."""
    from .selectors import PilotFilters

    with tempfile.TemporaryFile() as temp:
        written = _write(build(None, PilotFilters()), temp)
        if written is None:
            return None
        headers, hexdigest, size = written
        path = PurePosixPath(filename)
        name = f"{path.stem}-{hexdigest[:16]}{path.suffix}"
        store = storage()
        if not store.exists(name):
            temp.seek(0)
            name = store.save(name, File(temp, name=name))
    etag = f'"{hexdigest[:32]}"'
    built_at = timezone.now().isoformat()
    if previous and previous.get("etag") == etag:
        built_at = previous["built_at"]  # the same content: it was not modified
    return {
        "name": name,
        "filename": filename,
        "etag": etag,
        "size": size,
        "built_at": built_at,
        **headers,
    }


def downloads_rebuild() -> dict:
    """Build every download from the current data; returns the new manifest."""
    cache.delete(PENDING_KEY)  # a change from now on queues another rebuild
    version = data_version()  # read before the data, so a later change makes it stale
    previous = read_manifest() or {}
    old_files = previous.get("files", {})
    files = {}
    for key, (filename, build) in _builders().items():
        entry = _build_one(filename, build, old_files.get(key))
        if entry is not None:
            files[key] = entry
    manifest = {
        "version": version,
        "built_at": timezone.now().isoformat(),
        "files": files,
    }
    _write_manifest(manifest)
    keep = {MANIFEST} | {e["name"] for e in files.values()}
    keep |= {e["name"] for e in old_files.values()}  # a request may be reading one
    store = storage()
    try:
        _dirs, names = store.listdir("")
    except FileNotFoundError:
        names = []
    for name in names:
        if name not in keep and not name.startswith("."):
            store.delete(name)
    return manifest


@dataclass(frozen=True)
class Prebuilt:
    entry: dict

    @property
    def etag(self) -> str:
        return self.entry["etag"]

    @property
    def last_modified(self) -> int:
        return int(datetime.datetime.fromisoformat(self.entry["built_at"]).timestamp())

    def response(self) -> FileResponse:
        response = FileResponse(
            storage().open(self.entry["name"], "rb"),
            content_type=self.entry["content_type"],
        )
        # FileResponse names the stored file; the download keeps its own headers.
        if self.entry["content_disposition"]:
            response["Content-Disposition"] = self.entry["content_disposition"]
        elif "Content-Disposition" in response:
            del response["Content-Disposition"]
        response["Content-Length"] = str(self.entry["size"])
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        return response


def prebuilt_for(key: str) -> Prebuilt | None:
    """The current prebuilt file of one download; None (and a rebuild queued once the
    request's transaction commits) when there is none for the current data."""
    manifest = read_manifest()
    if manifest is None or manifest.get("version") != data_version():
        transaction.on_commit(_queue_quietly)
        return None
    entry = manifest["files"].get(key)
    if entry is None or not storage().exists(entry["name"]):
        if entry is not None:
            transaction.on_commit(_queue_quietly)
        return None
    return Prebuilt(entry)


def _queue_quietly() -> None:
    try:
        rebuild_queue()
    except Exception:  # the download was served; the rebuild can wait for the next one
        logger.exception("Could not queue the open-data rebuild")


def serve(request: HttpRequest, key: str) -> FileResponse | None:
    prebuilt = prebuilt_for(key)
    return prebuilt.response() if prebuilt is not None else None
