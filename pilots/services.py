"""Writes for pilots: proposals and their workflow, pilots, measurements, CSV imports,
and the UK GDPR rights of contacts (export, erasure)."""

import csv
import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.search import index

from home.emails import email_queue
from home.models import LabSettings, NotificationKind, Organisation

from .models import (
    Contact,
    ImportJob,
    Measurement,
    Metric,
    PartnerRole,
    Pilot,
    PilotPartner,
    PilotProposal,
    ProposalPartner,
)
from .page_selectors import lead_contact_for
from .selectors import CSV_COLUMNS, user_is_programme_lead, user_is_public_servant

S = PilotProposal.Status

# (from, to) -> who may make the move: "proposer" (the person who raised it) or "lead"
# (a programme lead). Anything not listed is refused.
PROPOSAL_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): "proposer",
    (S.CHANGES_REQUESTED, S.SUBMITTED): "proposer",
    (S.SUBMITTED, S.UNDER_REVIEW): "lead",
    (S.UNDER_REVIEW, S.APPROVED): "lead",
    (S.UNDER_REVIEW, S.CHANGES_REQUESTED): "lead",
    (S.UNDER_REVIEW, S.DECLINED): "lead",
}
# Wagtail log action for each target status (registered in wagtail_hooks).
PROPOSAL_LOG_ACTIONS: dict[str, str] = {
    S.SUBMITTED: "pilots.proposal.submit",
    S.UNDER_REVIEW: "pilots.proposal.review_start",
    S.APPROVED: "pilots.proposal.approve",
    S.CHANGES_REQUESTED: "pilots.proposal.request_changes",
    S.DECLINED: "pilots.proposal.decline",
}
COMMENT_REQUIRED = {S.CHANGES_REQUESTED, S.DECLINED}

PROPOSAL_FIELDS = [
    "title",
    "problem",
    "proposed_solution",
    "sponsor",
    "budget_requested",
    "match_funding",
    "duration_months",
    "target_outcomes",
    "proposed_metrics",
    "evaluate_process",
    "evaluate_impact",
    "evaluate_value_for_money",
    "evaluation_approach",
    "dpia_status",
    "data_sharing_agreement_status",
    "risks",
    "source_reference",
]


# Proposals ----------------------------------------------------------------------------


def _proposal_set_partners(
    *, proposal: PilotProposal, partners: list[tuple[Organisation, str]]
) -> None:
    proposal.partners.all().delete()
    seen = set()
    for organisation, role in partners:
        if (organisation.pk, role) in seen:
            continue
        seen.add((organisation.pk, role))
        ProposalPartner.objects.create(
            proposal=proposal, organisation=organisation, role=role
        )


@transaction.atomic
def proposal_create(
    *,
    by,
    lead_organisation: Organisation,
    fields: dict,
    partners: list[tuple[Organisation, str]] | None = None,
) -> PilotProposal:
    """A new draft. Public servants raise proposals for their own organisations;
    programme leads for any."""
    if not user_is_programme_lead(user=by):
        if not user_is_public_servant(user=by):
            raise PermissionDenied("Only public servants can raise a pilot proposal")
        if not lead_organisation.memberships.filter(user=by).exists():
            raise PermissionDenied("You can only propose for your own organisation")
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise ValueError(f"Not proposal fields: {sorted(unknown)}")
    proposal = PilotProposal(
        lead_organisation=lead_organisation, created_by=by, **fields
    )
    proposal.full_clean()
    proposal.save()
    _proposal_set_partners(proposal=proposal, partners=partners or [])
    log(instance=proposal, action="wagtail.create", user=by)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal: PilotProposal,
    by,
    fields: dict,
    partners: list[tuple[Organisation, str]] | None = None,
) -> PilotProposal:
    """The proposer edits a draft, or a proposal sent back for changes."""
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.created_by_id != by.pk:
        raise PermissionDenied("Only the person who raised a proposal can edit it")
    if not proposal.is_editable_by_proposer:
        raise ValidationError("This proposal can no longer be changed")
    for name, value in fields.items():
        if name not in PROPOSAL_FIELDS:
            raise ValueError(f"Not a proposal field: {name}")
        setattr(proposal, name, value)
    proposal.full_clean()
    proposal.save()
    if partners is not None:
        _proposal_set_partners(proposal=proposal, partners=partners)
    log(instance=proposal, action="wagtail.edit", user=by)
    return proposal


def proposal_create_from_entry_fields(
    *,
    by,
    fields: dict,
    lead_organisation: Organisation,
    partners: list[tuple[Organisation, str]] | None = None,
) -> PilotProposal:
    """Pre-fill a draft proposal from a successful challenge entry.

    `fields` is a plain dict (the challenges app maps an entry to it), with any of:
    `title`, `problem` (the challenge statement), `proposed_solution` (the entry's
    solution), `budget_requested`, `duration_months`, `target_outcomes`,
    `proposed_metrics`, `source_reference` (e.g. "Urban Challenge entry 42"). Fields it
    does not give get placeholders for the programme lead to complete; unknown keys are
    refused. Once `PilotProposal.source_entry` exists, the caller sets it on the result.
    """
    if not user_is_programme_lead(user=by):
        raise PermissionDenied("Only programme leads create proposals from entries")
    defaults = {
        "problem": "",
        "proposed_solution": "",
        "budget_requested": Decimal(0),
        "duration_months": 6,
        "target_outcomes": "To be agreed with the pilot partners.",
        "proposed_metrics": "To be agreed with the pilot partners.",
        "risks": "To be assessed.",
    }
    return proposal_create(
        by=by,
        lead_organisation=lead_organisation,
        fields={**defaults, **fields},
        partners=partners,
    )


@transaction.atomic
def proposal_create_from_entry(*, entry, by) -> PilotProposal:
    """A draft proposal pre-filled from a successful challenge entry, linked to it.

    The challenge's first holder leads it; the holders are challenge holders and the
    entrant a delivery partner. One proposal per entry: asking again returns it.
    """
    from challenges.models import Entry

    existing = PilotProposal.objects.filter(source_entry=entry).first()
    if existing is not None:
        return existing
    if entry.status != Entry.Status.SUCCESSFUL:
        raise ValidationError("Only a successful entry can become a pilot proposal.")
    challenge = entry.challenge
    holders = list(challenge.holders.all())
    if not holders:
        raise ValidationError(
            "The challenge has no holder organisation to lead the pilot: add one first."
        )
    partners = [(h, PartnerRole.CHALLENGE_HOLDER) for h in holders]
    partners.append((entry.organisation, PartnerRole.DELIVERY_PARTNER))
    proposal = proposal_create_from_entry_fields(
        by=by,
        lead_organisation=holders[0],
        fields={
            "title": (entry.title or challenge.title)[:200],
            "problem": challenge.summary,
            "proposed_solution": entry.solution or entry.summary,
            "budget_requested": Decimal(challenge.funding_amount),
            "source_reference": f"Urban Challenge entry {entry.pk}: {challenge.title}"[
                :200
            ],
        },
        partners=partners,
    )
    proposal.source_entry = entry
    proposal.save(update_fields=["source_entry"])
    return proposal


def _proposal_email(*, proposal: PilotProposal, entry: ModelLogEntry) -> None:
    context = {
        "proposal": proposal,
        "status": proposal.get_status_display(),
        "comment": proposal.reviewer_comments
        if proposal.status in (S.CHANGES_REQUESTED, S.DECLINED, S.APPROVED)
        else "",
        "path": f"/pilots/proposals/{proposal.pk}/",
    }
    subject = (
        f"Pilot proposal {proposal.get_status_display().lower()}: {proposal.title}"
    )
    if proposal.created_by and proposal.created_by.email:
        email_queue(
            key=f"pilot-proposal:{entry.pk}:proposer",
            to=proposal.created_by.email,
            subject=subject,
            template="pilot_proposal_status",
            context=context,
            kind=NotificationKind.PILOT_UPDATES,
        )
    if proposal.status == S.SUBMITTED:
        from home.models import LabSettings

        email_queue(
            key=f"pilot-proposal:{entry.pk}:lab",
            to=LabSettings.load().contact_email,
            subject=f"New pilot proposal to review: {proposal.title}",
            template="pilot_proposal_submitted_staff",
            context={
                **context,
                "admin_path": f"/admin/pilots/proposals/{proposal.pk}/",
            },
        )


@transaction.atomic
def proposal_transition(
    *, proposal: PilotProposal, to: str, by, comment: str = ""
) -> PilotProposal:
    """Move a proposal along its workflow, or raise ValidationError / PermissionDenied.

    Every move is logged with Wagtail's `log()` (action per `PROPOSAL_LOG_ACTIONS`, the
    from/to status and comment in `data`) and emails the proposer once the transaction
    commits (idempotent per log entry).
    """
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    current = proposal.status
    who = PROPOSAL_TRANSITIONS.get((current, to))
    if who is None:
        raise ValidationError(
            f"A proposal cannot go from {S(current).label.lower()} to "
            f"{S(to).label.lower() if to in S.values else to}"
        )
    if who == "proposer" and proposal.created_by_id != by.pk:
        raise PermissionDenied("Only the person who raised the proposal can submit it")
    if who == "lead" and not user_is_programme_lead(user=by):
        raise PermissionDenied("Only programme leads review proposals")
    comment = comment.strip()
    if to in COMMENT_REQUIRED and not comment:
        raise ValidationError({"comment": "Explain your decision to the proposer"})
    if to == S.SUBMITTED:
        proposal.full_clean()
        proposal.submitted_at = timezone.now()
    if to in (S.APPROVED, S.CHANGES_REQUESTED, S.DECLINED):
        proposal.decided_at = timezone.now()
        proposal.reviewer_comments = comment
    proposal.status = to
    proposal.save()
    entry = log(
        instance=proposal,
        action=PROPOSAL_LOG_ACTIONS[to],
        user=by,
        data={"from": current, "to": to, "comment": comment},
    )
    _proposal_email(proposal=proposal, entry=entry)
    return proposal


def proposal_submit(*, proposal: PilotProposal, by) -> PilotProposal:
    return proposal_transition(proposal=proposal, to=S.SUBMITTED, by=by)


def proposal_review_start(*, proposal: PilotProposal, by) -> PilotProposal:
    return proposal_transition(proposal=proposal, to=S.UNDER_REVIEW, by=by)


def proposal_approve(
    *, proposal: PilotProposal, by, comment: str = ""
) -> PilotProposal:
    return proposal_transition(proposal=proposal, to=S.APPROVED, by=by, comment=comment)


def proposal_request_changes(
    *, proposal: PilotProposal, by, comment: str
) -> PilotProposal:
    return proposal_transition(
        proposal=proposal, to=S.CHANGES_REQUESTED, by=by, comment=comment
    )


def proposal_decline(*, proposal: PilotProposal, by, comment: str) -> PilotProposal:
    return proposal_transition(proposal=proposal, to=S.DECLINED, by=by, comment=comment)


# Pilots -------------------------------------------------------------------------------


@transaction.atomic
def pilot_create_from_proposal(
    *, proposal: PilotProposal, by, lead_contact: Contact | None = None
) -> Pilot:
    """One step from an approved proposal to a pilot in set-up, keeping the link."""
    if not user_is_programme_lead(user=by):
        raise PermissionDenied("Only programme leads create pilots")
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != S.APPROVED:
        raise ValidationError("Only an approved proposal can become a pilot")
    if Pilot.objects.filter(proposal=proposal).exists():
        raise ValidationError("A pilot has already been created from this proposal")
    pilot = Pilot.objects.create(
        proposal=proposal,
        title=proposal.title,
        summary=proposal.proposed_solution,
        lead_organisation=proposal.lead_organisation,
        lead_contact=lead_contact,
        approved_budget=proposal.budget_requested,
        status=Pilot.Status.SETTING_UP,
    )
    for partner in proposal.partners.all():
        PilotPartner.objects.create(
            pilot=pilot, organisation_id=partner.organisation_id, role=partner.role
        )
    log(
        instance=pilot,
        action="pilots.pilot.create_from_proposal",
        user=by,
        data={"proposal": proposal.pk},
    )
    return pilot


def pilot_check_lead(*, pilot: Pilot, user) -> None:
    """Raise PermissionDenied unless the user is this pilot's lead or a programme lead."""
    if user_is_programme_lead(user=user):
        return
    if (
        pilot.lead_contact_id
        and Contact.objects.filter(
            pk=pilot.lead_contact_id, user=user, user__isnull=False
        ).exists()
    ):
        return
    raise PermissionDenied("Only the pilot's lead can record its measurements")


# Measurements -------------------------------------------------------------------------


@transaction.atomic
def measurement_record(
    *,
    metric: Metric,
    period: datetime.date,
    value: Decimal,
    by,
    note: str = "",
    provisional: bool = False,
) -> Measurement:
    """Record one period's value. A period already recorded is refused."""
    pilot_check_lead(pilot=metric.pilot, user=by)
    if Measurement.objects.filter(metric=metric, period=period).exists():
        raise ValidationError(
            {"period": f"{metric.name} already has a value for {period:%B %Y}"}
        )
    measurement = Measurement(
        metric=metric,
        period=period,
        value=value,
        note=note,
        provisional=provisional,
        recorded_by=by,
    )
    measurement.full_clean()
    measurement.save()
    log(
        instance=measurement,
        action="wagtail.create",
        user=by,
        data={"pilot": metric.pilot_id},
    )
    return measurement


# CSV import ---------------------------------------------------------------------------

IMPORT_IN_BACKGROUND_ABOVE = 500  # rows; bigger files run as a Celery task
PROGRESS_EVERY = 100  # rows between progress writes
TRUE_VALUES = {"yes", "y", "true", "1"}
FALSE_VALUES = {"no", "n", "false", "0", ""}


@dataclass
class ParsedRow:
    line: int
    metric: Metric
    period: datetime.date
    value: Decimal
    note: str
    provisional: bool


def _parse_period(text: str) -> datetime.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _csv_rows(text: str):
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return reader


def measurements_csv_count_rows(*, csv_text: str) -> int:
    return sum(1 for _ in _csv_rows(csv_text))


def measurements_csv_check(
    *, pilot: Pilot, csv_text: str, on_progress=None
) -> tuple[list[ParsedRow], list[dict]]:
    """Check every row of a measurements CSV for one pilot; return (rows, errors).

    Errors are `{"line": n, "message": ...}`, `n` being the file's line number (the
    header is line 1). Checked: the header, unknown metric, a value that is not a
    number, a bad date, a bad provisional flag, and a period given twice in the file
    or already recorded.
    """
    reader = _csv_rows(csv_text)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        return [], [
            {
                "line": 1,
                "message": "The first line must name the columns "
                + ", ".join(CSV_COLUMNS)
                + f" (missing: {', '.join(missing)})",
            }
        ]
    reader.fieldnames = header
    metrics = {m.name.strip().lower(): m for m in Metric.objects.filter(pilot=pilot)}
    stored = set(
        Measurement.objects.filter(metric__pilot=pilot).values_list(
            "metric_id", "period"
        )
    )
    seen: dict[tuple[int, datetime.date], int] = {}
    rows: list[ParsedRow] = []
    errors: list[dict] = []
    line = 1
    for count, raw in enumerate(reader, start=1):
        # reader.line_num is the last physical line read: right for multi-line cells.
        line = reader.line_num
        row_errors = []
        name = (raw.get("metric") or "").strip()
        metric = metrics.get(name.lower())
        if metric is None:
            row_errors.append(f"unknown metric “{name}” for this pilot")
        period = None
        try:
            period = _parse_period(raw.get("period") or "")
        except ValueError:
            row_errors.append(
                f"“{(raw.get('period') or '').strip()}” is not a date "
                "(use YYYY-MM-DD or YYYY-MM)"
            )
        value = None
        value_text = (raw.get("value") or "").strip().replace(",", "")
        try:
            value = Decimal(value_text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            row_errors.append(f"“{value_text}” is not a number")
        flag = (raw.get("provisional") or "").strip().lower()
        if flag not in TRUE_VALUES | FALSE_VALUES:
            row_errors.append(f"provisional must be yes or no, not “{flag}”")
        if metric is not None and period is not None:
            key = (metric.pk, period)
            if key in seen:
                row_errors.append(
                    f"{metric.name} for {period:%B %Y} is also on line {seen[key]}"
                )
            elif key in stored:
                row_errors.append(
                    f"{metric.name} already has a value for {period:%B %Y}"
                )
            else:
                seen[key] = line
        if row_errors:
            errors.append({"line": line, "message": "; ".join(row_errors)})
        else:
            rows.append(
                ParsedRow(
                    line=line,
                    metric=metric,
                    period=period,
                    value=value,
                    note=(raw.get("note") or "").strip(),
                    provisional=flag in TRUE_VALUES,
                )
            )
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    if not rows and not errors:
        errors.append({"line": line + 1, "message": "The file has no measurements"})
    return rows, errors


def _job_update(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def measurements_import_run(*, job: ImportJob) -> ImportJob:
    """Check the whole file, then save every row in one transaction or none at all.

    Progress (`rows_done`) is written outside the saving transaction so that a person
    watching the job sees it move.
    """
    job = ImportJob.objects.select_related("pilot", "created_by").get(pk=job.pk)
    if job.is_finished:
        return job
    _job_update(job, status=ImportJob.Status.RUNNING, rows_done=0, errors=[])
    rows, errors = measurements_csv_check(
        pilot=job.pilot,
        csv_text=job.csv_text,
        on_progress=lambda n: _job_update(job, rows_done=n),
    )
    if errors:
        _job_update(
            job,
            status=ImportJob.Status.FAILED,
            errors=errors,
            rows_done=job.rows_total,
            finished_at=timezone.now(),
        )
        return job
    try:
        with transaction.atomic():
            Measurement.objects.bulk_create(
                [
                    Measurement(
                        metric=r.metric,
                        period=r.period,
                        value=r.value,
                        note=r.note,
                        provisional=r.provisional,
                        recorded_by=job.created_by,
                    )
                    for r in rows
                ],
                batch_size=500,
            )
            log(
                instance=job.pilot,
                action="pilots.measurements.import",
                user=job.created_by,
                data={"import_job": job.pk, "rows": len(rows)},
            )
    except IntegrityError:
        _job_update(
            job,
            status=ImportJob.Status.FAILED,
            errors=[
                {
                    "line": 1,
                    "message": "Someone recorded some of these periods while the "
                    "file was being checked; nothing was saved. Upload it again.",
                }
            ],
            finished_at=timezone.now(),
        )
        return job
    _job_update(
        job,
        status=ImportJob.Status.SUCCEEDED,
        rows_done=len(rows),
        rows_saved=len(rows),
        finished_at=timezone.now(),
    )
    return job


def measurements_import_start(
    *, pilot: Pilot, by, csv_text: str, filename: str = ""
) -> ImportJob:
    """Store the file as an ImportJob; run it now, or as a Celery task when it is big."""
    pilot_check_lead(pilot=pilot, user=by)
    job = ImportJob.objects.create(
        pilot=pilot,
        created_by=by,
        filename=filename[:200],
        csv_text=csv_text,
        rows_total=measurements_csv_count_rows(csv_text=csv_text),
    )
    if job.rows_total > IMPORT_IN_BACKGROUND_ABOVE:
        from .tasks import measurements_import_task

        transaction.on_commit(lambda: measurements_import_task.delay(job_id=job.pk))
        return job
    return measurements_import_run(job=job)


# Contacts and UK GDPR -----------------------------------------------------------------

ERASED_NAME = "Erased contact"


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


@transaction.atomic
def contact_erase(*, contact: Contact, by) -> Contact:
    """Erase a person: personal fields anonymised, the pilots that mention them kept.

    Also scrubs the name and email from Wagtail's audit log (labels and data) and
    re-indexes the record so no search index still holds them. The lawful basis and
    dates stay: they record why the data was held.
    """
    if not user_is_programme_lead(user=by):
        raise PermissionDenied("Only programme leads erase contacts")
    return contact_anonymise(contact=contact, by=by)


@transaction.atomic
def contact_anonymise(*, contact: Contact, by=None, reason: str = "") -> Contact:
    """The erasure itself, with no permission check: `contact_erase` for a programme
    lead's decision, and the nightly retention job (home.retention, `by` None, with a
    `reason`) for contacts kept past RETENTION_CONTACT_DAYS."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    secrets = [s for s in (contact.name, contact.email, contact.phone) if s]
    entries = list(_log_entries_about(contact))
    contact.name = ERASED_NAME
    contact.job_title = ""
    contact.email = ""
    contact.phone = ""
    contact.is_public = False
    contact.user = None
    contact.erased_at = timezone.now()
    contact.save()
    for entry in entries:
        entry.label = _scrub(entry.label, secrets)
        entry.data = _scrub(entry.data, secrets)
        entry.save(update_fields=["label", "data"])
    index.insert_or_update_object(contact)
    log(
        instance=contact,
        action="pilots.contact.erase",
        user=by,
        data={"reason": reason} if reason else {},
    )
    return contact


def contact_create(*, by, **fields) -> Contact:
    if not user_is_programme_lead(user=by):
        raise PermissionDenied("Only programme leads add contacts")
    fields.setdefault("lawful_basis_recorded_at", timezone.now())
    contact = Contact(**fields)
    contact.full_clean()
    contact.save()
    log(instance=contact, action="wagtail.create", user=by)
    return contact


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
