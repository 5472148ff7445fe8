import os

import pytest
from playwright.sync_api import expect

from home.models import HomePage
from tests.browser import assert_accessible
from tests.conftest import load_demo_site, world
from tests.search.conftest import build_corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def search_corpus(transactional_db):
    from search import demo_content

    def build():
        load_demo_site()
        with open(os.devnull, "w") as devnull:
            demo_content.load(stdout=devnull)
        build_corpus(HomePage.objects.get())

    world("search-corpus", build)


class SearchAccessibilityTests:
    @pytest.mark.parametrize(
        "path",
        [
            "/search/",
            "/search/?q=fire",
            "/search/?q=zzzzqqq",
            "/search/?q=council&content_type=partner&area=sandwell&sort=date",
            "/search/?content_type=page",  # two pages of results: pagination
        ],
    )
    def test_no_axe_violations(self, search_corpus, browser_page, path):
        assert browser_page.goto(path).status == 200
        assert_accessible(browser_page)

    def test_filters_work_without_javascript(
        self, search_corpus, chromium, live_server
    ):
        context = chromium.new_context(
            base_url=live_server.url, java_script_enabled=False
        )
        page = context.new_page()
        page.goto("/search/")
        page.get_by_label(
            "Search challenges, case studies, partners and guidance"
        ).fill("fire")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**q=fire**")
        expect(page.locator("[role=status]")).to_contain_text(
            "results for \u2018fire\u2019"
        )
        page.get_by_label("Case study").check()
        page.get_by_role("button", name="Apply filters").click()
        # The click only starts the navigation: wait for the filtered page to load.
        page.wait_for_url("**content_type=case-study**")
        expect(page.locator(".lab-search-result")).to_have_count(1)
        context.close()

    def test_keyboard_reaches_results(self, search_corpus, browser_page):
        browser_page.goto("/search/")
        browser_page.get_by_label(
            "Search challenges, case studies, partners and guidance"
        ).focus()
        browser_page.keyboard.type("discharge")
        browser_page.keyboard.press("Enter")
        browser_page.wait_for_url("**q=discharge**")
        assert browser_page.get_by_role(
            "link", name="Hospital discharge without delay"
        ).is_visible()

    def test_keyboard_skips_the_filters_to_the_results(
        self, search_corpus, browser_page
    ):
        browser_page.set_viewport_size({"width": 375, "height": 800})
        browser_page.goto("/search/?q=council")
        skip = browser_page.get_by_role("link", name="Skip the filters to the results")
        skip.focus()
        browser_page.keyboard.press("Enter")
        assert browser_page.evaluate("document.activeElement.id") == "search-results"
        browser_page.keyboard.press("Tab")
        focused = browser_page.evaluate(
            "document.activeElement.closest('.lab-search-result') !== null"
        )
        assert focused, "the next Tab should reach the first result, not a filter"
