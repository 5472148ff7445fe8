"""The pilots front-end pages in real Chromium: axe-core, the keyboard, no JavaScript."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from pilots.models import ImportJob, Pilot, PilotProposal
from tests.browser import assert_accessible, focus_is_visible
from tests.conftest import demo_world

pytestmark = pytest.mark.django_db(transaction=True)

OFFICER = "officer@sandwell.example"


@pytest.fixture
def pilots_demo(transactional_db):
    demo_world("pilots")


def sign_in(page, live_server, email: str) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie,
                "url": live_server.url,
            }
        ]
    )


def _officer_pilot() -> Pilot:
    return Pilot.objects.get(lead_contact__user__email=OFFICER)


class PilotPagesAccessibilityTests:
    def test_proposal_pages(self, pilots_demo, browser_page, live_server):
        sign_in(browser_page, live_server, OFFICER)
        changes = PilotProposal.objects.get(status="changes-requested")
        for path in (
            "/pilots/proposals/",
            "/pilots/proposals/new/",
            f"/pilots/proposals/{changes.pk}/",
            f"/pilots/proposals/{changes.pk}/edit/",
        ):
            response = browser_page.goto(path)
            assert response.status == 200, path
            assert_accessible(browser_page)

    def test_proposal_form_with_errors(self, pilots_demo, browser_page, live_server):
        sign_in(browser_page, live_server, OFFICER)
        browser_page.goto("/pilots/proposals/new/")
        browser_page.fill("#id_title", "Half-finished idea")
        browser_page.fill("#id_budget_requested", "lots")
        browser_page.get_by_role("button", name="Save draft").click()
        expect(browser_page).to_have_title(re.compile(r"^Error: "))
        summary = browser_page.locator(".govuk-error-summary")
        assert "Budget requested must be a number" in summary.inner_text()
        assert browser_page.input_value("#id_title") == "Half-finished idea"
        assert_accessible(browser_page)
        # The summary's link moves focus to the field.
        summary.get_by_role("link", name="Describe the problem").click()
        assert browser_page.evaluate("document.activeElement.id") == "id_problem"
        assert not PilotProposal.objects.filter(title="Half-finished idea").exists()

    def test_focus_is_visible_on_the_form(self, pilots_demo, browser_page, live_server):
        sign_in(browser_page, live_server, OFFICER)
        browser_page.goto("/pilots/proposals/new/")
        browser_page.locator("#id_title").focus()
        assert focus_is_visible(browser_page)
        browser_page.locator("button", has_text="Save draft").focus()
        assert focus_is_visible(browser_page)

    def test_lead_pages(self, pilots_demo, browser_page, live_server):
        sign_in(browser_page, live_server, OFFICER)
        pilot = _officer_pilot()
        for path in ("/pilots/mine/", f"/pilots/{pilot.pk}/measurements/"):
            assert browser_page.goto(path).status == 200
            assert_accessible(browser_page)
        # A measurement with errors.
        browser_page.goto(f"/pilots/{pilot.pk}/measurements/")
        browser_page.fill("#id_month", "13")
        browser_page.get_by_role("button", name="Save measurement").click()
        assert "Month must be a number from 1 to 12" in browser_page.inner_text(
            ".govuk-error-summary"
        )
        assert_accessible(browser_page)

    def test_import_result_page(self, pilots_demo, browser_page, live_server):
        sign_in(browser_page, live_server, OFFICER)
        pilot = _officer_pilot()
        browser_page.goto(f"/pilots/{pilot.pk}/measurements/")
        browser_page.set_input_files(
            "#id_file",
            files=[
                {
                    "name": "m.csv",
                    "mimeType": "text/csv",
                    "buffer": b"metric,period,value\nNo such metric,2026-01,4\n",
                }
            ],
        )
        browser_page.get_by_role("button", name="Upload file").click()
        expect(browser_page.locator("main")).to_contain_text("Line 2: unknown metric")
        assert ImportJob.objects.get().status == ImportJob.Status.FAILED
        assert_accessible(browser_page)


class NoJavaScriptTests:
    @pytest.fixture
    def browser_context_options(self):
        return {"java_script_enabled": False, "viewport": {"width": 375, "height": 800}}

    def test_raise_and_submit_a_proposal_by_keyboard(
        self, pilots_demo, browser_page, live_server
    ):
        sign_in(browser_page, live_server, OFFICER)
        browser_page.goto("/pilots/proposals/new/")
        browser_page.fill("#id_title", "Text reminders for hospital appointments")
        browser_page.select_option(
            "#id_lead_organisation", label="Sandwell Metropolitan Borough Council"
        )
        for field, text in (
            ("#id_problem", "Missed appointments waste clinic time."),
            ("#id_proposed_solution", "Two text reminders with a rebooking link."),
            ("#id_budget_requested", "40000"),
            ("#id_duration_months", "9"),
            ("#id_target_outcomes", "Fewer missed appointments."),
            ("#id_proposed_metrics", "Did-not-attend rate (trust system)."),
            ("#id_risks", "Out-of-date phone numbers."),
        ):
            browser_page.fill(field, text)
        browser_page.check("#id_evaluation_types_1")
        # Keyboard alone: focus the button and press Enter. (page.evaluate, which
        # axe and focus_is_visible use, never returns when JavaScript is off: those
        # checks run in the tests above, with JavaScript on.)
        browser_page.locator("button", has_text="Save draft").focus()
        browser_page.keyboard.press("Enter")
        browser_page.wait_for_url(re.compile(r"/pilots/proposals/\d+/$"))
        expect(browser_page.locator("main")).to_contain_text(
            "Your draft proposal has been saved"
        )
        browser_page.get_by_role("button", name="Submit for review").click()
        expect(browser_page.locator("main")).to_contain_text("submitted for review")
        proposal = PilotProposal.objects.get(
            title="Text reminders for hospital appointments"
        )
        assert proposal.status == PilotProposal.Status.SUBMITTED
        assert proposal.evaluate_impact
