"""The generic admin screens for entries only list, inspect and export: no one, not
even a superuser, changes or deletes an entry there, so the services' rules hold."""

import pytest
from django.test import Client
from django.urls import reverse

from challenges.models import ChallengePage, Entry, Judging
from tests.factories.challenges import (
    UserFactory,
    closed_challenge,
    programme_lead,
    submitted_entry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(index_page):
    """A challenge whose winners are on the public brief, and a withdrawn entry."""
    challenge = closed_challenge(index_page, title="Cold homes", slug="cold-homes")
    winner = submitted_entry(challenge, title="The real winner")
    winner.status = Entry.Status.SUCCESSFUL
    winner.save()
    withdrawn = submitted_entry(challenge, title="Pulled out early")
    withdrawn.status = Entry.Status.WITHDRAWN
    withdrawn.save()
    Judging.objects.create(challenge=challenge, state=Judging.State.AWARDED)
    return challenge, withdrawn


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def public_brief(challenge: ChallengePage) -> str:
    response = Client().get(challenge.url)
    assert response.status_code == 200
    return response.content.decode()


def refused(response) -> bool:
    # Wagtail answers PermissionDenied in the admin with a redirect to the dashboard.
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


class EntryAdminDoorTests:
    def test_superuser_cannot_make_a_withdrawn_entry_a_winner(
        self, client, awarded, superuser
    ):
        challenge, entry = awarded
        assert "The real winner" in public_brief(challenge)
        client.force_login(superuser)
        url = f"/admin/challenge-entries/edit/{entry.pk}/"
        assert refused(client.get(url))
        response = client.post(
            url, {"status": "successful", "feedback": "x", "feedback_released": "on"}
        )
        assert refused(response)
        entry.refresh_from_db()
        assert entry.status == Entry.Status.WITHDRAWN
        assert not entry.feedback_released
        assert "Pulled out early" not in public_brief(challenge)

    def test_superuser_cannot_delete_an_entry(self, client, awarded, superuser):
        _, entry = awarded
        client.force_login(superuser)
        url = f"/admin/challenge-entries/delete/{entry.pk}/"
        assert refused(client.get(url))
        assert refused(client.post(url))
        assert Entry.objects.filter(pk=entry.pk).exists()

    def test_superuser_cannot_add_an_entry(self, client, awarded, superuser):
        challenge, _ = awarded
        client.force_login(superuser)
        count = Entry.objects.count()
        response = client.post(
            "/admin/challenge-entries/new/",
            {"status": "successful", "challenge": challenge.pk},
        )
        assert refused(response)
        assert Entry.objects.count() == count

    @pytest.mark.parametrize("who", ["lead", "superuser"])
    def test_listing_and_inspect_answer_without_edit_or_delete_links(
        self, client, awarded, superuser, who
    ):
        from home.services import roles_sync

        roles_sync()
        _, entry = awarded
        client.force_login(programme_lead() if who == "lead" else superuser)
        pages = [
            client.get(reverse("challenge-entries:index")),
            client.get(reverse("challenge-entries:inspect", args=[entry.pk])),
        ]
        for response in pages:
            assert response.status_code == 200
            html = response.content.decode()
            assert "/admin/challenge-entries/edit/" not in html
            assert "/admin/challenge-entries/delete/" not in html
            assert "/admin/challenge-entries/new/" not in html
        assert "Pulled out early" in pages[0].content.decode()
        assert "Pulled out early" in pages[1].content.decode()

    def test_conflicts_register_is_read_only_for_superusers(
        self, client, superuser, demo_site
    ):
        client.force_login(superuser)
        response = client.get(reverse("judging-conflicts:index"))
        assert response.status_code == 200
        assert "/admin/judging-conflicts/new/" not in response.content.decode()
        assert refused(client.post("/admin/judging-conflicts/new/", {"kind": "x"}))
