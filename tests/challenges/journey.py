"""The start-up's whole journey in a real browser, shared by the JS-on and JS-off tests.

Sign up, confirm by the emailed link, create the organisation, draft an entry, leave,
come back, attach a file, submit, and find the receipt email. axe-core checks every
step of the entry form and a form showing errors on the way.
"""

import re

from django.core import mail

from challenges.models import Entry
from tests.browser import assert_accessible as _assert_accessible
from tests.challenges.files import PDF

EMAIL = "founder@newco.example"
PASSWORD = "river-lantern-quartz-77"


def _link(path_prefix: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", body)
    assert match, body
    return match.group(1)


def run_journey(page, challenge, tmp_path, *, axe: bool = True) -> None:
    """`axe=False` with JavaScript off: axe-core's run() waits on timers that a page
    without JavaScript never fires, so the JS-on run carries the accessibility checks
    (the markup is the same: no page here depends on JavaScript)."""

    def assert_accessible(p):
        if axe:
            _assert_accessible(p)

    page.goto("/challenges/")
    assert_accessible(page)
    page.get_by_role("link", name=challenge.title).click()
    assert_accessible(page)  # the brief
    page.get_by_role("link", name="create an account").click()

    # Sign up, first with a mistake: the error shows and the email is kept.
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("Email address").input_value() == EMAIL
    assert_accessible(page)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    # Confirm via the emailed link: signed in.
    page.goto(_link("/account/confirm/"))
    page.get_by_text("Your email address is confirmed").wait_for()
    page.get_by_role("link", name="Create your organisation profile").click()
    page.get_by_label("Organisation name").fill("NewCo Civic Tech Ltd")
    page.get_by_label("Companies House number (optional)").fill("12345678")
    page.get_by_label("Size").select_option("micro")
    page.get_by_label("Local authority area").select_option("walsall")
    page.get_by_role("button", name="Save organisation").click()
    page.get_by_text("Your organisation profile has been saved").wait_for()

    # Start an entry from the brief.
    page.goto(challenge.url)
    page.get_by_role("button", name="Start your entry").click()
    page.get_by_role("heading", name="Your entry").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Title and summary").click()
    assert_accessible(page)
    page.get_by_label("Title of your entry").fill("Sensors that find damp early")
    # Too long a summary: refused beside the field, what was typed is kept.
    page.get_by_label("Summary").fill("word " * 160)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_text("Summary must be 150 words or fewer").first.wait_for()
    assert "word word" in page.get_by_label("Summary").input_value()
    assert (
        page.get_by_label("Title of your entry").input_value()
        == "Sensors that find damp early"
    )
    assert_accessible(page)  # the form showing errors
    page.get_by_label("Summary").fill(
        "Cheap sensors and a model that flag homes at risk."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Your solution").wait_for()
    assert_accessible(page)
    page.get_by_label("Proposed solution").fill("Sensors in 200 council homes.")
    page.get_by_role("button", name="Save as draft and come back later").click()
    page.get_by_text("Your draft has been saved").wait_for()

    # Leave, then come back later through "Your entries".
    page.goto("/")
    page.goto("/entries/")
    assert_accessible(page)
    page.get_by_role("link", name="Sensors that find damp early").click()
    page.get_by_role("link", name="Your solution").click()
    assert (
        page.get_by_label("Proposed solution").input_value()
        == "Sensors in 200 council homes."
    )
    page.get_by_label("Evidence it works").fill("A 40-home trial halved complaints.")
    page.get_by_label("Pilot plan").fill("Six months in Walsall.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Cost and team").wait_for()
    assert_accessible(page)
    page.get_by_label("Cost estimate").fill("£45,000")
    page.get_by_label("Team").fill("Two engineers and a housing officer.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Assessment criteria").wait_for()
    assert_accessible(page)
    for criterion in challenge.criteria.all():
        page.get_by_label(criterion.title).fill(f"Our answer on {criterion.title}.")
    page.get_by_role("button", name="Save and continue").click()

    # Attach a file (and see a renamed executable refused).
    page.get_by_role("heading", name="Attachments").wait_for()
    assert_accessible(page)
    bad = tmp_path / "invoice.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 100)
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload file").click()
    page.get_by_text("must be a PDF, DOCX, XLSX, PPTX, PNG or JPEG").first.wait_for()
    assert_accessible(page)
    good = tmp_path / "pilot-plan.pdf"
    good.write_bytes(PDF)
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Upload file").click()
    page.get_by_role("link", name="pilot-plan.pdf").wait_for()
    page.get_by_role("link", name="Continue").click()

    # Check answers, declare, submit.
    page.get_by_role("heading", name="Check your answers before you submit").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Submit entry").click()
    page.get_by_text("Confirm that your organisation is eligible").first.wait_for()
    assert_accessible(page)
    page.get_by_label("My organisation meets the eligibility criteria").check()
    page.get_by_label("I have read how the Lab uses").check()
    page.get_by_role("button", name="Submit entry").click()
    page.get_by_role("heading", name="Entry submitted").wait_for()
    assert_accessible(page)

    entry = Entry.objects.get(challenge=challenge)
    assert entry.status == Entry.Status.SUBMITTED
    assert entry.attachments.count() == 1
    receipts = [m for m in mail.outbox if m.subject.startswith("Entry received")]
    assert len(receipts) == 1 and receipts[0].to == [EMAIL]
    assert "Six months in Walsall." in receipts[0].body
    assert "pilot-plan.pdf" in receipts[0].body
    page.goto("/entries/")
    assert page.get_by_text("Submitted").first.is_visible()
