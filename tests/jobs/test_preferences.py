"""The signed-in notification preferences page, /notifications/preferences/."""

import pytest
from django.core import mail
from django.urls import reverse

from home.models import NotificationKind, NotificationPreference, OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/notifications/preferences/"
FOUNDER = "founder@brightpath.example"


class NotificationPreferencesPageTests:
    def test_url(self):
        assert reverse("notification_preferences") == URL

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, demo_site):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign_in") + "?next=")
        assert client.post(URL, {"frequency": "immediate"}).status_code == 302
        assert not NotificationPreference.objects.exists()

    def test_defaults_every_kind_on_sent_straight_away(self, client, login, demo_site):
        login(FOUNDER)
        response = client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="immediate" checked' in html
        for kind in NotificationKind.values:
            assert f'value="{kind}" checked' in html

    def test_saving_stores_choices_confirms_by_email_and_shows_them(
        self, client, login, demo_site
    ):
        user = login(FOUNDER)
        response = client.post(
            URL,
            {"frequency": "daily_digest", "kinds": ["feedback", "entry_receipts"]},
        )
        assert response.status_code == 302
        preference = NotificationPreference.objects.get(user=user)
        assert preference.frequency == "daily_digest"
        assert sorted(preference.muted_kinds) == sorted(
            ["challenge_updates", "clarifications", "pilot_updates"]
        )
        (confirmation,) = mail.outbox
        assert confirmation.to == [FOUNDER]
        assert "Once a day" in confirmation.body
        page = client.get(URL).content.decode()
        assert "Your notification settings have been saved" in page
        assert 'value="daily_digest" checked' in page
        assert 'value="feedback" checked' in page
        assert 'value="pilot_updates" checked' not in page

    def test_every_kind_can_be_turned_off(self, client, login, demo_site):
        user = login(FOUNDER)
        client.post(URL, {"frequency": "immediate"})
        preference = NotificationPreference.objects.get(user=user)
        assert sorted(preference.muted_kinds) == sorted(NotificationKind.values)

    def test_missing_frequency_shows_the_error_beside_the_field_and_saves_nothing(
        self, client, login, demo_site
    ):
        login(FOUNDER)
        response = client.post(URL, {"kinds": ["feedback"]})
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: Email notifications" in html
        assert "govuk-error-summary" in html
        assert 'href="#id_frequency-0"' in html
        assert 'id="id_frequency-error"' in html
        assert "Select how often you want to get emails" in html
        # What was ticked is kept.
        assert 'value="feedback" checked' in html
        assert 'value="pilot_updates" checked' not in html
        assert not NotificationPreference.objects.exists()
        assert not OutboundEmail.objects.exists()

    def test_an_unknown_kind_is_an_error_and_saves_nothing(
        self, client, login, demo_site
    ):
        login(FOUNDER)
        response = client.post(URL, {"frequency": "immediate", "kinds": ["spam"]})
        assert response.status_code == 200
        assert 'id="id_kinds-error"' in response.content.decode()
        assert not NotificationPreference.objects.exists()

    def test_each_person_changes_only_their_own(self, client, login, demo_site):
        officer = login("officer@sandwell.example")
        client.post(URL, {"frequency": "daily_digest"})
        assert NotificationPreference.objects.get().user == officer
