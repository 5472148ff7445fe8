"""Celery tasks for pilots: each takes ids, re-fetches and calls one service."""

from celery import shared_task

from .models import ImportJob
from .services.measurements import measurements_import_run


@shared_task(name="pilots.tasks.measurements_import_task")
def measurements_import_task(*, job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return measurements_import_run(job=job).status
