"""Measurements of a pilot's metrics: one at a time, or many from a CSV import (run in
the background above a size)."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from home.csv import csv_unquote_cell

from ..models import (
    ImportJob,
    Measurement,
    Metric,
    Pilot,
)
from ..selectors import CSV_COLUMNS
from .pilots import pilot_check_lead


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def measurement_period_check(
    *, pilot: Pilot, period: datetime.date, today: datetime.date | None = None
) -> None:
    """Refuse a period that cannot have been measured yet or lies outside the pilot.

    A period is a month (stored as its first day). Refused: a month that has not
    started yet (the current month is accepted, as a running or provisional figure);
    a month before the month of the pilot's start date; a month more than
    MEASUREMENT_EVALUATION_WINDOW_MONTHS after the month the pilot ended (its actual
    end date, else its planned end date). Without a start or end date that side is
    open. Raises ValidationError keyed on "period".
    """
    today = today or timezone.localdate()
    month = period.replace(day=1)
    if month > today.replace(day=1):
        raise ValidationError(
            {
                "period": f"{month:%B %Y} has not started yet: a month can be "
                "recorded from its first day"
            }
        )
    if pilot.start_date and month < pilot.start_date.replace(day=1):
        raise ValidationError(
            {
                "period": f"{month:%B %Y} is before the pilot started "
                f"({pilot.start_date:%B %Y})"
            }
        )
    end = pilot.actual_end_date or pilot.planned_end_date
    window = settings.MEASUREMENT_EVALUATION_WINDOW_MONTHS
    if end and month > _add_months(end, window):
        raise ValidationError(
            {
                "period": f"{month:%B %Y} is more than {window} months after the "
                f"pilot ended ({end:%B %Y})"
            }
        )


@transaction.atomic
def measurement_record(
    *,
    metric: Metric,
    period: datetime.date,
    value: Decimal,
    by,
    note: str = "",
    provisional: bool = False,
) -> Measurement:
    """Record one period's value. A period already recorded, or outside what
    `measurement_period_check` allows, is refused."""
    pilot_check_lead(pilot=metric.pilot, user=by)
    measurement_period_check(pilot=metric.pilot, period=period)
    if Measurement.objects.filter(metric=metric, period=period).exists():
        raise ValidationError(
            {"period": f"{metric.name} already has a value for {period:%B %Y}"}
        )
    measurement = Measurement(
        metric=metric,
        period=period,
        value=value,
        note=note,
        provisional=provisional,
        recorded_by=by,
    )
    measurement.full_clean()
    measurement.save()
    log(
        instance=measurement,
        action="wagtail.create",
        user=by,
        data={"pilot": metric.pilot_id},
    )
    return measurement


@transaction.atomic
def measurement_update(*, measurement: Measurement, by) -> Measurement:
    """Save changes to a measurement (the admin's edit screen), under the same rules as
    `measurement_record`."""
    pilot_check_lead(pilot=measurement.metric.pilot, user=by)
    measurement_period_check(pilot=measurement.metric.pilot, period=measurement.period)
    if (
        Measurement.objects.filter(metric=measurement.metric, period=measurement.period)
        .exclude(pk=measurement.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "period": f"{measurement.metric.name} already has a value for "
                f"{measurement.period:%B %Y}"
            }
        )
    measurement.full_clean()
    measurement.save()
    log(
        instance=measurement,
        action="wagtail.edit",
        user=by,
        data={"pilot": measurement.metric.pilot_id},
    )
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, by) -> None:
    """Delete a wrongly recorded measurement (the admin's delete screen): the pilot's
    lead or a programme lead, while the pilot runs. Once a pilot is completed or
    stopped its measurements are its final results, kept as published."""
    pilot = measurement.metric.pilot
    pilot_check_lead(pilot=pilot, user=by)
    if pilot.status in (Pilot.Status.COMPLETED, Pilot.Status.STOPPED):
        raise ValidationError(
            f"“{pilot}” has ended: its measurements are its final results and "
            "cannot be deleted"
        )
    log(
        instance=measurement,
        action="wagtail.delete",
        user=by,
        data={
            "pilot": pilot.pk,
            "period": measurement.period.isoformat(),
            "value": str(measurement.value),
        },
    )
    measurement.delete()


# CSV import ---------------------------------------------------------------------------

IMPORT_IN_BACKGROUND_ABOVE = 500  # rows; bigger files run as a Celery task
PROGRESS_EVERY = 100  # rows between progress writes
TRUE_VALUES = {"yes", "y", "true", "1"}
FALSE_VALUES = {"no", "n", "false", "0", ""}


@dataclass
class ParsedRow:
    line: int
    metric: Metric
    period: datetime.date
    value: Decimal
    note: str
    provisional: bool


def _parse_period(text: str) -> datetime.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# PostgreSQL stores no NUL character in text or JSON, so an uploaded file's NULs are kept
# as U+FFFD, the replacement character, and each line holding one is refused by line.
NUL_STAND_IN = "\ufffd"


def _csv_rows(text: str):
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return reader


def measurements_csv_count_rows(*, csv_text: str) -> int:
    return sum(1 for _ in _csv_rows(csv_text))


def measurements_csv_check(
    *, pilot: Pilot, csv_text: str, on_progress=None
) -> tuple[list[ParsedRow], list[dict]]:
    """Check every row of a measurements CSV for one pilot; return (rows, errors).

    Errors are `{"line": n, "message": ...}`, `n` being the file's line number (the
    header is line 1). Checked: the header, unknown metric, a value that is not a
    number, a bad date, a bad provisional flag, a period given twice in the file or
    already recorded, and a period `measurement_period_check` refuses.
    """
    reader = _csv_rows(csv_text)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        return [], [
            {
                "line": 1,
                "message": "The first line must name the columns "
                + ", ".join(CSV_COLUMNS)
                + f" (missing: {', '.join(missing)})",
            }
        ]
    reader.fieldnames = header
    metrics = {m.name.strip().lower(): m for m in Metric.objects.filter(pilot=pilot)}
    stored = set(
        Measurement.objects.filter(metric__pilot=pilot).values_list(
            "metric_id", "period"
        )
    )
    seen: dict[tuple[int, datetime.date], int] = {}
    rows: list[ParsedRow] = []
    errors: list[dict] = []
    line = 1
    today = timezone.localdate()
    for count, raw in enumerate(reader, start=1):
        # reader.line_num is the last physical line read: right for multi-line cells.
        line = reader.line_num
        row_errors = []
        if any(NUL_STAND_IN in (cell or "") for cell in _cells(raw)):
            row_errors.append(
                "this line holds a null or unreadable character: remove it and "
                "upload the file again"
            )
        # The quote our export puts before a formula-like name or note comes off.
        name = csv_unquote_cell((raw.get("metric") or "").strip())
        metric = metrics.get(name.lower())
        if metric is None:
            row_errors.append(f"unknown metric “{name}” for this pilot")
        period = None
        try:
            period = _parse_period(raw.get("period") or "")
        except ValueError:
            row_errors.append(
                f"“{(raw.get('period') or '').strip()}” is not a date "
                "(use YYYY-MM-DD or YYYY-MM)"
            )
        if period is not None:
            try:
                measurement_period_check(pilot=pilot, period=period, today=today)
            except ValidationError as error:
                row_errors.extend(error.messages)
        value = None
        value_text = (raw.get("value") or "").strip().replace(",", "")
        try:
            value = Decimal(value_text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            row_errors.append(f"“{value_text}” is not a number")
        flag = (raw.get("provisional") or "").strip().lower()
        if flag not in TRUE_VALUES | FALSE_VALUES:
            row_errors.append(f"provisional must be yes or no, not “{flag}”")
        if metric is not None and period is not None:
            key = (metric.pk, period)
            if key in seen:
                row_errors.append(
                    f"{metric.name} for {period:%B %Y} is also on line {seen[key]}"
                )
            elif key in stored:
                row_errors.append(
                    f"{metric.name} already has a value for {period:%B %Y}"
                )
            else:
                seen[key] = line
        if row_errors:
            errors.append({"line": line, "message": "; ".join(row_errors)})
        else:
            rows.append(
                ParsedRow(
                    line=line,
                    metric=metric,
                    period=period,
                    value=value,
                    note=csv_unquote_cell((raw.get("note") or "").strip()),
                    provisional=flag in TRUE_VALUES,
                )
            )
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    if not rows and not errors:
        errors.append({"line": line + 1, "message": "The file has no measurements"})
    return rows, errors


def _cells(raw: dict) -> list[str]:
    """Every cell of a DictReader row, extra cells (its None key) included."""
    cells = []
    for value in raw.values():
        cells.extend(value if isinstance(value, list) else [value])
    return cells


def _job_update(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def measurements_import_run(*, job: ImportJob) -> ImportJob:
    """Check the whole file, then save every row in one transaction or none at all.

    Progress (`rows_done`) is written outside the saving transaction so that a person
    watching the job sees it move.
    """
    job = ImportJob.objects.select_related("pilot", "created_by").get(pk=job.pk)
    if job.is_finished:
        return job
    _job_update(job, status=ImportJob.Status.RUNNING, rows_done=0, errors=[])
    rows, errors = measurements_csv_check(
        pilot=job.pilot,
        csv_text=job.csv_text,
        on_progress=lambda n: _job_update(job, rows_done=n),
    )
    if errors:
        _job_update(
            job,
            status=ImportJob.Status.FAILED,
            errors=errors,
            rows_done=job.rows_total,
            finished_at=timezone.now(),
        )
        return job
    try:
        with transaction.atomic():
            Measurement.objects.bulk_create(
                [
                    Measurement(
                        metric=r.metric,
                        period=r.period,
                        value=r.value,
                        note=r.note,
                        provisional=r.provisional,
                        recorded_by=job.created_by,
                    )
                    for r in rows
                ],
                batch_size=500,
            )
            log(
                instance=job.pilot,
                action="pilots.measurements.import",
                user=job.created_by,
                data={"import_job": job.pk, "rows": len(rows)},
            )
    except IntegrityError:
        _job_update(
            job,
            status=ImportJob.Status.FAILED,
            errors=[
                {
                    "line": 1,
                    "message": "Someone recorded some of these periods while the "
                    "file was being checked; nothing was saved. Upload it again.",
                }
            ],
            finished_at=timezone.now(),
        )
        return job
    _job_update(
        job,
        status=ImportJob.Status.SUCCEEDED,
        rows_done=len(rows),
        rows_saved=len(rows),
        finished_at=timezone.now(),
    )
    return job


def measurements_import_start(
    *, pilot: Pilot, by, csv_text: str, filename: str = ""
) -> ImportJob:
    """Store the file as an ImportJob; run it now, or as a Celery task when it is big."""
    pilot_check_lead(pilot=pilot, user=by)
    csv_text = csv_text.replace("\x00", NUL_STAND_IN)
    job = ImportJob.objects.create(
        pilot=pilot,
        created_by=by,
        filename=filename.replace("\x00", "")[:200],
        csv_text=csv_text,
        rows_total=measurements_csv_count_rows(csv_text=csv_text),
    )
    if job.rows_total > IMPORT_IN_BACKGROUND_ABOVE:
        from ..tasks import measurements_import_task

        transaction.on_commit(lambda: measurements_import_task.delay(job_id=job.pk))
        return job
    return measurements_import_run(job=job)


# Contacts and UK GDPR -----------------------------------------------------------------
