"""Data retention (issue 11; UK GDPR storage limitation): personal data is kept no
longer than the periods in settings, which the privacy notice states (it reads them
from settings: `home/templatetags/retention.py`).

`retention_purge` runs nightly (the `retention-purge` beat job) and is safe to run at
any time and any number of times: each step only removes what is already past its
period. What it does, oldest first:

- draft entries never submitted, RETENTION_DRAFT_ENTRY_DAYS after their challenge
  closed (with their answers and attached files);
- accounts whose email address was never confirmed, RETENTION_UNCONFIRMED_ACCOUNT_DAYS
  after sign-up;
- pilot contacts, RETENTION_CONTACT_DAYS after the last pilot they lead or own a metric
  of has ended (and after their record was last changed): anonymised as an erasure
  (`pilots.services.contact_anonymise`), so the pilots' history stays;
- copies of emails sent (the outbox and the mail log), RETENTION_EMAIL_LOG_DAYS after
  they were queued;
- sign-in records (django-axes: addresses, browsers, times), RETENTION_SIGN_IN_LOG_DAYS;
- expired sessions.

Each run that removes anything writes one audit-log entry, on the site settings, with
the counts (never the people).
"""

import logging
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.log_actions import log

from .models import LabSettings, OutboundEmail, User

logger = logging.getLogger(__name__)

# An email in one of these states is finished with: nothing will send it again.
FINISHED_EMAILS = [
    OutboundEmail.Status.SENT,
    OutboundEmail.Status.FAILED,
    OutboundEmail.Status.DIGESTED,
    OutboundEmail.Status.SUPPRESSED,
]


def _days(name: str) -> timedelta:
    return timedelta(days=getattr(settings, name))


@transaction.atomic
def draft_entries_purge(*, now) -> int:
    from challenges.models import ChallengePage, Entry

    cutoff = now - _days("RETENTION_DRAFT_ENTRY_DAYS")
    drafts = Entry.objects.filter(
        status=Entry.Status.DRAFT, challenge__closes_at__lt=cutoff
    )
    files = [
        (a.file.storage, a.file.name)
        for entry in drafts.prefetch_related("attachments")
        for a in entry.attachments.all()
    ]
    per_challenge: dict[int, int] = {}
    for challenge_id in drafts.values_list("challenge_id", flat=True):
        per_challenge[challenge_id] = per_challenge.get(challenge_id, 0) + 1
    deleted = sum(per_challenge.values())
    drafts.delete()
    for challenge in ChallengePage.objects.filter(pk__in=per_challenge):
        log(
            instance=challenge,
            action="home.retention.purge",
            data={"draft_entries_deleted": per_challenge[challenge.pk]},
        )
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return deleted


@transaction.atomic
def unconfirmed_accounts_purge(*, now) -> int:
    cutoff = now - _days("RETENTION_UNCONFIRMED_ACCOUNT_DAYS")
    accounts = User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        date_joined__lt=cutoff,
        is_staff=False,
        is_superuser=False,
        groups__isnull=True,
        memberships__isnull=True,
    )
    # Only ids: a deletion with joins is not portable.
    ids = list(accounts.values_list("pk", flat=True))
    deleted = len(ids)
    User.objects.filter(pk__in=ids).delete()
    return deleted


def contacts_anonymise(*, now) -> int:
    from pilots.models import Contact, Pilot
    from pilots.services import contact_anonymise

    cutoff = now - _days("RETENTION_CONTACT_DAYS")
    ended = Q(
        status__in=[Pilot.Status.COMPLETED, Pilot.Status.STOPPED],
        actual_end_date__lte=cutoff.date(),
    )
    still_needed = (
        Pilot.objects.filter(
            Q(lead_contact=OuterRef("pk")) | Q(metrics__owner=OuterRef("pk"))
        )
        .exclude(ended)
        .values("pk")
    )
    due = Contact.objects.filter(erased_at__isnull=True, updated_at__lt=cutoff).exclude(
        Exists(still_needed)
    )
    count = 0
    for contact in due:
        contact_anonymise(contact=contact, by=None, reason="retention period ended")
        count += 1
    return count


@transaction.atomic
def email_copies_purge(*, now) -> int:
    cutoff = now - _days("RETENTION_EMAIL_LOG_DAYS")
    old = OutboundEmail.objects.filter(
        created_at__lt=cutoff, status__in=FINISHED_EMAILS
    )
    # A digest that is kept must not point at nothing; MailLog rows go with their email.
    count = old.count()
    old.delete()
    return count


@transaction.atomic
def sign_in_records_purge(*, now) -> int:
    cutoff = now - _days("RETENTION_SIGN_IN_LOG_DAYS")
    count = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        deleted, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        count += deleted
    return count


def sessions_purge(*, now) -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


def retention_purge(*, now=None) -> dict[str, int]:
    """Remove or anonymise everything past its retention period; return the counts."""
    now = now or timezone.now()
    counts = {
        "draft_entries": draft_entries_purge(now=now),
        "unconfirmed_accounts": unconfirmed_accounts_purge(now=now),
        "contacts_anonymised": contacts_anonymise(now=now),
        "emails": email_copies_purge(now=now),
        "sign_in_records": sign_in_records_purge(now=now),
        "expired_sessions": sessions_purge(now=now),
    }
    if any(counts.values()):
        log(instance=LabSettings.load(), action="home.retention.purge", data=counts)
    logger.info("Retention purge: %s", counts)
    return counts


def retention_periods() -> list[tuple[str, str]]:
    """What is kept how long, in words, for the privacy notice."""

    def days(name: str) -> str:
        n = getattr(settings, name)
        if n % 365 == 0:
            years = n // 365
            return f"{years} year" + ("s" if years != 1 else "")
        return f"{n} day" + ("s" if n != 1 else "")

    return [
        (
            "Draft entries that were never submitted",
            f"deleted {days('RETENTION_DRAFT_ENTRY_DAYS')} after the challenge closes",
        ),
        (
            "Accounts whose email address was never confirmed",
            f"deleted {days('RETENTION_UNCONFIRMED_ACCOUNT_DAYS')} after sign-up",
        ),
        (
            "Pilot contacts' names and contact details",
            f"erased {days('RETENTION_CONTACT_DAYS')} after the last pilot they "
            "worked on ends",
        ),
        (
            "Copies of the emails we send you",
            f"deleted after {days('RETENTION_EMAIL_LOG_DAYS')}",
        ),
        (
            "Records of signing in (time, internet address and browser)",
            f"deleted after {days('RETENTION_SIGN_IN_LOG_DAYS')}",
        ),
    ]
