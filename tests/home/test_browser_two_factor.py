"""The second-factor screens in real Chromium, under the admin's CSP: setting up an app
shows the recovery codes once, a recovery code signs in from the verify screen, and a
superuser resets a person's second factor. Every screen passes axe-core."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser import assert_accessible

from .test_two_factor import token_for

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = "editor@impactlab.example"
ADMIN = "admin@impactlab.example"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def use_session_of(page, live_server, client: Client) -> None:
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def password_only(page, live_server, email: str):
    """A session signed in with the password only (the sign-in form is tested
    elsewhere)."""
    user = get_user_model().objects.get(email=email)
    client = Client()
    client.force_login(user)
    use_session_of(page, live_server, client)
    return user


def test_set_up_shows_the_codes_once_and_one_signs_in(
    demo_site, browser_page, live_server
):
    page = browser_page
    user = password_only(page, live_server, EDITOR)
    page.goto("/admin/")
    expect(page.locator("h1")).to_have_text("Set up your authenticator app")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Security code").fill(token_for(device))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**" + reverse("two_factor_recovery_codes") + "*")
    expect(page.get_by_text("They will not be shown again.")).to_be_visible()
    assert_accessible(page)
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-7]{5} [a-z2-7]{5}", code) for code in codes)
    page.get_by_role("link", name="I have stored my codes, continue").click()
    page.wait_for_url("**/admin/")
    page.goto(reverse("two_factor_recovery_codes"))
    expect(page.get_by_text("You have 10 unused recovery codes")).to_be_visible()
    assert page.locator("ol.recovery-codes").count() == 0
    assert_accessible(page)

    # A new session, password only: the verify screen offers a recovery code.
    password_only(page, live_server, EDITOR)
    page.goto("/admin/pages/")
    expect(page.locator("h1")).to_have_text("Enter your security code")
    assert_accessible(page)
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.locator("h1")).to_have_text("Enter a recovery code")
    page.get_by_label("Recovery code").fill("not-a-code!")
    page.get_by_role("button", name="Continue").click()
    # Beside the field, as well as in the summary at the top.
    expect(page.locator("p.error-message")).to_contain_text(
        "Enter the code as it was shown"
    )
    assert_accessible(page)
    page.get_by_label("Recovery code").fill(codes[0].upper())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/pages/")
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_a_superuser_resets_a_persons_second_factor(
    demo_site, browser_page, live_server
):
    page = browser_page
    person = get_user_model().objects.get(email=EDITOR)
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    admin = get_user_model().objects.get(email=ADMIN)
    device = TOTPDevice.objects.create(user=admin, name="Phone", confirmed=True)
    client = Client()
    client.force_login(admin)
    client.post(reverse("two_factor_verify"), {"otp_token": token_for(device)})
    use_session_of(page, live_server, client)
    page.goto(reverse("wagtailusers_users:edit", args=[person.pk]))
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Reset two-factor authentication").click()
    expect(page.get_by_text("has 1 authenticator app and 0 unused")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reset two-factor authentication").click()
    page.wait_for_url("**" + reverse("wagtailusers_users:edit", args=[person.pk]))
    expect(page.get_by_text("Two-factor authentication reset for")).to_be_visible()
    assert not TOTPDevice.objects.filter(user=person).exists()
