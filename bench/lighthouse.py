"""Lighthouse scores for four public pages, served as in production, on the demo content.

    .venv/bin/python bench/lighthouse.py [--keep]

Builds a throwaway SQLite database with the demo content (migrate, load_demo_content, as
`make run` does), collects the static files into a throwaway directory, serves the site
with production settings (DEBUG off, WhiteNoise, `lab_site.settings.bench`) under gunicorn
and runs Lighthouse (npm, pinned in bench/node/package.json; `npm ci --prefix bench/node`) in Debian's Chromium on the home page, a
challenge brief, the case-study finder and a case study, mobile (Lighthouse's default) and
desktop. Categories: SEO, accessibility and performance (for cumulative layout shift).
The table is written to bench/LIGHTHOUSE_RESULTS.md; the full JSON reports go to
bench/results/lighthouse/ (not in git). Exits 1 if a target is missed: SEO and
accessibility 1.00, layout shift under 0.05.
Needs: `npm ci --prefix bench/node` (Lighthouse, pinned in bench/node/package.json) and
Chromium at CHROME_PATH (default /usr/bin/chromium).
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import machine, wait_until_up  # noqa: E402

PYTHON = sys.executable
PORT = 8210
LIGHTHOUSE = ROOT / "bench" / "node" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
CATEGORIES = "seo,accessibility,performance"
FORM_FACTORS = ("mobile", "desktop")
CLS_TARGET = 0.05
ATTEMPTS = 3

# The brief and the case study are found once the demo content is in: see demo_urls.
PAGES = [
    ("home", "/"),
    ("challenge brief", None),
    ("case-study finder", "/case-studies/"),
    ("case study", None),
]

DEMO_URLS = """
import django; django.setup()
from django.apps import apps
for label in ("challenges.ChallengePage", "pilots.CaseStudyPage"):
    page = apps.get_model(label).objects.live().order_by("path").first()
    print(page.url if page else "")
"""


def demo_urls(env) -> tuple[str, str]:
    out = subprocess.run(
        [PYTHON, "-c", DEMO_URLS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    brief, study = out.stdout.split("\n")[:2]
    return brief, study


def lighthouse(url: str, form_factor: str, output: Path, env) -> dict:
    preset = ["--preset=desktop"] if form_factor == "desktop" else []
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={CATEGORIES}",
        f"--chrome-flags={CHROME_FLAGS}",
        *preset,
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]
    # Lighthouse sometimes loses the trace of a load (NO_NAVSTART): run it again.
    for attempt in range(1, ATTEMPTS + 1):
        if subprocess.run(command, cwd=ROOT, env=env).returncode == 0:
            return json.loads(output.read_text())
        print(f"! lighthouse failed (attempt {attempt} of {ATTEMPTS})", flush=True)
    raise SystemExit(f"lighthouse failed {ATTEMPTS} times on {url} ({form_factor})")


def summary(report: dict) -> dict:
    """Category scores, layout shift and the SEO and accessibility audits that failed."""
    categories = report["categories"]
    audits = report["audits"]
    failing = []
    for name in ("seo", "accessibility"):
        for ref in categories[name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(ref["id"])
    return {
        "seo": categories["seo"]["score"],
        "accessibility": categories["accessibility"]["score"],
        "performance": categories["performance"]["score"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "failing": failing,
    }


def meets_targets(s: dict) -> bool:
    return s["seo"] == 1 and s["accessibility"] == 1 and s["cls"] < CLS_TARGET


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep", action="store_true", help="keep the throwaway database and files"
    )
    parser.add_argument(
        "--reports", default=str(ROOT / "bench" / "results" / "lighthouse")
    )
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "LIGHTHOUSE_RESULTS.md")
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            "no bench/node/node_modules/.bin/lighthouse: run `npm ci --prefix bench/node` first"
        )

    work = Path(tempfile.mkdtemp(prefix="impactlab-lighthouse-"))
    base = f"http://127.0.0.1:{PORT}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "lab_site.settings.bench",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private_media"),
        # Canonical links and JSON-LD name the address Lighthouse visits.
        "WAGTAILADMIN_BASE_URL": base,
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
    }
    for name in ("CELERY_BROKER_URL", "ELASTICSEARCH_URL", "CACHE_URL"):
        env.pop(name, None)  # one worker with its own cache (bench settings' locmem)
    reports = Path(args.reports)
    reports.mkdir(parents=True, exist_ok=True)

    def manage(*command):
        print("$ manage.py", *command, flush=True)
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    manage("migrate", "--noinput", "-v0")
    manage("load_demo_content")
    manage("collectstatic", "--noinput", "-v0")
    brief, study = demo_urls(env)
    pages = [
        (name, path or (brief if name == "challenge brief" else study))
        for name, path in PAGES
    ]

    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "lab_site.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "--access-logfile",
            str(reports / "access.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    rows = []
    warnings = set()
    version = ""
    try:
        wait_until_up(base + "/")
        for name, path in pages:
            for form_factor in FORM_FACTORS:
                slug = name.replace(" ", "-")
                output = reports / f"{slug}-{form_factor}.json"
                print(f"$ lighthouse {path} ({form_factor})", flush=True)
                report = lighthouse(base + path, form_factor, output, env)
                version = report["lighthouseVersion"]
                browser = report["environment"]["hostUserAgent"]
                rows.append((name, path, form_factor, summary(report)))
                warnings.update(report["runWarnings"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    lines = [
        "| page | path | form factor | SEO | accessibility | CLS | performance "
        "| failing SEO or accessibility audits |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for name, path, form_factor, s in rows:
        failing = ", ".join(f"`{a}`" for a in s["failing"]) or "none"
        lines.append(
            f"| {name} | `{path}` | {form_factor} | {s['seo']:.2f} | "
            f"{s['accessibility']:.2f} | {s['cls']:.3f} | {s['performance']:.2f} "
            f"| {failing} |"
        )
    table = "\n".join(lines)
    print(table)
    missed = [(n, f) for n, _, f, s in rows if not meets_targets(s)]
    verdict = (
        "Met on every page and form factor."
        if not missed
        else "Missed on: " + ", ".join(f"{n} ({f})" for n, f in missed) + "."
    )
    noted = "".join(
        f"\n\nLighthouse warned: {' '.join(w.split())}" for w in sorted(warnings)
    )
    command = " ".join(["python bench/lighthouse.py", *sys.argv[1:]])
    chromium = subprocess.run(
        [env["CHROME_PATH"], "--version"], capture_output=True, text=True
    ).stdout.strip()
    Path(args.output).write_text(
        "# Lighthouse\n\n"
        f"Run on {datetime.date.today().isoformat()} on {machine()}.\n\n"
        f"Reproduce: `{command}`. Lighthouse {version} (npm, pinned in bench/node/package.json; `npm ci --prefix bench/node`) "
        f'in {chromium} (`CHROME_PATH`, `--chrome-flags="{CHROME_FLAGS}"`), '
        f"`--only-categories={CATEGORIES}`; mobile is Lighthouse's default (emulated "
        f"phone, throttled), desktop is `--preset=desktop`. The site is served with "
        f"production settings (DEBUG off, WhiteNoise) under gunicorn on a throwaway "
        f"SQLite database holding the demo content only. Browser: {browser}. CLS is "
        f"the cumulative layout shift measured during the load; performance is shown "
        f"for context and is not a target.\n\n"
        f"{table}\n\n"
        f"Targets: SEO and accessibility 1.00, layout shift under {CLS_TARGET}. "
        f"{verdict}{noted}\n"
    )
    print(f"written to {args.output}")
    if missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
