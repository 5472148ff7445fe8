"""A pilot's evaluation metrics: defined by the pilot's lead or a programme lead, and
fixed in meaning once values have been recorded against them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.log_actions import log

from ..models import Measurement, Metric
from .pilots import pilot_check_lead

METRIC_FIELDS = [
    "pilot",
    "name",
    "definition",
    "unit",
    "ascending",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "data_source",
    "frequency",
    "owner",
]
# What the recorded values mean: fixed once a metric has measurements.
METRIC_MEANING_FIELDS = ["pilot", "unit", "ascending", "frequency"]
_MEANING_LABELS = {
    "pilot": "pilot",
    "unit": "unit",
    "ascending": "direction (higher or lower is better)",
    "frequency": "collection frequency",
}


def _metric_set_fields(metric: Metric, fields: dict) -> None:
    for name, value in fields.items():
        if name not in METRIC_FIELDS:
            raise ValueError(f"Not a metric field: {name}")
        setattr(metric, name, value)


def _metric_check_name(metric: Metric) -> None:
    """The name is unique per pilot (checked here so the message goes on the field)."""
    taken = Metric.objects.filter(pilot=metric.pilot, name__iexact=metric.name)
    if metric.pk:
        taken = taken.exclude(pk=metric.pk)
    if taken.exists():
        raise ValidationError(
            {"name": f"{metric.pilot} already has a metric called “{metric.name}”"}
        )


@transaction.atomic
def metric_create(*, by, fields: dict) -> Metric:
    """A new metric for `fields["pilot"]`, by that pilot's lead or a programme lead."""
    metric = Metric()
    _metric_set_fields(metric, fields)
    pilot_check_lead(pilot=metric.pilot, user=by, doing="set the pilot's metrics")
    _metric_check_name(metric)
    metric.full_clean()
    metric.save()
    log(
        instance=metric,
        action="wagtail.create",
        user=by,
        data={"pilot": metric.pilot_id},
    )
    return metric


@transaction.atomic
def metric_update(*, metric: Metric, by, fields: dict) -> Metric:
    """Change a metric. Once it has measurements its pilot, unit, direction and
    frequency stay as they are: changing them would change what the recorded values
    mean (add a new metric instead)."""
    stored = (
        Metric.objects.select_for_update().select_related("pilot").get(pk=metric.pk)
    )
    pilot_check_lead(pilot=stored.pilot, user=by, doing="change the pilot's metrics")
    changed = [n for n, v in fields.items() if getattr(stored, n) != v]
    measured = Measurement.objects.filter(metric=stored).count()
    if measured:
        errors = {
            name: (
                f"This metric has {measured} measurement"
                f"{'' if measured == 1 else 's'}: changing its {_MEANING_LABELS[name]} "
                "would change what they mean. Add a new metric instead."
            )
            for name in METRIC_MEANING_FIELDS
            if name in changed
        }
        if errors:
            raise ValidationError(errors)
    _metric_set_fields(stored, fields)
    if "pilot" in changed:
        pilot_check_lead(pilot=stored.pilot, user=by, doing="set the pilot's metrics")
    _metric_check_name(stored)
    stored.full_clean()
    stored.save()
    log(
        instance=stored,
        action="wagtail.edit",
        user=by,
        data={"pilot": stored.pilot_id, "changed": changed},
    )
    return stored


@transaction.atomic
def metric_delete(*, metric: Metric, by) -> None:
    """Delete a metric set up by mistake; one with measurements stays on the record."""
    metric = (
        Metric.objects.select_for_update().select_related("pilot").get(pk=metric.pk)
    )
    pilot_check_lead(pilot=metric.pilot, user=by, doing="delete the pilot's metrics")
    measured = Measurement.objects.filter(metric=metric).count()
    if measured:
        raise ValidationError(
            f"“{metric.name}” has {measured} measurement"
            f"{'' if measured == 1 else 's'}: a metric with recorded values stays on "
            "the record, so the pilot's results can still be read."
        )
    log(
        instance=metric,
        action="wagtail.delete",
        user=by,
        data={"pilot": metric.pilot_id},
        deleted=True,
    )
    metric.delete()
