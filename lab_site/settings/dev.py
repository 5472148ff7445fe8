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
