"""Lockout after repeated failed sign-ins (django-axes): at the start-up
sign-in and at the Wagtail admin's sign-in alike. Time is moved with freezegun."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import ModelLogEntry

from home.models import User

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "impact-lab-demo-2026"


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """The per-address rate limit (django-ratelimit) is another defence, tested in
    tests/challenges: lift it here so the lockout is what answers."""
    settings.CHALLENGES_RATE_LIMITS = {
        **settings.CHALLENGES_RATE_LIMITS,
        "sign_in": "1000/m",
    }
    cache.clear()
    # Load every URL (and the API's pydantic schemas) before freezegun fakes the dates.
    reverse("sign_in")
    yield
    cache.clear()


def front_end_sign_in(client, email, password):
    return client.post(
        reverse("sign_in"),
        {"email": email, "password": password},
        REMOTE_ADDR="203.0.113.9",
    )


def admin_sign_in(client, email, password):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": email, "password": password},
        REMOTE_ADDR="203.0.113.9",
    )


SIGN_INS = {
    "front end": (front_end_sign_in, "founder@brightpath.example"),
    "wagtail admin": (admin_sign_in, "lead@impactlab.example"),
}


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", list(SIGN_INS))
class LockoutTests:
    def test_wrong_passwords_lock_the_account_even_for_the_right_one(
        self, client, demo_site, path
    ):
        sign_in, email = SIGN_INS[path]
        limit = settings.AXES_FAILURE_LIMIT
        with freeze_time(timezone.now()):
            for _ in range(limit - 1):
                response = sign_in(client, email, "not-the-password")
                assert response.status_code == 200  # the form again, with its error
            response = sign_in(client, email, "not-the-password")
            assert response.status_code == 429
            response = sign_in(client, email, DEMO_PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)
        content = response.content.decode()
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        assert f"You cannot sign in for {minutes} minutes" in content
        assert "even with the right password" in content
        # The page in the look of the part of the site they were signing in to.
        if path == "front end":
            assert "govuk-heading-l" in content
            assert reverse("password_reset") in content
        else:
            assert "wagtailadmin" in content

    def test_after_the_cool_off_the_right_password_works(self, client, demo_site, path):
        sign_in, email = SIGN_INS[path]
        with freeze_time(timezone.now()) as clock:
            for _ in range(settings.AXES_FAILURE_LIMIT):
                sign_in(client, email, "not-the-password")
            clock.tick(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
            assert sign_in(client, email, DEMO_PASSWORD).status_code == 429
            clock.tick(timedelta(minutes=2))
            response = sign_in(client, email, DEMO_PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)

    def test_the_lockout_is_per_account(self, client, demo_site, path):
        sign_in, email = SIGN_INS[path]
        other = (
            "officer@sandwell.example"
            if path == "front end"
            else "editor@impactlab.example"
        )
        with freeze_time(timezone.now()):
            for _ in range(settings.AXES_FAILURE_LIMIT):
                sign_in(client, email, "not-the-password")
            response = sign_in(client, other, DEMO_PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)

    def test_the_lockout_is_in_the_audit_log_once(self, client, demo_site, path):
        sign_in, email = SIGN_INS[path]
        with freeze_time(timezone.now()):
            for _ in range(settings.AXES_FAILURE_LIMIT + 3):
                sign_in(client, email, "not-the-password")
        user = User.objects.get(email=email)
        entries = ModelLogEntry.objects.for_instance(user).filter(
            action="home.account.locked_out"
        )
        assert entries.count() == 1
        assert "203.0.113.9" not in str(entries.get().data)

    def test_fewer_failures_than_the_limit_do_not_lock(self, client, demo_site, path):
        sign_in, email = SIGN_INS[path]
        with freeze_time(timezone.now()):
            for _ in range(settings.AXES_FAILURE_LIMIT - 1):
                sign_in(client, email, "not-the-password")
            response = sign_in(client, email, DEMO_PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)


def test_case_does_not_split_the_count(client, demo_site):
    """Typing the address in capitals counts against the same account."""
    limit = settings.AXES_FAILURE_LIMIT
    with freeze_time(timezone.now()):
        for i in range(limit):
            email = (
                "FOUNDER@brightpath.example" if i % 2 else "founder@brightpath.example"
            )
            front_end_sign_in(client, email, "not-the-password")
        response = front_end_sign_in(
            client, "founder@brightpath.example", DEMO_PASSWORD
        )
    assert response.status_code == 429


def test_a_locked_unconfirmed_account_does_not_confirm_its_password(client, db):
    """An unconfirmed account is told to confirm its address when the password is
    right: once locked, that hint would let a guesser carry on, so the lockout wins."""
    user = User(username="new@startup.example", email="new@startup.example")
    user.is_active = False
    user.set_password(DEMO_PASSWORD)
    user.save()
    with freeze_time(timezone.now()):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            front_end_sign_in(client, user.email, "not-the-password")
        response = front_end_sign_in(client, user.email, DEMO_PASSWORD)
    assert response.status_code == 429
    assert b"Confirm your email address first" not in response.content
