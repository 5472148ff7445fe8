"""Accounts, organisation profiles and invitations (home): the services, and the
public screens from the outside (bad input, rate limits, links that work)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from home import services
from home.models import Organisation, OrganisationMembership, User
from tests.factories.challenges import (
    BusinessFactory,
    UserFactory,
    assessor,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the rate-limit counters
    yield
    cache.clear()


@pytest.fixture
def startup():
    organisation = BusinessFactory(name="Damp Sense Ltd")
    user = member_of(organisation)
    return organisation, user


class AccountServiceTests:
    def test_sign_up_is_inactive_until_confirmed(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            user = services.account_sign_up(
                email="new@startup.example", password="a-sturdy-passphrase-9"
            )
        assert not user.is_active
        body = mail.outbox[-1].body
        token = body.split("/account/confirm/")[1].split("/")[0]
        services.account_confirm(token=token)
        user.refresh_from_db()
        assert user.is_active

    def test_weak_password_refused_and_a_taken_email_tells_its_owner(
        self, startup, django_capture_on_commit_callbacks
    ):
        _, existing = startup
        with pytest.raises(ValidationError) as error:
            services.account_sign_up(email="x@startup.example", password="password")
        assert "password" in error.value.error_dict
        users_before = User.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            created = services.account_sign_up(
                email=existing.email.upper(), password="a-sturdy-passphrase-9"
            )
        assert created is None
        assert User.objects.count() == users_before
        [message] = mail.outbox
        assert message.to == [existing.email]
        assert "You already have an account" in message.body
        # Tried again the same day: no second email.
        with django_capture_on_commit_callbacks(execute=True):
            services.account_sign_up(
                email=existing.email, password="another-sturdy-phrase-4"
            )
        assert len(mail.outbox) == 1

    def test_tampered_token_refused(self):
        with pytest.raises(ValidationError):
            services.account_confirm(token="not-a-token")

    def test_invitation_joins_the_organisation(
        self, startup, django_capture_on_commit_callbacks
    ):
        organisation, admin = startup
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.organisation_invite(
                organisation=organisation, by=admin, email="colleague@startup.example"
            )
        assert invitation.token in mail.outbox[-1].body
        colleague = UserFactory(email="colleague@startup.example")
        services.invitation_accept(invitation=invitation, user=colleague)
        assert OrganisationMembership.objects.filter(
            organisation=organisation, user=colleague, role="member"
        ).exists()
        with pytest.raises(ValidationError):
            services.invitation_accept(invitation=invitation, user=colleague)

    def test_only_admins_invite(self, startup):
        organisation, _ = startup
        member = member_of(organisation, role="member")
        with pytest.raises(PermissionDenied):
            services.organisation_invite(
                organisation=organisation, by=member, email="x@startup.example"
            )

    def test_organisation_create_makes_an_admin_business(self):
        user = UserFactory()
        organisation = services.organisation_create(
            by=user,
            data={
                "name": "Brand New Ltd",
                "companies_house_number": "12345678",
                "website": "",
                "size": "micro",
                "local_authority_area": "walsall",
            },
        )
        assert organisation.org_type == "business"
        assert organisation.org_id == "GB-COH-12345678"
        assert organisation.memberships.get().role == "admin"
        with pytest.raises(ValidationError):
            services.organisation_create(by=user, data={"name": "Second Ltd"})


class SignUpViewTests:
    def test_errors_beside_fields_keep_what_was_typed(self, client):
        response = client.post(
            reverse("sign_up"), {"email": "not-an-email", "password": "short"}
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in content
        assert 'id="id_email-error"' in content
        assert 'value="not-an-email"' in content
        assert not User.objects.filter(email="not-an-email").exists()
        response = client.post(
            reverse("sign_up"), {"email": "ok@startup.example", "password": "password"}
        )
        assert 'id="id_password-error"' in response.content.decode()
        assert not User.objects.filter(email="ok@startup.example").exists()

    def test_sign_up_is_rate_limited(self, client, settings):
        settings.CHALLENGES_RATE_LIMITS = {
            **settings.CHALLENGES_RATE_LIMITS,
            "sign_up": "3/h",
        }
        for i in range(3):
            client.post(
                reverse("sign_up"), {"email": f"x{i}@s.example", "password": "x"}
            )
        response = client.post(
            reverse("sign_up"),
            {"email": "ok@startup.example", "password": "a-sturdy-pass-91"},
        )
        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert not User.objects.filter(email="ok@startup.example").exists()

    def test_sign_in_is_rate_limited(self, client, settings):
        settings.CHALLENGES_RATE_LIMITS = {
            **settings.CHALLENGES_RATE_LIMITS,
            "sign_in": "3/d",
        }
        UserFactory(email="real@startup.example")
        for _ in range(3):
            response = client.post(
                reverse("sign_in"),
                {"email": "real@startup.example", "password": "wrong"},
            )
            assert "is not right" in response.content.decode()
        response = client.post(
            reverse("sign_in"),
            {"email": "real@startup.example", "password": "a-long-test-password-42"},
        )
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_password_reset_is_rate_limited(
        self, client, settings, django_capture_on_commit_callbacks
    ):
        settings.CHALLENGES_RATE_LIMITS = {
            **settings.CHALLENGES_RATE_LIMITS,
            "password_reset": "2/h",
        }
        UserFactory(email="forgot@startup.example")
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    reverse("password_reset"), {"email": "forgot@startup.example"}
                )
            assert response.status_code == 302
        sent = len(mail.outbox)
        assert sent >= 1  # two requests in the same second share one token and email
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("password_reset"), {"email": "forgot@startup.example"}
            )
        assert response.status_code == 429
        assert len(mail.outbox) == sent

    def test_unconfirmed_account_cannot_sign_in(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.account_sign_up(
                email="new@startup.example", password="a-sturdy-pass-91"
            )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("sign_in"),
                {"email": "new@startup.example", "password": "a-sturdy-pass-91"},
            )
        assert "Confirm your email address first" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert len([m for m in mail.outbox if m.to == ["new@startup.example"]]) == 2

    def test_password_reset_sends_a_working_link(
        self, client, django_capture_on_commit_callbacks
    ):
        UserFactory(email="forgot@startup.example")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("password_reset"), {"email": "forgot@startup.example"}
            )
        assert response.status_code == 302
        body = mail.outbox[-1].body
        path = "/account/reset/" + body.split("/account/reset/")[1].split()[0]
        response = client.get(path, follow=True)
        assert response.status_code == 200
        response = client.post(
            response.redirect_chain[-1][0],
            {
                "new_password1": "brand-new-passphrase-7",
                "new_password2": "brand-new-passphrase-7",
            },
        )
        assert response.status_code == 302
        assert User.objects.get(email="forgot@startup.example").check_password(
            "brand-new-passphrase-7"
        )


class InvitationViewTests:
    def test_invited_colleague_joins(
        self, client, startup, django_capture_on_commit_callbacks
    ):
        organisation, admin = startup
        client.force_login(admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisation_invite"), {"email": "mate@startup.example"}
            )
        assert response.status_code == 302
        path = (
            "/account/invitations/"
            + mail.outbox[-1].body.split("/account/invitations/")[1].split()[0]
        )
        colleague = UserFactory(email="mate@startup.example")
        client.force_login(colleague)
        assert client.post(path).status_code == 302
        assert organisation.memberships.filter(user=colleague).exists()

    def test_wrong_person_cannot_use_an_invitation(self, client, startup):
        organisation, admin = startup
        invitation = services.organisation_invite(
            organisation=organisation, by=admin, email="mate@startup.example"
        )
        intruder = UserFactory(email="intruder@elsewhere.example")
        client.force_login(intruder)
        response = client.post(reverse("invitation_accept", args=[invitation.token]))
        assert "another email address" in response.content.decode()
        assert not organisation.memberships.filter(user=intruder).exists()


class OrganisationProfileViewTests:
    def test_a_new_account_creates_its_organisation_and_administers_it(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            reverse("organisation_edit"),
            {
                "name": "  Fresh Air Ltd ",
                "companies_house_number": "SC123456",
                "website": "",
                "size": "small",
                "local_authority_area": "dudley",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("account_home")
        organisation = Organisation.objects.get(name="Fresh Air Ltd")
        assert organisation.slug == "fresh-air-ltd"
        assert organisation.org_type == Organisation.Type.BUSINESS
        assert organisation.companies_house_number == "SC123456"
        assert organisation.org_id == "GB-COH-SC123456"
        assert organisation.memberships.get().user == user

    def test_a_member_who_is_not_its_administrator_cannot_change_it(
        self, client, startup
    ):
        organisation, _ = startup
        client.force_login(member_of(organisation, role="member"))
        response = client.post(
            reverse("organisation_edit"),
            {
                "name": "Taken Over Ltd",
                "size": "micro",
                "local_authority_area": "rugby",
            },
        )
        assert response.status_code == 403
        organisation.refresh_from_db()
        assert organisation.name == "Damp Sense Ltd"


class AccountPageTests:
    """The apps above home add their links through `construct_account_page`."""

    def test_a_start_up_sees_its_organisation_people_and_entries(self, client, startup):
        organisation, admin = startup
        colleague = member_of(organisation, role="member")
        client.force_login(admin)
        content = client.get(reverse("account_home")).content.decode()
        assert "Damp Sense Ltd" in content
        assert colleague.email in content
        assert f'href="{reverse("entries_list")}"' in content
        assert f'href="{reverse("organisation_invite")}"' in content
        assert f'href="{reverse("assessments")}"' not in content

    def test_an_assessor_without_an_organisation_is_linked_to_assessments(self, client):
        client.force_login(assessor())
        content = client.get(reverse("account_home")).content.decode()
        assert f'href="{reverse("assessments")}"' in content
        assert f'href="{reverse("entries_list")}"' not in content
        assert "Create your organisation profile" in content

    def test_signed_out_visitors_are_sent_to_the_sites_sign_in(self, client):
        response = client.get(reverse("account_home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign_in") + "?next=")
