"""Project-wide rules that every app must keep, checked over the whole code base."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from wagtail.models import Page

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_TEMPLATE_DIRS = [
    ROOT / "lab_site" / "templates",
    *(
        ROOT / app / "templates"
        for app in ("home", "challenges", "pilots", "search", "opendata")
    ),
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<(?!svg|path)[a-z][^>]*\sstyle=", re.IGNORECASE)


def _public_templates():
    for folder in PUBLIC_TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            relative = path.relative_to(folder).as_posix()
            # Emails carry inline styles on purpose: mail clients ignore stylesheets.
            # Wagtail admin templates live under the admin's own (excluded) policy.
            if (
                relative.startswith(("emails/", "wagtailadmin/"))
                or "/admin/" in relative
            ):
                continue
            yield path


class TemplateConventionTests:
    def test_no_inline_script_or_style_in_public_templates(self):
        """The Content-Security-Policy allows only scripts and styles from files."""
        offenders = []
        for path in _public_templates():
            text = path.read_text()
            if INLINE_SCRIPT.search(text) or STYLE_ATTRIBUTE.search(text):
                offenders.append(str(path.relative_to(ROOT)))
        assert offenders == []

    def test_the_check_finds_what_it_should(self):
        assert INLINE_SCRIPT.search("<script>alert(1)</script>")
        assert not INLINE_SCRIPT.search('<script type="module" src="/x.mjs"></script>')
        assert STYLE_ATTRIBUTE.search('<p style="color: red">')
        assert not STYLE_ATTRIBUTE.search('<p class="x">')


class PageTypeConventionTests:
    @pytest.mark.parametrize(
        "model",
        [m for m in apps.get_models() if issubclass(m, Page) and m is not Page],
        ids=lambda m: m._meta.label,
    )
    def test_every_page_type_declares_its_place_in_the_tree(self, model):
        assert "parent_page_types" in model.__dict__, model
        assert "subpage_types" in model.__dict__, model


APP_DIRS = ["home", "search", "challenges", "pilots", "opendata", "lab_site", "bench"]
ISSUE_REFERENCE = re.compile(r"\bissue \d+\b|\(#\d+\)", re.IGNORECASE)
SINGLE_LETTER_CONSTANT = re.compile(r"^\s*[A-Z]{1,2} = (?!TypeVar\()", re.MULTILINE)


def _app_sources(*, with_tests: bool = False):
    for app in APP_DIRS + (["tests"] if with_tests else []):
        for path in (ROOT / app).rglob("*"):
            if (
                path.suffix in (".py", ".html")
                and "migrations" not in path.parts
                and path != Path(__file__)
            ):
                yield path


class NamingConventionTests:
    def test_code_explains_itself_without_issue_numbers(self):
        """A comment that points at an issue number explains nothing to the next
        reader: say the reason instead."""
        offenders = [
            f"{path.relative_to(ROOT)}:{number}"
            for path in _app_sources(with_tests=True)
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if ISSUE_REFERENCE.search(line)
        ]
        assert offenders == []

    def test_no_one_letter_constants(self):
        offenders = [
            str(path.relative_to(ROOT))
            for path in _app_sources()
            if path.suffix == ".py" and SINGLE_LETTER_CONSTANT.search(path.read_text())
        ]
        assert offenders == []

    def test_the_checks_find_what_they_should(self):
        assert ISSUE_REFERENCE.search("# Security (issue 11): lockouts")
        assert ISSUE_REFERENCE.search("fixed in (#12)")
        assert not ISSUE_REFERENCE.search("# an issue with the clock")
        assert SINGLE_LETTER_CONSTANT.search("P = Pilot.Status\n")
        assert SINGLE_LETTER_CONSTANT.search("    LB = Contact.LawfulBasis\n")
        assert not SINGLE_LETTER_CONSTANT.search('T = TypeVar("T")\n')
        assert not SINGLE_LETTER_CONSTANT.search("PILOT_STATUSES = [1]\n")
