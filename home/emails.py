"""Email: every message is stored in the outbox, then sent once by a Celery task.

Call `email_queue` from a service inside its transaction; the task is queued on commit, so a
rolled-back transaction sends nothing. Templates: `emails/<name>.txt` (required) and
`emails/<name>.html` (optional), both extending the base email templates.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail


def email_queue(
    *, key: str, to: str, subject: str, template: str, context: dict
) -> OutboundEmail:
    """Store an email once per `key` and send it after the current transaction commits.

    `key` names the event, e.g. f"entry-receipt:{entry.pk}": queuing it again (a retried
    request, a re-run task) returns the stored email and sends nothing more.
    """
    context = {"base_url": settings.WAGTAILADMIN_BASE_URL, **context}
    body_text = render_to_string(f"emails/{template}.txt", context)
    try:
        body_html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    email, created = OutboundEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "to": to,
            "subject": subject,
            "body_text": body_text,
            "body_html": body_html,
        },
    )
    if created:
        from .tasks import email_send_task

        transaction.on_commit(lambda: email_send_task.delay(email_id=email.pk))
    return email


def email_send(*, email_id: int) -> OutboundEmail:
    """Send one stored email unless it has been sent already. Raises on SMTP failure."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status == OutboundEmail.Status.SENT:
            return email
        email.attempts += 1
        email.save(update_fields=["attempts"])
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-Lab-Idempotency-Key": email.idempotency_key},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email.pk).update(last_error=str(exc)[:2000])
        raise
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    email.refresh_from_db()
    return email


def email_mark_failed(*, email_id: int, error: str) -> None:
    OutboundEmail.objects.filter(pk=email_id).exclude(
        status=OutboundEmail.Status.SENT
    ).update(status=OutboundEmail.Status.FAILED, last_error=error[:2000])
