"""Account state from the outside: a deactivated account stays inactive whatever link
is followed or sign-in route is tried, and emailed account links are single-use and
short-lived (they die once used, on sign-in and sign-out, on a password change, on
deactivation and after ACCOUNT_LINK_MAX_AGE_HOURS)."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from freezegun import freeze_time

from home import services
from home.models import (
    OrganisationInvitation,
    OrganisationMembership,
    OutboundEmail,
    User,
)
from tests.factories.challenges import BusinessFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-sturdy-passphrase-9"
EMAIL = "founder@startup.example"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the rate-limit and lockout counters
    yield
    cache.clear()


def _confirm_links(email: str = EMAIL) -> list[str]:
    """The confirmation links emailed to `email`, oldest first."""
    bodies = OutboundEmail.objects.filter(
        to=email, idempotency_key__startswith="account-confirm:"
    ).order_by("pk")
    return [
        m.group(0)
        for body in bodies.values_list("body_text", flat=True)
        for m in [re.search(r"/account/confirm/[^/\s]+/", body)]
        if m
    ]


def _ask_for_reset(client, email: str, url: str = ""):
    """Ask for a reset link (on the site, or on the admin's screen at `url`) and run
    what the request leaves for after its commit (the lookup and the email:
    home.services.password_reset_request)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url or reverse("password_reset"), {"email": email})


def _reset_links(email: str) -> list[str]:
    bodies = OutboundEmail.objects.filter(
        to=email, idempotency_key__startswith="password-reset:"
    ).order_by("pk")
    return [
        m.group(0)
        for body in bodies.values_list("body_text", flat=True)
        for m in [re.search(r"/account/reset/[^/\s]+/[^/\s]+/", body)]
        if m
    ]


def _sign_up(client) -> User:
    response = client.post(reverse("sign_up"), {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return User.objects.get(email=EMAIL)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _deactivate(user: User) -> None:
    """As staff do in the admin's user form."""
    user.is_active = False
    user.save()


@pytest.fixture
def deactivated(client):
    """A start-up who signed up, confirmed, signed in and out, asked for a password
    reset, and was then deactivated: `client` is signed out; the old links are kept."""
    user = _sign_up(client)
    [confirm_link] = _confirm_links()
    assert client.get(confirm_link).status_code == 302
    assert _signed_in(client)
    client.post(reverse("sign_out"))
    _ask_for_reset(client, EMAIL)
    [reset_link] = _reset_links(EMAIL)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    django_reset_token = default_token_generator.make_token(user)
    user.refresh_from_db()
    _deactivate(user)
    return {
        "user": user,
        "confirm_link": confirm_link,
        "reset_link": reset_link,
        "django_reset_link": f"/account/reset/{uid}/{django_reset_token}/",
    }


class DeactivatedAccountTests:
    def _assert_shut(self, client, user: User, emails_before: int) -> None:
        user.refresh_from_db()
        assert not user.is_active
        assert not _signed_in(client)
        assert client.get(reverse("account_home")).status_code == 302
        assert (
            not OutboundEmail.objects.filter(
                to=user.email, idempotency_key__startswith="account-confirm:"
            )
            .exclude(pk__lte=emails_before)
            .exists()
        )

    def test_sign_in_with_the_right_password_answers_as_a_wrong_one(
        self, client, deactivated
    ):
        user = deactivated["user"]
        emails_before = OutboundEmail.objects.order_by("pk").last().pk
        right = client.post(reverse("sign_in"), {"email": EMAIL, "password": PASSWORD})
        wrong = client.post(reverse("sign_in"), {"email": EMAIL, "password": "nope"})
        assert right.status_code == wrong.status_code == 200
        assert "is not right" in right.content.decode()
        assert "Confirm your email" not in right.content.decode()
        assert "new link" not in right.content.decode()
        assert not OutboundEmail.objects.filter(pk__gt=emails_before).exists()
        self._assert_shut(client, user, emails_before)

    def test_the_old_confirmation_link_does_not_reactivate(self, client, deactivated):
        emails_before = OutboundEmail.objects.order_by("pk").last().pk
        response = client.get(deactivated["confirm_link"])
        assert response.status_code == 400
        self._assert_shut(client, deactivated["user"], emails_before)

    def test_no_new_confirmation_link_is_sent_or_works(self, client, deactivated):
        user = deactivated["user"]
        emails_before = OutboundEmail.objects.order_by("pk").last().pk
        services.account_confirmation_send(user=user)
        assert not OutboundEmail.objects.filter(pk__gt=emails_before).exists()
        # A link made now for the account's present state, as a leaked key could.
        forged = reverse(
            "account_confirm", kwargs={"token": services._confirm_token(user)}
        )
        assert client.get(forged).status_code == 400
        self._assert_shut(client, user, emails_before)

    def test_password_reset_sends_nothing_and_old_links_die(self, client, deactivated):
        user = deactivated["user"]
        emails_before = OutboundEmail.objects.order_by("pk").last().pk
        response = _ask_for_reset(client, EMAIL)
        assert response.status_code == 302  # the same answer as for anyone
        assert not OutboundEmail.objects.filter(pk__gt=emails_before).exists()
        password_before = User.objects.get(pk=user.pk).password
        for link in (deactivated["reset_link"], deactivated["django_reset_link"]):
            response = client.get(link, follow=True)
            assert response.context["validlink"] is False, link
            uid = link.split("/")[3]
            client.post(
                f"/account/reset/{uid}/set-password/",
                {
                    "new_password1": "a-new-passphrase-77",
                    "new_password2": "a-new-passphrase-77",
                },
            )
        assert User.objects.get(pk=user.pk).password == password_before
        self._assert_shut(client, user, emails_before)

    def test_the_admin_reset_link_dies_on_deactivation(self, client):
        """The admin's reset screen asks through the site's own reset (one code path:
        the same link, the same tokens): a link made before deactivation no longer sets
        a password, and the account stays shut."""
        editor = UserFactory(email="editor@council.example", is_staff=True)
        _ask_for_reset(client, editor.email, url=reverse("wagtailadmin_password_reset"))
        [link] = _reset_links(editor.email)
        _deactivate(editor)
        emails_before = OutboundEmail.objects.order_by("pk").last()
        password_before = User.objects.get(pk=editor.pk).password
        response = client.get(link, follow=True)
        assert response.context["validlink"] is False
        client.post(
            response.redirect_chain[-1][0] if response.redirect_chain else link,
            {
                "new_password1": "a-new-passphrase-77",
                "new_password2": "a-new-passphrase-77",
            },
        )
        assert User.objects.get(pk=editor.pk).password == password_before
        client.post(
            "/admin/login/",
            {"username": editor.username, "password": "a-new-passphrase-77"},
        )
        self._assert_shut(client, editor, emails_before.pk if emails_before else 0)

    def test_the_admin_reset_link_works_for_an_active_editor(self, client):
        """The control: the admin's reset email carries a link that works."""
        editor = UserFactory(email="editor@council.example", is_staff=True)
        response = _ask_for_reset(
            client, editor.email, url=reverse("wagtailadmin_password_reset")
        )
        assert response.status_code == 302
        [link] = _reset_links(editor.email)
        response = client.get(link, follow=True)
        assert response.context["validlink"] is True

    def test_the_reset_link_worked_before_deactivation(self, client):
        """The control for the test above: the same link, not deactivated, works."""
        UserFactory(email=EMAIL, password=PASSWORD)
        _ask_for_reset(client, EMAIL)
        [link] = _reset_links(EMAIL)
        response = client.get(link, follow=True)
        assert response.context["validlink"] is True

    def test_an_invitation_does_not_let_them_in(self, client, deactivated):
        user = deactivated["user"]
        organisation = BusinessFactory()
        invitation = services.organisation_invite(
            organisation=organisation, by=member_of(organisation), email=EMAIL
        )
        emails_before = OutboundEmail.objects.order_by("pk").last().pk
        link = reverse("invitation_accept", kwargs={"token": invitation.token})
        assert client.get(link).status_code == 200
        client.post(link)
        client.post(
            reverse("sign_in") + f"?next={link}", {"email": EMAIL, "password": PASSWORD}
        )
        assert not OrganisationMembership.objects.filter(user=user).exists()
        self._assert_shut(client, user, emails_before)

    def test_the_admin_sign_in_refuses_a_deactivated_editor(self, client):
        editor = UserFactory(email="editor@council.example", is_staff=True)
        credentials = {
            "username": editor.username,
            "password": "a-long-test-password-42",
        }
        client.post("/admin/login/", credentials)
        assert _signed_in(client)  # the control: active, the same form lets them in
        client.logout()
        _deactivate(editor)
        emails_before = OutboundEmail.objects.order_by("pk").last()
        client.post("/admin/login/", credentials)
        client.post(
            reverse("sign_in"),
            {"email": editor.email, "password": "a-long-test-password-42"},
        )
        self._assert_shut(client, editor, emails_before.pk if emails_before else 0)

    def test_a_sign_up_staff_activated_then_deactivated_stays_shut(self, client):
        user = _sign_up(client)
        [link] = _confirm_links()
        user.is_active = True  # staff activate it in the admin, unconfirmed
        user.save()
        _deactivate(user)
        emails_before = OutboundEmail.objects.order_by("pk").last().pk
        assert client.get(link).status_code == 400
        client.post(reverse("sign_in"), {"email": EMAIL, "password": PASSWORD})
        self._assert_shut(client, user, emails_before)


class ConfirmationLinkTests:
    def test_confirms_and_signs_in_once(self, client):
        user = _sign_up(client)
        [link] = _confirm_links()
        response = client.get(link)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_home")
        assert _signed_in(client)
        user.refresh_from_db()
        assert user.is_active and user.email_confirmed_at is not None
        client.post(reverse("sign_out"))
        response = client.get(link)
        assert response.status_code == 400
        assert not _signed_in(client)

    def test_a_second_link_dies_when_the_first_is_used(self, client):
        _sign_up(client)
        # Signing in before confirming sends another link.
        response = client.post(
            reverse("sign_in"), {"email": EMAIL, "password": PASSWORD}
        )
        assert "new link" in response.content.decode()
        first, second = _confirm_links()
        client.get(second)
        client.post(reverse("sign_out"))
        assert client.get(first).status_code == 400
        assert not _signed_in(client)

    def test_a_link_from_before_a_password_change_fails(self, client):
        user = _sign_up(client)
        [link] = _confirm_links()
        user.set_password("another-passphrase-31")
        user.save()
        assert client.get(link).status_code == 400
        user.refresh_from_db()
        assert not user.is_active
        assert not _signed_in(client)

    def test_a_link_expires(self, client, settings):
        start = timezone.now()
        with freeze_time(start):
            user = _sign_up(client)
            [link] = _confirm_links()
        with freeze_time(start + timedelta(hours=24, minutes=1)):
            assert client.get(link).status_code == 400
        user.refresh_from_db()
        assert not user.is_active
        with freeze_time(start + timedelta(hours=23, minutes=59)):
            assert client.get(link).status_code == 302
        user.refresh_from_db()
        assert user.is_active

    def test_the_lifetime_is_a_setting(self, client, settings):
        settings.ACCOUNT_LINK_MAX_AGE_HOURS = 2
        start = timezone.now()
        with freeze_time(start):
            user = _sign_up(client)
            [link] = _confirm_links()
        with freeze_time(start + timedelta(hours=2, minutes=1)):
            assert client.get(link).status_code == 400
        user.refresh_from_db()
        assert not user.is_active

    def test_a_tampered_link_fails(self, client):
        user = _sign_up(client)
        [link] = _confirm_links()
        tampered = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]
        assert client.get(tampered).status_code == 400
        assert client.get("/account/confirm/not-a-token/").status_code == 400
        user.refresh_from_db()
        assert not user.is_active


class InvitationLinkTests:
    def test_an_invitation_expires(self, client, settings):
        organisation = BusinessFactory()
        admin = member_of(organisation)
        start = timezone.now()
        with freeze_time(start):
            invitation = services.organisation_invite(
                organisation=organisation, by=admin, email="colleague@startup.example"
            )
        colleague = UserFactory(email="colleague@startup.example")
        client.force_login(colleague)
        link = reverse("invitation_accept", kwargs={"token": invitation.token})
        with freeze_time(start + timedelta(hours=24, minutes=1)):
            response = client.post(link)
        assert "expired" in response.content.decode()
        assert not OrganisationMembership.objects.filter(user=colleague).exists()
        with freeze_time(start + timedelta(hours=1)):
            assert client.post(link).status_code == 302
        assert OrganisationMembership.objects.filter(user=colleague).exists()
        assert OrganisationInvitation.objects.get().accepted_at is not None


class ExistingAccountsTests:
    def test_the_migration_marks_accounts_that_have_been_active_confirmed(self):
        migration = importlib.import_module(
            "home.migrations.0006_user_email_confirmed_at"
        )
        signed_in = timezone.now() - timedelta(days=3)
        active = UserFactory(email="active@startup.example")
        deactivated = UserFactory(email="gone@startup.example")
        pending = UserFactory(email="pending@startup.example")
        User.objects.filter(pk=active.pk).update(email_confirmed_at=None)
        User.objects.filter(pk=deactivated.pk).update(
            email_confirmed_at=None, is_active=False, last_login=signed_in
        )
        User.objects.filter(pk=pending.pk).update(
            email_confirmed_at=None, is_active=False, last_login=None
        )
        migration.mark_existing_confirmed(apps, None)
        active.refresh_from_db()
        deactivated.refresh_from_db()
        pending.refresh_from_db()
        assert active.email_confirmed_at == active.date_joined
        assert deactivated.email_confirmed_at == signed_in
        assert not deactivated.awaits_confirmation
        assert pending.email_confirmed_at is None and pending.awaits_confirmation
