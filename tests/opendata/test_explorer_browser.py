"""The API explorer and the index of downloads in real Chromium: the explorer renders
every operation and sends a request from the page, with no Content-Security-Policy
violation (the `browser_page` fixture fails the test on any); the index is axe-clean."""

import pytest

from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class ExplorerBrowserTests:
    def test_explorer_renders_and_tries_an_operation(self, browser_page, demo_site):
        browser_page.goto("/api/v1/docs")
        operations = browser_page.locator(".swagger-ui .opblock")
        operations.first.wait_for()
        assert operations.count() == 7
        browser_page.locator(
            "#operations-pilots-opendata_api_pilot_list .opblock-summary"
        ).first.click()
        # "Try it out" is on from the start (tryItOutEnabled).
        browser_page.get_by_role("button", name="Execute").click()
        status = browser_page.locator(
            ".live-responses-table tbody .response-col_status"
        )
        status.first.wait_for()
        assert status.first.inner_text().strip() == "200"

    def test_download_index_is_accessible(self, browser_page, demo_site):
        browser_page.goto("/open-data/")
        assert browser_page.locator("h1").inner_text() == "Open data downloads"
        assert_accessible(browser_page)
