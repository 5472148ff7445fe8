"""The same start-up journey in Chromium with JavaScript turned off."""

import pytest

from tests.challenges.journey import run_journey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_options():
    return {"viewport": {"width": 1280, "height": 900}, "java_script_enabled": False}


class StartUpJourneyWithoutJavaScriptTests:
    def test_sign_up_to_submitted_entry(
        self, demo_site, challenge, browser_page, tmp_path
    ):
        assert (
            browser_page.evaluate("document.body.classList.contains('js-enabled')")
            is False
        )
        run_journey(browser_page, challenge, tmp_path, axe=False)
