"""Helpers for background jobs: one-time side effects and failed-task records.

Idempotency, in a service::

    @transaction.atomic
    def measurements_import(*, upload: Upload) -> None:
        if not idempotency_key_claim(key=f"measurements-import:{upload.pk}"):
            return  # done already, by an earlier run of the same task
        ...  # the side effect, in the same transaction as the claim

The claim and the side effect commit together or not at all, so a task that runs twice
(a redelivered message, a retry after a killed worker) does the work once. Concurrent
claims of one key wait for each other on the unique index; the loser sees False.
"""

import logging
import traceback as traceback_module
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def idempotency_key_claim(*, key: str) -> bool:
    """True the first time `key` is claimed (in a committed transaction), False after.

    Call it inside the transaction that performs the side effect."""
    from .models import IdempotencyKey

    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def _json_safe(value: Any) -> Any:
    import json

    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def task_failure_record(
    *,
    task_name: str,
    task_id: str,
    args: list,
    kwargs: dict,
    exception: BaseException | None,
    einfo: Any = None,
) -> None:
    """Store (once per task id) a task that ended in failure after its retries.

    Called from Celery's task_failure signal; never raises, as it runs in the worker's
    error path."""
    from .models import TaskFailure

    if einfo is not None:
        trace = str(getattr(einfo, "traceback", "")) or str(einfo)
    else:
        trace = (
            "".join(traceback_module.format_exception(exception)) if exception else ""
        )
    try:
        with transaction.atomic():
            TaskFailure.objects.update_or_create(
                task_id=task_id,
                status=TaskFailure.Status.OPEN,
                defaults={
                    "task_name": task_name,
                    "args": _json_safe(list(args)),
                    "kwargs": _json_safe(dict(kwargs)),
                    "exception": repr(exception)[:5000],
                    "traceback": trace[:20000],
                },
            )
    except Exception:
        logger.exception("Could not record the failure of task %s", task_id)


def task_failure_retry(*, failure_id: int, by) -> None:
    """Queue the failed task again with its arguments and mark the failure retried."""
    from lab_site.celery import app

    from .models import TaskFailure

    with transaction.atomic():
        failure = TaskFailure.objects.select_for_update().get(pk=failure_id)
        if failure.status != TaskFailure.Status.OPEN:
            return
        task = app.tasks[failure.task_name]
        failure.status = TaskFailure.Status.RETRIED
        failure.retried_at = timezone.now()
        failure.retried_by = by
        failure.save(update_fields=["status", "retried_at", "retried_by"])
        args, kwargs = list(failure.args), dict(failure.kwargs)
        transaction.on_commit(
            lambda: task.apply_async(args=args, kwargs=kwargs), robust=True
        )
