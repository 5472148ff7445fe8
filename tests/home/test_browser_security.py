"""The lockout page in real Chromium: reached by typing wrong passwords in
the sign-in form, it passes axe-core, works from the keyboard, and needs no JavaScript.
(The privacy notice, with its retention periods, is checked in test_browser.py.)"""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, focus_is_visible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def locked_out(demo_site, browser_page, settings):
    settings.AXES_FAILURE_LIMIT = 3
    page = browser_page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/account/sign-in/")
        page.fill("#id_email", "founder@brightpath.example")
        page.fill("#id_password", "not-the-password")
        page.locator("main form button").click()
    return page


def test_the_lockout_page_is_accessible_and_keyboard_usable(locked_out):
    page = locked_out
    assert page.locator("h1").inner_text() == "You cannot sign in for 15 minutes"
    assert_accessible(page)
    page.locator("main a").first.focus()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/sign-in/")


class NoJavaScriptTests:
    @pytest.fixture
    def browser_context_options(self):
        return {"viewport": {"width": 375, "height": 800}, "java_script_enabled": False}

    def test_the_lockout_page_works_without_javascript(self, locked_out):
        page = locked_out
        assert "even with the right password" in page.content()
        page.goto("/account/sign-in/")
        page.fill("#id_email", "founder@brightpath.example")
        page.fill("#id_password", "impact-lab-demo-2026")
        page.locator("main form button").click()
        expect(page.locator("h1")).to_have_text("You cannot sign in for 15 minutes")
