"""Refused uploads in real Chromium, at two widths: the message sits
beside the file field, the error summary links to it, axe-core finds nothing, and
nothing is stored. Screenshots at 1280 and 375 pixels go to UPLOAD_SCREENSHOTS, when
set, for people to look at."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from challenges import services
from challenges.models import EntryAttachment
from tests.browser import assert_accessible
from tests.challenges.files import PDF, office_bytes

pytestmark = pytest.mark.django_db(transaction=True)

MACROS = office_bytes(
    parts={"word/media/logo.png": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
    types={"word/media/logo.png": "application/vnd.ms-office.vbaProject"},
)
# Spliced in by hand, so the offsets move: the raw scan refuses it before qpdf would.
SCRIPTED_PDF = PDF.replace(b"/Type /Catalog", b"/Type /Catalog /AA << >>")


def sign_in(context, live_server, user) -> None:
    """Sign in by session cookie: these tests are about uploads, not signing in."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture(params=[1280, 375], ids=["1280px", "375px"])
def browser_context_options(request):
    # Without JavaScript the same form is covered by test_browser_no_js.py's journey.
    return {"viewport": {"width": request.param, "height": 900}}


class RefusedUploadPageTests:
    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("proposal.docx", MACROS, "contains macros"),
            ("plan.pdf", SCRIPTED_PDF, "actions that run by themselves"),
        ],
        ids=["docx-macros", "pdf-actions"],
    )
    def test_the_message_is_beside_the_field(
        self,
        challenge,
        startup,
        browser_page,
        live_server,
        browser_context_options,
        tmp_path,
        name,
        content,
        message,
    ):
        page = browser_page
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        sign_in(page.context, live_server, user)
        page.goto(f"/entries/{entry.pk}/attachments/")
        path = tmp_path / name
        path.write_bytes(content)
        page.get_by_label("Upload a file").set_input_files(str(path))
        page.get_by_role("button", name="Upload file").click()
        field_error = page.locator("#id_file-error")
        expect(field_error).to_contain_text(message)
        summary_link = page.locator(".govuk-error-summary a[href='#id_file']")
        expect(summary_link).to_contain_text(message)
        assert_accessible(page)
        assert not EntryAttachment.objects.exists()
        folder = os.environ.get("UPLOAD_SCREENSHOTS")
        if folder:
            width = browser_context_options["viewport"]["width"]
            page.screenshot(
                path=str(Path(folder) / f"{name}-{width}.png"), full_page=True
            )
