"""The outbox in eager mode (no broker): states, mail log, preferences, digest, recovery."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from home.emails import (
    email_digest_send,
    email_queue,
    email_requeue_stuck,
    email_send,
)
from home.models import (
    MailLog,
    NotificationKind,
    NotificationPreference,
    OutboundEmail,
    User,
)
from home.tasks import email_digests_queue_task, email_requeue_stuck_task

pytestmark = pytest.mark.django_db(transaction=True)

FOUNDER = "founder@brightpath.example"


def _queue(key="test:1", to=FOUNDER, kind=None):
    return email_queue(
        key=key,
        to=to,
        subject=f"Subject {key}",
        template="test_message",
        context={"name": "Sam"},
        kind=kind,
    )


@pytest.fixture
def founder(db):
    return User.objects.create_user(
        username=FOUNDER, email=FOUNDER, password="not-used-here-1"
    )


class EmailSendTests:
    def test_sent_email_has_one_mail_log_row_and_a_stable_message_id(self):
        email = _queue()
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
        log = MailLog.objects.get(email=email)
        assert mail.outbox[0].extra_headers["Message-ID"] == log.message_id
        assert log.to == FOUNDER

    def test_sending_again_is_a_no_op(self):
        email = _queue()
        email_send(email_id=email.pk)
        email_send(email_id=email.pk)
        assert len(mail.outbox) == 1
        assert MailLog.objects.count() == 1

    def test_email_left_sending_by_a_killed_worker_is_sent_by_the_next_run(self):
        # As a worker killed after its claim committed leaves it:
        email = OutboundEmail.objects.create(
            idempotency_key="claimed",
            to=FOUNDER,
            subject="s",
            body_text="b",
            status=OutboundEmail.Status.SENDING,
            attempts=1,
        )
        email_send(email_id=email.pk)
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
        assert email.attempts == 2
        assert len(mail.outbox) == 1
        assert MailLog.objects.filter(email=email).count() == 1

    def test_failure_rolls_back_the_log_and_records_the_error(self, settings):
        settings.EMAIL_BACKEND = "tests.jobs.failing_backend.DownBackend"
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                idempotency_key="down", to=FOUNDER, subject="s", body_text="b"
            )
        with pytest.raises(Exception, match="mail server is down"):
            email_send(email_id=email.pk)
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.QUEUED
        assert email.attempts == 1
        assert "mail server is down" in email.last_error
        assert not MailLog.objects.exists()

    def test_every_email_links_to_the_preferences_page(self):
        _queue()
        assert "/notifications/preferences/" in mail.outbox[0].body

    def test_plain_text_is_not_html_escaped(self):
        email_queue(
            key="amp",
            to=FOUNDER,
            subject="s",
            template="test_message",
            context={"name": "Patel & Sons <Ltd>"},
        )
        assert "Hello Patel & Sons <Ltd>," in mail.outbox[0].body

    def test_html_base_links_to_the_preferences_page(self):
        from django.template.loader import render_to_string

        html = render_to_string(
            "emails/base.html",
            {"preferences_url": "http://lab.example/notifications/preferences/"},
        )
        assert 'href="http://lab.example/notifications/preferences/"' in html


class EmailPreferencesTests:
    def test_without_kind_preferences_are_not_consulted(self, founder):
        NotificationPreference.objects.create(
            user=founder, muted_kinds=list(NotificationKind.values)
        )
        email = _queue()
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT

    def test_without_a_preference_row_every_kind_is_sent(self, founder):
        email = _queue(kind=NotificationKind.FEEDBACK)
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT

    def test_a_kind_turned_off_is_stored_and_never_sent(self, founder):
        NotificationPreference.objects.create(
            user=founder, muted_kinds=[NotificationKind.FEEDBACK]
        )
        email = _queue(kind=NotificationKind.FEEDBACK)
        other = _queue(key="other", kind=NotificationKind.PILOT_UPDATES)
        email.refresh_from_db()
        other.refresh_from_db()
        assert email.status == OutboundEmail.Status.SUPPRESSED
        assert other.status == OutboundEmail.Status.SENT
        assert [m.subject for m in mail.outbox] == ["Subject other"]

    def test_daily_digest_holds_emails_and_sends_one_summary(self, founder):
        NotificationPreference.objects.create(
            user=founder, frequency=NotificationPreference.Frequency.DAILY_DIGEST
        )
        first = _queue(key="a", kind=NotificationKind.CHALLENGE_UPDATES)
        second = _queue(key="b", kind=NotificationKind.CLARIFICATIONS)
        assert mail.outbox == []
        assert email_digests_queue_task.delay().get() == 1
        (digest,) = mail.outbox
        assert digest.subject == "Your Public Impact Lab updates: 2 new"
        assert "Subject a" in digest.body and "Subject b" in digest.body
        assert "/notifications/preferences/" in digest.body
        for email in (first, second):
            email.refresh_from_db()
            assert email.status == OutboundEmail.Status.DIGESTED
            assert email.digest.subject == digest.subject
        # Nothing held any more: the next run sends nothing.
        assert email_digest_send(user_id=founder.pk) is None
        assert len(mail.outbox) == 1


class EmailRequeueStuckTests:
    def test_old_queued_and_sending_emails_are_sent_recent_ones_left(self, settings):
        settings.EMAIL_STUCK_AFTER_MINUTES = 30
        long_ago = timezone.now() - timedelta(hours=2)
        lost = OutboundEmail.objects.create(
            idempotency_key="lost", to=FOUNDER, subject="lost", body_text="b"
        )
        OutboundEmail.objects.filter(pk=lost.pk).update(created_at=long_ago)
        dead = OutboundEmail.objects.create(
            idempotency_key="dead",
            to=FOUNDER,
            subject="dead",
            body_text="b",
            status=OutboundEmail.Status.SENDING,
            sending_started_at=long_ago,
        )
        OutboundEmail.objects.create(
            idempotency_key="fresh", to=FOUNDER, subject="fresh", body_text="b"
        )
        assert email_requeue_stuck_task.delay().get() == 2
        assert sorted(m.subject for m in mail.outbox) == ["dead", "lost"]
        for email in (lost, dead):
            email.refresh_from_db()
            assert email.status == OutboundEmail.Status.SENT

    def test_requeue_is_harmless_for_sent_email(self):
        email = _queue()
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.QUEUED
        )  # pretend the status was lost but the log says sent
        assert email_requeue_stuck(older_than=timedelta(0)) == [email.pk]
        # The mail log, written with SENT, wins: nothing is sent a second time.
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
        assert len(mail.outbox) == 1
        assert MailLog.objects.filter(email=email).count() == 1
