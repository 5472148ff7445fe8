"""Two-factor authentication for staff, from the outside.

The test settings leave STAFF_2FA_REQUIRED off (most tests force_login staff and open
the admin); every test here turns it on, as production settings always do.
"""

import os
import re
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from wagtail.models import ModelLogEntry

from home.models import User
from home.two_factor import two_factor_reset

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("required"),
]

DEMO_PASSWORD = "impact-lab-demo-2026"
STAFF = [
    "lead@impactlab.example",
    "assessor@impactlab.example",
    "editor@impactlab.example",
    "admin@impactlab.example",
]


@pytest.fixture
def required():
    with override_settings(STAFF_2FA_REQUIRED=True):
        yield


def token_for(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now: computed from the device's key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


class RefusedWithoutASecondFactorTests:
    @pytest.mark.parametrize("email", STAFF)
    def test_staff_signed_in_by_password_never_reach_the_dashboard(
        self, client, demo_site, email
    ):
        # A real sign-in through the Wagtail admin's own page, password only.
        response = client.post(
            reverse("wagtailadmin_login"),
            {"username": email, "password": DEMO_PASSWORD, "next": "/admin/"},
        )
        assert response.status_code == 302
        response = client.get("/admin/", follow=True)
        final = response.redirect_chain[-1][0]
        assert final.startswith(reverse("two_factor_set_up"))
        assert "next=/admin/" in final
        assert b"Set up your authenticator app" in response.content
        assert b"Programme dashboard" not in response.content

    def test_a_staff_member_with_an_app_is_asked_for_a_code(
        self, client, demo_site, login
    ):
        confirmed_device(login("lead@impactlab.example"))
        for url in ("/admin/", "/admin/pages/", "/admin/reports/site-history/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("two_factor_verify"))

    def test_staff_are_asked_on_the_public_site_too(self, client, demo_site, login):
        """A password alone opens nothing staff can see, front end included (staff can
        download any entry's attachments there)."""
        login("assessor@impactlab.example")
        response = client.get("/entries/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_set_up"))

    def test_a_wrong_code_keeps_them_out(self, client, demo_site, login):
        confirmed_device(login("lead@impactlab.example"))
        response = client.post(reverse("two_factor_verify"), {"otp_token": "000000"})
        assert response.status_code == 200
        assert b"The code is not right" in response.content
        assert client.get("/admin/").status_code == 302

    def test_a_password_alone_cannot_add_another_app(self, client, demo_site, login):
        user = login("lead@impactlab.example")
        confirmed_device(user)
        response = client.get(reverse("two_factor_set_up"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify"))
        assert TOTPDevice.objects.filter(user=user).count() == 1

    @pytest.mark.parametrize(
        ("email", "url"),
        [
            ("founder@brightpath.example", "/account/"),
            ("founder@brightpath.example", "/entries/"),
            ("officer@sandwell.example", "/pilots/mine/"),
        ],
    )
    def test_start_ups_and_public_servants_are_not_asked(
        self, client, demo_site, login, email, url
    ):
        login(email)
        assert client.get(url).status_code == 200


class LetInWithAVerifiedAppTests:
    def test_the_code_from_the_app_opens_the_admin(self, client, demo_site, login):
        device = confirmed_device(login("lead@impactlab.example"))
        response = client.post(
            reverse("two_factor_verify") + "?next=/admin/pages/",
            {"otp_token": token_for(device), "next": "/admin/pages/"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/pages/"
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/pages/").status_code == 200

    def test_after_a_wrong_code_the_right_one_still_works_once_throttling_ends(
        self, client, demo_site, login
    ):
        reverse("two_factor_verify")  # load the URLs before freezegun fakes dates
        with freeze_time("2026-03-02 10:00:00") as clock:
            device = confirmed_device(login("lead@impactlab.example"))
            client.post(reverse("two_factor_verify"), {"otp_token": "123456"})
            clock.tick(5)  # django-otp slows repeated wrong codes
            device.refresh_from_db()
            client.post(reverse("two_factor_verify"), {"otp_token": token_for(device)})
            assert client.get("/admin/").status_code == 200

    def test_next_never_leaves_the_site(self, client, demo_site, login):
        device = confirmed_device(login("lead@impactlab.example"))
        response = client.post(
            reverse("two_factor_verify"),
            {"otp_token": token_for(device), "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("wagtailadmin_home")

    def test_setting_up_an_app_scans_then_confirms_one_code(
        self, client, demo_site, login
    ):
        user = login("editor@impactlab.example")
        page = client.get(reverse("two_factor_set_up") + "?next=/admin/")
        assert page.status_code == 200
        content = page.content.decode()
        assert "<svg" in content  # the QR code, drawn inline
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        # Reloading the page keeps the key the person may already have scanned.
        client.get(reverse("two_factor_set_up"))
        assert TOTPDevice.objects.get(user=user).pk == device.pk
        secret = re.search(r"<code>([A-Z2-7 ]+)</code>", content).group(1)
        assert secret.replace(" ", "") in device.config_url
        response = client.post(
            reverse("two_factor_set_up"),
            {"otp_token": token_for(device), "next": "/admin/"},
        )
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/admin/").status_code == 200
        entry = ModelLogEntry.objects.for_instance(user).get(
            action="home.two_factor.set_up"
        )
        assert entry.user_id == user.pk

    def test_a_lost_phone_is_reset_and_set_up_again(self, client, demo_site, login):
        user = login("lead@impactlab.example")
        confirmed_device(user)
        out = StringIO()
        call_command("two_factor_reset", "LEAD@impactlab.example", stdout=out)
        assert "Removed 1 authenticator app" in out.getvalue()
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert two_factor_reset(user=user) == 0
        response = client.get("/admin/")
        assert response["Location"].startswith(reverse("two_factor_set_up"))
        assert ModelLogEntry.objects.for_instance(user).filter(
            action="home.two_factor.reset"
        )


ROOT = Path(__file__).resolve().parents[2]


def _setting(module: str, extra_env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("STAFF_2FA_REQUIRED", None)
    env = {
        **clean,
        "DJANGO_SECRET_KEY": "k3$Vq9!tZ2p@Lw8rXc5^Ny7&Hb4*Md6(Fg1)Js0-Ae+Ru_pW3xYz7",
        "DJANGO_ALLOWED_HOSTS": "impactlab.example",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
        "WAGTAILADMIN_BASE_URL": "https://impactlab.example",
        "DJANGO_SETTINGS_MODULE": module,
        **extra_env,
    }
    code = "from django.conf import settings; print(settings.STAFF_2FA_REQUIRED)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


class SettingsTests:
    def test_production_always_requires_it_whatever_the_environment(self):
        assert _setting("lab_site.settings.production", {}) == "True"
        assert (
            _setting("lab_site.settings.production", {"STAFF_2FA_REQUIRED": "false"})
            == "True"
        )

    def test_development_relaxes_it_unless_asked(self):
        assert _setting("lab_site.settings.dev", {}) == "False"
        assert (
            _setting("lab_site.settings.dev", {"STAFF_2FA_REQUIRED": "true"}) == "True"
        )


class MiddlewareTests:
    def test_wagtail_can_log_against_request_user(self, rf, demo_site):
        """Wagtail's account settings view logs `log(request.user, "wagtail.edit")`:
        with django-otp's own middleware that records nothing (two lazy layers)."""
        from django.contrib.auth.middleware import AuthenticationMiddleware
        from django.contrib.sessions.middleware import SessionMiddleware
        from wagtail.log_actions import log

        from home.two_factor import OTPMiddleware

        lead = User.objects.get(email="lead@impactlab.example")
        request = rf.get("/admin/")
        SessionMiddleware(lambda r: None).process_request(request)
        request.session["_auth_user_id"] = str(lead.pk)
        request.session["_auth_user_backend"] = (
            "django.contrib.auth.backends.ModelBackend"
        )
        request.session["_auth_user_hash"] = lead.get_session_auth_hash()
        AuthenticationMiddleware(lambda r: None).process_request(request)
        OTPMiddleware(lambda r: r)(request)
        assert request.user.is_verified() is False
        entry = log(instance=request.user, action="wagtail.edit")
        assert entry is not None and entry.object_id == str(lead.pk)
