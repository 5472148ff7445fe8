"""Real Redis, real worker processes, one database both can see.

Each test session starts its own `redis-server` on a free port (nothing kept on disk), so
the SQLite and PostgreSQL runs can go side by side and the restart test never touches
the machine's shared Redis. `JOBS_TEST_REDIS_PORT` points the tests at a server that is
already running instead.

The worker is another process, so it cannot see SQLite's in-memory test database: when
these tests are collected, the SQLite test database becomes a file (pytest-django honours
TEST NAME). PostgreSQL test databases are visible to every process as they are.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

_default_db = settings.DATABASES["default"]
if _default_db["ENGINE"].endswith("sqlite3") and not _default_db.get("TEST", {}).get(
    "NAME"
):
    _default_db.setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"impactlab-jobs-test-{os.getpid()}.sqlite3"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REDIS_HOST = "127.0.0.1"
OWN_REDIS = not os.environ.get("JOBS_TEST_REDIS_PORT")
REDIS_PORT = int(os.environ.get("JOBS_TEST_REDIS_PORT") or _free_port())
# Not DB 0: tests must not clash with a developer's `make worker`.
REDIS_DB = int(os.environ.get("JOBS_TEST_REDIS_DB", "11"))
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str):
    """Poll `predicate` until it returns something truthy; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def redis_client() -> redis.Redis:
    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)


@pytest.fixture(scope="session", autouse=True)
def redis_server(tmp_path_factory):
    """This session's own Redis, started before the first test and stopped after."""
    if not OWN_REDIS:
        yield
        return
    folder = tmp_path_factory.mktemp("redis")
    command = [
        "redis-server",
        "--port", str(REDIS_PORT),
        "--bind", REDIS_HOST,
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
        "--logfile", str(folder / "redis.log"),
        "--daemonize", "yes",
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, timeout=30, capture_output=True)  # noqa: S603
    except FileNotFoundError:
        pytest.fail(
            "redis-server is not installed: apt-get install -y redis-server",
            pytrace=False,
        )
    wait_for(_redis_up, timeout=15, what=f"redis-server on port {REDIS_PORT}")
    yield
    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT).shutdown(nosave=True)


def _redis_up() -> bool:
    try:
        return bool(redis.Redis(host=REDIS_HOST, port=REDIS_PORT).ping())
    except redis.ConnectionError:
        return False


@pytest.fixture
def broker():
    """A clean Redis DB, and this process's Celery app publishing to it (not eager)."""
    try:
        redis_client().ping()
    except redis.ConnectionError:
        pytest.fail(
            f"Redis is not running on {REDIS_HOST}:{REDIS_PORT}: the session's own "
            "server has stopped, or JOBS_TEST_REDIS_PORT names one that is not running.",
            pytrace=False,
        )
    from lab_site.celery import app

    redis_client().flushdb()
    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    _reset_producer_pool(app)
    app.conf.update(broker_url=BROKER_URL, task_always_eager=False)
    yield redis_client()
    app.conf.update(saved)
    _reset_producer_pool(app)
    redis_client().flushdb()


def _reset_producer_pool(app) -> None:
    # What Celery itself does after a fork: the next publish builds pools for the
    # current broker_url. (Closing the old pool would break kombu's shared registry.)
    app._pool = None
    app.amqp._producer_pool = None


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if "postgresql" in db["ENGINE"]:
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{db['NAME']}"
    raise RuntimeError(f"no worker DATABASE_URL for {db['ENGINE']}")


class Worker:
    """One `celery worker --pool=solo` process, in its own process group."""

    def __init__(self, *, name: str, env: dict, log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._log_file = open(self.log, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(  # noqa: S603 (our own celery, fixed args)
            [
                CELERY,
                "-A",
                "lab_site",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=60, what=f"worker {name} to start")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"worker {self.name} exited ({self.process.returncode}):\n{self.output()}"
            )
        return " ready." in self.log.read_text()

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to give messages back."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_file.close()


@pytest.fixture
def mail_dirs(tmp_path):
    """(mail, control): the worker's mail files, and the files that steer its backend."""
    mail, control = tmp_path / "mail", tmp_path / "control"
    mail.mkdir()
    control.mkdir()
    return mail, control


@pytest.fixture
def start_worker(transactional_db, broker, mail_dirs, tmp_path):
    """Start workers on the test database and the test broker; all stopped afterwards."""
    mail, control = mail_dirs
    workers: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "JOBS_MAIL_DIR": str(mail),
        "JOBS_MAIL_CONTROL_DIR": str(control),
        "EMAIL_SEND_RETRY_BACKOFF": "1",
        "EMAIL_SEND_MAX_RETRIES": "2",
        "PYTHONPATH": str(ROOT),
    }

    def _start() -> Worker:
        worker = Worker(name=f"jobs{len(workers) + 1}", env=env, log_dir=tmp_path)
        workers.append(worker)
        return worker

    yield _start
    for worker in workers:
        worker.stop()
    if any(w.process.returncode not in (0, -signal.SIGKILL, None) for w in workers):
        for worker in workers:
            print(f"--- {worker.name}\n{worker.output()}")


def mail_files(mail: Path) -> list[str]:
    return [p.read_text() for p in sorted(mail.iterdir())]
