"""Data retention (UK GDPR storage limitation): personal data is kept no
longer than the periods in settings, which the privacy notice states (it reads them
from settings: `home/templatetags/retention.py`).

`retention_purge` runs nightly (the `retention-purge` beat job) and is safe to run at
any time and any number of times: each step only removes what is already past its
period. Each app owns the purge of its own records and registers it with the
`register_retention_purge` hook (`challenges.services.entry_drafts_purge`,
`pilots.services.contacts.contacts_retention_purge`). What it does:

- draft entries never submitted, RETENTION_DRAFT_ENTRY_DAYS after their challenge
  closed (with their answers and attached files);
- accounts whose email address was never confirmed, RETENTION_UNCONFIRMED_ACCOUNT_DAYS
  after sign-up;
- pilot contacts, RETENTION_CONTACT_DAYS after the last pilot they lead or own a metric
  of has ended (and after their record was last changed): anonymised as an erasure
  (`pilots.services.contacts.contact_anonymise`), so the pilots' history stays;
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
from django.utils import timezone
from wagtail import hooks
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
def unconfirmed_accounts_purge(*, now) -> int:
    cutoff = now - _days("RETENTION_UNCONFIRMED_ACCOUNT_DAYS")
    # Sign-ups never confirmed, not accounts staff deactivated.
    accounts = User.objects.filter(
        is_active=False,
        email_confirmed_at__isnull=True,
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
    # The apps' own purges first (drafts, contacts), registered through the
    # `register_retention_purge` hook: each returns (name, purge(*, now) -> count).
    purges = [fn() for fn in hooks.get_hooks("register_retention_purge")]
    purges += [
        ("unconfirmed_accounts", unconfirmed_accounts_purge),
        ("emails", email_copies_purge),
        ("sign_in_records", sign_in_records_purge),
        ("expired_sessions", sessions_purge),
    ]
    counts = {name: purge(now=now) for name, purge in purges}
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
