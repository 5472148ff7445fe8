"""Rate limits hold across gunicorn workers and behind a trusted proxy.

The site is served as production serves it: `gunicorn -c gunicorn.conf.py lab_site.wsgi`
with two sync workers, production settings and the counters in this session's own Redis
(tests/jobs/conftest.py), on a SQLite file migrated first. Each test talks HTTP to it.

Which worker answered comes from gunicorn's access log (`%(p)s`, the worker's pid). To be
sure both answer, one request is held open half-sent: a sync worker serves one connection
at a time, so the worker that took it waits for the rest of it while the other one serves
everything else. (Connections wait in one queue and are taken in order, so the held one
is always taken first.)
"""

import html
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

from .conftest import REDIS_HOST, REDIS_PORT, ROOT, _free_port, wait_for

# Not the broker's DB (11), nor DB 0 of a developer's own Redis.
CACHE_DB = 12
LIMIT = 5
SIGN_IN = "/account/sign-in/"
ACCESS_LINE = re.compile(r"^<(\d+)> (\w+) (\S+) (\S*) (\d{3}) (.*)$", re.MULTILINE)
TIMEOUT = 30


def _production_env(**extra: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CHALLENGES_RATE_", "AXES_"))
        and k
        not in (
            "DATABASE_URL",
            "CACHE_URL",
            "CELERY_BROKER_URL",
            "ELASTICSEARCH_URL",
            "EMAIL_URL",
            "TRUSTED_PROXY_COUNT",
            "WEB_CONCURRENCY",
            "PORT",
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lab_site.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        CACHE_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{CACHE_DB}",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


@dataclass
class Site:
    port: int
    arbiter_pid: int
    log: Path

    def access_log(self) -> list[dict]:
        return [
            {
                "pid": int(pid),
                "method": method,
                "path": path,
                "query": query,
                "status": int(status),
                "forwarded": forwarded,
            }
            for pid, method, path, query, status, forwarded in ACCESS_LINE.findall(
                self.log.read_text()
            )
        ]


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_server):
    """The site under gunicorn.conf.py: two workers, one trusted proxy in front."""
    folder = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    env = _production_env(
        DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_MEDIA_ROOT=str(folder / "private"),
        CHALLENGES_RATE_SIGN_IN=f"{LIMIT}/h",
        TRUSTED_PROXY_COUNT="1",
        WEB_CONCURRENCY="2",
        PORT=str(port),
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = subprocess.run(  # noqa: S603 (our own manage.py, fixed args)
            [sys.executable, "manage.py", *command, "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    log = folder / "gunicorn.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed args)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                # Only for this test: which worker (pid) answered what.
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(q)s %(s)s %({x-forwarded-for}i)s",
                "--bind",
                f"127.0.0.1:{port}",
                "lab_site.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: _booted(process, log) == 2, timeout=60, what="two gunicorn workers"
        )
        wait_for(lambda: _answers(port), timeout=60, what="gunicorn to answer")
        yield Site(port=port, arbiter_pid=process.pid, log=log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        print(f"--- gunicorn log\n{log.read_text()[-5000:]}")


def _booted(process: subprocess.Popen, log: Path) -> int:
    if process.poll() is not None:
        raise AssertionError(
            f"gunicorn exited ({process.returncode}):\n{log.read_text()}"
        )
    return log.read_text().count("Booting worker with pid")


def _answers(port: int) -> bool:
    try:
        return _get(port, "/robots.txt").status > 0
    except OSError:
        return False


@pytest.fixture
def counters(site):
    """No counts left from an earlier test; the access log read from here on."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=CACHE_DB)
    client.flushdb()
    start = len(site.access_log())
    yield lambda: site.access_log()[start:]
    client.flushdb()


def _get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


class SignInForm:
    """A browser at one client address: the CSRF cookie and token, then POSTs."""

    def __init__(self, site: Site, *, forwarded: str):
        self.site = site
        self.forwarded = forwarded
        response = _get(site.port, SIGN_IN, {"X-Forwarded-For": forwarded})
        assert response.status == 200, response.body[:2000]
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", ""))
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', response.body.decode()
        )
        assert cookie and token, "no CSRF cookie or token on the sign-in page"
        self.cookie = cookie.group(1)
        self.token = html.unescape(token.group(1))

    def _request(self, number: int, forwarded: str | None) -> bytes:
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                # A new account each time: django-axes' per-account lockout stays out.
                "email": f"nobody-{uuid.uuid4().hex[:12]}@example.org",
                "password": "not-the-password",
            }
        ).encode()
        head = (
            f"POST {SIGN_IN}?n={number} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.site.port}\r\n"
            f"X-Forwarded-For: {forwarded or self.forwarded}\r\n"
            f"Cookie: csrftoken={self.cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        return head.encode() + body

    def post(self, number: int, forwarded: str | None = None) -> int:
        held = self.hold(number, forwarded)
        return held.finish()

    def hold(self, number: int, forwarded: str | None = None) -> "HeldRequest":
        """Connect and send the request line only: a worker takes the connection and
        waits for the rest."""
        return HeldRequest(self.site.port, self._request(number, forwarded))


class HeldRequest:
    def __init__(self, port: int, request: bytes):
        self.rest = request[request.index(b"\r\n") + 2 :]
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.sendall(request[: request.index(b"\r\n") + 2])

    def finish(self) -> int:
        self.sock.sendall(self.rest)
        answer = b""
        while chunk := self.sock.recv(65536):
            answer += chunk
        self.sock.close()
        return int(answer.split(b" ", 2)[1])


def _by_number(lines: list[dict]) -> dict[int, dict]:
    return {
        int(line["query"].removeprefix("n=")): line
        for line in lines
        if line["method"] == "POST" and line["path"] == SIGN_IN
    }


class RateLimitAcrossWorkersTests:
    def test_the_limit_holds_across_both_workers(self, site, counters):
        form = SignInForm(site, forwarded="203.0.113.10")
        statuses = {}
        # 1 is held by one worker; 2..6 can only go to the other one.
        held = form.hold(1)
        for number in range(2, LIMIT + 2):
            statuses[number] = form.post(number)
        statuses[1] = held.finish()
        for number in range(LIMIT + 2, 2 * LIMIT + 1):
            statuses[number] = form.post(number)

        served = _by_number(counters())
        assert sorted(served) == list(range(1, 2 * LIMIT + 1))
        pids = {line["pid"] for line in served.values()}
        assert len(pids) == 2, f"answered by {pids}"
        assert site.arbiter_pid not in pids
        first_worker = served[1]["pid"]
        assert all(served[n]["pid"] != first_worker for n in range(2, LIMIT + 2))
        # Counted in the order they reached the view: 2..6 first, then 1, then the rest.
        assert [statuses[n] for n in range(2, LIMIT + 2)] == [200] * LIMIT
        # The first worker had counted nothing itself, yet refuses: the count is shared.
        assert statuses[1] == 429
        assert list(statuses.values()).count(200) == LIMIT
        assert list(statuses.values()).count(429) == LIMIT
        assert {n: served[n]["status"] for n in statuses} == statuses

    def test_clients_behind_one_proxy_are_counted_apart(self, site, counters):
        first = SignInForm(site, forwarded="203.0.113.21")
        second = SignInForm(site, forwarded="203.0.113.22")
        # The first client uses up its limit, on both workers.
        held = first.hold(1)
        first_statuses = [first.post(n) for n in range(2, LIMIT + 1)]
        first_statuses.insert(0, held.finish())
        assert first_statuses == [200] * LIMIT
        assert first.post(LIMIT + 1) == 429
        # A forged left-most entry does not make it someone else...
        assert first.post(LIMIT + 2, forwarded="198.51.100.1, 203.0.113.21") == 429
        # ...while another client behind the same proxy still has its own count.
        assert [second.post(n) for n in range(101, 101 + LIMIT)] == [200] * LIMIT
        assert second.post(101 + LIMIT) == 429

        served = _by_number(counters())
        assert len({line["pid"] for line in served.values()}) == 2
        assert {line["forwarded"] for line in served.values()} >= {
            "203.0.113.21",
            "203.0.113.22",
        }


class RequestLimitTests:
    """gunicorn.conf.py's limits refuse requests before Django sees them."""

    def test_an_overlong_request_line_is_refused(self, site):
        assert _get(site.port, "/" + "a" * 5000).status == 414

    def test_too_many_headers_are_refused(self, site):
        headers = {f"X-Filler-{n}": "1" for n in range(60)}
        assert _get(site.port, "/robots.txt", headers).status == 431

    def test_an_ordinary_request_passes(self, site):
        headers = {f"X-Filler-{n}": "1" for n in range(10)}
        path = f"{SIGN_IN}?next=/{'a' * 1000}"
        assert _get(site.port, path, headers).status == 200
