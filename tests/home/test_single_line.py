"""Names and titles that reach an email's Subject stay on one line."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from home.emails import email_send
from home.models import Organisation, OutboundEmail
from home.services import organisation_invite
from home.validators import single_line, validate_single_line
from pilots.forms import ProposalForm
from tests.factories.challenges import BusinessFactory, member_of
from tests.factories.pilots import public_servant

BROKEN = [
    "Bright\nPath",
    "Bright\r\nBcc: x@evil.example",
    "Bright\rPath",
    "Bright\x0bPath",
    "Bright\x0cPath",
    "Bright\x85Path",
    "Bright\u2028Path",
    "Bright\u2029Path",
    "Bright\tPath",
    "Bright\x07Path",
]
FINE = ["Bright Path Ltd", "Ça va, Ltd", "O'Brien & Sons", "名前", "\u202eLtd"]


class SingleLineValidatorTests:
    @pytest.mark.parametrize("value", BROKEN)
    def test_breaks_and_controls_are_refused(self, value):
        with pytest.raises(ValidationError) as raised:
            validate_single_line(value)
        assert "one line" in raised.value.messages[0]

    @pytest.mark.parametrize("value", FINE)
    def test_ordinary_names_pass(self, value):
        validate_single_line(value)

    @pytest.mark.parametrize("value", BROKEN)
    def test_flattening_leaves_one_line(self, value):
        flat = single_line(value)
        assert flat == " ".join(flat.split()) or "\u202e" in flat
        assert not any(c in flat for c in "\r\n\x0b\x0c\x85\u2028\u2029\t\x07")
        assert flat.startswith("Bright")


@pytest.mark.django_db
class FormFieldTests:
    def test_organisation_name_with_a_line_break_is_refused_beside_the_field(
        self, client, demo_site
    ):
        organisation = BusinessFactory(name="Bright Path")
        client.force_login(member_of(organisation))
        response = client.post(
            reverse("organisation_edit"),
            {
                "name": "Bright\r\nBcc: x@evil.example",
                "size": organisation.size,
                "local_authority_area": organisation.local_authority_area,
            },
        )
        assert response.status_code == 200
        assert "one line" in response.context["form"].errors["name"][0]
        organisation.refresh_from_db()
        assert organisation.name == "Bright Path"

    def test_proposal_title_with_a_line_break_is_refused(self, demo_site):
        form = ProposalForm(data={"title": "Warm\nhomes"}, user=public_servant())
        assert not form.is_valid()
        assert "one line" in form.errors["title"][0]


@pytest.mark.django_db(transaction=True)
class EmailSubjectTests:
    def test_a_stored_name_with_a_line_break_still_sends_a_one_line_subject(self):
        organisation = Organisation.objects.create(
            name="Bright\r\nBcc: x@evil.example", slug="bright"
        )
        admin = member_of(organisation)
        organisation_invite(organisation=organisation, by=admin, email="new@x.example")
        sent = mail.outbox[-1]
        assert (
            sent.subject == "Join Bright Bcc: x@evil.example on the Public Impact Lab"
        )
        assert sent.message()["Bcc"] is None and sent.bcc == []

    def test_an_older_stored_subject_is_flattened_when_sent(self):
        email = OutboundEmail.objects.create(
            idempotency_key="old:1",
            to="someone@example.org",
            subject="Entry received:\nBcc: x@evil.example",
            body_text="Hello",
        )
        email_send(email_id=email.pk)
        assert mail.outbox[-1].subject == "Entry received: Bcc: x@evil.example"
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
