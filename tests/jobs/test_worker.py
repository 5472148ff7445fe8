"""Background jobs with a real Redis and real `celery worker` processes.

Each test starts its workers on the test database (a file for SQLite, the test database
for PostgreSQL) and Redis DB 11, and waits with bounded timeouts only.
"""

import contextlib
import subprocess
from datetime import timedelta

import pytest
import redis
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from home.emails import email_queue, email_requeue_stuck
from home.models import MailLog, OutboundEmail, TaskFailure

from .conftest import (
    REDIS_HOST,
    REDIS_PORT,
    _redis_up,
    mail_files,
    redis_client,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(key: str) -> OutboundEmail:
    return email_queue(
        key=key,
        to="founder@brightpath.example",
        subject=f"Message {key}",
        template="test_message",
        context={"name": "Sam"},
    )


def _status(email: OutboundEmail) -> str:
    return OutboundEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def _wait_sent(email: OutboundEmail, timeout: float = 30) -> None:
    wait_for(
        lambda: _status(email) == OutboundEmail.Status.SENT,
        timeout=timeout,
        what=f"email {email.idempotency_key} to be sent",
    )


class WorkerRunsQueuedTasksTests:
    def test_task_queued_in_a_request_runs_in_the_worker(
        self, demo_site, client, login, start_worker, mail_dirs
    ):
        start_worker()
        login("founder@brightpath.example")
        response = client.post(
            reverse("notification_preferences"),
            {"frequency": "daily_digest", "kinds": ["feedback"]},
        )
        assert response.status_code == 302
        email = OutboundEmail.objects.get(
            idempotency_key__startswith="notification-preferences-changed:"
        )
        _wait_sent(email)
        assert mail.outbox == []  # not sent in this process: the worker sent it
        (message,) = mail_files(mail_dirs[0])
        assert "Your notification settings have changed" in message
        assert MailLog.objects.filter(email=email).count() == 1

    def test_task_queued_in_a_rolled_back_transaction_never_runs(
        self, demo_site, start_worker, mail_dirs, broker
    ):
        start_worker()
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue("rolled-back")
            raise RuntimeError("the service failed after queuing")
        marker = _queue("committed-after")
        # The worker takes one message at a time in order: once the later one is done,
        # an earlier one would have run too.
        _wait_sent(marker)
        assert not OutboundEmail.objects.filter(idempotency_key="rolled-back").exists()
        (message,) = mail_files(mail_dirs[0])
        assert "Message committed-after" in message
        # Acknowledged just after the task returns: nothing else waits in the broker.
        wait_for(
            lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0,
            timeout=10,
            what="the broker to have nothing left",
        )


class WorkerKilledMidTaskTests:
    def test_killed_worker_task_runs_again_and_sends_once(
        self, demo_site, start_worker, mail_dirs, broker
    ):
        mail_dir, control = mail_dirs
        (control / "hold").touch()
        first = start_worker()
        email = _queue("killed-mid-send")
        wait_for(
            lambda: (control / "started").exists(),
            timeout=30,
            what="the first worker to start sending",
        )
        assert _status(email) == OutboundEmail.Status.SENDING
        assert broker.hlen("unacked") == 1  # taken, not acknowledged
        first.kill()
        (control / "hold").unlink()
        assert mail_files(mail_dir) == []

        start_worker()  # the message comes back after the visibility timeout (3 s)
        _wait_sent(email)
        email.refresh_from_db()
        assert email.attempts == 2  # it ran twice ...
        assert len(mail_files(mail_dir)) == 1  # ... and sent once
        assert MailLog.objects.filter(email=email).count() == 1
        wait_for(
            lambda: broker.hlen("unacked") == 0 and broker.llen("celery") == 0,
            timeout=10,
            what="the broker to have nothing left",
        )


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


class DuplicateDeliveryTests:
    @pytest.mark.skipif(
        not _on_postgresql(),
        reason="needs PostgreSQL row locks: on SQLite a second writer gets 'database "
        "is locked' instead of waiting (CI runs this on PostgreSQL)",
    )
    def test_a_message_redelivered_while_the_first_worker_sends_is_a_no_op(
        self, demo_site, start_worker, mail_dirs, broker
    ):
        mail_dir, control = mail_dirs
        (control / "hold").touch()
        workers = [start_worker(), start_worker()]
        email = _queue("slow-send")
        wait_for(
            lambda: (control / "started").exists(),
            timeout=30,
            what="a worker to start sending",
        )
        # The first worker is slow, not dead: after the visibility timeout Redis hands
        # the same message to the second worker, which waits on the row lock.
        received = "home.tasks.email_send_task"
        wait_for(
            lambda: all(f"{received}[" in w.output() for w in workers),
            timeout=20,
            what="the message to be delivered to the second worker too",
        )
        (control / "hold").unlink()
        _wait_sent(email)
        wait_for(
            lambda: broker.hlen("unacked") == 0 and broker.llen("celery") == 0,
            timeout=20,
            what="both copies to finish",
        )
        email.refresh_from_db()
        assert email.attempts == 1  # the second copy found it sent and did nothing
        assert len(mail_files(mail_dir)) == 1
        assert MailLog.objects.filter(email=email).count() == 1
        assert not TaskFailure.objects.exists()


def _redis_config(client: redis.Redis) -> dict:
    wanted = ("bind", "port", "save", "appendonly", "dir", "logfile")
    config = {}
    for name in wanted:
        config.update(client.config_get(name))
    return config


def _redis_start(config: dict) -> None:
    """Start redis-server as it ran before (see the python-svc machine notes)."""
    command = ["redis-server", "--daemonize", "yes"]
    for name in ("bind", "port", "save", "appendonly", "dir", "logfile"):
        if name in config:
            values = config[name].split(" ") if name == "bind" else [config[name]]
            command += [f"--{name}", *values]
    subprocess.run(command, check=True, timeout=30, capture_output=True)  # noqa: S603


class BrokerRestartTests:
    def test_tasks_queued_before_a_redis_restart_are_all_sent_once(
        self, demo_site, broker, start_worker, mail_dirs, capsys
    ):
        emails = [_queue(f"before-restart:{n}") for n in range(3)]
        assert broker.llen("celery") == 3  # queued, no worker yet

        config = _redis_config(broker)
        # The server closes the connection as it goes.
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis(host=REDIS_HOST, port=REDIS_PORT).shutdown(nosave=True)
        try:
            wait_for(lambda: not _redis_up(), timeout=15, what="Redis to stop")
            _redis_start(config)
            wait_for(_redis_up, timeout=15, what="Redis to start again")
        finally:
            if not _redis_up():
                _redis_start(config)
                wait_for(_redis_up, timeout=15, what="Redis to start (cleanup)")

        survived = redis_client().llen("celery")
        lost = 3 - survived
        with capsys.disabled():
            print(
                f"\n[redis restart] {survived} of 3 messages survived, {lost} lost "
                f"(appendonly={config.get('appendonly')}, save={config.get('save')!r})"
            )
        # The nightly check finds every email still queued and queues it again. With a
        # persistent Redis that duplicates the surviving messages: harmless, each email
        # is sent once whatever the number of copies.
        requeued = email_requeue_stuck(older_than=timedelta(0))
        assert sorted(requeued) == sorted(e.pk for e in emails)
        if lost:
            assert survived == 0  # Redis here keeps nothing: the check recovered all

        start_worker()
        for email in emails:
            _wait_sent(email)
        wait_for(
            lambda: redis_client().llen("celery") == 0,
            timeout=15,
            what="every copy to be consumed",
        )
        assert MailLog.objects.count() == 3
        assert len(mail_files(mail_dirs[0])) == 3


class FailedTaskRetryTests:
    def test_task_that_keeps_failing_is_listed_and_retried_from_the_admin(
        self, demo_site, start_worker, mail_dirs, client, login
    ):
        mail_dir, control = mail_dirs
        (control / "fail").touch()
        start_worker()
        email = _queue("mail-server-down")
        failure = wait_for(
            lambda: TaskFailure.objects.filter(
                task_name="home.tasks.email_send_task"
            ).first(),
            timeout=60,
            what="the task to fail after its retries",
        )
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.FAILED
        assert email.attempts == 3  # the first run and EMAIL_SEND_MAX_RETRIES=2 retries
        assert failure.kwargs == {"email_id": email.pk}
        assert "SMTPServerDisconnected" in failure.exception

        (control / "fail").unlink()  # the mail server is back
        login("lead@impactlab.example")
        listing = client.get(reverse("task_failures:index"))
        assert listing.status_code == 200
        assert "home.tasks.email_send_task" in listing.content.decode()
        retry_url = reverse("task_failures:retry", args=[failure.pk])
        assert retry_url in listing.content.decode()
        response = client.post(retry_url)
        assert response.status_code == 302

        _wait_sent(email)
        failure.refresh_from_db()
        assert failure.status == TaskFailure.Status.RETRIED
        assert failure.retried_by.email == "lead@impactlab.example"
        assert len(mail_files(mail_dir)) == 1
