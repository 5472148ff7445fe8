from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone
from freezegun import freeze_time

from challenges import selectors, services
from challenges.models import (
    ChallengeInterest,
    ChallengeStatus,
    Clarification,
    Entry,
    EntryAttachment,
)
from tests.challenges.files import EXE, PDF, PNG, docx_bytes, upload
from tests.factories.challenges import (
    COMPLETE_PARTS,
    UserFactory,
    challenge_with_criteria,
    member_of,
)

pytestmark = pytest.mark.django_db


def complete_entry(challenge, user) -> Entry:
    entry = services.entry_start(challenge=challenge, user=user)
    services.entry_update(entry=entry, by=user, data=COMPLETE_PARTS)
    services.entry_answers_update(
        entry=entry,
        by=user,
        answers={c.pk: f"Answer to {c.title}" for c in challenge.criteria.all()},
    )
    entry.refresh_from_db()
    return entry


class ChallengeStatusTests:
    @pytest.mark.parametrize(
        ("opens", "closes", "judging", "expected"),
        [
            (5, 20, "not_started", ChallengeStatus.UPCOMING),
            (-5, 20, "not_started", ChallengeStatus.OPEN),
            (-20, -1, "in_progress", ChallengeStatus.CLOSED),
            (-20, -1, "not_started", ChallengeStatus.CLOSED),
            (-40, -20, "awarded", ChallengeStatus.AWARDED),
        ],
    )
    def test_status_comes_from_dates_and_judging(
        self, index_page, opens, closes, judging, expected
    ):
        now = timezone.now()
        challenge = challenge_with_criteria(
            index_page,
            opens_at=now + timedelta(days=opens),
            questions_close_at=now + timedelta(days=closes - 1),
            closes_at=now + timedelta(days=closes),
            judging_state=judging,
        )
        assert challenge.status == expected
        # The listing filter applies the same rule in the database.
        for status in ChallengeStatus.values:
            listed = selectors.challenge_list(status=status).filter(pk=challenge.pk)
            assert listed.exists() is (status == expected), status

    def test_status_moves_with_time_without_any_save(self, challenge):
        assert challenge.status == ChallengeStatus.OPEN
        with freeze_time(challenge.closes_at + timedelta(seconds=1)):
            assert challenge.status == ChallengeStatus.CLOSED


class EntryStartTests:
    def test_one_entry_per_organisation(self, challenge, startup):
        organisation, user = startup
        colleague = member_of(organisation, role="member")
        first = services.entry_start(challenge=challenge, user=user)
        second = services.entry_start(challenge=challenge, user=colleague)
        assert first.pk == second.pk
        assert Entry.objects.filter(challenge=challenge).count() == 1
        assert ChallengeInterest.objects.filter(challenge=challenge, user=user).exists()

    def test_database_refuses_a_second_entry(self, challenge, startup):
        organisation, _user = startup
        Entry.objects.create(challenge=challenge, organisation=organisation)
        with pytest.raises(IntegrityError):
            Entry.objects.create(challenge=challenge, organisation=organisation)

    def test_closed_or_upcoming_challenge_refused(self, index_page, startup):
        _, user = startup
        now = timezone.now()
        closed = challenge_with_criteria(
            index_page,
            opens_at=now - timedelta(days=30),
            questions_close_at=now - timedelta(days=20),
            closes_at=now - timedelta(days=1),
        )
        upcoming = challenge_with_criteria(
            index_page,
            opens_at=now + timedelta(days=3),
            questions_close_at=now + timedelta(days=10),
            closes_at=now + timedelta(days=20),
        )
        for challenge in (closed, upcoming):
            with pytest.raises(ValidationError):
                services.entry_start(challenge=challenge, user=user)
        assert not Entry.objects.exists()

    def test_needs_an_organisation(self, challenge):
        with pytest.raises(ValidationError):
            services.entry_start(challenge=challenge, user=UserFactory())


class EntryDraftTests:
    def test_long_summary_saves_nothing(self, challenge, startup):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        with pytest.raises(ValidationError) as error:
            services.entry_update(
                entry=entry,
                by=user,
                data={"title": "New title", "summary": "word " * 151},
            )
        assert "summary" in error.value.error_dict
        entry.refresh_from_db()
        assert entry.title == "" and entry.summary == ""

    def test_a_stranger_cannot_edit(self, challenge, startup, other_startup):
        _, user = startup
        _, stranger = other_startup
        entry = services.entry_start(challenge=challenge, user=user)
        with pytest.raises(PermissionDenied):
            services.entry_update(entry=entry, by=stranger, data={"title": "Mine now"})
        entry.refresh_from_db()
        assert entry.title == ""

    def test_answer_over_word_limit_refused(self, challenge, startup):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        criterion = challenge.criteria.first()
        with pytest.raises(ValidationError) as error:
            services.entry_answers_update(
                entry=entry, by=user, answers={criterion.pk: "word " * 301}
            )
        assert f"criterion_{criterion.pk}" in error.value.error_dict
        assert not entry.answers.exists()


class EntrySubmitTests:
    def test_incomplete_entry_lists_every_missing_part(self, challenge, startup):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        services.entry_update(entry=entry, by=user, data={"title": "Only a title"})
        with pytest.raises(ValidationError) as error:
            services.entry_submit(
                entry=entry,
                by=user,
                declaration_eligibility=False,
                declaration_data_protection=True,
            )
        fields = set(error.value.error_dict)
        assert "title" not in fields
        assert {"summary", "solution", "team", "declaration_eligibility"} <= fields
        assert {f"criterion_{c.pk}" for c in challenge.criteria.all()} <= fields
        entry.refresh_from_db()
        assert entry.status == Entry.Status.DRAFT

    def test_submit_sends_one_receipt_with_the_answers(
        self, challenge, startup, django_capture_on_commit_callbacks
    ):
        _, user = startup
        entry = complete_entry(challenge, user)
        with django_capture_on_commit_callbacks(execute=True):
            services.entry_submit(
                entry=entry,
                by=user,
                declaration_eligibility=True,
                declaration_data_protection=True,
            )
        with django_capture_on_commit_callbacks(execute=True):
            # A double click: the second submit changes nothing and sends nothing.
            again = services.entry_submit(
                entry=entry,
                by=user,
                declaration_eligibility=True,
                declaration_data_protection=True,
            )
        entry.refresh_from_db()
        assert entry.status == Entry.Status.SUBMITTED
        assert again.submitted_at == entry.submitted_at
        receipts = [m for m in mail.outbox if m.subject.startswith("Entry received")]
        assert len(receipts) == 1
        assert receipts[0].to == [user.email]
        assert COMPLETE_PARTS["pilot_plan"] in receipts[0].body
        assert "Answer to Criterion 2" in receipts[0].body

    def test_after_the_close_refused_and_draft_kept(self, challenge, startup):
        _, user = startup
        entry = complete_entry(challenge, user)
        with (
            freeze_time(challenge.closes_at + timedelta(minutes=1)),
            pytest.raises(ValidationError, match="closed"),
        ):
            services.entry_submit(
                entry=entry,
                by=user,
                declaration_eligibility=True,
                declaration_data_protection=True,
            )
        entry.refresh_from_db()
        assert entry.status == Entry.Status.DRAFT
        assert entry.title == COMPLETE_PARTS["title"]
        assert entry.answers.count() == 2

    def test_withdraw_before_the_close_only(self, challenge, startup):
        _, user = startup
        entry = complete_entry(challenge, user)
        with (
            freeze_time(challenge.closes_at + timedelta(minutes=1)),
            pytest.raises(ValidationError),
        ):
            services.entry_withdraw(entry=entry, by=user)
        services.entry_withdraw(entry=entry, by=user)
        entry.refresh_from_db()
        assert entry.status == Entry.Status.WITHDRAWN
        with pytest.raises(ValidationError):
            services.entry_update(entry=entry, by=user, data={"title": "Changed"})


class AttachmentTests:
    def test_valid_files_stored_privately(self, challenge, startup, settings):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        pdf = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("plan.pdf", PDF)
        )
        docx = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("cv.docx", docx_bytes())
        )
        png = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("diagram.png", PNG)
        )
        assert pdf.content_type == "application/pdf"
        assert docx.content_type.endswith("wordprocessingml.document")
        assert png.content_type == "image/png"
        path = Path(pdf.file.path)
        assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert "plan" not in path.name  # stored under a random name
        with pytest.raises(ValueError):
            pdf.file.url  # noqa: B018 - private files have no URL

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("virus.pdf", EXE, "must be a PDF"),
            ("notes.txt", b"just some text, not a document" * 10, "must be a PDF"),
            ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
            ("empty.pdf", b"", "empty"),
        ],
    )
    def test_bad_files_refused(self, challenge, startup, name, content, message):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        with pytest.raises(ValidationError, match=message):
            services.entry_attachment_add(
                entry=entry, by=user, upload=upload(name, content)
            )
        assert not EntryAttachment.objects.exists()

    def test_at_most_five(self, challenge, startup):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        for i in range(5):
            services.entry_attachment_add(
                entry=entry, by=user, upload=upload(f"f{i}.pdf", PDF)
            )
        with pytest.raises(ValidationError, match="at most 5"):
            services.entry_attachment_add(
                entry=entry, by=user, upload=upload("f6.pdf", PDF)
            )
        assert entry.attachments.count() == 5


class ClarificationTests:
    def test_publish_emails_everyone_interested_once(
        self, challenge, startup, django_capture_on_commit_callbacks
    ):
        _, asker = startup
        watcher = UserFactory()
        services.challenge_interest_register(challenge=challenge, user=watcher)
        lead = UserFactory(email="lead-test@impactlab.example")
        question = services.clarification_ask(
            challenge=challenge,
            user=asker,
            question="Can councils outside the region join?",
        )
        duplicate = services.clarification_ask(
            challenge=challenge, user=watcher, question="Are other councils eligible?"
        )
        assert not selectors.clarifications_published(challenge=challenge).exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.clarification_update(
                clarification=question,
                by=lead,
                question=question.question,
                answer="Yes, with a regional partner.",
                status=Clarification.Status.PUBLISHED,
            )
            services.clarification_update(
                clarification=question,
                by=lead,
                question=question.question,
                answer="Yes, with a regional partner.",
                status=Clarification.Status.PUBLISHED,
            )
            services.clarification_update(
                clarification=duplicate,
                by=lead,
                question=duplicate.question,
                answer="",
                status=Clarification.Status.MERGED,
                merged_into=question,
            )
        published = list(selectors.clarifications_published(challenge=challenge))
        assert [c.pk for c in published] == [question.pk]
        recipients = sorted(m.to[0] for m in mail.outbox if "New answer" in m.subject)
        assert recipients == sorted([asker.email, watcher.email])

    def test_publishing_needs_an_answer(self, challenge, startup):
        _, asker = startup
        question = services.clarification_ask(
            challenge=challenge, user=asker, question="Q?"
        )
        with pytest.raises(ValidationError):
            services.clarification_update(
                clarification=question,
                by=asker,
                question="Q?",
                answer=" ",
                status=Clarification.Status.PUBLISHED,
            )

    def test_questions_close_at_the_cut_off(self, challenge, startup):
        _, asker = startup
        with (
            freeze_time(challenge.questions_close_at + timedelta(seconds=1)),
            pytest.raises(ValidationError, match="closed"),
        ):
            services.clarification_ask(
                challenge=challenge, user=asker, question="Late?"
            )
        assert not Clarification.objects.exists()


class DraftReminderTests:
    def test_reminder_once_to_drafts_48_hours_before_close(
        self, challenge, startup, other_startup, django_capture_on_commit_callbacks
    ):
        organisation, user = startup
        colleague = member_of(organisation, role="member")
        draft = services.entry_start(challenge=challenge, user=user)
        _, other = other_startup
        submitted = complete_entry(challenge, other)
        services.entry_submit(
            entry=submitted,
            by=other,
            declaration_eligibility=True,
            declaration_data_protection=True,
        )
        mail.outbox.clear()
        # Three days before: too early.
        with freeze_time(challenge.closes_at - timedelta(hours=72)):
            assert services.entry_draft_reminders_send() == 0
        with freeze_time(challenge.closes_at - timedelta(hours=47)):
            with django_capture_on_commit_callbacks(execute=True):
                services.entry_draft_reminders_send()
            with django_capture_on_commit_callbacks(execute=True):
                services.entry_draft_reminders_send()  # the next hourly run
        reminders = [m for m in mail.outbox if "48 hours" in m.subject]
        assert sorted(m.to[0] for m in reminders) == sorted(
            [user.email, colleague.email]
        )
        assert f"/entries/{draft.pk}/" in reminders[0].body
