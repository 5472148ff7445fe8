import smtplib
import socket

from celery import shared_task

from .emails import email_mark_failed, email_send


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, socket.error, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
)
def email_send_task(self, *, email_id: int) -> None:
    try:
        email_send(email_id=email_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            email_mark_failed(email_id=email_id, error=repr(exc))
        raise
