"""The /api/ guide in real Chromium: axe-clean at desktop and phone widths, readable and
usable with JavaScript off, no horizontal scrolling on a phone, code examples reachable
by keyboard. (axe itself needs JavaScript, so it runs in a JavaScript-enabled page.)"""

import pytest

from tests.browser import assert_accessible, focus_is_visible

pytestmark = pytest.mark.django_db(transaction=True)


class GuideBrowserTests:
    @pytest.mark.parametrize("width", [1280, 375])
    def test_guide_is_accessible(self, browser_page, demo_site, width):
        browser_page.set_viewport_size({"width": width, "height": 900})
        browser_page.goto("/api/")
        assert browser_page.locator("h1").inner_text() == "Open data and API"
        assert_accessible(browser_page)
        scroll_width = browser_page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width

    def test_examples_scroll_by_keyboard(self, browser_page, demo_site):
        browser_page.goto("/api/")
        browser_page.locator("pre.lab-code").first.focus()
        assert focus_is_visible(browser_page)

    def test_works_without_javascript(self, chromium, live_server, demo_site):
        context = chromium.new_context(
            base_url=live_server.url, java_script_enabled=False
        )
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto("/api/")
            assert page.get_by_role("heading", name="Downloads").is_visible()
            page.get_by_role("link", name="OpenAPI document").click()
            assert '"openapi"' in page.content()
        finally:
            context.close()
