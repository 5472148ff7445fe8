"""Settings for pytest. The database comes from DATABASE_URL (CI sets PostgreSQL)."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-0b8e5d2c7a9f41e6b3d0c5a8e7f2b1d4c9a6e3f0"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Prebuilt open-data downloads: a directory of this test process's own.
    "opendata": {
        **STORAGES["opendata"],  # noqa: F405
        "OPTIONS": {
            **STORAGES["opendata"]["OPTIONS"],  # noqa: F405
            "location": tempfile.mkdtemp(prefix="impactlab-opendata-"),
        },
    },
}
WHITENOISE_AUTOREFRESH = True
# Tasks run eagerly here, so a rebuild of every open-data download after each committed
# save would slow every transactional test: only tests/opendata/test_prebuilt.py turns it
# on (the files still go stale on a change, and the downloads are built in the request).
OPENDATA_REBUILD_ON_CHANGE = False
# Query-count tests measure rendering, so pages are cached only where a test turns it on
# (tests/home/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
# Most tests force_login staff and open the admin; tests/home/test_two_factor.py turns
# the second factor on (production settings always require it).
STAFF_2FA_REQUIRED = False

if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):  # noqa: F405
    # A test database need not survive a crash: a commit returns before its WAL record
    # reaches the disk, which is most of what a transactional test's flush waits for.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c synchronous_commit=off"
    )
# django-ratelimit refuses (E003) and warns about (W001) a cache each process keeps in its
# own memory. A development server or a test run is one process, so its memory is shared by
# every request it serves and counts right. Production settings silence neither.
if CACHES["default"]["BACKEND"].endswith(".locmem.LocMemCache"):  # noqa: F405
    SILENCED_SYSTEM_CHECKS = [
        *SILENCED_SYSTEM_CHECKS,  # noqa: F405
        "django_ratelimit.E003",
        "django_ratelimit.W001",
    ]
