"""Every page we render is valid HTML by the W3C Nu HTML Checker (vnu).

The demo world is built once; the Django test client then crawls the public site from /
(following same-site links, breadth first), crawls again signed in as each kind of demo
user (start-up, public servant, assessor, programme lead), and posts empty or bad data to
every form it found, keeping the pages that come back with errors. Each document is written
to a temporary directory and vnu checks them all in one Java process. The Wagtail admin's
HTML is not ours and is not checked.

The checker is vnu-jar from npm (package.json): `npm ci` puts it in node_modules.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client, TestCase

from challenges.models import ChallengePage
from tests.conftest import load_demo_site

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

# Per crawl (anonymous, then each signed-in user); every page type is reached well within.
MAX_PAGES = 150
SKIP_PREFIXES = ("/admin/", "/documents/", "/api/v1/", "/api/v2/", "/media/")
SKIP_SUFFIXES = (".csv", ".json", ".xml", ".ics", ".pdf", ".txt", ".rss", ".atom")
SKIP_PATHS = {"/account/sign-out/"}

# Pages no link leads to: the ends of e-mailed links (bad tokens too), search results.
PUBLIC_STARTS = [
    "/",
    "/no-such-page/",
    "/search/?q=housing",
    "/search/?q=zzzzqqqq",
    "/account/sign-up/check-your-email/",
    "/account/confirm/not-a-token/",
    "/account/password-reset/sent/",
    "/account/reset/MQ/not-a-token/",
    "/account/reset/done/",
    "/account/invitations/not-a-token/",
]
SIGNED_IN_STARTS = ["/notifications/preferences/"]

# Links followed to pages of one kind: children of one parent (the 49 partner profiles) or
# one listing under different queries (filters, pages); starts are always fetched.
MAX_PER_KIND = 12

# Who is signed in for each crawl, and where their own pages start.
USERS = {
    "start-up": ("founder@brightpath.example", ["/account/", "/entries/"]),
    "public servant": (
        "officer@sandwell.example",
        ["/account/", "/pilots/proposals/", "/pilots/proposals/new/", "/pilots/mine/"],
    ),
    "assessor": ("assessor@impactlab.example", ["/account/", "/assessments/"]),
    "programme lead": (
        "lead@impactlab.example",
        ["/account/", "/promising-solutions/", "/pilots/mine/"],
    ),
}

# Forms the crawl reaches that we post bad data to, besides the empty post every form gets.
BAD_POSTS = [
    ("/account/sign-in/", {"email": "nobody@example.com", "password": "wrong"}),
    (
        "/account/sign-up/",
        {"email": "not-an-email", "password1": "a", "password2": "b"},
    ),
    ("/account/password-reset/", {"email": "not-an-email"}),
]


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _crawlable(path: str) -> bool:
    return not (
        path.startswith(SKIP_PREFIXES)
        or path.lower().endswith(SKIP_SUFFIXES)
        or path in SKIP_PATHS
    )


def _same_site(base: str, href: str) -> str | None:
    """The path (with query) of a same-site link, or None for external and odd links."""
    href = href.strip()
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urlsplit(urldefrag(urljoin("http://testserver" + base, href))[0])
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _bad_data(form) -> dict:
    """What a careless or hostile user might send: hidden fields kept, every other field
    far too long or not one of its choices, and the form's first named button."""
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        kind = (field.get("type") or "text").lower()
        if not name or name == "csrfmiddlewaretoken" or kind in ("file", "submit"):
            continue
        if kind == "hidden":
            data[name] = field.get("value", "")
        elif field.name == "select" or kind in ("radio", "checkbox"):
            data[name] = "not-a-choice"
        else:
            data[name] = "x" * 20_000
    button = form.find(["button", "input"], attrs={"type": "submit", "name": True})
    if button is None:
        button = form.find("button", attrs={"name": True})
    if button is not None:
        data[button["name"]] = button.get("value", "")
    return data


def _reset_link() -> str:
    """A good password-reset link, as e-mailed: it leads to the set-a-password form."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from home.services import password_reset_token_generator

    user = get_user_model().objects.get(email=USERS["start-up"][0])
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/account/reset/{uid}/{password_reset_token_generator.make_token(user)}/"


# Posts that change what other forms show (an entry withdrawn can no longer be edited) last.
LAST_POSTS = ("withdraw", "remove", "submit", "recuse")


class HtmlValidityTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if JAVA is None:  # before the demo world is built: nothing to check it with
            raise unittest.SkipTest(
                "Java is not installed: the Nu HTML Checker (vnu.jar) needs it"
            )
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        from challenges import demo_content as challenges_demo
        from pilots import demo_content as pilots_demo
        from search import demo_content as search_demo

        load_demo_site()
        with (
            cls.captureOnCommitCallbacks(execute=True),
            open(os.devnull, "w") as devnull,
        ):
            challenges_demo.load(stdout=devnull)
            pilots_demo.load(stdout=devnull)
            search_demo.load(stdout=devnull)

    def setUp(self):
        if not VNU_JAR.exists():
            self.fail(
                f"{VNU_JAR.relative_to(REPO)} is missing: run `npm ci` at the repository "
                "root to install the Nu HTML Checker (vnu-jar, pinned in package.json)."
            )
        self.documents: dict[str, str] = {}  # label -> HTML
        # label -> (client, action, bad data for the form's fields)
        self.forms: dict[str, tuple[Client, str, dict]] = {}

    def _keep(self, label: str, response) -> bool:
        if not _is_html(response) or label in self.documents:
            return False
        self.documents[label] = response.content.decode()
        return True

    def _crawl(
        self, who: str, client: Client, starts: list[str], done: frozenset = frozenset()
    ) -> set[str]:
        """Fetch from `starts` breadth first, following same-site links but not into
        `done` (pages an earlier crawl checked); return the paths fetched."""
        queue, seen, fetched = deque(starts), set(starts) | done, set()
        kinds: Counter = Counter()
        while queue and len(fetched) < MAX_PAGES:
            path = queue.popleft()
            response = client.get(path, follow=True)
            fetched.add(path)
            if not _is_html(response):
                continue
            self._keep(f"{who} GET {path}", response)
            soup = BeautifulSoup(response.content, "html.parser")
            for form in soup.find_all("form"):
                if form.get("method", "get").lower() != "post":
                    continue
                action = _same_site(path, form.get("action") or path)
                if action and _crawlable(urlsplit(action).path):
                    self.forms.setdefault(
                        f"{who} POST {action}", (client, action, _bad_data(form))
                    )
            for link in soup.find_all("a", href=True):
                target = _same_site(path, link["href"])
                if target is None or target in seen:
                    continue
                url = urlsplit(target)
                kind = url.path + "?" if url.query else url.path.rsplit("/", 2)[0]
                if _crawlable(url.path) and kinds[kind] < MAX_PER_KIND:
                    kinds[kind] += 1
                    seen.add(target)
                    queue.append(target)
        return fetched

    def _post_errors(self) -> int:
        """Post empty data to every form found (after all crawling, as a post may change
        what a page shows) and bad data to some; keep the pages that answer 200."""
        states = 0
        anonymous = Client()
        posts = [
            (label, client, action, {})
            for label, (client, action, _) in self.forms.items()
        ] + [
            (f"{label} (bad data)", client, action, bad)
            for label, (client, action, bad) in self.forms.items()
        ]
        posts += [
            (f"anonymous POST {action} (wrong details)", anonymous, action, data)
            for action, data in BAD_POSTS
        ]
        posts.sort(key=lambda post: any(word in post[2] for word in LAST_POSTS))
        for label, client, action, data in posts:
            response = client.post(action, data)
            if response.status_code == 200 and self._keep(label, response):
                states += 1
        return states

    def _vnu(self, directory: Path) -> list[dict]:
        result = subprocess.run(  # noqa: S603 (java and our vnu.jar, fixed args)
            [
                JAVA,
                "-Xss8m",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--errors-only",
                "--exit-zero-always",
                "--no-langdetect",  # its findings are warnings, not errors
                "--stdout",
                str(directory),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        return json.loads(result.stdout)["messages"]

    def test_every_page_and_form_error_state_is_valid_html(self):
        anonymous = Client()
        public = frozenset(
            self._crawl("anonymous", anonymous, PUBLIC_STARTS + [_reset_link()])
        )
        public_pages = len(self.documents)
        User = get_user_model()
        for who, (email, starts) in USERS.items():
            client = Client()
            client.force_login(User.objects.get(email=email))
            # Signed in, the public pages differ only in the header: the start pages
            # check that; the crawl goes on to this user's own pages.
            if who == "start-up":  # a challenge page offers them questions, entries
                starts = starts + [page.url for page in ChallengePage.objects.live()]
            self._crawl(who, client, starts + SIGNED_IN_STARTS, done=public)
        signed_in_pages = len(self.documents) - public_pages
        error_states = self._post_errors()
        print(
            f"\nvnu: {public_pages} public pages, {signed_in_pages} signed-in pages, "
            f"{error_states} form error states"
        )

        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            labels = {}
            for number, (label, html) in enumerate(self.documents.items()):
                name = f"{number:04d}.html"
                (directory / name).write_text(html, encoding="utf-8")
                labels[name] = label
            messages = self._vnu(directory)

        errors = [
            f"{labels.get(Path(urlsplit(m.get('url', '')).path).name, m.get('url'))} "
            f"line {m.get('lastLine', '?')}: {_shorten(m['message'])}"
            + (f"  [{m['extract'].strip()[:120]}]" if m.get("extract") else "")
            for m in messages
            if m.get("type") in ("error", "non-document-error")
        ]
        if errors:
            self.fail(
                f"{len(errors)} HTML errors (W3C Nu HTML Checker):\n"
                + "\n".join(errors)
            )
