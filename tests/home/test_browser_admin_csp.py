"""The Wagtail admin in real Chromium under its Content-Security-Policy
(ADMIN_CONTENT_SECURITY_POLICY): an editor opens the dashboard, edits a page of the demo
site, adds an image block and opens the image chooser, and looks at the image and
document listings. `browser_page` fails the test on any CSP violation in the console."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from home.models import StandardPage
from tests.conftest import demo_world

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = "editor@impactlab.example"


def sign_in(page, live_server, email: str) -> None:
    """Sign in by session cookie: the sign-in form is tested elsewhere."""
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def editor_page(demo_site, browser_page, live_server):
    sign_in(browser_page, live_server, EDITOR)
    return browser_page


def admin_policy(response) -> str:
    policy = response.header_value("content-security-policy")
    assert policy and "frame-ancestors 'self'" in policy, policy
    return policy


class AdminUnderItsPolicyTests:
    def test_the_dashboard(self, editor_page):
        response = editor_page.goto("/admin/")
        assert response.status == 200
        admin_policy(response)
        expect(editor_page.locator("main")).to_be_visible()
        editor_page.wait_for_load_state("networkidle")

    def test_a_page_edit_screen_and_the_image_chooser(self, editor_page):
        about = StandardPage.objects.get(slug="about")
        response = editor_page.goto(f"/admin/pages/{about.pk}/edit/")
        assert response.status == 200
        admin_policy(response)
        editor_page.wait_for_load_state("networkidle")
        # Add an image block at the end of the body and open its chooser.
        editor_page.locator("button.c-sf-add-button").last.click()
        editor_page.get_by_role("option", name="Image").click()
        editor_page.get_by_role("button", name="Choose an image").click()
        modal = editor_page.locator(".modal-dialog")
        expect(modal.get_by_role("heading", name="Choose an image")).to_be_visible()
        editor_page.wait_for_load_state("networkidle")
        modal.get_by_role("button", name="Close").click()
        expect(modal).to_be_hidden()
        # The preview panel frames the page (admin policy: frame-ancestors 'self').
        editor_page.locator("[data-side-panel-toggle='preview']").click()
        preview = editor_page.frame_locator("#w-preview-iframe")
        expect(preview.locator("h1")).to_have_text(about.title)
        editor_page.wait_for_load_state("networkidle")

    @pytest.mark.parametrize("path", ["/admin/images/", "/admin/documents/"])
    def test_listings(self, editor_page, path):
        response = editor_page.goto(path)
        assert response.status == 200
        admin_policy(response)
        expect(editor_page.locator("main")).to_be_visible()
        editor_page.wait_for_load_state("networkidle")


class ProgrammeLeadAdminTests:
    @pytest.fixture
    def lead_page(self, transactional_db, browser_page, live_server):
        demo_world("challenges", "pilots")
        sign_in(browser_page, live_server, "lead@impactlab.example")
        return browser_page

    def test_a_challenge_edit_screen_with_inline_panels_and_date_pickers(
        self, lead_page
    ):
        from challenges.models import ChallengePage

        challenge = ChallengePage.objects.live().first()
        response = lead_page.goto(f"/admin/pages/{challenge.pk}/edit/")
        assert response.status == 200
        admin_policy(response)
        lead_page.wait_for_load_state("networkidle")
        # InlinePanel and the date pickers are started by Wagtail's inline scripts.
        children = lead_page.locator("#id_documents-FORMS > [data-inline-panel-child]")
        before = children.count()
        lead_page.get_by_role("button", name="Add Document").click()
        expect(children).to_have_count(before + 1)
        lead_page.locator("input[name='opens_at']").click()
        expect(lead_page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)

    @pytest.mark.parametrize(
        "path", ["/admin/programme-dashboard/", "/admin/pilots/pilots/"]
    )
    def test_dashboard_and_listing(self, lead_page, path):
        response = lead_page.goto(path)
        assert response.status == 200
        admin_policy(response)
        lead_page.wait_for_load_state("networkidle")
