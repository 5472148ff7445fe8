"""CSV import and export of measurements: every bad row named by line, nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from pilots.models import ImportJob, Measurement
from pilots.selectors import measurements_csv_export
from pilots.services.measurements import (
    IMPORT_IN_BACKGROUND_ABOVE,
    measurements_import_start,
)
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    PilotUserFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "metric,period,value,note,provisional\n"


@pytest.fixture
def pilot_and_lead():
    lead = PilotUserFactory(email="lead.officer@wmpolice.example")
    pilot = PilotFactory(lead_contact=ContactFactory(user=lead))
    MetricFactory(pilot=pilot, name="Repeat calls")
    MetricFactory(pilot=pilot, name="Days delayed", unit="days")
    return pilot, lead


def _import(pilot, lead, body: str) -> ImportJob:
    return measurements_import_start(
        pilot=pilot, by=lead, csv_text=HEADER + body, filename="m.csv"
    )


class CsvImportTests:
    def test_good_file_saves_every_row(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        job = _import(
            pilot,
            lead,
            "Repeat calls,2025-01,118,,no\n"
            "Repeat calls,2025-02-01,111.5,Winter peak,yes\n"
            "days delayed,2025-01,14,,\n",
        )
        assert job.status == ImportJob.Status.SUCCEEDED, job.errors
        assert job.rows_saved == 3
        saved = Measurement.objects.get(period=datetime.date(2025, 2, 1))
        assert saved.value == Decimal("111.5")
        assert saved.provisional and saved.note == "Winter peak"
        assert saved.recorded_by == lead

    @pytest.mark.parametrize(
        ("bad_row", "message"),
        [
            ("Unknown thing,2025-03,10,,no", "unknown metric"),
            ("Repeat calls,2025-03,ten,,no", "is not a number"),
            ("Repeat calls,2025-03,NaN,,no", "is not a number"),
            ("Repeat calls,March 2025,10,,no", "is not a date"),
            ("Repeat calls,2025-13-01,10,,no", "is not a date"),
            ("Repeat calls,2025-01,10,,no", "is also on line 2"),
            ("Repeat calls,2024-12,10,,no", "already has a value"),
            ("Repeat calls,2025-03,10,,maybe", "provisional must be yes or no"),
        ],
    )
    def test_each_kind_of_bad_row_is_named_by_line_and_nothing_is_saved(
        self, pilot_and_lead, bad_row, message
    ):
        pilot, lead = pilot_and_lead
        metric = pilot.metrics.get(name="Repeat calls")
        MeasurementFactory(metric=metric, period=datetime.date(2024, 12, 1))
        before = Measurement.objects.count()
        job = _import(
            pilot,
            lead,
            "Repeat calls,2025-01,118,,no\n"  # line 2, good
            "Days delayed,2025-01,14,,no\n"  # line 3, good
            f"{bad_row}\n",  # line 4
        )
        assert job.status == ImportJob.Status.FAILED
        assert [e["line"] for e in job.errors] == [4]
        assert message in job.errors[0]["message"]
        assert Measurement.objects.count() == before

    def test_several_bad_rows_are_all_reported(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        job = _import(
            pilot,
            lead,
            "Nope,2025-01,1,,\nRepeat calls,2025-01,1,,\nRepeat calls,bad,x,,\n",
        )
        assert [e["line"] for e in job.errors] == [2, 4]
        assert "not a date" in job.errors[1]["message"]
        assert "not a number" in job.errors[1]["message"]
        assert not Measurement.objects.exists()

    def test_line_numbers_count_multi_line_notes(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        job = _import(
            pilot,
            lead,
            'Repeat calls,2025-01,1,"two\nlines",\nRepeat calls,2025-02,x,,\n',
        )
        assert [e["line"] for e in job.errors] == [4]

    def test_a_file_without_the_columns_is_refused(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        job = measurements_import_start(
            pilot=pilot, by=lead, csv_text="name,when,amount\nA,2025-01,1\n"
        )
        assert job.errors[0]["line"] == 1
        assert "missing: metric, period, value" in job.errors[0]["message"]

    def test_metric_of_another_pilot_is_unknown(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        MetricFactory(name="Fires attended")  # another pilot's metric
        job = _import(pilot, lead, "Fires attended,2025-01,3,,\n")
        assert "unknown metric" in job.errors[0]["message"]

    def test_someone_elses_pilot_is_refused(self, pilot_and_lead):
        pilot, _ = pilot_and_lead
        stranger = PilotUserFactory(email="stranger@council.example")
        with pytest.raises(PermissionDenied):
            _import(pilot, stranger, "Repeat calls,2025-01,1,,\n")
        assert not ImportJob.objects.exists()

    def test_export_round_trips_through_import(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        _import(
            pilot,
            lead,
            'Repeat calls,2025-01,118,"Note, with comma",no\nDays delayed,2025-02,9.5,,yes\n',
        )
        exported = measurements_csv_export(pilot=pilot)
        assert exported.splitlines()[0] == HEADER.strip()
        assert "Days delayed,2025-02-01,9.5,,yes" in exported
        Measurement.objects.all().delete()
        job = measurements_import_start(pilot=pilot, by=lead, csv_text=exported)
        assert job.status == ImportJob.Status.SUCCEEDED
        assert Measurement.objects.get(note="Note, with comma").value == 118


def _without_dates(pilot) -> None:
    pilot.start_date = pilot.planned_end_date = pilot.actual_end_date = None
    pilot.save()


@pytest.mark.django_db(transaction=True)
class LargeCsvImportTests:
    def test_big_file_runs_as_a_task_and_records_progress(self, pilot_and_lead):
        """Above the threshold the import is queued on commit (eager Celery in tests)."""
        pilot, lead = pilot_and_lead
        _without_dates(pilot)  # 600 past months need a pilot open at both ends
        start = datetime.date(1970, 1, 1)
        rows = []
        for i in range(IMPORT_IN_BACKGROUND_ABOVE + 100):
            month = start.month - 1 + i
            period = datetime.date(start.year + month // 12, month % 12 + 1, 1)
            rows.append(f"Repeat calls,{period:%Y-%m},{100 + i % 7},,no\n")
        job = _import(pilot, lead, "".join(rows))
        job.refresh_from_db()
        assert job.rows_total == 600
        assert job.status == ImportJob.Status.SUCCEEDED
        assert job.rows_done == 600
        assert Measurement.objects.count() == 600

    def test_big_bad_file_saves_nothing(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        _without_dates(pilot)
        rows = [
            f"Repeat calls,{1900 + i // 12}-{i % 12 + 1:02},{i},,no\n"
            for i in range(IMPORT_IN_BACKGROUND_ABOVE + 1)
        ]
        rows[-1] = "Repeat calls,1900-01,1,,no\n"  # duplicate of the first row
        job = _import(pilot, lead, "".join(rows))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED
        assert job.errors == [
            {
                "line": 502,
                "message": "Repeat calls for January 1900 is also on line 2",
            }
        ]
        assert not Measurement.objects.exists()


class CsvNulByteTests:
    """PostgreSQL refuses NUL in text and JSON: a file holding one must give a row
    error, not a 500 (run this on PostgreSQL)."""

    @pytest.mark.parametrize(
        "bad_row",
        [
            "Repeat calls,2025-03,10,Winter\x00peak,no",
            "Repeat\x00calls,2025-03,10,,no",
            "Repeat calls,2025-03,1\x000,,no",
            "Repeat calls,2025-03,10,,no,\x00",
        ],
    )
    def test_a_nul_is_a_row_error_and_nothing_is_saved(self, pilot_and_lead, bad_row):
        pilot, lead = pilot_and_lead
        job = _import(pilot, lead, "Repeat calls,2025-01,118,,no\n" + bad_row + "\n")
        job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED
        assert [e["line"] for e in job.errors] == [3]
        assert "null or unreadable character" in job.errors[0]["message"]
        assert "\x00" not in job.csv_text
        assert not Measurement.objects.filter(metric__pilot=pilot).exists()

    def test_nul_in_the_file_name_is_stored_without_it(self, pilot_and_lead):
        pilot, lead = pilot_and_lead
        job = measurements_import_start(
            pilot=pilot,
            by=lead,
            csv_text=HEADER + "Repeat calls,2025-01,118,,no\n",
            filename="m\x00.csv",
        )
        assert job.status == ImportJob.Status.SUCCEEDED, job.errors
