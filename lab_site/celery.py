"""The one Celery app. Configured from Django settings (CELERY_*), tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab_site.settings.dev")

app = Celery("lab_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
