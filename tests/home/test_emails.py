import pytest
from django.core import mail
from django.db import transaction

from home.emails import email_queue, email_send
from home.models import OutboundEmail


def _queue(key="test:1"):
    return email_queue(
        key=key,
        to="someone@example.org",
        subject="A test",
        template="test_message",
        context={"name": "Sam"},
    )


@pytest.mark.django_db(transaction=True)
class EmailOutboxTests:
    def test_sent_once_after_commit(self):
        with transaction.atomic():
            email = _queue()
            assert mail.outbox == []  # nothing leaves before the commit
        assert len(mail.outbox) == 1
        assert "Hello Sam" in mail.outbox[0].body
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT
        assert email.attempts == 1

    def test_same_key_twice_sends_once(self):
        _queue()
        _queue()
        assert len(mail.outbox) == 1
        assert OutboundEmail.objects.count() == 1

    def test_rolled_back_transaction_sends_nothing(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue()
            raise RuntimeError("the service failed after queuing")
        assert mail.outbox == []
        assert not OutboundEmail.objects.exists()

    def test_sending_again_is_a_no_op(self):
        email = _queue()
        email_send(email_id=email.pk)
        assert len(mail.outbox) == 1
