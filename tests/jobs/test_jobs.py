"""Idempotency keys and the failed-task list in the Wagtail admin (eager Celery)."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from home.emails import email_queue
from home.jobs import idempotency_key_claim, task_failure_retry
from home.models import IdempotencyKey, OutboundEmail, TaskFailure
from home.tasks import email_send_task

pytestmark = pytest.mark.django_db(transaction=True)


class IdempotencyKeyClaimTests:
    def test_first_claim_wins_later_claims_lose(self):
        with transaction.atomic():
            assert idempotency_key_claim(key="import:1") is True
        with transaction.atomic():
            assert idempotency_key_claim(key="import:1") is False
        assert idempotency_key_claim(key="import:2") is True
        assert IdempotencyKey.objects.count() == 2

    def test_a_rolled_back_claim_can_be_claimed_again(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            assert idempotency_key_claim(key="import:1") is True
            raise RuntimeError("the side effect failed")
        with transaction.atomic():
            assert idempotency_key_claim(key="import:1") is True

    def test_a_lost_claim_leaves_the_callers_transaction_usable(self):
        idempotency_key_claim(key="once")
        with transaction.atomic():
            assert idempotency_key_claim(key="once") is False
            IdempotencyKey.objects.create(key="after")  # no broken transaction
        assert IdempotencyKey.objects.filter(key="after").exists()


def _failing_email(settings) -> OutboundEmail:
    """Run the send task as a worker would (failures not raised into the caller)."""
    settings.EMAIL_BACKEND = "tests.jobs.failing_backend.DownBackend"
    email = OutboundEmail.objects.create(
        idempotency_key="down",
        to="founder@brightpath.example",
        subject="Your entry",
        body_text="b",
    )
    result = email_send_task.apply(kwargs={"email_id": email.pk}, throw=False)
    assert result.failed()
    return email


class TaskFailureRecordTests:
    def test_a_task_failing_after_its_retries_is_recorded_once(self, settings):
        email = _failing_email(settings)
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.FAILED
        (failure,) = TaskFailure.objects.all()
        assert failure.task_name == "home.tasks.email_send_task"
        assert failure.kwargs == {"email_id": email.pk}
        assert "mail server is down" in failure.exception
        assert failure.status == TaskFailure.Status.OPEN

    def test_retry_runs_the_task_again_and_marks_the_failure(self, settings, demo_site):
        from home.models import User

        email = _failing_email(settings)
        failure = TaskFailure.objects.get()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        lead = User.objects.get(email="lead@impactlab.example")
        task_failure_retry(failure_id=failure.pk, by=lead)
        email.refresh_from_db()
        failure.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
        assert len(mail.outbox) == 1
        assert failure.status == TaskFailure.Status.RETRIED
        assert failure.retried_by == lead
        # A second retry of the same failure does nothing.
        task_failure_retry(failure_id=failure.pk, by=lead)
        assert len(mail.outbox) == 1

    def test_in_eager_mode_the_error_reaches_the_caller(self, settings):
        settings.EMAIL_BACKEND = "tests.jobs.failing_backend.DownBackend"
        with pytest.raises(Exception, match="mail server is down"):
            email_queue(
                key="down",
                to="founder@brightpath.example",
                subject="Your entry",
                template="test_message",
                context={"name": "Sam"},
            )
        email = OutboundEmail.objects.get(idempotency_key="down")
        assert email.status == OutboundEmail.Status.FAILED
        assert email.attempts == 1  # no retries in-process

    def test_success_records_nothing(self):
        email = OutboundEmail.objects.create(
            idempotency_key="ok", to="a@example.org", subject="s", body_text="b"
        )
        email_send_task.delay(email_id=email.pk)
        assert not TaskFailure.objects.exists()


@pytest.fixture
def failure(db):
    return TaskFailure.objects.create(
        task_name="home.tasks.email_send_task",
        task_id="abc",
        kwargs={"email_id": 987654},
        exception="SMTPServerDisconnected('the mail server is down')",
    )


class TaskFailureAdminTests:
    def test_programme_lead_sees_failures_with_error_arguments_and_retry(
        self, demo_site, client, login, failure
    ):
        login("lead@impactlab.example")
        response = client.get(reverse("task_failures:index"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "home.tasks.email_send_task" in html
        assert "the mail server is down" in html
        assert "987654" in html
        assert reverse("task_failures:retry", args=[failure.pk]) in html
        # Records of the workers: no add or edit screens.
        assert reverse("task_failures:add") not in html
        assert client.get(reverse("task_failures:add")).status_code in (302, 403)
        assert client.get(
            reverse("task_failures:edit", args=[failure.pk])
        ).status_code in (302, 403)
        inspect = client.get(reverse("task_failures:inspect", args=[failure.pk]))
        assert inspect.status_code == 200

    @pytest.mark.parametrize(
        "email", ["assessor@impactlab.example", "editor@impactlab.example"]
    )
    def test_other_staff_cannot_see_or_retry(
        self, demo_site, client, login, failure, email
    ):
        login(email)
        listing = client.get(reverse("task_failures:index"))
        assert listing.status_code in (302, 403)
        assert b"mail server is down" not in listing.content
        retry = client.post(reverse("task_failures:retry", args=[failure.pk]))
        assert retry.status_code in (302, 403)
        failure.refresh_from_db()
        assert failure.status == TaskFailure.Status.OPEN

    def test_start_up_accounts_are_kept_out_of_the_admin(
        self, demo_site, client, login, failure
    ):
        login("founder@brightpath.example")
        response = client.post(reverse("task_failures:retry", args=[failure.pk]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        failure.refresh_from_db()
        assert failure.status == TaskFailure.Status.OPEN

    def test_retry_needs_a_csrf_token(self, demo_site, failure, django_user_model):
        client = Client(enforce_csrf_checks=True)
        client.force_login(
            django_user_model.objects.get(email="lead@impactlab.example")
        )
        url = reverse("task_failures:retry", args=[failure.pk])
        assert client.post(url).status_code == 403
        failure.refresh_from_db()
        assert failure.status == TaskFailure.Status.OPEN
        page = client.get(url)
        assert page.status_code == 200
        token = page.context["csrf_token"]
        assert client.post(url, {"csrfmiddlewaretoken": str(token)}).status_code == 302
        failure.refresh_from_db()
        assert failure.status == TaskFailure.Status.RETRIED


class TaskFailureListQueryCountTests:
    @pytest.mark.parametrize("count", [3, 30])
    def test_listing_queries_do_not_grow_with_failures(
        self, demo_site, client, login, count, django_assert_max_num_queries
    ):
        TaskFailure.objects.bulk_create(
            TaskFailure(
                task_name="home.tasks.email_send_task",
                task_id=f"t{n}",
                kwargs={"email_id": n},
                exception="SMTPServerDisconnected()",
            )
            for n in range(count)
        )
        login("lead@impactlab.example")
        url = reverse("task_failures:index")
        client.get(url)  # warm-up: sessions, Wagtail's menu and permission caches
        # Measured with `pytest -k QueryCount` and a low bound: 12 queries at 3 and at
        # 30 failures (SQLite and PostgreSQL, Wagtail 8.0.1): none per row. One of them
        # reads the user's roles for the admin menu (home.roles.role_names).
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200
        # 20 a page (Wagtail's default).
        assert response.content.decode().count("task_failures/retry/") == min(count, 20)
