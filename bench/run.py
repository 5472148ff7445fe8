"""Benchmark the site as it is served in production, against the framework's floor.

    .venv/bin/python bench/run.py [--pilots 10000] [--skip-load] [--duration 10]

Loads the data (demo content, then `generate_load_data --pilots N` when that command
exists), serves the site with production settings (DEBUG off) under gunicorn on
PostgreSQL, drives each page with wrk, and prints a table of requests per second, p50
and p95 latency and memory per worker, with each page's ratio to a minimal Django view
served by the same stack. The table is written to bench/RESULTS.md.
Needs: PostgreSQL on 127.0.0.1:5432, Debian's wrk.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8200

PAGES = [
    ("floor (minimal Django view)", "/_bench/floor/"),
    ("home page", "/"),
    ("/challenges/", "/challenges/"),
    ("/case-studies/", "/case-studies/"),
    ("/case-studies/ filtered", "/case-studies/?theme=safer-communities&evidence=3"),
    ("a case study (4 metrics x 24)", None),  # found after loading: see case_study_url
    ("/partners/", "/partners/"),
    ("search", "/search/?q=hospital+discharge"),
    ("API list", "/api/v1/pilots"),
]


def run(*args, env, check=True):
    print("$", " ".join(args), flush=True)
    return subprocess.run(args, cwd=ROOT, env=env, check=check)


def manage(*args, env, check=True):
    return run(PYTHON, "manage.py", *args, env=env, check=check)


def has_command(name, env) -> bool:
    out = subprocess.run(
        [PYTHON, "manage.py", "help", name], cwd=ROOT, env=env, capture_output=True
    )
    return out.returncode == 0


def case_study_url(env) -> str | None:
    code = (
        "import django; django.setup()\n"
        "from django.apps import apps\n"
        "try:\n"
        "    m = apps.get_model('pilots', 'CaseStudyPage')\n"
        "except LookupError:\n"
        "    print('')\n"
        "else:\n"
        "    live = m.objects.live()\n"
        # The load data's first case study has 4 metrics of 24 measurements.
        "    p = (live.filter(slug__startswith='load-').order_by('path').first()\n"
        "         or live.order_by('pk').first())\n"
        "    print(p.url if p else '')\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() or None


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def status_of(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status  # noqa: S310
    except urllib.error.HTTPError as error:
        return error.code


# A visitor with a session cookie is never served from the page cache: this is how the
# uncached pass asks for the same page (the session lookup it costs is one query).
UNCACHED = ["-H", "Cookie: sessionid=bench-uncached"]


def cache_state(url: str) -> str:
    """What the page cache said about a second anonymous request: hit, miss or -."""
    try:
        for _ in range(2):
            response = urllib.request.urlopen(url, timeout=10)  # noqa: S310
    except urllib.error.HTTPError:
        return "-"
    return response.headers.get("X-Page-Cache", "-")


def wrk(url: str, *, duration: int, connections: int, headers=()) -> dict:
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            *headers,
            "-s",
            str(ROOT / "bench" / "p95.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    figures = dict(pair.split("=") for pair in line.split()[1:])
    figures = {k: int(v) for k, v in figures.items()}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def worker_rss_mib(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    pids = children.read_text().split() if children.exists() else []
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sizes


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    return f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GiB, {platform.platform()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=10_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/impactlab_bench"
    )
    parser.add_argument(
        "--skip-load", action="store_true", help="reuse the loaded database"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "lab_site.settings.bench",
        "DATABASE_CONN_MAX_AGE": "60",
        "CACHE_URL": "redis://127.0.0.1:6379/3",
        "PAGE_CACHE_SECONDS": "600",
        # The API's per-client limit would answer the load generator with 429s.
        "OPENDATA_RATE_LIMIT": "100000000/m",
    }
    env.pop("CELERY_BROKER_URL", None)
    if not args.skip_load:
        ensure_database(args.database_url)
        manage("migrate", "--noinput", "-v0", env=env)
        manage("load_demo_content", env=env)
        if has_command("generate_load_data", env):
            manage(
                "generate_load_data", "--pilots", str(args.pilots), "--replace", env=env
            )
        else:
            print(
                "! generate_load_data does not exist yet: measuring the demo content only"
            )
    manage("collectstatic", "--noinput", "-v0", env=env)
    import redis  # installed with Celery's Redis transport

    redis.Redis.from_url(env["CACHE_URL"]).flushdb()  # no pages from an earlier run

    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "lab_site.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{PORT}"
    rows = []
    try:
        wait_until_up(base + "/_bench/floor/")
        pages = list(PAGES)
        study = case_study_url(env)
        pages = [(n, study if u is None else u) for n, u in pages]
        for name, path in pages:
            if path is None:
                rows.append((name, "-", None, None, "no such page yet"))
                continue
            status = status_of(base + path)
            if status != 200:
                rows.append((name, path, None, None, f"HTTP {status}"))
                continue
            passes = {}
            for label, headers in (("uncached", UNCACHED), ("cached", ())):
                if label == "cached" and cache_state(base + path) != "hit":
                    continue  # not a cached page (search, the API, the floor)
                url = base + path
                # Uncached: one connection per worker, so the latency is the page's
                # own, not time queued behind other requests. Cached pages and the
                # floor: `--connections`, for throughput.
                floor = path == PAGES[0][1]
                uncached = label == "uncached" and not floor
                connections = args.workers if uncached else args.connections
                wrk(url, duration=2, connections=connections, headers=headers)
                passes[label] = wrk(
                    url,
                    duration=args.duration,
                    connections=connections,
                    headers=headers,
                )
            rss = worker_rss_mib(server.pid)
            errors = sum(f["errors"] + f["non2xx"] for f in passes.values())
            note = f"{errors} errors or non-2xx" if errors else ""
            rows.append(
                (
                    name,
                    path,
                    passes["uncached"],
                    passes.get("cached"),
                    note,
                    max(rss) if rss else None,
                )
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    floor = rows[0][2]["rps"]
    lines = [
        "| page | path | req/s | p50 ms | p95 ms | cached req/s | cached p95 ms "
        "| cached x floor | MiB per worker | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, path, uncached, cached, note, *rest in rows:
        if uncached is None:
            lines.append(f"| {name} | `{path}` | | | | | | | | {note} |")
            continue
        rss = rest[0] or 0
        cached_cells = (
            f"{cached['rps']:.0f} | {cached['p95_us'] / 1000:.1f} | "
            f"{cached['rps'] / floor:.2f}"
            if cached
            else "- | - | -"
        )
        lines.append(
            f"| {name} | `{path}` | {uncached['rps']:.0f} | "
            f"{uncached['p50_us'] / 1000:.1f} | {uncached['p95_us'] / 1000:.1f} | "
            f"{cached_cells} | {rss:.0f} | {note} |"
        )
    table = "\n".join(lines)
    print(table)
    command = " ".join(["python bench/run.py", *sys.argv[1:]])
    report = (
        "# Benchmark results\n\n"
        f"Run on {datetime.date.today().isoformat()} on {machine()}.\n\n"
        f"Reproduce: `{command}` (gunicorn, {args.workers} workers, production settings, "
        f"PostgreSQL; wrk, {args.connections} connections, {args.duration} s per page "
        f"after a 2 s warm-up; pilots requested: {args.pilots}). The first columns are "
        f"uncached (each request carries a session cookie, so the page cache is "
        f"bypassed and the page is rendered; {args.workers} connections, one per "
        f"worker, so latency is not queueing); the cached columns are anonymous "
        f"visitors answered from the page cache (Redis), for pages it stores, at "
        f"{args.connections} connections like the floor.\n\n"
        f"{table}\n"
    )
    Path(args.output).write_text(report)
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
