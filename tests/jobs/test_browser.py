"""The notification preferences page in real Chromium: axe-core, then keyboard alone with
JavaScript off (axe itself needs JavaScript to run)."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from home.models import NotificationPreference
from tests.browser import assert_accessible, focus_is_visible

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/notifications/preferences/"


def _sign_in(context, live_server, user) -> None:
    """Give the browser context the user's session cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def founder(demo_site, django_user_model):
    return django_user_model.objects.get(email="founder@brightpath.example")


@pytest.fixture
def signed_in(browser_page, live_server, founder):
    _sign_in(browser_page.context, live_server, founder)
    return founder


@pytest.fixture
def no_js_page(chromium, live_server, founder):
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    _sign_in(context, live_server, founder)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class NotificationPreferencesBrowserTests:
    def test_page_and_error_state_have_no_axe_violations(
        self, demo_site, browser_page, signed_in
    ):
        response = browser_page.goto(URL)
        assert response.status == 200
        assert_accessible(browser_page)
        # Untick the radios cannot be done by a person; post the form without one.
        browser_page.evaluate(
            "document.querySelectorAll('input[type=radio]')"
            ".forEach(r => r.checked = false)"
        )
        browser_page.get_by_role("button", name="Save settings").click()
        expect(browser_page.locator(".govuk-error-summary")).to_be_visible()
        expect(browser_page.locator("#id_frequency-error")).to_be_visible()
        assert_accessible(browser_page)
        assert not NotificationPreference.objects.exists()

    def test_keyboard_alone_changes_the_settings_without_javascript(
        self, no_js_page, founder
    ):
        browser_page = no_js_page
        browser_page.goto(URL)
        browser_page.locator("#id_frequency-1").focus()
        browser_page.keyboard.press("Space")  # choose the daily digest
        assert focus_is_visible(browser_page)
        browser_page.locator("#id_kinds-4").focus()
        browser_page.keyboard.press("Space")  # turn pilot updates off
        assert focus_is_visible(browser_page)
        browser_page.get_by_role("button", name="Save settings").focus()
        assert focus_is_visible(browser_page)
        with browser_page.expect_navigation():
            browser_page.keyboard.press("Enter")
        expect(
            browser_page.get_by_text("Your notification settings have been saved")
        ).to_be_visible()
        preference = NotificationPreference.objects.get(user=founder)
        assert preference.frequency == "daily_digest"
        assert preference.muted_kinds == ["pilot_updates"]

    def test_no_axe_violations_on_a_phone(
        self, demo_site, chromium, live_server, signed_in, browser_page
    ):
        browser_page.set_viewport_size({"width": 375, "height": 800})
        browser_page.goto(URL)
        assert_accessible(browser_page)
