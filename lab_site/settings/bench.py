"""Production settings as the benchmark serves them: plain HTTP on loopback, plus the
floor view (bench/urls.py). Never deploy with these."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-" + "x7Qp2Lm9Rt4Vw8Zc1Nb6Hj3Kd5Fg0Sa" * 2
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Production requires the public address; the bench serves on loopback.
os.environ.setdefault("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# bench/run.py names its Redis; bench/search.py serves nothing and runs one process.
os.environ.setdefault("CACHE_URL", "locmemcache://")

from .production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
# bench/search.py's one process: its memory is a cache shared by all it does.
if CACHES["default"]["BACKEND"].endswith(".locmem.LocMemCache"):  # noqa: F405
    SILENCED_SYSTEM_CHECKS = [
        *SILENCED_SYSTEM_CHECKS,  # noqa: F405
        "django_ratelimit.E003",
        "django_ratelimit.W001",
    ]
