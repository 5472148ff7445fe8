"""The one Celery app. Configured from Django settings (CELERY_*), tasks autodiscovered.

A task that ends in failure after its retries is recorded as a `home.TaskFailure`, which
programme leads see (and retry) in the Wagtail admin under Settings → Failed tasks.
"""

import os

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab_site.settings.dev")

app = Celery("lab_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_failure.connect
def _record_task_failure(sender=None, task_id=None, exception=None, **kwargs) -> None:
    from home.jobs import task_failure_record

    task_failure_record(
        task_name=getattr(sender, "name", str(sender)),
        task_id=task_id or "",
        args=kwargs.get("args") or [],
        kwargs=kwargs.get("kwargs") or {},
        exception=exception,
        einfo=kwargs.get("einfo"),
    )
