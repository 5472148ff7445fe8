"""Celery tasks of the site shell. Each takes ids, re-fetches and calls one service."""

import smtplib
import socket

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from . import emails

# What a mail server that is down or slow raises: worth trying again later.
EMAIL_RETRYABLE = (smtplib.SMTPException, socket.error, TimeoutError)


@shared_task(bind=True, max_retries=settings.EMAIL_SEND_MAX_RETRIES)
def email_send_task(self, *, email_id: int) -> None:
    """Send one stored email; retry with exponential backoff while the server is down.

    After the last retry (or at once for an error that retrying cannot fix, and in
    eager mode, where a retry would run straight away) the email is marked FAILED and
    the task fails, which records a TaskFailure for the programme leads.
    """
    try:
        emails.email_send(email_id=email_id)
    except EMAIL_RETRYABLE as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            emails.email_mark_failed(email_id=email_id, error=repr(exc))
            raise
        countdown = get_exponential_backoff_interval(
            factor=settings.EMAIL_SEND_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=settings.EMAIL_SEND_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    except Exception as exc:
        emails.email_mark_failed(email_id=email_id, error=repr(exc))
        raise


@shared_task
def email_requeue_stuck_task() -> int:
    """Beat: queue again the emails a lost message left behind."""
    return len(emails.email_requeue_stuck())


@shared_task
def email_digest_send_task(*, user_id: int) -> None:
    emails.email_digest_send(user_id=user_id)


@shared_task
def email_digests_queue_task() -> int:
    """Beat: one digest task per person with emails held for their daily digest."""
    user_ids = emails.digest_recipient_ids()
    for user_id in user_ids:
        email_digest_send_task.delay(user_id=user_id)
    return len(user_ids)


@shared_task
def retention_purge_task() -> dict:
    """Beat, nightly: personal data past its retention period (home.retention)."""
    from .retention import retention_purge

    return retention_purge()


@shared_task
def password_reset_send_task(*, email: str) -> int:
    """Look up and email a password-reset link after the request that asked for it."""
    from .services import password_reset_send

    return password_reset_send(email=email)
