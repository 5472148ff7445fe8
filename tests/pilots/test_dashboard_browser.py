"""The home page, the programme dashboard and a challenge brief's JSON-LD in real
Chromium: axe-core at 1280 and 375 px, the keyboard, no JavaScript, and no
Content-Security-Policy violation (the `browser_page` fixture fails on any).
Screenshots go to /tmp/shots/homepage/ for a person to look at."""

import json
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from challenges.models import ChallengePage
from home.models import HomePage
from tests.browser import assert_accessible, focus_is_visible
from tests.conftest import demo_world

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(tempfile.gettempdir()) / "shots" / "homepage"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 800}


@pytest.fixture
def programme_demo(transactional_db):
    demo_world("challenges", "pilots")
    return HomePage.objects.get()


def _screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, live_server, email: str) -> None:
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


class HomePageBrowserTests:
    def test_accessible_at_both_widths_and_by_keyboard(
        self, programme_demo, browser_page
    ):
        page = browser_page
        response = page.goto("/")
        assert response.status == 200
        assert page.locator(".lab-figures__item").count() == 5
        assert page.locator(".govuk-summary-card").count() >= 1
        assert page.locator(".lab-card-grid__item").count() >= 1
        assert_accessible(page)
        _screenshot(page, "test_home_1280")

        page.set_viewport_size(NARROW)
        page.reload()
        assert_accessible(page)
        _screenshot(page, "test_home_375")

        # The figures' definitions open from the keyboard.
        summary = page.locator(".govuk-details__summary")
        summary.focus()
        assert focus_is_visible(page)
        page.keyboard.press("Enter")
        assert page.get_by_text("Drafts are not counted").is_visible()

        # The first open challenge is reached by Tab and followed with Enter.
        first = page.locator(".govuk-summary-card__title a").first
        href = first.get_attribute("href")
        summary.focus()
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('href')") == href:
                break
        else:
            pytest.fail("the first open challenge's link was not reached by Tab")
        assert focus_is_visible(page)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{href}")


class HomePageWithoutJavaScriptTests:
    @pytest.fixture
    def browser_context_options(self):
        return {"viewport": WIDE, "java_script_enabled": False}

    def test_everything_shows_and_the_details_open(self, programme_demo, browser_page):
        page = browser_page
        assert page.goto("/").status == 200
        assert page.locator(".lab-figures__item").count() == 5
        assert page.locator(".govuk-summary-card").count() >= 1
        page.locator(".govuk-details__summary").click()  # native <details>
        assert page.get_by_text("Drafts are not counted").is_visible()
        first = page.locator(".govuk-summary-card__title a").first
        href = first.get_attribute("href")
        first.click()
        page.wait_for_url(f"**{href}")


class ChallengeStructuredDataBrowserTests:
    def test_json_ld_is_read_without_a_csp_violation(
        self, programme_demo, browser_page
    ):
        challenge = ChallengePage.objects.live().order_by("pk").first()
        page = browser_page
        assert page.goto(challenge.url).status == 200
        # A data block: the browser parses the page, runs nothing, reports nothing.
        text = page.locator('script[type="application/ld+json"]').text_content()
        data = json.loads(text)
        assert data["@type"] == "WebPage"
        assert data["name"] == challenge.title
        assert data["mainEntity"]["@type"] == "MonetaryGrant"
        assert_accessible(page)
        # The index offers the feed to browsers and news readers.
        page.goto("/challenges/")
        assert page.locator('link[rel="alternate"][type="application/rss+xml"]').count()


class DashboardBrowserTests:
    def test_accessible_at_both_widths_and_downloads_csv(
        self, programme_demo, browser_page, live_server
    ):
        page = browser_page
        _sign_in(page, live_server, "lead@impactlab.example")
        response = page.goto("/admin/programme-dashboard/")
        assert response.status == 200
        assert page.locator("svg.lab-bars").count() == 4
        assert_accessible(page)
        # The admin scrolls inside its own container: a tall window shows it all.
        page.set_viewport_size({"width": 1280, "height": 3200})
        _screenshot(page, "test_dashboard_1280")
        page.set_viewport_size({"width": 375, "height": 3600})
        assert_accessible(page)
        _screenshot(page, "test_dashboard_375")

        with page.expect_download() as download:
            page.get_by_role("link", name="Download these figures (CSV)").click()
        path = download.value.path()
        header = Path(path).read_text().splitlines()[0]
        assert header == "section,item,value,detail"
