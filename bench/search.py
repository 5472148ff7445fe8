"""Search latency at scale, on SQLite and on PostgreSQL, through the search service.

    .venv/bin/python bench/search.py [--pilots 10000] [--repeat 5] [--skip-load]

For each database: migrate, load the demo content and `generate_load_data --pilots N`
(unless --skip-load), then run a fixed set of searches (words, filters, both, sorted by
date, a second page) through `search.services.search` in a fresh process set up as a served
one (`lab_site.wsgi`, production settings), timing each call, and print p50 and p95 per
database. The figures are written to bench/SEARCH_RESULTS.md. Needs PostgreSQL on
127.0.0.1:5432.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import ensure_database, machine  # noqa: E402

DATABASES = {
    "SQLite": "sqlite:////tmp/impactlab_bench_search.sqlite3",
    "PostgreSQL": "postgres://postgres@127.0.0.1:5432/impactlab_bench",
}
QUERIES = [
    ("hospital discharge", {}),
    ("repeat calls", {}),
    ("damp mould", {}),
    ("fire safety", {"content_type": ("case-study",)}),
    ("housing", {"theme": ("housing",)}),
    ("support plan", {"evidence_level": ("2", "3")}),
    ("employment", {"content_type": ("case-study",), "status": ("completed",)}),
    ("", {"content_type": ("challenge",)}),
    ("", {"theme": ("safer-communities",), "evidence_level": ("3",)}),
    ("prevention", {"area": ("birmingham",)}),
    ("council", {}),
    ("data", {}),
]
VARIANTS = [{}, {"sort": "date"}, {"page": 2}]

MEASURE = """
import json, statistics, sys, time
from lab_site.wsgi import application  # set up as a served process is
from search.services import search
from search.types import SearchQuery
queries, variants, repeat = json.loads(sys.argv[1])
def run(text, filters, extra):
    q = SearchQuery(text=text, filters={k: tuple(v) for k, v in filters.items()}, **extra)
    started = time.perf_counter()
    results = search(q)
    return (time.perf_counter() - started) * 1000, results.total
for text, filters in queries:  # warm-up: the first call loads the backend
    run(text, filters, {})
times, totals = [], []
for _ in range(repeat):
    for text, filters in queries:
        for extra in variants:
            ms, total = run(text, filters, extra)
            times.append(ms)
            totals.append(total)
times.sort()
def pct(p):
    return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
from search.models import SearchDocument
print(json.dumps({"n": len(times), "p50": pct(50), "p95": pct(95), "max": times[-1],
                  "documents": SearchDocument.objects.count(),
                  "mean_hits": statistics.mean(totals)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--only", choices=list(DATABASES), help="one database only")
    parser.add_argument("--output", default=str(ROOT / "bench" / "SEARCH_RESULTS.md"))
    args = parser.parse_args()

    rows = []
    for name, url in DATABASES.items():
        if args.only and name != args.only:
            continue
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "lab_site.settings.bench",
        }
        env.pop("ELASTICSEARCH_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        if not args.skip_load:
            if url.startswith("postgres"):
                ensure_database(url)
            for command in (
                ["migrate", "--noinput", "-v0"],
                ["load_demo_content"],
                ["generate_load_data", "--pilots", str(args.pilots), "--replace"],
            ):
                print(f"$ [{name}] manage.py", *command, flush=True)
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURE,
                json.dumps([QUERIES, VARIANTS, args.repeat]),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(name, figures, flush=True)
        rows.append((name, figures))

    lines = [
        "| database | searches timed | documents | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, f in rows:
        lines.append(
            f"| {name} | {f['n']} | {f['documents']:,} | {f['p50']:.1f} | "
            f"{f['p95']:.1f} | {f['max']:.1f} |"
        )
    table = "\n".join(lines)
    print(table)
    command = " ".join(["python bench/search.py", *sys.argv[1:]])
    Path(args.output).write_text(
        "# Search benchmark\n\n"
        f"Run on {datetime.date.today().isoformat()} on {machine()}.\n\n"
        f"Reproduce: `{command}`. Each figure is one call of `search.services.search` "
        f"(results and all five facet counts) in one process set up as a served one "
        f"(`lab_site.wsgi`, production settings) with the database backend, over "
        f"{len(QUERIES)} searches x {len(VARIANTS)} "
        f"variants (relevance, by date, page 2) x {args.repeat} repeats, after a "
        f"warm-up; pilots requested: {args.pilots}.\n\n{table}\n"
    )
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
