"""UK GDPR: export everything held about a contact; erase them, keep the pilots."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.search.backends import get_search_backend

from pilots.models import Contact, Pilot
from pilots.services.contacts import (
    ERASED_NAME,
    contact_create,
    contact_erase,
    contact_export,
)
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    PilotUserFactory,
    programme_lead,
)

pytestmark = pytest.mark.django_db

NAME = "Zebedee Quartermaine"
EMAIL = "zebedee.q@wmfire.example"
PHONE = "0121 496 0777"
JOB = "Head of Prevention and Protection"


@pytest.fixture
def lead():
    return programme_lead(email="gdpr.lead@impactlab.example")


@pytest.fixture
def person(lead):
    account = PilotUserFactory(email="zq.account@wmfire.example")
    contact = contact_create(
        by=lead,
        name=NAME,
        job_title=JOB,
        email=EMAIL,
        phone=PHONE,
        is_public=True,
        lawful_basis=Contact.LawfulBasis.CONSENT,
        organisation=None,
        user=account,
    )
    pilot = PilotFactory(title="Safe and Well visits", lead_contact=contact)
    metric = MetricFactory(pilot=pilot, name="Visits completed", owner=contact)
    MeasurementFactory(metric=metric)
    # An audit entry elsewhere that names the person in its text.
    from wagtail.log_actions import log

    log(
        instance=pilot,
        action="wagtail.edit",
        user=lead,
        data={"note": f"Lead changed to {NAME} <{EMAIL}>"},
    )
    return contact


def _every_text_in_the_database() -> str:
    """Every text value in every table, for the 'nothing remains anywhere' check."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                chunks.extend(str(v) for v in row if isinstance(v, str | bytes))
    return "\n".join(chunks)


class ContactExportTests:
    def test_export_holds_everything_about_the_person(self, person):
        data = contact_export(contact=person)
        json.dumps(data)  # JSON-serialisable as it stands
        held = data["contact"]
        assert held["name"] == NAME
        assert held["email"] == EMAIL
        assert held["phone"] == PHONE
        assert held["job_title"] == JOB
        assert held["public"] is True
        assert held["lawful_basis"] == "Consent"
        assert held["lawful_basis_recorded_at"]
        assert held["account_email"] == "zq.account@wmfire.example"
        assert [p["title"] for p in data["pilots_led"]] == ["Safe and Well visits"]
        assert [m["name"] for m in data["metrics_owned"]] == ["Visits completed"]
        actions = [e["action"] for e in data["audit_log"]]
        assert "wagtail.create" in actions  # the contact's own record
        assert "wagtail.edit" in actions  # the pilot entry that names them

    def test_every_personal_field_is_in_the_export(self, person):
        held = contact_export(contact=person)["contact"]
        for field in Contact.PERSONAL_FIELDS:
            assert held[field] == getattr(person, field)


class ContactEraseTests:
    def test_no_personal_field_remains_anywhere(self, person, lead):
        assert NAME in _every_text_in_the_database()  # the check can see it
        contact_erase(contact=person, by=lead)
        everything = _every_text_in_the_database()
        for secret in (NAME, EMAIL, PHONE, JOB, "Zebedee", "Quartermaine"):
            assert secret not in everything, secret
        person.refresh_from_db()
        assert person.name == ERASED_NAME
        assert person.user is None
        assert person.erased_at is not None
        # The lawful basis record stays: it shows why the data was held.
        assert person.lawful_basis == Contact.LawfulBasis.CONSENT

    def test_search_no_longer_finds_the_person(self, person, lead):
        backend = get_search_backend()
        assert list(backend.search("Quartermaine", Contact)) == [person]
        contact_erase(contact=person, by=lead)
        assert list(backend.search("Quartermaine", Contact)) == []
        assert list(backend.search("zebedee", Contact)) == []

    def test_audit_log_text_is_scrubbed_but_kept(self, person, lead):
        count = ModelLogEntry.objects.count()
        contact_erase(contact=person, by=lead)
        assert ModelLogEntry.objects.count() == count + 1  # the erasure itself
        for entry in ModelLogEntry.objects.all():
            text = entry.label + json.dumps(entry.data)
            assert NAME not in text and EMAIL not in text
        edit = ModelLogEntry.objects.get(action="wagtail.edit")
        assert "Erased contact" in edit.data["note"]

    def test_pilot_history_stays_and_pages_still_render(self, person, lead, client):
        pilot = Pilot.objects.get()
        contact_erase(contact=person, by=lead)
        pilot.refresh_from_db()
        assert pilot.lead_contact == person
        assert pilot.metrics.get().measurements.count() == 1
        client.force_login(lead)
        for url in (
            reverse("pilots_pilot:index"),
            reverse("pilots_pilot:inspect", args=[pilot.pk]),
            reverse("pilots_pilot:edit", args=[pilot.pk]),
            reverse("pilots_contact:inspect", args=[person.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert NAME.encode() not in response.content
        assert (
            b"Safe and Well visits" in client.get(reverse("pilots_pilot:index")).content
        )

    def test_erasure_through_the_admin(self, person, lead, client):
        client.force_login(lead)
        export = client.get(reverse("pilots_contact:export", args=[person.pk]))
        assert export.status_code == 200
        assert json.loads(export.content)["contact"]["email"] == EMAIL
        assert (
            client.get(reverse("pilots_contact:erase", args=[person.pk])).status_code
            == 200
        )
        client.post(reverse("pilots_contact:erase", args=[person.pk]))
        person.refresh_from_db()
        assert person.erased_at is not None

    def test_other_contacts_are_untouched(self, person, lead):
        other = ContactFactory(name="Someone Else")
        contact_erase(contact=person, by=lead)
        other.refresh_from_db()
        assert other.name == "Someone Else"
