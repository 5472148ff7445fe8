"""Pilot contacts (UK GDPR rights: export, erasure, anonymisation) and messages to a
pilot's lead from a case study."""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.search import index

from home.emails import email_queue
from home.models import LabSettings
from home.roles import is_programme_lead
from home.validators import validate_single_line

from ..models import (
    Contact,
    PartnerPage,
    Pilot,
)
from ..publishing.selectors import lead_contact_for

ERASED_NAME = "Erased contact"

CONTACT_FIELDS = [
    "name",
    "job_title",
    "organisation",
    "email",
    "phone",
    "is_public",
    "lawful_basis",
    "lawful_basis_recorded_at",
    "user",
]


def _log_entries_about(contact: Contact):
    """Audit entries whose object is the contact, or whose text names the person."""
    query = Q(content_type__app_label="pilots", content_type__model="contact") & Q(
        object_id=str(contact.pk)
    )
    for value in (contact.name, contact.email):
        if value:
            query |= Q(label__icontains=value) | Q(data__icontains=value)
    return ModelLogEntry.objects.filter(query)


def contact_export(*, contact: Contact, by=None) -> dict:
    """Everything held about one person (UK GDPR subject access), JSON-serialisable.

    With `by`, the export is recorded in the audit log (after it is read, so the
    export does not contain itself)."""
    entries = _log_entries_about(contact).order_by("timestamp")
    data = {
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "job_title": contact.job_title,
            "organisation": contact.organisation.name if contact.organisation else None,
            "email": contact.email,
            "phone": contact.phone,
            "public": contact.is_public,
            "lawful_basis": contact.get_lawful_basis_display(),
            "lawful_basis_recorded_at": contact.lawful_basis_recorded_at,
            "account_email": contact.user.email if contact.user else None,
            "created_at": contact.created_at,
            "updated_at": contact.updated_at,
            "erased_at": contact.erased_at,
        },
        "pilots_led": [
            {"id": p.pk, "title": p.title, "status": p.get_status_display()}
            for p in contact.pilots_led.order_by("pk")
        ],
        "metrics_owned": [
            {"id": m.pk, "name": m.name, "pilot": m.pilot.title}
            for m in contact.metrics_owned.select_related("pilot").order_by("pk")
        ],
        "audit_log": [
            {
                "timestamp": e.timestamp,
                "action": e.action,
                "object": e.label,
                "object_type": e.content_type.model if e.content_type else None,
                "data": e.data,
            }
            for e in entries.select_related("content_type")
        ],
    }
    # Round-trip through Django's encoder: dates, datetimes and decimals become text.
    exported = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    if by is not None:
        log(instance=contact, action="pilots.contact.export", user=by)
    return exported


def _scrub(value, secrets: list[str]):
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                lowered = value.lower()
                start = lowered.find(secret.lower())
                while start != -1:
                    value = value[:start] + ERASED_NAME + value[start + len(secret) :]
                    lowered = value.lower()
                    start = lowered.find(secret.lower(), start + len(ERASED_NAME))
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    return value


def _scrub_log_entries(contact: Contact) -> None:
    """Take the person's name, email and phone out of the audit entries about them."""
    secrets = [s for s in (contact.name, contact.email, contact.phone) if s]
    for entry in list(_log_entries_about(contact)):
        entry.label = _scrub(entry.label, secrets)
        entry.data = _scrub(entry.data, secrets)
        entry.save(update_fields=["label", "data"])


@transaction.atomic
def contact_erase(*, contact: Contact, by) -> Contact:
    """Erase a person: personal fields anonymised, the pilots that mention them kept.

    Also scrubs the name and email from Wagtail's audit log (labels and data) and
    re-indexes the record so no search index still holds them. The lawful basis and
    dates stay: they record why the data was held.
    """
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads erase contacts")
    return contact_anonymise(contact=contact, by=by)


@transaction.atomic
def contact_anonymise(*, contact: Contact, by=None, reason: str = "") -> Contact:
    """The erasure itself, with no permission check: `contact_erase` for a programme
    lead's decision, and the nightly retention job (home.retention, `by` None, with a
    `reason`) for contacts kept past RETENTION_CONTACT_DAYS."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _scrub_log_entries(contact)
    contact.name = ERASED_NAME
    contact.job_title = ""
    contact.email = ""
    contact.phone = ""
    contact.is_public = False
    contact.user = None
    contact.erased_at = timezone.now()
    contact.save()
    index.insert_or_update_object(contact)
    log(
        instance=contact,
        action="pilots.contact.erase",
        user=by,
        data={"reason": reason} if reason else {},
    )
    return contact


def _contact_check_fields(fields: dict) -> None:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact fields: {sorted(unknown)}")


@transaction.atomic
def contact_create(*, by, **fields) -> Contact:
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads add contacts")
    _contact_check_fields(fields)
    if not fields.get("lawful_basis_recorded_at"):
        fields["lawful_basis_recorded_at"] = timezone.now()
    contact = Contact(**fields)
    contact.full_clean()
    contact.save()
    log(instance=contact, action="wagtail.create", user=by)
    return contact


def _same_minute(a: datetime.datetime, b: datetime.datetime) -> bool:
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


@transaction.atomic
def contact_update(*, contact: Contact, by, fields: dict) -> Contact:
    """Change a contact's details; programme leads only. An erased contact stays
    erased: its personal data cannot be put back. A new lawful basis is recorded as of
    now unless a date is given with it. The audit entry names the fields changed, never
    their values."""
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads change contacts")
    _contact_check_fields(fields)
    stored = Contact.objects.select_for_update().get(pk=contact.pk)
    if stored.erased_at is not None:
        raise ValidationError(
            "This contact's personal data has been erased: it cannot be changed. "
            "Add a new contact if the person has agreed to be contacted again."
        )
    recorded = fields.get("lawful_basis_recorded_at")
    if (
        recorded
        and stored.lawful_basis_recorded_at
        and _same_minute(recorded, stored.lawful_basis_recorded_at)
    ):
        # The admin shows the time to the minute: the same minute is no change.
        fields = {**fields, "lawful_basis_recorded_at": stored.lawful_basis_recorded_at}
    changed = [n for n, v in fields.items() if getattr(stored, n) != v]
    if "lawful_basis" in changed and "lawful_basis_recorded_at" not in changed:
        fields = {**fields, "lawful_basis_recorded_at": timezone.now()}
        changed.append("lawful_basis_recorded_at")
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    index.insert_or_update_object(stored)
    log(instance=stored, action="wagtail.edit", user=by, data={"changed": changed})
    return stored


@transaction.atomic
def contact_delete(*, contact: Contact, by) -> None:
    """Delete a contact entered by mistake; programme leads only.

    Refused while the person leads a pilot (readers of its case study reach them through
    it) or is named on a published partner page: erase their personal data instead,
    which keeps the pilot's history. Their name and email leave the audit log with
    them."""
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads delete contacts")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    led = list(contact.pilots_led.order_by("title").values_list("title", flat=True))
    if led:
        raise ValidationError(
            f"{contact} leads {', '.join(f'“{t}”' for t in led)}: choose another lead "
            "for the pilot first, or erase the contact's personal data instead."
        )
    if (
        contact.is_public
        and contact.organisation_id
        and PartnerPage.objects.live()
        .filter(organisation_id=contact.organisation_id)
        .exists()
    ):
        raise ValidationError(
            f"{contact} is named on the published partner page of "
            f"{contact.organisation}: untick “public” first, or erase the contact's "
            "personal data instead."
        )
    _scrub_log_entries(contact)
    log(
        instance=contact,
        action="wagtail.delete",
        user=by,
        title=f"Contact {contact.pk}",
        deleted=True,
    )
    contact.delete()


# Contacting a pilot lead from a case study ----------------------------------------------


@transaction.atomic
def case_study_contact_send(
    *,
    case_study,
    sender_name: str,
    sender_email: str,
    sender_organisation: str = "",
    message: str,
):
    """Pass a reader's message to the pilot's lead by email (or, when the lead cannot be
    reached, to the Lab team); the reader never sees the address. Sending the same
    message twice sends one email."""
    if not (sender_name.strip() and sender_email.strip() and message.strip()):
        raise ValidationError("Enter your name, email address and message")
    # The same rules for any door: the address becomes the Reply-To header, and the
    # name and organisation head the email on lines of their own.
    validate_email(sender_email.strip())
    validate_single_line(sender_name)
    validate_single_line(sender_organisation)
    pilot = Pilot.objects.select_related("lead_contact").get(pk=case_study.pilot_id)
    lead = lead_contact_for(pilot=pilot)
    to = lead.email if lead else LabSettings.load().contact_email
    fingerprint = hashlib.sha256(
        "\n".join([str(case_study.pk), sender_email.lower(), message]).encode()
    ).hexdigest()[:32]
    return email_queue(
        key=f"case-study-contact:{case_study.pk}:{fingerprint}",
        to=to,
        subject=f"A question about your pilot: {pilot.title}",
        # The lead answers the reader directly; the reader's address is checked as an
        # email address by the form and by the model field it is stored in.
        reply_to=sender_email.strip(),
        template="case_study_contact",
        context={
            "lead_name": lead.name if lead else "",
            "pilot": pilot,
            "case_study_title": case_study.title,
            "case_study_url": case_study.full_url or "",
            "sender_name": sender_name,
            "sender_email": sender_email,
            "sender_organisation": sender_organisation,
            "message": message,
            "forwarded_to_lab": lead is None,
        },
    )


def contacts_retention_purge(*, now: datetime.datetime) -> int:
    """Anonymise contacts RETENTION_CONTACT_DAYS after the last pilot they lead or own a
    metric of has ended (and after their record last changed), as an erasure, so the
    pilots' history stays (the nightly retention purge)."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_CONTACT_DAYS)
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
