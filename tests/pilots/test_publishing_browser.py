"""Case studies and partner profiles in real Chromium: axe-core on every page type
(including the filtered finder with no results and the contact form with errors), the
keyboard, the finder and the contact form without JavaScript, no CSP violation (the
`browser_page` fixture fails on any; the JSON-LD block is data, not script), and
screenshots at 1280 and 375 pixels wide in /tmp/shots/casestudies/."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pilots.models import CaseStudyPage, PartnerPage
from tests.browser import assert_accessible, focus_is_visible
from tests.conftest import demo_world

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(tempfile.gettempdir()) / "shots" / "casestudies"
WIDTHS = (1280, 375)


@pytest.fixture
def published(transactional_db):
    demo_world("pilots")
    return {
        "case_study": CaseStudyPage.objects.get(slug="discharge-to-assess-at-home"),
        "partner": PartnerPage.objects.get(slug="west-midlands-police"),
    }


def _pages(published) -> dict[str, str]:
    case_study = published["case_study"].url
    return {
        "case-study-index": "/case-studies/",
        "case-study-index-filtered": "/case-studies/?theme=net-zero&status=completed",
        "case-study-index-no-results": "/case-studies/?theme=net-zero&outcome=worsened",
        "case-study": case_study,
        "case-study-contact": case_study + "contact/",
        "case-study-contact-sent": case_study + "contact/sent/",
        "partner-index": "/partners/",
        "partner-index-filtered": "/partners/?org_type=council&area=sandwell",
        "partner": published["partner"].url,
    }


class PublishingAccessibilityTests:
    def test_every_page_type_passes_axe_at_both_widths(self, published, browser_page):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 900})
            for name, path in _pages(published).items():
                response = browser_page.goto(path)
                assert response.status == 200, path
                assert_accessible(browser_page)
                browser_page.screenshot(
                    path=str(SHOTS / f"{name}-{width}.png"), full_page=True
                )
        browser_page.goto("/case-studies/?theme=net-zero&outcome=worsened")
        expect(
            browser_page.get_by_role("heading", name="No case studies match")
        ).to_be_visible()

    def test_contact_form_with_errors_passes_axe(self, published, browser_page):
        browser_page.goto(published["case_study"].url + "contact/")
        browser_page.get_by_label("Your email address").fill("not-an-email")
        browser_page.get_by_role("button", name="Send message").click()
        expect(browser_page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(browser_page)
        browser_page.screenshot(
            path=str(SHOTS / "case-study-contact-errors-1280.png"), full_page=True
        )


class PublishingKeyboardTests:
    def test_filter_the_finder_with_the_keyboard(self, published, browser_page):
        browser_page.goto("/case-studies/")
        browser_page.keyboard.press("Tab")
        assert browser_page.evaluate("document.activeElement.textContent").strip() == (
            "Skip to main content"
        )
        browser_page.get_by_label("Pilot status").focus()
        assert focus_is_visible(browser_page)
        browser_page.keyboard.press("ArrowDown")  # choose the first status with keys
        browser_page.get_by_label("Sort by").focus()
        browser_page.keyboard.press("Tab")  # to "Apply filters"
        assert browser_page.evaluate("document.activeElement.textContent").strip() == (
            "Apply filters"
        )
        assert focus_is_visible(browser_page)
        browser_page.keyboard.press("Enter")
        browser_page.wait_for_url("**/case-studies/?*status=setting-up*")
        assert "sort=newest" in browser_page.url

    def test_reach_and_send_the_contact_form_with_the_keyboard(
        self, published, browser_page
    ):
        browser_page.goto(published["case_study"].url)
        contact = browser_page.get_by_role("link", name="Contact the pilot lead").last
        contact.focus()
        assert focus_is_visible(browser_page)
        browser_page.keyboard.press("Enter")
        browser_page.wait_for_url("**/contact/")
        browser_page.get_by_label("Your name").focus()
        browser_page.keyboard.type("Sam Jones")
        browser_page.keyboard.press("Tab")
        browser_page.keyboard.type("sam.jones@dudley.example")
        browser_page.keyboard.press("Tab")
        browser_page.keyboard.press("Tab")
        browser_page.keyboard.type("How long did the data-sharing agreement take?")
        browser_page.keyboard.press("Tab")
        assert focus_is_visible(browser_page)
        browser_page.keyboard.press("Enter")
        browser_page.wait_for_url("**/contact/sent/")
        expect(browser_page.get_by_role("heading", name="Message sent")).to_be_visible()

    def test_the_table_beside_each_chart_can_be_scrolled_with_the_keyboard(
        self, published, browser_page
    ):
        browser_page.goto(published["case_study"].url)
        region = browser_page.locator(".lab-table-scroll").first
        region.focus()
        assert focus_is_visible(browser_page)


class PublishingWithoutJavaScriptTests:
    def test_finder_and_contact_form_work_without_javascript(
        self, published, chromium, live_server
    ):
        context = chromium.new_context(
            base_url=live_server.url,
            java_script_enabled=False,
            viewport={"width": 375, "height": 800},
        )
        page = context.new_page()
        try:
            page.goto("/case-studies/")
            page.get_by_label("Strength of evidence (Nesta)").select_option("3")
            page.get_by_role("button", name="Apply filters").click()
            page.wait_for_url("**/case-studies/?*evidence=3*")
            titles = page.locator(".lab-result h2").all_inner_texts()
            assert titles and len(titles) < CaseStudyPage.objects.live().count()
            page.screenshot(
                path=str(SHOTS / "case-study-index-no-js-375.png"), full_page=True
            )
            page.goto(published["case_study"].url + "contact/")
            page.get_by_role("button", name="Send message").click()
            expect(page.locator(".govuk-error-message")).to_have_count(3)
        finally:
            context.close()
