"""Writes for Urban Challenges: interest, clarifications and entries. Every change goes
through here (accounts and organisations: home.services)."""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from home.emails import email_queue
from home.models import NotificationKind, User
from home.selectors import organisation_for

from .models import (
    ChallengeInterest,
    ChallengePage,
    ChallengeStatus,
    Clarification,
    Entry,
    EntryAnswer,
    EntryAttachment,
    Judging,
)
from .uploads import upload_check

REMINDER_BEFORE = timedelta(hours=48)


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


# --- Interest and clarifications ------------------------------------------------------


def challenge_interest_register(*, challenge: ChallengePage, user: User) -> None:
    ChallengeInterest.objects.get_or_create(challenge=challenge, user=user)


@transaction.atomic
def clarification_ask(
    *, challenge: ChallengePage, user: User, question: str
) -> Clarification:
    if not user.is_authenticated:
        raise PermissionDenied
    if not challenge.live or not challenge.questions_open:
        raise ValidationError(
            {"question": "Questions about this challenge are closed"}, code="closed"
        )
    question = question.strip()
    if not question:
        raise ValidationError({"question": "Enter your question"})
    if len(question) > 2000:
        raise ValidationError(
            {"question": "Question must be 2,000 characters or fewer"}
        )
    clarification = Clarification.objects.create(
        challenge=challenge, asked_by=user, question=question
    )
    challenge_interest_register(challenge=challenge, user=user)
    return clarification


@transaction.atomic
def clarification_update(
    *,
    clarification: Clarification,
    by: User,
    question: str,
    answer: str,
    status: str,
    merged_into: Clarification | None = None,
) -> Clarification:
    """A programme lead edits, answers and publishes, or merges a duplicate.

    Publishing stamps the time and emails everyone interested in the challenge, once.
    """
    clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
    was_published = clarification.status == Clarification.Status.PUBLISHED
    clarification.question = question
    clarification.answer = answer
    clarification.status = status
    clarification.merged_into = (
        merged_into if status == Clarification.Status.MERGED else None
    )
    if status == Clarification.Status.PUBLISHED and not answer.strip():
        raise ValidationError({"answer": "Enter an answer before publishing"})
    if status == Clarification.Status.MERGED:
        if merged_into is None:
            raise ValidationError(
                {"merged_into": "Choose the question this one repeats"}
            )
        if (
            merged_into.pk == clarification.pk
            or merged_into.challenge_id != clarification.challenge_id
        ):
            raise ValidationError(
                {"merged_into": "Choose another question about the same challenge"}
            )
    clarification.answered_by = by
    if status == Clarification.Status.PUBLISHED and not was_published:
        clarification.published_at = timezone.now()
    clarification.full_clean()
    clarification.save()
    if status == Clarification.Status.PUBLISHED and not was_published:
        _clarification_notify(clarification=clarification)
    return clarification


def _clarification_notify(*, clarification: Clarification) -> None:
    challenge = clarification.challenge
    interests = ChallengeInterest.objects.filter(challenge=challenge).select_related(
        "user"
    )
    for interest in interests:
        email_queue(
            key=f"clarification-published:{clarification.pk}:{interest.user_id}",
            to=interest.user.email,
            subject=f"New answer published: {challenge.title}",
            template="clarification_published",
            context={
                "challenge_title": challenge.title,
                "path": challenge.url,
                "question": clarification.question,
                "answer": clarification.answer,
            },
            kind=NotificationKind.CLARIFICATIONS,
        )


# --- Entries -------------------------------------------------------------------------


def _require_member(*, entry: Entry, user: User) -> None:
    if not entry.organisation.memberships.filter(user=user).exists():
        raise PermissionDenied


def _require_editable(entry: Entry) -> None:
    if entry.is_editable:
        return
    if entry.status != Entry.Status.DRAFT:
        raise ValidationError("Only a draft entry can be changed", code="not_draft")
    raise ValidationError(
        "This challenge has closed: the entry can no longer be changed",
        code="closed",
    )


@transaction.atomic
def entry_start(*, challenge: ChallengePage, user: User) -> Entry:
    """The organisation's entry to this challenge, created as a draft if it has none."""
    organisation = organisation_for(user=user)
    if organisation is None:
        raise ValidationError("Create your organisation profile first", code="no_org")
    existing = Entry.objects.filter(
        challenge=challenge, organisation=organisation
    ).first()
    if existing is not None:
        return existing
    if not challenge.live or challenge.status != ChallengeStatus.OPEN:
        raise ValidationError("This challenge is not open for entries", code="closed")
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                challenge=challenge, organisation=organisation, created_by=user
            )
    except IntegrityError:  # a colleague started it at the same moment
        entry = Entry.objects.get(challenge=challenge, organisation=organisation)
    challenge_interest_register(challenge=challenge, user=user)
    return entry


def _check_parts(data: dict) -> dict:
    errors = {}
    if "title" in data and len(data["title"]) > 200:
        errors["title"] = "Title must be 200 characters or fewer"
    if "summary" in data and word_count(data["summary"]) > Entry.SUMMARY_MAX_WORDS:
        errors["summary"] = (
            f"Summary must be {Entry.SUMMARY_MAX_WORDS} words or fewer "
            f"(it has {word_count(data['summary'])})"
        )
    return errors


@transaction.atomic
def entry_update(*, entry: Entry, by: User, data: dict) -> Entry:
    """Save some fixed parts of a draft. Invalid parts save nothing at all."""
    entry = (
        Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)
    )
    _require_member(entry=entry, user=by)
    _require_editable(entry)
    fields = [f for f, _ in Entry.FIXED_PARTS] + [
        "declaration_eligibility",
        "declaration_data_protection",
    ]
    data = {k: v for k, v in data.items() if k in fields}
    errors = _check_parts(data)
    if errors:
        raise ValidationError(errors)
    for field, value in data.items():
        setattr(entry, field, value.strip() if isinstance(value, str) else value)
    entry.save()
    return entry


@transaction.atomic
def entry_answers_update(*, entry: Entry, by: User, answers: dict[int, str]) -> Entry:
    """Save answers to the challenge's criteria (keyed by criterion id)."""
    entry = (
        Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)
    )
    _require_member(entry=entry, user=by)
    _require_editable(entry)
    criteria = {c.pk: c for c in entry.challenge.criteria.all()}
    errors = {}
    for criterion_id, text in answers.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError("Unknown criterion", code="unknown_criterion")
        if word_count(text) > criterion.max_words:
            errors[f"criterion_{criterion_id}"] = (
                f"Answer must be {criterion.max_words} words or fewer "
                f"(it has {word_count(text)})"
            )
    if errors:
        raise ValidationError(errors)
    for criterion_id, text in answers.items():
        EntryAnswer.objects.update_or_create(
            entry=entry, criterion_id=criterion_id, defaults={"text": text.strip()}
        )
    entry.save(update_fields=["updated_at"])
    return entry


@transaction.atomic
def entry_attachment_add(
    *, entry: Entry, by: User, upload: UploadedFile
) -> EntryAttachment:
    entry = (
        Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)
    )
    _require_member(entry=entry, user=by)
    _require_editable(entry)
    if entry.attachments.count() >= EntryAttachment.MAX_PER_ENTRY:
        raise ValidationError(
            {"file": "An entry can have at most 5 attachments: remove one first"},
            code="too_many",
        )
    # Content, size, type and name: challenges/uploads.py.
    checked = upload_check(upload)
    mime, name = checked.content_type, checked.name
    attachment = EntryAttachment(
        entry=entry,
        original_name=name,
        content_type=mime,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def entry_attachment_remove(*, attachment: EntryAttachment, by: User) -> None:
    entry = (
        Entry.objects.select_for_update()
        .select_related("challenge")
        .get(pk=attachment.entry_id)
    )
    _require_member(entry=entry, user=by)
    _require_editable(entry)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def entry_missing(*, entry: Entry) -> dict[str, str]:
    """What is still needed before the entry can be submitted: {field: message}."""
    missing = {}
    for field, label in Entry.FIXED_PARTS:
        if not getattr(entry, field).strip():
            missing[field] = f"Enter the {label.lower()}"
    missing.update(_check_parts({"summary": entry.summary}))
    answered = {a.criterion_id for a in entry.answers.all() if a.text.strip()}
    for criterion in entry.challenge.criteria.all():
        if criterion.pk not in answered:
            missing[f"criterion_{criterion.pk}"] = f"Answer '{criterion.title}'"
    return missing


@transaction.atomic
def entry_submit(
    *,
    entry: Entry,
    by: User,
    declaration_eligibility: bool,
    declaration_data_protection: bool,
) -> Entry:
    """Submit a complete draft before the deadline; a second submit changes nothing."""
    entry = (
        Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)
    )
    _require_member(entry=entry, user=by)
    if entry.status == Entry.Status.SUBMITTED:
        return entry  # a double click: already done
    if entry.status != Entry.Status.DRAFT:
        raise ValidationError("Only a draft entry can be submitted", code="not_draft")
    if not entry.is_editable:
        raise ValidationError(
            "Entries for this challenge have closed: your draft has been kept",
            code="closed",
        )
    errors = entry_missing(entry=entry)
    if not declaration_eligibility:
        errors["declaration_eligibility"] = "Confirm that your organisation is eligible"
    if not declaration_data_protection:
        errors["declaration_data_protection"] = (
            "Confirm that you have read how we use your data"
        )
    if errors:
        raise ValidationError(errors, code="incomplete")
    entry.declaration_eligibility = True
    entry.declaration_data_protection = True
    entry.status = Entry.Status.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.submitted_by = by
    entry.save()
    answers = list(
        entry.answers.select_related("criterion").order_by("criterion__sort_order")
    )
    email_queue(
        key=f"entry-receipt:{entry.pk}",
        to=by.email,
        subject=f"Entry received: {entry.challenge.title}",
        template="entry_receipt",
        context={
            "entry": entry,
            "challenge_title": entry.challenge.title,
            "parts": [(label, getattr(entry, f)) for f, label in Entry.FIXED_PARTS],
            "answers": [(a.criterion.title, a.text) for a in answers],
            "attachments": [a.original_name for a in entry.attachments.all()],
        },
        kind=NotificationKind.ENTRY_RECEIPTS,
    )
    return entry


@transaction.atomic
def entry_withdraw(*, entry: Entry, by: User) -> Entry:
    entry = (
        Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)
    )
    _require_member(entry=entry, user=by)
    if entry.status == Entry.Status.WITHDRAWN:
        return entry
    if not entry.can_withdraw:
        if entry.status in (Entry.Status.DRAFT, Entry.Status.SUBMITTED):
            raise ValidationError(
                "Entries can be withdrawn only before the challenge closes",
                code="closed",
            )
        raise ValidationError("This entry can no longer be withdrawn", code="judging")
    entry.status = Entry.Status.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.save()
    return entry


def entry_draft_reminders_send(*, now=None) -> int:
    """Email each organisation holding a draft 48 hours (or less) before its challenge
    closes. Safe to run every hour: each draft gets one reminder (idempotency key)."""
    now = now or timezone.now()
    drafts = (
        Entry.objects.filter(
            status=Entry.Status.DRAFT,
            challenge__live=True,
            challenge__closes_at__gt=now,
            challenge__closes_at__lte=now + REMINDER_BEFORE,
        )
        .exclude(challenge__judging__state=Judging.State.AWARDED)
        .select_related("challenge", "organisation")
        .prefetch_related("organisation__memberships__user")
    )
    sent = 0
    with transaction.atomic():
        for entry in drafts:
            for membership in entry.organisation.memberships.all():
                email_queue(
                    key=f"entry-draft-reminder:{entry.pk}:{membership.user_id}",
                    to=membership.user.email,
                    subject=f"48 hours left to submit: {entry.challenge.title}",
                    template="entry_draft_reminder",
                    context={
                        "entry": entry,
                        "challenge_title": entry.challenge.title,
                        "closes_at": entry.challenge.closes_at,
                        "path": reverse("entry_detail", kwargs={"entry_id": entry.pk}),
                    },
                    kind=NotificationKind.CHALLENGE_UPDATES,
                )
                sent += 1
    return sent


@transaction.atomic
def entry_drafts_purge(*, now: datetime) -> int:
    """Delete drafts never submitted, RETENTION_DRAFT_ENTRY_DAYS after their challenge
    closed, with their answers and files (the nightly retention purge)."""
    cutoff = now - timedelta(days=settings.RETENTION_DRAFT_ENTRY_DAYS)
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
