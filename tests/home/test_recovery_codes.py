"""Staff 2FA recovery codes and the superuser's reset, from the outside.

Every test turns STAFF_2FA_REQUIRED on, as production settings always do (see
tests/home/test_two_factor.py).
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from wagtail.models import ModelLogEntry

from home.models import User
from home.two_factor import RECOVERY_CODE_COUNT

from .test_two_factor import confirmed_device, token_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("required"),
]

LEAD = "lead@impactlab.example"
EDITOR = "editor@impactlab.example"
ADMIN = "admin@impactlab.example"
CODE = re.compile(r"<li><code>([a-z2-7]{5} [a-z2-7]{5})</code></li>")


@pytest.fixture
def required():
    with override_settings(STAFF_2FA_REQUIRED=True):
        yield


def set_up_app(client, user) -> list[str]:
    """Set up an authenticator app through the set-up screen; returns the recovery
    codes the page shows right after."""
    client.get(reverse("two_factor_set_up"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("two_factor_set_up"),
        {"otp_token": token_for(device), "next": "/admin/pages/"},
        follow=True,
    )
    assert response.redirect_chain[0][0].startswith(
        reverse("two_factor_recovery_codes")
    )
    content = response.content.decode()
    assert "They will not be shown again" in content
    assert "no-store" in response["Cache-Control"]
    assert 'href="/admin/pages/"' in content  # continue to where they were going
    return CODE.findall(content)


def entries(user, action: str):
    return ModelLogEntry.objects.for_instance(user).filter(action=action)


def sign_in_again(client, user):
    """A new session with the password only: not yet confirmed."""
    client.logout()
    client.force_login(user)


class ShownOnceTests:
    def test_confirming_an_app_shows_ten_codes_once(self, client, demo_site, login):
        user = login(EDITOR)
        codes = set_up_app(client, user)
        assert len(set(codes)) == RECOVERY_CODE_COUNT
        stored = set(
            StaticToken.objects.filter(device__user=user).values_list(
                "token", flat=True
            )
        )
        assert stored == {code.replace(" ", "") for code in codes}
        assert StaticDevice.objects.get(user=user).name == "Recovery codes"
        # Reloading the page never shows them again.
        again = client.get(reverse("two_factor_recovery_codes")).content.decode()
        assert not CODE.findall(again)
        for code in codes:
            assert code not in again
        assert f"You have {RECOVERY_CODE_COUNT} unused recovery codes" in again
        entry = entries(user, "home.two_factor.recovery_codes_create").get()
        assert entry.user_id == user.pk
        assert entry.data == {"codes": RECOVERY_CODE_COUNT, "replaced": 0}

    def test_a_password_alone_never_shows_or_makes_codes(
        self, client, demo_site, login
    ):
        user = login(LEAD)
        confirmed_device(user)
        page = client.get(reverse("two_factor_recovery_codes"))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("two_factor_verify"))
        response = client.post(reverse("two_factor_recovery_codes"))
        assert response.status_code == 302
        assert not StaticToken.objects.filter(device__user=user).exists()

    def test_making_new_codes_replaces_the_old(self, client, demo_site, login):
        reverse("two_factor_recovery_code")  # load the URLs before freezegun
        with freeze_time("2026-03-02 10:00:00") as clock:
            self.replaces(client, login, clock)

    def replaces(self, client, login, clock):
        user = login(EDITOR)
        old = set_up_app(client, user)
        response = client.post(
            reverse("two_factor_recovery_codes"), {"next": "/admin/"}, follow=True
        )
        new = CODE.findall(response.content.decode())
        assert len(new) == RECOVERY_CODE_COUNT
        assert not set(new) & set(old)
        assert StaticToken.objects.filter(device__user=user).count() == (
            RECOVERY_CODE_COUNT
        )
        entry = entries(user, "home.two_factor.recovery_codes_create").latest("pk")
        assert entry.data == {
            "codes": RECOVERY_CODE_COUNT,
            "replaced": RECOVERY_CODE_COUNT,
        }
        # An old code no longer signs in; a new one does.
        sign_in_again(client, user)
        response = client.post(
            reverse("two_factor_recovery_code"), {"recovery_code": old[0]}
        )
        assert response.status_code == 200
        assert b"not one of your recovery codes" in response.content
        clock.tick(5)  # django-otp slows repeated wrong codes
        response = client.post(
            reverse("two_factor_recovery_code"), {"recovery_code": new[0]}
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_the_account_page_links_to_them(self, client, demo_site, login):
        user = login(EDITOR)
        set_up_app(client, user)
        content = client.get(reverse("wagtailadmin_account")).content.decode()
        assert f'href="{reverse("two_factor_recovery_codes")}"' in content


class SignInWithACodeTests:
    def test_the_verify_screen_offers_a_recovery_code(self, client, demo_site, login):
        confirmed_device(login(LEAD))
        content = client.get(
            reverse("two_factor_verify") + "?next=/admin/pages/"
        ).content.decode()
        assert (
            f'href="{reverse("two_factor_recovery_code")}?next=/admin/pages/"'
            in content
        )
        assert "Use a recovery code instead" in content

    def test_a_code_signs_in_once(self, client, demo_site, login):
        user = login(EDITOR)
        codes = set_up_app(client, user)
        sign_in_again(client, user)
        assert client.get("/admin/").status_code == 302
        # Typed in capitals with extra spaces: still the code.
        typed = "  " + codes[0].upper().replace(" ", "  ") + " "
        response = client.post(
            reverse("two_factor_recovery_code") + "?next=/admin/pages/",
            {"recovery_code": typed, "next": "/admin/pages/"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/pages/"
        assert client.get("/admin/pages/").status_code == 200
        entry = entries(user, "home.two_factor.recovery_code_used").get()
        assert entry.user_id == user.pk
        assert entry.data == {"remaining": RECOVERY_CODE_COUNT - 1}
        # Used up: the same code does not sign in a second time.
        sign_in_again(client, user)
        response = client.post(
            reverse("two_factor_recovery_code"), {"recovery_code": codes[0]}
        )
        assert response.status_code == 200
        assert b"not one of your recovery codes, or it has been used" in (
            response.content
        )
        assert client.get("/admin/").status_code == 302
        assert entries(user, "home.two_factor.recovery_code_used").count() == 1

    def test_codes_without_an_app_still_guard_setting_up_a_new_one(
        self, client, demo_site, login
    ):
        """Someone whose app is gone but whose codes remain: a password alone cannot
        add an app; a recovery code first, then they set one up."""
        user = login(EDITOR)
        codes = set_up_app(client, user)
        TOTPDevice.objects.filter(user=user).delete()
        sign_in_again(client, user)
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith(
            reverse("two_factor_recovery_code")
        )
        response = client.get(reverse("two_factor_set_up"), follow=True)
        assert response.redirect_chain[-1][0].startswith(
            reverse("two_factor_recovery_code")
        )
        assert not TOTPDevice.objects.filter(user=user).exists()
        client.post(reverse("two_factor_recovery_code"), {"recovery_code": codes[0]})
        assert client.get(reverse("two_factor_set_up")).status_code == 200
        assert TOTPDevice.objects.filter(user=user, confirmed=False).exists()

    def test_a_warning_when_few_remain(self, client, demo_site, login):
        user = login(EDITOR)
        codes = set_up_app(client, user)
        StaticToken.objects.filter(device__user=user).exclude(
            token__in=[code.replace(" ", "") for code in codes[:3]]
        ).delete()
        sign_in_again(client, user)
        response = client.post(
            reverse("two_factor_recovery_code"),
            {"recovery_code": codes[0], "next": "/admin/"},
            follow=True,
        )
        assert response.status_code == 200
        assert b"You have 2 recovery codes left" in response.content

    def test_wrong_codes_are_refused_beside_the_field_and_throttled(
        self, client, demo_site, login
    ):
        reverse("two_factor_recovery_code")  # load the URLs before freezegun
        with freeze_time("2026-03-02 10:00:00") as clock:
            user = login(EDITOR)
            codes = set_up_app(client, user)
            sign_in_again(client, user)
            url = reverse("two_factor_recovery_code")
            response = client.post(url, {"recovery_code": "not-a-code!"})
            assert b"Enter the code as it was shown" in response.content
            response = client.post(url, {"recovery_code": "aaaaa aaaaa"})
            assert b"not one of your recovery codes" in response.content
            # django-otp slows repeated wrong codes: even the right one waits.
            response = client.post(url, {"recovery_code": codes[1]})
            assert b"Too many wrong codes" in response.content
            assert client.get("/admin/").status_code == 302
            clock.tick(5)
            response = client.post(url, {"recovery_code": codes[1]})
            assert response.status_code == 302
            assert client.get("/admin/").status_code == 200


class AdminResetTests:
    @pytest.fixture
    def person(self, client, demo_site, login):
        """The lead, with an app and recovery codes."""
        user = login(LEAD)
        set_up_app(client, user)
        client.logout()
        return user

    def verified(self, client, email: str) -> User:
        user = User.objects.get(email=email)
        client.force_login(user)
        device = confirmed_device(user)
        response = client.post(
            reverse("two_factor_verify"), {"otp_token": token_for(device)}
        )
        assert response.status_code == 302
        return user

    def test_a_superuser_resets_both_and_the_person_sets_up_again(self, client, person):
        admin = self.verified(client, ADMIN)
        listing = client.get(reverse("wagtailusers_users:index")).content.decode()
        url = reverse("two_factor_reset", args=[person.pk])
        assert f'href="{url}"' in listing
        edit = client.get(reverse("wagtailusers_users:edit", args=[person.pk]))
        assert f'href="{url}"' in edit.content.decode()
        page = client.get(url)
        assert page.status_code == 200
        assert b"1 authenticator app and 10 unused recovery codes" in page.content
        assert TOTPDevice.objects.filter(user=person).exists()  # GET changes nothing
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "wagtailusers_users:edit", args=[person.pk]
        )
        assert not TOTPDevice.objects.filter(user=person).exists()
        assert not StaticDevice.objects.filter(user=person).exists()
        entry = entries(person, "home.two_factor.reset").get()
        assert entry.user_id == admin.pk
        assert entry.data == {"devices": 1, "recovery_codes": RECOVERY_CODE_COUNT}
        # The person signs in with their password and is asked to set up an app.
        client.logout()
        client.force_login(person)
        response = client.get("/admin/")
        assert response["Location"].startswith(reverse("two_factor_set_up"))

    @pytest.mark.parametrize("email", [EDITOR, "assessor@impactlab.example"])
    def test_anyone_else_gets_403_and_nothing_changes(self, client, person, email):
        self.verified(client, email)
        url = reverse("two_factor_reset", args=[person.pk])
        # No button leads there (the assessor cannot open the Users screens at all).
        for screen in ("wagtailusers_users:index", "wagtailusers_users:edit"):
            args = [person.pk] if screen.endswith("edit") else []
            assert url not in client.get(reverse(screen, args=args)).content.decode()
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
        assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1
        assert StaticToken.objects.filter(device__user=person).count() == (
            RECOVERY_CODE_COUNT
        )
        assert not entries(person, "home.two_factor.reset").exists()

    def test_a_password_alone_cannot_reset(self, client, person):
        admin = User.objects.get(email=ADMIN)
        client.force_login(admin)
        confirmed_device(admin)
        response = client.post(reverse("two_factor_reset", args=[person.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify"))
        assert TOTPDevice.objects.filter(user=person).exists()

    def test_the_command_removes_the_codes_too(self, person):
        call_command("two_factor_reset", LEAD, stdout=StringIO())
        assert not StaticDevice.objects.filter(user=person).exists()
