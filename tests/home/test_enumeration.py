"""Sign-up and password reset, from the outside, cannot tell anyone whether an address
has an account: the same answer (status, page, headers that matter) and the same work in
the request (its SQL queries, compared statement by statement with the values taken
out) for a known and an unknown address. The owner of a known address is emailed
instead. A password typed into the sign-up form is never written back into the page."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.models import OutboundEmail, User
from tests.factories.challenges import UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "known@startup.example"
UNKNOWN = "nobody@startup.example"
PASSWORD = "a-sturdy-passphrase-9"


@pytest.fixture(autouse=True)
def _known_account():
    cache.clear()  # rate-limit counters
    UserFactory(email=KNOWN, password="the-owners-own-phrase-3")
    yield
    cache.clear()


def _shape(queries) -> list[str]:
    """The statements a request ran, with literal values and ids taken out."""
    return [
        re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])
        for query in queries.captured_queries
    ]


def _post(client, name: str, data: dict):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse(name), data)
    return response, queries


def _page(response) -> str:
    """The page, without its per-request CSRF token and nonce."""
    return re.sub(
        r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"',
        "",
        response.content.decode(),
    )


def _answer(response) -> tuple:
    return (response.status_code, response.get("Location"))


class PasswordResetTests:
    def test_same_answer_and_same_queries_for_known_and_unknown(self, client):
        known, known_queries = _post(client, "password_reset", {"email": KNOWN})
        unknown, unknown_queries = _post(client, "password_reset", {"email": UNKNOWN})
        assert (
            _answer(known) == _answer(unknown) == (302, reverse("password_reset_done"))
        )
        assert _shape(known_queries) == _shape(unknown_queries)
        # Nothing was looked up or stored in the request: that happens after it.
        assert not OutboundEmail.objects.exists()

    def test_the_known_address_gets_its_link_after_the_request(self, client):
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("password_reset"), {"email": KNOWN})
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("password_reset"), {"email": UNKNOWN})
        assert [message.to for message in mail.outbox] == [[KNOWN]]
        assert "/account/reset/" in mail.outbox[0].body


class SignUpTests:
    def test_same_answer_for_known_and_unknown(self, client):
        known, _ = _post(client, "sign_up", {"email": KNOWN, "password": PASSWORD})
        unknown, _ = _post(client, "sign_up", {"email": UNKNOWN, "password": PASSWORD})
        assert _answer(known) == _answer(unknown) == (302, reverse("sign_up_done"))
        known_page = client.get(reverse("sign_up_done")).content.decode()
        assert "An account with this email address exists" not in known_page
        assert User.objects.filter(email__iexact=KNOWN).count() == 1

    def test_the_owner_is_told_and_the_account_is_untouched(self, client):
        owner = User.objects.get(email=KNOWN)
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(
                reverse("sign_up"), {"email": KNOWN.upper(), "password": PASSWORD}
            )
        [message] = mail.outbox
        assert message.to == [KNOWN]
        assert "You already have an account" in message.body
        after = User.objects.get(pk=owner.pk)
        assert after.password == owner.password and after.is_active == owner.is_active

    def test_a_bad_password_gets_the_same_error_for_both(self, client):
        known, _ = _post(client, "sign_up", {"email": KNOWN, "password": "password"})
        unknown, _ = _post(
            client, "sign_up", {"email": UNKNOWN, "password": "password"}
        )
        assert known.status_code == unknown.status_code == 200
        assert 'id="id_password-error"' in known.content.decode()
        assert _page(known).replace(KNOWN, UNKNOWN) == _page(unknown)

    def test_the_typed_password_is_never_written_back(self, client):
        typed = "Secret-typed-phrase-77"
        response = client.post(
            reverse("sign_up"), {"email": "not-an-email", "password": typed}
        )
        page = response.content.decode()
        assert 'id="id_email-error"' in page and 'value="not-an-email"' in page
        assert typed not in page
