"""Local development: `make run`. DEBUG on, a fixed throwaway secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-f3b1c0a9e8d7-never-use-in-production-5c2e",
)
# Staff second factor: off by default so the demo logins `make run` prints work;
# STAFF_2FA_REQUIRED=true tries it out. Production settings ignore this variable.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=False)

# django-ratelimit refuses (E003) and warns about (W001) a cache each process keeps in its
# own memory. A development server or a test run is one process, so its memory is shared by
# every request it serves and counts right. Production settings silence neither.
if CACHES["default"]["BACKEND"].endswith(".locmem.LocMemCache"):  # noqa: F405
    SILENCED_SYSTEM_CHECKS = [
        *SILENCED_SYSTEM_CHECKS,  # noqa: F405
        "django_ratelimit.E003",
        "django_ratelimit.W001",
    ]
