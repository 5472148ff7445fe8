"""Settings shared by every environment.

Every integration switches on when its environment variable is set; with none set the site
needs nothing installed: SQLite, eager Celery, Wagtail's database search and console email.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "home",
    "challenges",
    "pilots",
    "opendata",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.routable_page",
    # /sitemap.xml: Wagtail's page sitemap on Django's (whose template it renders).
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app, with a two-factor reset on the user edit screen.
    "home.apps.UsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, for the project-wide FORM_RENDERER below.
    "django.forms",
    "csp",
    # Security: staff second factor (TOTP) and sign-in lockout.
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes for a lost phone: each usable once.
    "django_otp.plugins.otp_static",
    "axes",
    # Rate limits; installed for its system checks, which refuse a cache not shared by
    # every worker (the settings for development and tests explain why they allow one).
    "django_ratelimit",
    # django-ninja (the open-data API): its self-hosted Swagger UI files for /api/v1/docs.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the body: over REQUEST_MAX_BYTES, a 413 page.
    "home.http_security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a stored anonymous page is answered without touching it.
    "home.page_cache.AnonymousPageCacheMiddleware",
    # Inside the page cache, outside the session: answers to signed-in people, private
    # paths and anything setting a cookie get `Cache-Control: private, no-store`.
    "home.http_security.PrivateAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL bytes answered 400 and impossible ids 404 before any view (home.request_guard).
    "home.request_guard.RequestGuardMiddleware",
    # Staff must pass a second factor before any page (STAFF_2FA_REQUIRED).
    "home.two_factor.OTPMiddleware",
    "home.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "home.http_security.AdminAwareCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lab_site.urls"
WSGI_APPLICATION = "lab_site.wsgi.application"

# Django forms render as GOV.UK markup (lab_site/templates/components/field.html).
FORM_RENDERER = "home.forms.GovUKFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Security headers on every response. The public site gets a strict Content-Security-
# Policy: no inline style, nothing from other origins, and one inline script, GOV.UK
# Frontend's body-class snippet at the top of base.html's <body>, allowed by its hash: a
# hash, not a nonce, because a cached page would hand every visitor the same nonce.
# The Wagtail admin (and its previews) gets its own policy, ADMIN_CONTENT_SECURITY_POLICY
# below.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
GOVUK_FRONTEND_SUPPORTED_JS = (
    "document.body.className += ' js-enabled' + ('noModule' in "
    "HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)
GOVUK_FRONTEND_SUPPORTED_JS_HASH = f"'sha256-{base64.b64encode(hashlib.sha256(GOVUK_FRONTEND_SUPPORTED_JS.encode()).digest()).decode()}'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", GOVUK_FRONTEND_SUPPORTED_JS_HASH],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# The Wagtail admin's policy (home.http_security.AdminAwareCSPMiddleware), for every
# path under ADMIN_CSP_URL_PREFIX. Nothing from other origins, no eval, no plugins.
# Wagtail 8 still writes inline <script> (InlinePanel, the date and time widgets) and
# inline style attributes, so both allow 'unsafe-inline'; inline event handlers stay
# refused (script-src-attr). Previews are framed by the editor: frame-ancestors 'self'.
# data: and blob: images for the admin's icons and upload thumbnails.
ADMIN_CSP_URL_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Browser features no page of the site uses are turned off for it and for anything it
# embeds (django-permissions-policy); only fullscreen stays, for the site itself.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}
# Answers under these paths are `Cache-Control: private, no-store` even to visitors who
# are not signed in (as is every answer to a signed-in person): home/http_security.py.
PRIVATE_URL_PREFIXES = ["/admin/", "/account/"]
# Under these paths the request guard's refusals (home/request_guard.py) are JSON, as
# the APIs' own errors are: {"detail": "..."}.
JSON_URL_PREFIXES = ["/api/v1/", "/api/v2/"]

# Database: a SQLite file in the project folder unless DATABASE_URL names another.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(BASE_DIR / 'db.sqlite3').as_posix()}"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers queue for the lock instead of failing with "database is
    # locked": WAL lets readers go on while one writer writes, IMMEDIATE takes the write
    # lock when a transaction begins (so none fails half-way upgrading a read lock), and
    # a writer waits up to SQLITE_BUSY_TIMEOUT seconds for its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: this process's memory unless CACHE_URL names a shared one (redis://…), which
# production needs for page caching (every worker must see the same invalidations).
CACHE_URL = env("CACHE_URL", default="")
CACHES = {"default": env.cache_url_config(CACHE_URL or "locmemcache://")}
# Whole published pages for visitors who are not signed in (home/page_cache.py);
# 0 turns it off. Development: on, one process. Production: on only with CACHE_URL.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)

AUTH_USER_MODEL = "home.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# Hours an emailed account link (confirmation, invitation, password reset) works for.
# Each is also single-use; confirmation and reset links die on sign-in, password change
# and deactivation.
ACCOUNT_LINK_MAX_AGE_HOURS = env.int("ACCOUNT_LINK_MAX_AGE_HOURS", default=24)
PASSWORD_RESET_TIMEOUT = ACCOUNT_LINK_MAX_AGE_HOURS * 3600

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static")
STATIC_URL = "/static/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Open-data downloads built ahead (opendata/prebuilt.py), served only by their views:
    # outside MEDIA_ROOT, written by the web and worker processes only.
    "opendata": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("OPENDATA_ROOT", default=BASE_DIR / "open_data"),
            "base_url": None,
            "file_permissions_mode": 0o644,
            "directory_permissions_mode": 0o755,
        },
    },
}

# Email: console output unless EMAIL_URL names an SMTP server (smtp+tls://user:pw@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "localhost")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Public Impact Lab <lab@impactlab.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: tasks run eagerly in-process until CELERY_BROKER_URL names a broker.
# `make worker` / `make beat` with CELERY_BROKER_URL=redis://127.0.0.1:6379/0.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A task's message is acknowledged only once the task has finished, and given back to the
# broker when the worker process running it dies: a killed worker loses nothing. Tasks
# must therefore be safe to run twice (they take ids and guard side effects with keys).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message reserved at a time: a long task does not hold others hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Email retries: exponential backoff (30 s, 60 s, 120 s … capped at an hour), then FAILED
# and a TaskFailure row for the programme leads.
EMAIL_SEND_MAX_RETRIES = env.int("EMAIL_SEND_MAX_RETRIES", default=6)
EMAIL_SEND_RETRY_BACKOFF = env.int("EMAIL_SEND_RETRY_BACKOFF", default=30)
EMAIL_SEND_RETRY_BACKOFF_MAX = 3600
# Redis hands an unacknowledged message to another worker after the visibility timeout.
# It must exceed the longest countdown/ETA we use (the hour-long retry backoff cap), or a
# delayed message would be delivered twice. It is also how long a message taken by a
# worker that was SIGKILLed waits before redelivery (tests set it to a few seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
}
# An email still queued or sending this long after it was queued was lost (a broker
# restart, a worker killed for good): the stuck-email check queues it again.
EMAIL_STUCK_AFTER_MINUTES = env.int("EMAIL_STUCK_AFTER_MINUTES", default=30)
# Every scheduled job, in one place (`make beat` runs them; times are Europe/London).
CELERY_BEAT_SCHEDULE = {
    # Nightly: queue again emails stuck in queued/sending for EMAIL_STUCK_AFTER_MINUTES,
    # which recovers messages lost when Redis restarts (it keeps nothing on disk).
    "email-requeue-stuck": {
        "task": "home.tasks.email_requeue_stuck_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Daily, 07:00: one summary email to each person who chose the daily digest.
    "email-digests": {
        "task": "home.tasks.email_digests_queue_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Hourly: remind organisations holding a draft 48 hours before their challenge closes.
    "challenges-draft-reminders": {
        "task": "challenges.tasks.entry_draft_reminders_task",
        "schedule": crontab(minute=15),
    },
    # Hourly: release judging feedback to every entrant of a challenge at the time the
    # programme lead chose (a release that is not ready waits for the next run).
    "challenges-feedback-release": {
        "task": "challenges.tasks.feedback_releases_due_task",
        "schedule": crontab(minute=0),
    },
    # Daily, 00:05: challenge status follows the clock (open, closed), so the search
    # documents of challenges are rebuilt for the status facet to stay true.
    "search-refresh-challenges": {
        "task": "search.tasks.search_documents_refresh_task",
        "schedule": crontab(hour=0, minute=5),
        "kwargs": {"content_type": "challenge"},
    },
    # Nightly, 03:15: delete or anonymise personal data past the RETENTION_* periods
    # (home.retention), as the privacy notice promises.
    "retention-purge": {
        "task": "home.tasks.retention_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Nightly, 04:10: rebuild every open-data download, should a change's rebuild have
    # been lost (each change to published data queues one).
    "opendata-rebuild-downloads": {
        "task": "opendata.tasks.rebuild_downloads_task",
        "schedule": crontab(hour=4, minute=10),
    },
}

# Each committed change to published data queues a rebuild of the open-data downloads
# (opendata/prebuilt.py); off, they are rebuilt only by beat and `build_open_data`, and a
# stale file is built in the request meanwhile. Off by default when Celery runs tasks in
# the web process (no broker: `make run`), where each save would rebuild every file.
OPENDATA_REBUILD_ON_CHANGE = env.bool(
    "OPENDATA_REBUILD_ON_CHANGE", default=not CELERY_TASK_ALWAYS_EAGER
)

# Search: Wagtail's database backend unless ELASTICSEARCH_URL names a cluster.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="impactlab")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": f"{ELASTICSEARCH_INDEX_PREFIX}_",
            "TIMEOUT": 5,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {
        # Wagtail's database backend, quotes searched as text (search/backends/).
        "default": {"BACKEND": "search.backends.wagtail_database"}
    }

# Wagtail
WAGTAIL_SITE_NAME = "West Midlands Public Impact Lab"
# The site's public address, without a trailing slash (paths are added to it). Every
# migrate copies its host and port into the default Site (home.services).
WAGTAILADMIN_BASE_URL = env(
    "WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000"
).rstrip("/")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# No SVG (it can carry script); the same size limit as documents.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Request limits. A form's fields (everything but its files) may hold 2.5 MiB, and an
# upload is kept in memory up to 2.5 MiB, then spooled to a temporary file. A whole
# request may carry the largest file the site accepts (10 MB: documents, images, entry
# attachments) plus a full form; a larger one gets a 413 page before anything reads it
# (home.http_security.RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
REQUEST_MAX_BYTES = env.int(
    "REQUEST_MAX_BYTES",
    default=max(WAGTAILDOCS_MAX_UPLOAD_SIZE, WAGTAILIMAGES_MAX_UPLOAD_SIZE)
    + DATA_UPLOAD_MAX_MEMORY_SIZE,
)
# No Gravatar avatars in the admin: they would send a hash of each email address to a
# third party, and the admin's Content-Security-Policy loads images from this site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = True
# The admin's "forgotten password" screen asks through the site's own reset (one code
# path: home.services.password_reset_request): the same link, tokens and timing.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "home.forms.LabPasswordResetForm"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Wagtail logs every page action and background task at INFO: too chatty.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # django-axes logs every successful sign-in at INFO; failures are WARNINGs.
        "axes": {"level": "WARNING"},
    },
}

# Urban Challenges: private attachments, rate limits, the draft reminder.
# Entry attachments are stored here, outside MEDIA_ROOT, and served only by a view that
# checks permission.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
# django-ratelimit rates (per IP, or per signed-in user for questions and invitations).
CHALLENGES_RATE_LIMITS = {
    "sign_up": env("CHALLENGES_RATE_SIGN_UP", default="10/h"),
    "sign_in": env("CHALLENGES_RATE_SIGN_IN", default="10/m"),
    "password_reset": env("CHALLENGES_RATE_PASSWORD_RESET", default="5/h"),
    "question": env("CHALLENGES_RATE_QUESTION", default="10/h"),
    "invite": env("CHALLENGES_RATE_INVITE", default="20/h"),
}
# Every "ip" rate limit counts per client address (home.access.client_ip): REMOTE_ADDR, or
# behind TRUSTED_PROXY_COUNT reverse proxies the address the outermost one saw, read from
# the right of X-Forwarded-For. Set it to exactly the number of proxies in front of
# gunicorn: one too many and clients choose their own address; too few and everyone
# behind the proxy shares one.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "home.access.client_ip"
RATELIMIT_USE_CACHE = "default"
# Case studies: messages to a pilot lead per client IP (django-ratelimit).
PILOTS_RATE_CONTACT_LEAD = env("PILOTS_RATE_CONTACT_LEAD", default="5/h")
# Months after a pilot ends during which its measurements may still be recorded.
MEASUREMENT_EVALUATION_WINDOW_MONTHS = env.int(
    "MEASUREMENT_EVALUATION_WINDOW_MONTHS", default=12
)


# Open data: the API and downloads' rate limit per client, and 360Giving ids.
OPENDATA_RATE_LIMIT = env("OPENDATA_RATE_LIMIT", default="120/m")
# 360Giving identifiers are 360G-<prefix>-…; register the prefix with 360Giving.
OPENDATA_360G_PREFIX = env("OPENDATA_360G_PREFIX", default="wmpil")
# The funder in 360Giving data: the combined authority's org-id.guide identifier (the
# one the site's JSON-LD gives it); set it empty and grants fall back to 360G-<prefix>-org-lab.
OPENDATA_FUNDER_ORG_ID = env("OPENDATA_FUNDER_ORG_ID", default="GB-LAE-WMCA")
OPENDATA_FUNDER_NAME = env(
    "OPENDATA_FUNDER_NAME",
    default="West Midlands Combined Authority: Public Impact Lab",
)
# The IATI reporting organisation: its org-id.guide identifier starts every activity's
# iati-identifier; its type is from IATI's OrganisationType codelist (11 Local Government).
IATI_REPORTING_ORG_REF = env("IATI_REPORTING_ORG_REF", default="GB-LAE-WMCA")
IATI_REPORTING_ORG_TYPE = env("IATI_REPORTING_ORG_TYPE", default="11")


# Security ------------------------------------------------------------------
# Staff (anyone who may open the Wagtail admin) must confirm a time-based one-time code
# from an authenticator app before the site treats them as signed in. Development
# settings relax it (STAFF_2FA_REQUIRED, default off) so the demo logins work;
# production always requires it; the test settings turn it off and the 2FA tests on.
STAFF_2FA_REQUIRED = True
OTP_TOTP_ISSUER = "West Midlands Public Impact Lab"
# Sign-in lockout (django-axes), for the Wagtail admin and the start-up sign-in alike:
# AXES_FAILURE_LIMIT wrong passwords for one account lock it for AXES_COOLOFF_MINUTES,
# even with the right password (NCSC: allow about 10 attempts). Counted per account,
# not per IP address, so a council office behind one address is not locked out together
# and a guesser spreading attempts over many addresses still is.
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before any password check. AxesBackend
    # (not the standalone one) also loads users: Wagtail's test helpers sign in with it.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns that the lockout ignores the address: deliberate, as said above. Per-address
# throttling is django-ratelimit's (CHALLENGES_RATE_SIGN_IN), and staff also need 2FA.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# django-ratelimit 4.1 warns (W001) about every cache backend missing from its list, which
# predates Django's own Redis backend; that one is shared by every worker and counts with
# Redis's atomic INCR, all the library needs. Its refusal of an unshared cache (E003) stands.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")
AXES_USERNAME_CALLABLE = "home.lockout.lockout_username"
# Sign-in records keep the client's address, found as the rate limits find it.
AXES_CLIENT_IP_CALLABLE = "home.access.client_ip"
AXES_LOCKOUT_CALLABLE = "home.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A wrong password during the lockout does not start the cool-off again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Retention (UK GDPR storage limitation): home.retention purges nightly what is older
# than these periods; the privacy notice shows them (home/templatetags/retention.py).
RETENTION_DRAFT_ENTRY_DAYS = env.int("RETENTION_DRAFT_ENTRY_DAYS", default=365)
RETENTION_UNCONFIRMED_ACCOUNT_DAYS = env.int(
    "RETENTION_UNCONFIRMED_ACCOUNT_DAYS", default=7
)
RETENTION_CONTACT_DAYS = env.int("RETENTION_CONTACT_DAYS", default=730)
RETENTION_EMAIL_LOG_DAYS = env.int("RETENTION_EMAIL_LOG_DAYS", default=90)
RETENTION_SIGN_IN_LOG_DAYS = env.int("RETENTION_SIGN_IN_LOG_DAYS", default=90)
