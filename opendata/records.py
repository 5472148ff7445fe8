"""Published records as plain dicts: the one place that decides which fields leave.

The API schemas (`opendata.api`) and the CSV downloads (`opendata.views`) both build
from these functions, so a field is published in both or in neither.
"""

from decimal import Decimal

from home.models import LocalAuthorityArea, Organisation
from pilots.metrics import MetricSummary
from pilots.models import Contact, Measurement, Metric, Pilot

from .selectors import period_end, public_contact_or_none


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as exact text without trailing zeros ("120", "12.5"), or None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def money_text(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def area_label(value: str) -> str:
    return LocalAuthorityArea(value).label if value else ""


def organisation_ref(org: Organisation) -> dict:
    return {"id": org.pk, "slug": org.slug, "name": org.name}


def organisation_record(org: Organisation) -> dict:
    return {
        "id": org.pk,
        "slug": org.slug,
        "name": org.name,
        "org_type": org.org_type,
        "org_type_label": org.get_org_type_display(),
        "org_id": org.org_id,
        "companies_house_number": org.companies_house_number,
        "website": org.website,
        "local_authority_area": org.local_authority_area,
        "local_authority_area_label": area_label(org.local_authority_area),
        "size": org.size,
        "description": org.description,
    }


def contact_record(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "name": contact.name,
        "job_title": contact.job_title,
        "organisation": organisation_ref(contact.organisation)
        if contact.organisation
        else None,
    }


def pilot_record(pilot: Pilot) -> dict:
    lead_contact = public_contact_or_none(pilot.lead_contact)
    return {
        "id": pilot.pk,
        "title": pilot.title,
        "summary": pilot.summary,
        "status": pilot.status,
        "status_label": pilot.get_status_display(),
        "themes": sorted(item.tag.name for item in pilot.tagged_items.all()),
        "lead_organisation": organisation_ref(pilot.lead_organisation),
        "lead_contact": contact_record(lead_contact) if lead_contact else None,
        "partners": [
            {
                "organisation": organisation_ref(partner.organisation),
                "role": partner.role,
                "role_label": partner.get_role_display(),
            }
            for partner in pilot.partners.all()
        ],
        "adopters": [organisation_ref(org) for org in pilot.adopters.all()],
        "start_date": pilot.start_date,
        "planned_end_date": pilot.planned_end_date,
        "actual_end_date": pilot.actual_end_date,
        "currency": "GBP",
        "approved_budget": money_text(pilot.approved_budget),
        "spend_to_date": money_text(pilot.spend_to_date),
        "evidence_level": pilot.evidence_level,
        "evidence_level_label": pilot.get_evidence_level_display()
        if pilot.evidence_level
        else "",
        "evidence_justification": pilot.evidence_justification,
        "evidence_next_level": pilot.evidence_next_level,
        "end_decision": pilot.end_decision,
        "end_decision_reasons": pilot.end_decision_reasons,
    }


def measurement_record(measurement: Measurement, *, metric: Metric) -> dict:
    return {
        "period": measurement.period,
        "period_end": period_end(start=measurement.period, frequency=metric.frequency),
        "value": decimal_text(measurement.value),
        "provisional": measurement.provisional,
    }


def measurement_row(measurement: Measurement) -> dict:
    metric = measurement.metric
    return {
        "id": measurement.pk,
        "pilot_id": metric.pilot_id,
        "pilot_title": metric.pilot.title,
        "metric_id": metric.pk,
        "metric_name": metric.name,
        "unit": metric.unit,
        **measurement_record(measurement, metric=metric),
    }


def metric_record(summary: MetricSummary) -> dict:
    metric = summary.metric
    return {
        "id": metric.pk,
        "pilot_id": metric.pilot_id,
        "pilot_title": metric.pilot.title,
        "name": metric.name,
        "definition": metric.definition,
        "unit": metric.unit,
        "ascending": metric.ascending,
        "frequency": metric.frequency,
        "data_source": metric.data_source,
        "baseline_value": decimal_text(metric.baseline_value),
        "baseline_date": metric.baseline_date,
        "target_value": decimal_text(metric.target_value),
        "target_date": metric.target_date,
        "latest_value": decimal_text(summary.latest_value),
        "latest_period": summary.latest_period,
        "change_from_baseline": decimal_text(summary.change.absolute)
        if summary.change
        else None,
        "change_percent": decimal_text(summary.change.percent.quantize(Decimal("0.1")))
        if summary.change and summary.change.percent is not None
        else None,
        "progress": decimal_text(summary.progress.raw.quantize(Decimal("0.001")))
        if summary.progress
        else None,
        "progress_percent": summary.progress.percent if summary.progress else None,
        "on_track": summary.on_track,
        "measurements": [
            measurement_record(m, metric=metric) for m in summary.measurements
        ],
    }
