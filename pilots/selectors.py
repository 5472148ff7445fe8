"""Reads for pilots: who may do what, tuned querysets, metric summaries, CSV export."""

from django.db.models import Prefetch, QuerySet

from home.csv import csv_text
from home.models import Organisation

from .metrics import MetricSummary, metric_summary
from .models import Measurement, Metric, Pilot, PilotProposal

CSV_COLUMNS = ["metric", "period", "value", "note", "provisional"]


def organisations_for_proposer(*, user) -> QuerySet[Organisation]:
    """The non-business organisations a person may raise a proposal for."""
    return Organisation.objects.filter(memberships__user=user).exclude(
        org_type=Organisation.Type.BUSINESS
    )


def proposals_for_proposer(*, user) -> QuerySet[PilotProposal]:
    return PilotProposal.objects.filter(created_by=user).select_related(
        "lead_organisation", "pilot"
    )


def proposal_for_proposer(*, user, pk: int) -> PilotProposal | None:
    return (
        PilotProposal.objects.filter(created_by=user, pk=pk)
        .select_related("lead_organisation")
        .prefetch_related("partners__organisation")
        .first()
    )


def pilots_admin_queryset() -> QuerySet[Pilot]:
    """The admin listing: every column's relation joined once, whatever the count."""
    return Pilot.objects.select_related(
        "lead_organisation", "lead_contact", "proposal"
    ).prefetch_related("tagged_items__tag")


def pilots_led_by(*, user) -> QuerySet[Pilot]:
    """Pilots whose lead contact is this signed-in person."""
    if not user.is_authenticated:
        return Pilot.objects.none()
    return Pilot.objects.filter(lead_contact__user=user).select_related(
        "lead_organisation"
    )


def pilot_metric_summaries(*, pilot: Pilot) -> list[MetricSummary]:
    """Each metric of a pilot with its derived values: two queries for any size."""
    metrics = Metric.objects.filter(pilot=pilot).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("period"))
    )
    return [
        metric_summary(metric=metric, measurements=list(metric.measurements.all()))
        for metric in metrics
    ]


def measurements_csv_export(*, pilot: Pilot) -> str:
    """Every measurement of a pilot as CSV, in the same columns the import reads."""
    rows = (
        Measurement.objects.filter(metric__pilot=pilot)
        .select_related("metric")
        .order_by("metric__name", "period")
    )
    return csv_text(
        CSV_COLUMNS,
        (
            [
                m.metric.name,
                m.period.isoformat(),
                format(m.value.normalize(), "f"),
                m.note,
                "yes" if m.provisional else "no",
            ]
            for m in rows
        ),
    )
