"""Email: every message is stored in the outbox, then sent once by a Celery task.

Call `email_queue` from a service inside its transaction; the task is queued on commit, so a
rolled-back transaction sends nothing. Templates: `emails/<name>.txt` (required) and
`emails/<name>.html` (optional), both extending the base email templates, which link to
the notification preferences page.

Exactly once: `email_send` claims the email (QUEUED → SENDING, committed), then in a second
transaction takes a write lock on its row, hands the message to the backend and writes
SENT plus a `MailLog` row before committing. A worker killed before the commit leaves
the row SENDING and the message unacknowledged, so the task runs again and sends; a second
copy of the task waits for the lock and then finds SENT. The one window left is a kill
between the backend accepting the message and the commit (microseconds); the message
carries a stable Message-ID derived from the idempotency key so a provider can drop it.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import MailLog, NotificationPreference, OutboundEmail, User
from .validators import single_line


def _preferences_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse("notification_preferences")


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        "preferences_url": _preferences_url(),
        **context,
    }
    body_text = render_to_string(f"emails/{template}.txt", context)
    try:
        body_html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    return body_text, body_html


def _initial_status(*, to: str, kind: str | None) -> str:
    """QUEUED unless the recipient turned this kind off or wants it in a digest."""
    if not kind:
        return OutboundEmail.Status.QUEUED
    preference = NotificationPreference.objects.filter(user__email__iexact=to).first()
    if preference is None:
        return OutboundEmail.Status.QUEUED
    if not preference.wants(kind):
        return OutboundEmail.Status.SUPPRESSED
    if preference.frequency == NotificationPreference.Frequency.DAILY_DIGEST:
        return OutboundEmail.Status.HELD
    return OutboundEmail.Status.QUEUED


def email_queue(
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    kind: str | None = None,
    reply_to: str = "",
) -> OutboundEmail:
    """Store an email once per `key` and send it after the current transaction commits.

    `key` names the event, e.g. f"entry-receipt:{entry.pk}": queuing it again (a retried
    request, a re-run task) returns the stored email and sends nothing more.

    `kind` (a `home.models.NotificationKind` value) makes the email follow the recipient's
    notification preferences: turned off, it is stored as SUPPRESSED and never sent; in
    daily-digest mode it is HELD and goes out in the next digest. Without `kind` the email
    is always sent straight away (account and security messages).

    `reply_to`, an address, becomes the email's Reply-To header.
    """
    existing = OutboundEmail.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    body_text, body_html = _render(template, context)
    email, created = OutboundEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "to": to,
            "reply_to": reply_to,
            "subject": single_line(subject)[:250],
            "body_text": body_text,
            "body_html": body_html,
            "kind": kind or "",
            "status": _initial_status(to=to, kind=kind),
        },
    )
    if created and email.status == OutboundEmail.Status.QUEUED:
        email_enqueue_on_commit(email_id=email.pk)
    return email


def email_enqueue_on_commit(*, email_id: int) -> None:
    from .tasks import email_send_task

    transaction.on_commit(lambda: email_send_task.delay(email_id=email_id))


def _message_id(email: OutboundEmail) -> str:
    digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<{digest}@{domain}>"


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=single_line(email.subject),
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={
            "Message-ID": _message_id(email),
            "X-Lab-Idempotency-Key": email.idempotency_key,
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def email_send(*, email_id: int) -> OutboundEmail:
    """Send one stored email unless it has been sent already. Raises on SMTP failure."""
    sendable = Q(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED])
    sendable |= Q(status=OutboundEmail.Status.SENDING)  # a killed worker's claim
    # 1. Claim: visible to staff and to the stuck-email check while the send runs.
    with transaction.atomic():
        claimed = (
            OutboundEmail.objects.filter(sendable, pk=email_id).update(
                status=OutboundEmail.Status.SENDING,
                attempts=F("attempts") + 1,
                sending_started_at=timezone.now(),
            )
            > 0
        )
    if not claimed:
        return OutboundEmail.objects.get(pk=email_id)
    try:
        # 2. Send under a write lock on the row (an UPDATE takes it on PostgreSQL and
        # SQLite alike), and record SENT and the mail log in the same transaction.
        with transaction.atomic():
            locked = OutboundEmail.objects.filter(
                pk=email_id, status=OutboundEmail.Status.SENDING
            ).update(last_error="")
            email = OutboundEmail.objects.get(pk=email_id)
            if not locked:
                return email  # another copy of the task sent it while we waited
            if MailLog.objects.filter(email_id=email_id).exists():
                # The log and SENT commit together, so this cannot happen unless the
                # status was edited by hand: believe the log, send nothing.
                email.status = OutboundEmail.Status.SENT
                email.save(update_fields=["status"])
                return email
            message = _message(email)
            message.send()
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.save(update_fields=["status", "sent_at"])
            MailLog.objects.create(
                email=email,
                message_id=message.extra_headers["Message-ID"],
                to=email.to,
                subject=email.subject,
                backend=settings.EMAIL_BACKEND,
            )
            return email
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email_id).exclude(
            status=OutboundEmail.Status.SENT
        ).update(status=OutboundEmail.Status.QUEUED, last_error=repr(exc)[:2000])
        raise


def email_mark_failed(*, email_id: int, error: str) -> None:
    OutboundEmail.objects.filter(pk=email_id).exclude(
        status=OutboundEmail.Status.SENT
    ).update(status=OutboundEmail.Status.FAILED, last_error=error[:2000])


def email_requeue_stuck(*, older_than: timedelta | None = None) -> list[int]:
    """Queue again every email left QUEUED or SENDING for longer than `older_than`.

    This is how a lost message is recovered: Redis restarted without persistence, a
    worker killed for good, a deploy that dropped the queue. Re-queuing is safe because
    `email_send` sends each email once whatever the number of task copies.
    """
    if older_than is None:
        older_than = timedelta(minutes=settings.EMAIL_STUCK_AFTER_MINUTES)
    cutoff = timezone.now() - older_than
    stuck = OutboundEmail.objects.filter(
        Q(status=OutboundEmail.Status.QUEUED, created_at__lte=cutoff)
        | Q(status=OutboundEmail.Status.SENDING, sending_started_at__lte=cutoff)
    )
    ids = list(stuck.values_list("pk", flat=True))
    for email_id in ids:
        email_enqueue_on_commit(email_id=email_id)
    return ids


def email_digest_send(*, user_id: int) -> OutboundEmail | None:
    """Fold every email HELD for this person into one digest email, sent once per day."""
    user = User.objects.get(pk=user_id)
    with transaction.atomic():
        held = list(
            OutboundEmail.objects.select_for_update()
            .filter(to__iexact=user.email, status=OutboundEmail.Status.HELD)
            .order_by("created_at")
        )
        if not held:
            return None
        today = timezone.localdate()
        digest = email_queue(
            key=f"digest:{user.pk}:{today.isoformat()}:{held[-1].pk}",
            to=user.email,
            subject=f"Your Public Impact Lab updates: {len(held)} new",
            template="digest",
            context={
                "user": user,
                "items": [
                    # Each body without its own footer ("-- " signature and below).
                    {"subject": e.subject, "body": e.body_text.rsplit("\n--\n", 1)[0]}
                    for e in held
                ],
                "date": today,
            },
        )
        OutboundEmail.objects.filter(pk__in=[e.pk for e in held]).update(
            status=OutboundEmail.Status.DIGESTED, digest=digest
        )
    return digest


def digest_recipient_ids() -> list[int]:
    """The people with emails held for a digest (a selector for the daily task)."""
    addresses = OutboundEmail.objects.filter(status=OutboundEmail.Status.HELD).values(
        "to"
    )
    return list(User.objects.filter(email__in=addresses).values_list("pk", flat=True))
