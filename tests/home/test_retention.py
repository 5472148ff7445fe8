"""Data retention: records are made in the past with freezegun, then the
nightly purge runs today. Only what is past its period goes."""

from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import ModelLogEntry, PageLogEntry

from challenges.models import Entry, EntryAttachment
from home import services as home_services
from home.emails import email_queue
from home.models import LabSettings, MailLog, OutboundEmail, User
from home.retention import retention_purge
from home.tasks import retention_purge_task
from lab_site.celery import app as celery_app
from pilots.models import Contact, Pilot
from pilots.services.contacts import ERASED_NAME
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    challenge_with_criteria,
)
from tests.factories.pilots import ContactFactory, MetricFactory, PilotFactory

pytestmark = pytest.mark.django_db


def days(name: str) -> timedelta:
    return timedelta(days=getattr(settings, name))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def now():
    # Load every URL (and the API's pydantic schemas) before freezegun fakes the dates.
    reverse("sign_in")
    return timezone.now()


def _challenge(demo_site, *, closed_ago: timedelta):
    index = ChallengeIndexPageFactory(parent=demo_site)
    index.save_revision().publish()
    closes = timezone.now() - closed_ago
    return challenge_with_criteria(
        index,
        opens_at=closes - timedelta(days=60),
        questions_close_at=closes - timedelta(days=10),
        closes_at=closes,
        decision_expected=(closes + timedelta(days=30)).date(),
    )


def _draft_with_file(challenge, title="Half done"):
    entry = Entry.objects.create(
        challenge=challenge, organisation=BusinessFactory(), title=title
    )
    attachment = EntryAttachment(
        entry=entry, original_name="plan.pdf", content_type="application/pdf", size=5
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-"), save=True)
    return entry, Path(attachment.file.path)


class DraftEntryTests:
    def test_drafts_go_with_their_files_once_past_the_period(
        self, demo_site, django_capture_on_commit_callbacks
    ):
        old = _challenge(
            demo_site,
            closed_ago=days("RETENTION_DRAFT_ENTRY_DAYS") + timedelta(days=1),
        )
        draft, path = _draft_with_file(old)
        submitted = Entry.objects.create(
            challenge=old,
            organisation=BusinessFactory(),
            status=Entry.Status.SUBMITTED,
        )
        assert path.exists()
        with django_capture_on_commit_callbacks(execute=True):
            counts = retention_purge()
        assert counts["draft_entries"] == 1
        assert not Entry.objects.filter(pk=draft.pk).exists()
        assert not EntryAttachment.objects.exists()
        assert not path.exists()
        assert Entry.objects.filter(pk=submitted.pk).exists()  # a record: kept
        entry = PageLogEntry.objects.get(action="home.retention.purge", page=old)
        assert entry.data == {"draft_entries_deleted": 1}

    def test_drafts_within_the_period_stay(self, demo_site):
        recent = _challenge(
            demo_site,
            closed_ago=days("RETENTION_DRAFT_ENTRY_DAYS") - timedelta(days=1),
        )
        draft, path = _draft_with_file(recent)
        assert retention_purge()["draft_entries"] == 0
        assert Entry.objects.filter(pk=draft.pk).exists()
        assert path.exists()


class UnconfirmedAccountTests:
    def test_unconfirmed_accounts_go_after_the_period(self, db, now):
        period = days("RETENTION_UNCONFIRMED_ACCOUNT_DAYS")
        with freeze_time(now - period - timedelta(hours=1)):
            old = home_services.account_sign_up(
                email="old@startup.example", password="a-long-test-password-42"
            )
        with freeze_time(now - period + timedelta(hours=1)):
            recent = home_services.account_sign_up(
                email="recent@startup.example", password="a-long-test-password-42"
            )
        with freeze_time(now - period * 3):
            confirmed = User.objects.create(
                username="confirmed@startup.example", email="confirmed@startup.example"
            )
        assert retention_purge(now=now)["unconfirmed_accounts"] == 1
        assert not User.objects.filter(pk=old.pk).exists()
        assert User.objects.filter(pk__in=[recent.pk, confirmed.pk]).count() == 2

    def test_a_deactivated_account_is_not_purged_as_unconfirmed(self, db, now):
        """Made by staff (so confirmed), never signed in, then deactivated: the
        unconfirmed-account rule is not the one that removes it."""
        with freeze_time(now - timedelta(days=400)):
            user = User.objects.create(
                username="made@council.example", email="made@council.example"
            )
        User.objects.filter(pk=user.pk).update(is_active=False, last_login=None)
        assert retention_purge(now=now)["unconfirmed_accounts"] == 0
        assert User.objects.filter(pk=user.pk).exists()

    def test_staff_and_members_are_never_purged_as_unconfirmed(self, demo_site, now):
        lead = User.objects.get(email="lead@impactlab.example")
        with freeze_time(now - timedelta(days=400)):
            User.objects.filter(pk=lead.pk).update(
                is_active=False, date_joined=timezone.now(), last_login=None
            )
        assert retention_purge(now=now)["unconfirmed_accounts"] == 0
        assert User.objects.filter(pk=lead.pk).exists()


class ContactTests:
    def test_contacts_are_erased_after_their_pilots_end_plus_the_period(self, db, now):
        period = days("RETENTION_CONTACT_DAYS")
        long_ago = (now - period - timedelta(days=5)).date()
        with freeze_time(now - period - timedelta(days=30)):
            ended_long_ago = PilotFactory(
                status=Pilot.Status.COMPLETED, actual_end_date=long_ago
            )
            owner_of_running_metric = ContactFactory()
            MetricFactory(
                pilot=PilotFactory(status=Pilot.Status.RUNNING),
                owner=owner_of_running_metric,
            )
            ended_recently = PilotFactory(
                status=Pilot.Status.STOPPED,
                actual_end_date=(now - timedelta(days=30)).date(),
            )
            no_pilot = ContactFactory()
        with freeze_time(now - timedelta(days=10)):
            updated_recently = ContactFactory()

        counts = retention_purge(now=now)

        assert counts["contacts_anonymised"] == 2
        erased = ended_long_ago.lead_contact
        erased.refresh_from_db()
        assert erased.name == ERASED_NAME and erased.email == "" and erased.phone == ""
        assert erased.erased_at is not None
        no_pilot.refresh_from_db()
        assert no_pilot.name == ERASED_NAME
        for kept in (
            owner_of_running_metric,
            ended_recently.lead_contact,
            updated_recently,
        ):
            kept.refresh_from_db()
            assert kept.erased_at is None and kept.name != ERASED_NAME
        # The pilot's history stays, pointing at the anonymised record.
        assert Pilot.objects.get(pk=ended_long_ago.pk).lead_contact_id == erased.pk
        log = ModelLogEntry.objects.for_instance(erased).get(
            action="pilots.contact.erase"
        )
        assert log.user is None
        assert log.data == {"reason": "retention period ended"}
        assert Contact.objects.filter(erased_at__isnull=False).count() == 2


class EmailAndSignInRecordTests:
    def test_old_finished_emails_go_with_their_mail_log(self, db, now):
        period = days("RETENTION_EMAIL_LOG_DAYS")
        with freeze_time(now - period - timedelta(days=1)):
            old = email_queue(
                key="old",
                to="a@x.example",
                subject="Old",
                template="test_message",
                context={},
            )
            stuck = email_queue(
                key="stuck",
                to="b@x.example",
                subject="Stuck",
                template="test_message",
                context={},
            )
        with freeze_time(now - period + timedelta(days=1)):
            recent = email_queue(
                key="recent",
                to="c@x.example",
                subject="Recent",
                template="test_message",
                context={},
            )
        for email in (old, recent):
            email.status = OutboundEmail.Status.SENT
            email.save()
            MailLog.objects.create(
                email=email, message_id="<m>", to=email.to, subject="s", backend="x"
            )
        assert retention_purge(now=now)["emails"] == 1
        assert set(OutboundEmail.objects.values_list("pk", flat=True)) == {
            stuck.pk,
            recent.pk,
        }
        assert MailLog.objects.get().email_id == recent.pk

    def test_sign_in_records_and_expired_sessions_go(self, db, now):
        period = days("RETENTION_SIGN_IN_LOG_DAYS")
        with freeze_time(now - period - timedelta(days=1)):
            AccessLog.objects.create(
                username="a", ip_address="198.51.100.1", user_agent="x"
            )
        with freeze_time(now - period + timedelta(days=1)):
            AccessLog.objects.create(
                username="b", ip_address="198.51.100.2", user_agent="x"
            )
        with freeze_time(now - timedelta(days=30)):
            expired = SessionStore()
            expired["x"] = 1
            expired.set_expiry(60)
            expired.save()
        live = SessionStore()
        live["y"] = 1
        live.save()
        counts = retention_purge(now=now)
        assert counts["sign_in_records"] == 1
        assert counts["expired_sessions"] == 1
        assert list(AccessLog.objects.values_list("username", flat=True)) == ["b"]
        assert list(Session.objects.values_list("session_key", flat=True)) == [
            live.session_key
        ]


class RunTests:
    def test_a_second_run_finds_nothing_and_logs_nothing(self, db, now):
        with freeze_time(now - days("RETENTION_CONTACT_DAYS") - timedelta(days=30)):
            ContactFactory()
        first = retention_purge(now=now)
        assert first["contacts_anonymised"] == 1
        assert (
            ModelLogEntry.objects.for_instance(LabSettings.load())
            .get(action="home.retention.purge")
            .data
            == first
        )
        second = retention_purge(now=now)
        assert not any(second.values())
        assert ModelLogEntry.objects.filter(action="home.retention.purge").count() == 1

    def test_the_nightly_job_is_scheduled_and_runs_the_purge(self, db, now):
        job = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
        assert job["task"] == "home.tasks.retention_purge_task"
        assert job["task"] in celery_app.tasks
        with freeze_time(now - days("RETENTION_CONTACT_DAYS") - timedelta(days=30)):
            ContactFactory()
        assert retention_purge_task.delay().get()["contacts_anonymised"] == 1


class PrivacyNoticeTests:
    def test_the_notice_states_the_periods_from_settings(
        self, client, demo_site, settings
    ):
        settings.RETENTION_DRAFT_ENTRY_DAYS = 30
        settings.RETENTION_UNCONFIRMED_ACCOUNT_DAYS = 7
        settings.RETENTION_CONTACT_DAYS = 730
        content = client.get("/privacy-notice/").content.decode()
        assert "How long we keep it" in content
        assert "Deleted 30 days after the challenge closes" in content
        assert "Deleted 7 days after sign-up" in content
        assert "Erased 2 years after the last pilot they worked on ends" in content
        assert "Deleted after 90 days" in content
        # Only the privacy notice carries it.
        assert "How long we keep it" not in client.get("/about/").content.decode()
