"""Foundation pages in real Chromium: axe-core and the keyboard."""

import pytest

from tests.browser import assert_accessible, focus_is_visible

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/about/", "/accessibility-statement/", "/privacy-notice/"]


class AccessibilityTests:
    @pytest.mark.parametrize("path", PAGES)
    def test_no_axe_violations(self, demo_site, browser_page, path):
        response = browser_page.goto(path)
        assert response.status == 200
        assert_accessible(browser_page)

    def test_404_page_has_no_axe_violations(self, demo_site, browser_page):
        response = browser_page.goto("/no-such-page/")
        assert response.status == 404
        assert browser_page.locator("h1").inner_text() == "Page not found"
        assert_accessible(browser_page)

    def test_no_axe_violations_on_a_phone(self, demo_site, chromium, live_server):
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": 375, "height": 800}
        )
        page = context.new_page()
        page.goto("/accessibility-statement/")
        assert_accessible(page)
        context.close()


class KeyboardTests:
    def test_skip_link_is_first_and_visible_on_focus(self, demo_site, browser_page):
        browser_page.goto("/about/")
        browser_page.keyboard.press("Tab")
        focused = browser_page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content"
        assert browser_page.locator(".govuk-skip-link").is_visible()
        assert focus_is_visible(browser_page)
        browser_page.keyboard.press("Enter")
        assert browser_page.evaluate("location.hash") == "#main-content"
        assert browser_page.evaluate("document.activeElement.id") == "main-content"

    def test_every_link_is_reachable_and_shows_focus(self, demo_site, browser_page):
        browser_page.goto("/about/")
        links = browser_page.evaluate(
            "Array.from(document.querySelectorAll('a[href]')).length"
        )
        seen = 0
        for _ in range(links + 2):
            browser_page.keyboard.press("Tab")
            tag = browser_page.evaluate("document.activeElement.tagName")
            if tag == "A":
                seen += 1
                assert focus_is_visible(browser_page), browser_page.evaluate(
                    "document.activeElement.outerHTML"
                )
        assert seen >= links

    def test_breadcrumbs_lead_home(self, demo_site, browser_page):
        browser_page.goto("/accessibility-statement/")
        browser_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Home"
        ).click()
        assert browser_page.url.rstrip("/") == browser_page.context.pages[0].url.rstrip(
            "/"
        )
        assert browser_page.locator("h1").inner_text().startswith("West Midlands")


class ContentSecurityPolicyTests:
    def test_inline_script_is_refused_and_reported(
        self, demo_site, chromium, live_server
    ):
        """The harness sees CSP violations: an injected inline script is blocked."""
        from tests.browser import is_csp_violation

        context = chromium.new_context(base_url=live_server.url)
        page = context.new_page()
        seen = []
        page.on("console", lambda m: seen.append(m) if is_csp_violation(m) else None)
        page.goto("/")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true';"
            " document.body.appendChild(s); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.injected === undefined")
        assert seen, "the inline script should have been reported as a CSP violation"
        context.close()
