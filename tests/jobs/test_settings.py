"""Celery is configured for jobs that survive: read from the app as the worker sees it."""

import re
from pathlib import Path

from django.conf import settings

from lab_site.celery import app

BASE_SETTINGS = Path(settings.BASE_DIR) / "lab_site" / "settings" / "base.py"


class CeleryConfigurationTests:
    def test_json_only(self):
        assert app.conf.accept_content == ["json"]
        assert app.conf.task_serializer == "json"

    def test_late_acknowledgement_and_rejection_when_a_worker_is_lost(self):
        assert app.conf.task_acks_late is True
        assert app.conf.task_reject_on_worker_lost is True
        assert app.conf.worker_prefetch_multiplier == 1

    def test_time_limits(self):
        assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit

    def test_visibility_timeout_exceeds_the_longest_countdown(self):
        visibility = app.conf.broker_transport_options["visibility_timeout"]
        assert visibility > settings.EMAIL_SEND_RETRY_BACKOFF_MAX
        assert visibility > app.conf.task_time_limit

    def test_eager_only_without_a_broker(self):
        assert (not settings.CELERY_BROKER_URL) == settings.CELERY_TASK_ALWAYS_EAGER


class BeatScheduleTests:
    def test_every_entry_names_a_registered_task(self):
        app.loader.import_default_modules()
        schedule = settings.CELERY_BEAT_SCHEDULE
        assert {"email-requeue-stuck", "email-digests"} <= set(schedule)
        for name, entry in schedule.items():
            assert entry["task"] in app.tasks, f"{name}: no task {entry['task']}"

    def test_every_entry_has_a_comment(self):
        source = BASE_SETTINGS.read_text()
        for name in settings.CELERY_BEAT_SCHEDULE:
            key = re.escape(f'"{name}"')
            entry = rf"#[^\n]*\n\s*(?:{key}: \{{|CELERY_BEAT_SCHEDULE\[{key}\] = \{{)"
            assert re.search(entry, source), (
                f"beat entry {name!r} has no comment line above it"
            )
