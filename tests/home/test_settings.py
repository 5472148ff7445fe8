"""The settings package: production refuses to start without secrets and passes the
deploy checks; the defaults need nothing installed."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]

# The environment the README documents for production.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3$Vq9!tZ2p@Lw8rXc5^Ny7&Hb4*Md6(Fg1)Js0-Ae+Ru_pW3xYz7LmN",
    "DJANGO_ALLOWED_HOSTS": "impactlab.example",
    "WAGTAILADMIN_BASE_URL": "https://impactlab.example",
    "DATABASE_URL": "sqlite:////tmp/lab-deploy-check.sqlite3",
    # Only named: nothing here connects to it.
    "CACHE_URL": "redis://127.0.0.1:6379/2",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("CACHE_URL", None)
    clean.pop("WAGTAILADMIN_BASE_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionSettingsTests:
    def test_check_deploy_reports_no_issues(self):
        result = _manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=lab_site.settings.production",
            env=PRODUCTION_ENV,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_collectstatic_succeeds(self, tmp_path):
        """The manifest storage refuses CSS that points at a file we do not ship."""
        env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
        result = _manage(
            "collectstatic",
            "--noinput",
            "-v0",
            "--settings=lab_site.settings.production",
            env=env,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert list(tmp_path.glob("css/lab.*.css"))

    def test_missing_secret_key_stops_with_its_name(self):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
        result = _manage("check", "--settings=lab_site.settings.production", env=env)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr

    def test_missing_cache_url_stops_with_its_name(self):
        """Rate limits and page caching need one cache every worker shares."""
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
        result = _manage("check", "--settings=lab_site.settings.production", env=env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "CACHE_URL" in result.stderr

    def test_missing_base_url_stops_with_its_name(self):
        """Without it the Site record, and every absolute address, would be wrong."""
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "WAGTAILADMIN_BASE_URL"}
        result = _manage("check", "--settings=lab_site.settings.production", env=env)
        assert result.returncode != 0
        assert "WAGTAILADMIN_BASE_URL" in result.stderr

    def test_a_cache_each_worker_keeps_to_itself_is_refused(self):
        """django-ratelimit's own check, installed so it runs, and not silenced here."""
        for url, reason in (
            ("locmemcache://", "is not a shared cache"),
            ("dbcache://lab_cache", "does not support atomic increment"),
        ):
            env = {**PRODUCTION_ENV, "CACHE_URL": url}
            result = _manage(
                "check", "--settings=lab_site.settings.production", env=env
            )
            assert result.returncode != 0, url
            assert "django_ratelimit.E003" in result.stderr, result.stderr
            assert reason in result.stderr


class DefaultSettingsTests:
    def test_defaults_need_nothing_installed(self):
        env = {}
        code = (
            "import django, os;"
            "os.environ['DJANGO_SETTINGS_MODULE']='lab_site.settings.dev';"
            "django.setup();"
            "from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE']);"
            "print(s.CELERY_TASK_ALWAYS_EAGER);"
            "print(s.WAGTAILSEARCH_BACKENDS['default']['BACKEND']);"
            "print(s.EMAIL_BACKEND)"
        )
        clean = {
            k: v
            for k, v in os.environ.items()
            if k
            not in (
                "DATABASE_URL",
                "CELERY_BROKER_URL",
                "ELASTICSEARCH_URL",
                "EMAIL_URL",
            )
            and not k.startswith("DJANGO_")
        }
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert out == [
            "django.db.backends.sqlite3",
            "True",
            # Wagtail's database backend, quotes searched as text.
            "search.backends.wagtail_database",
            "django.core.mail.backends.console.EmailBackend",
        ]

    def test_integrations_switch_on_from_the_environment(self):
        code = (
            "import django, os;"
            "os.environ['DJANGO_SETTINGS_MODULE']='lab_site.settings.dev';"
            "django.setup();"
            "from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE']);"
            "print(s.CELERY_TASK_ALWAYS_EAGER);"
            "print(s.WAGTAILSEARCH_BACKENDS['default']['BACKEND']);"
            "print(s.EMAIL_BACKEND)"
        )
        env = {
            **os.environ,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
            "EMAIL_URL": "smtp+tls://user:pw@smtp.example:587",
        }
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert out == [
            "django.db.backends.postgresql",
            "False",
            "wagtail.search.backends.elasticsearch8",
            "django.core.mail.backends.smtp.EmailBackend",
        ]

    def test_celery_app_reads_django_settings(self):
        from lab_site.celery import app

        assert app.conf.task_always_eager == settings.CELERY_TASK_ALWAYS_EAGER
        assert app.conf.accept_content == ["json"]


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
