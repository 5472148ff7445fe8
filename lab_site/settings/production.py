"""Production. Secrets have no default: a missing one stops the site at start-up.

Passes `manage.py check --deploy` with the environment the README documents.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"The {name} environment variable must be set for production settings."
        )
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
# Every gunicorn worker must count rate limits and see page-cache invalidations in one
# place: a cache each process keeps to itself would let N workers take N times the limit.
_required("CACHE_URL")
RATELIMIT_USE_CACHE = "default"
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# The site's public address: every migrate copies it into the default Site record, from
# which feeds, JSON-LD, canonical links, the sitemap and emails build their addresses.
WAGTAILADMIN_BASE_URL = _required("WAGTAILADMIN_BASE_URL").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Staff always confirm a second factor in production, whatever the environment says.
STAFF_2FA_REQUIRED = True

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
