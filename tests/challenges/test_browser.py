"""The start-up journey in Chromium with JavaScript on."""

import pytest

from tests.challenges.journey import run_journey

pytestmark = pytest.mark.django_db(transaction=True)


class StartUpJourneyTests:
    def test_sign_up_to_submitted_entry(
        self, demo_site, challenge, browser_page, tmp_path
    ):
        run_journey(browser_page, challenge, tmp_path)


class RateLimitPageTests:
    def test_too_many_sign_ins_get_a_readable_429(
        self, demo_site, browser_page, settings
    ):
        from tests.browser import assert_accessible

        settings.CHALLENGES_RATE_LIMITS = {
            **settings.CHALLENGES_RATE_LIMITS,
            "sign_in": "2/d",
        }
        for _ in range(2):
            browser_page.goto("/account/sign-in/")
            browser_page.get_by_label("Email address").fill("someone@startup.example")
            browser_page.get_by_label("Password").fill("wrong-password")
            browser_page.get_by_role("button", name="Sign in").click()
            browser_page.get_by_text("is not right").first.wait_for()
        browser_page.get_by_label("Password").fill("wrong-password")
        with browser_page.expect_response("**/account/sign-in/") as response:
            browser_page.get_by_role("button", name="Sign in").click()
        assert response.value.status == 429
        assert browser_page.locator("h1").inner_text() == "Too many attempts"
        assert_accessible(browser_page)
