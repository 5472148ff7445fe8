"""Which months a measurement may be recorded for: none not yet started, none before the
pilot started, none beyond the evaluation window after it ended; the same refusal from
the service, the pilot lead's form, the CSV import and the admin."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import get_resolver, reverse
from freezegun import freeze_time
from wagtail.models import ModelLogEntry

from pilots.models import ImportJob, Measurement, Pilot
from pilots.services.measurements import (
    measurement_record,
    measurements_import_start,
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

TODAY = "2026-11-15 12:00:00"


@pytest.fixture(autouse=True)
def urls_loaded_before_the_clock_stops():
    """The URLconf imports the open-data API, whose pydantic schemas cannot be built
    while freezegun has replaced datetime.date: load it before the clock is frozen."""
    assert get_resolver().url_patterns


@pytest.fixture
def pilot_and_lead():
    lead = PilotUserFactory(email="lead.officer@wmfire.example")
    pilot = PilotFactory(
        lead_contact=ContactFactory(user=lead),
        start_date=datetime.date(2025, 1, 10),
        planned_end_date=datetime.date(2026, 12, 31),
    )
    MetricFactory(pilot=pilot, name="Visits")
    return pilot, lead


def _record(pilot, lead, period):
    return measurement_record(
        metric=pilot.metrics.get(),
        period=period,
        value=Decimal("100"),
        by=lead,
    )


@freeze_time(TODAY)
class MeasurementRuleTests:
    def test_future_month_refused_by_the_service(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        with pytest.raises(ValidationError) as caught:
            _record(pilot, lead, datetime.date(2026, 12, 1))
        assert (
            "December 2026 has not started yet"
            in caught.value.message_dict["period"][0]
        )
        assert not Measurement.objects.exists()

    def test_past_and_current_months_accepted(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        _record(pilot, lead, datetime.date(2025, 1, 1))  # the start date's month
        _record(pilot, lead, datetime.date(2026, 11, 1))  # the current month
        assert Measurement.objects.count() == 2

    def test_month_before_the_start_refused(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        with pytest.raises(ValidationError) as caught:
            _record(pilot, lead, datetime.date(2024, 12, 1))
        assert "before the pilot started (January 2025)" in caught.value.messages[0]

    def test_month_beyond_the_evaluation_window_refused(self, pilot_and_lead, settings):
        pilot, lead = pilot_and_lead
        settings.MEASUREMENT_EVALUATION_WINDOW_MONTHS = 12
        pilot.start_date = datetime.date(2023, 1, 1)
        pilot.planned_end_date = datetime.date(2025, 12, 31)
        pilot.actual_end_date = datetime.date(2024, 6, 30)  # ended early: this counts
        pilot.save()
        _record(pilot, lead, datetime.date(2025, 6, 1))  # 12 months after: accepted
        with pytest.raises(ValidationError) as caught:
            _record(pilot, lead, datetime.date(2025, 7, 1))
        assert (
            "more than 12 months after the pilot ended (June 2024)"
            in (caught.value.messages[0])
        )
        settings.MEASUREMENT_EVALUATION_WINDOW_MONTHS = 13
        _record(pilot, lead, datetime.date(2025, 7, 1))
        assert Measurement.objects.count() == 2

    def test_future_month_refused_beside_the_field_on_the_lead_page(
        self, client, pilot_and_lead
    ):
        pilot, lead = pilot_and_lead
        client.force_login(lead)
        response = client.post(
            reverse("pilots:measurements", args=[pilot.pk]),
            {
                "form": "measurement",
                "metric": pilot.metrics.get().pk,
                "month": "1",
                "year": "2027",
                "value": "100",
            },
        )
        assert response.status_code == 200
        assert b'href="#id_month"' in response.content
        assert "January 2027 has not started yet" in response.content.decode()
        assert b'value="2027"' in response.content  # what was typed is kept
        assert not Measurement.objects.exists()

    def test_future_month_in_a_csv_names_the_row_and_imports_nothing(
        self, pilot_and_lead
    ):
        pilot, lead = pilot_and_lead
        job = measurements_import_start(
            pilot=pilot,
            by=lead,
            csv_text="metric,period,value,note,provisional\n"
            "Visits,2026-10,90,,no\n"
            "Visits,2026-12,100,,no\n",
            filename="m.csv",
        )
        assert job.status == ImportJob.Status.FAILED
        assert [e["line"] for e in job.errors] == [3]
        assert "December 2026 has not started yet" in job.errors[0]["message"]
        assert not Measurement.objects.exists()

    def test_future_month_refused_by_the_admin_create_and_edit_screens(self, client):
        client.force_login(programme_lead(email="priya@impactlab.example"))
        metric = MetricFactory(pilot=PilotFactory(), name="Visits")
        data = {
            "metric": metric.pk,
            "period": "2027-02-01",
            "value": "100",
            "note": "",
        }
        response = client.post(reverse("pilots_measurement:add"), data)
        assert response.status_code == 200
        assert "February 2027 has not started yet" in response.content.decode()
        assert not Measurement.objects.exists()

        response = client.post(
            reverse("pilots_measurement:add"), {**data, "period": "2026-10-01"}
        )
        assert response.status_code == 302
        assert Measurement.objects.get().period == datetime.date(2026, 10, 1)

        existing = MeasurementFactory(metric=metric, period=datetime.date(2026, 9, 1))
        response = client.post(
            reverse("pilots_measurement:edit", args=[existing.pk]), data
        )
        assert response.status_code == 200
        assert "February 2027 has not started yet" in response.content.decode()
        existing.refresh_from_db()
        assert existing.period == datetime.date(2026, 9, 1)


class MeasurementDeleteTests:
    """The admin's delete screen deletes through `measurement_delete`: the pilot's
    results are kept once it has ended, and only its lead or a programme lead may."""

    def _measurement(self, status=Pilot.Status.RUNNING):
        pilot = PilotFactory(status=status)
        metric = MetricFactory(pilot=pilot, name="Visits")
        return MeasurementFactory(metric=metric, period=datetime.date(2026, 9, 1))

    def test_a_programme_lead_deletes_a_running_pilots_measurement(self, client):
        client.force_login(programme_lead(email="priya@impactlab.example"))
        measurement = self._measurement()
        url = reverse("pilots_measurement:delete", args=[measurement.pk])
        response = client.post(url)
        assert response.status_code == 302
        assert not Measurement.objects.filter(pk=measurement.pk).exists()
        entry = ModelLogEntry.objects.get(action="wagtail.delete")
        assert entry.data["period"] == "2026-09-01"

    def test_an_ended_pilots_measurement_is_kept(self, client):
        client.force_login(programme_lead(email="priya@impactlab.example"))
        measurement = self._measurement(status=Pilot.Status.COMPLETED)
        url = reverse("pilots_measurement:delete", args=[measurement.pk])
        response = client.post(url, follow=True)
        assert "its final results and cannot be deleted" in response.content.decode()
        assert Measurement.objects.filter(pk=measurement.pk).exists()

    def test_staff_who_lead_no_pilot_cannot_delete(self, client):
        staff = PilotUserFactory(email="clerk@impactlab.example", is_staff=True)
        staff.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="delete_measurement"),
            Permission.objects.get(codename="view_measurement"),
        )
        client.force_login(staff)
        measurement = self._measurement()
        client.post(reverse("pilots_measurement:delete", args=[measurement.pk]))
        assert Measurement.objects.filter(pk=measurement.pk).exists()
