"""IATI Activity Standard 2.03 XML: one iati-activity per published pilot.

https://iatistandard.org/en/iati-standard/203/activity-standard/ . The XSD fixes the
order of an activity's elements; they are written here in that order:

iati-identifier, reporting-org, title, description, participating-org, activity-status,
activity-date, recipient-country, location, sector, budget, transaction, result.

- The reporting organisation is `settings.IATI_REPORTING_ORG_REF` (an org-id.guide
  identifier, the combined authority's by default) of type
  `settings.IATI_REPORTING_ORG_TYPE`; every iati-identifier is `<ref>-pilot-<pilot id>`.
- Participating organisations: the reporting organisation funds (role 1); the lead
  organisation implements (4); partners by their role (co-funder 1, challenge holder 2
  accountable, the others 4). An organisation without an org-id.guide identifier is
  named without a `ref` (360Giving's `360G-` identifiers are not org-ids).
- activity-status from the pilot's status (running 2 implementation, evaluating 3
  finalisation, completed 4 closed, stopped 5 cancelled); activity-date 1 planned start,
  2 actual start (once begun), 3 planned end, 4 actual end.
- recipient-country GB, and a location for the lead organisation's area (reach 2, the
  intended beneficiaries; class 1, an administrative region), its ONS code as `ref`.
- sector: the pilot's themes in vocabulary 99 (the reporting organisation's own), with
  the guide page as the vocabulary URI, percentages splitting 100 between them.
- A budget (original, committed) only when the pilot's planned dates are at most a year
  apart: IATI budgets cover a year at most, and we hold no yearly breakdown. The approved
  budget is always an outgoing commitment (transaction type 2) on the award date; the
  spend to date, when there is any, an expenditure (type 4) on the day it was recorded.
- Results: as the JSON results (standards.iati_results), in 2.03 elements.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from home.models import Organisation
from pilots.models import PartnerRole, Pilot

from . import selectors, standards
from .records import decimal_text

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ACTIVITY_STATUS = {
    Pilot.Status.SETTING_UP: "1",
    Pilot.Status.RUNNING: "2",
    Pilot.Status.EVALUATING: "3",
    Pilot.Status.COMPLETED: "4",
    Pilot.Status.STOPPED: "5",
}
# IATI OrganisationType codes.
ORGANISATION_TYPE = {
    Organisation.Type.COUNCIL: "11",  # Local Government
    Organisation.Type.COMBINED_AUTHORITY: "11",
    Organisation.Type.POLICE: "15",  # Other Public Sector
    Organisation.Type.FIRE: "15",
    Organisation.Type.NHS: "15",
    Organisation.Type.UNIVERSITY: "80",  # Academic, Training and Research
    Organisation.Type.VOLUNTARY: "22",  # National NGO
    Organisation.Type.BUSINESS: "70",  # Private Sector
}
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "1", "2", "4"
PARTNER_ROLE = {
    PartnerRole.CO_FUNDER: ROLE_FUNDING,
    PartnerRole.CHALLENGE_HOLDER: ROLE_ACCOUNTABLE,
}


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(
        parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _narrative(parent, tag: str, text: str, **attrs) -> etree._Element:
    element = _sub(parent, tag, **attrs)
    _sub(element, "narrative", text)
    return element


def _org_attrs(org: Organisation) -> dict:
    attrs = {}
    ref = standards.org_id(org)
    if ref:
        attrs["ref"] = ref
    if org.org_type in ORGANISATION_TYPE:
        attrs["type"] = ORGANISATION_TYPE[org.org_type]
    return attrs


def _award_date(pilot: Pilot) -> datetime.date:
    return (
        (
            pilot.proposal.decided_at.date()
            if pilot.proposal and pilot.proposal.decided_at
            else None
        )
        or pilot.start_date
        or pilot.created_at.date()
    )


def _sector_percentages(count: int) -> list[Decimal]:
    share = (Decimal(100) / count).quantize(Decimal("0.01"))
    return [share] * (count - 1) + [Decimal(100) - share * (count - 1)]


def _activity(root, pilot: Pilot, metrics: list, *, guide_url: str, today) -> None:
    reporter = standards.iati_reporting_org()
    activity = _sub(
        root,
        "iati-activity",
        last_updated_datetime=pilot.updated_at.isoformat(),
        default_currency="GBP",
        hierarchy="1",
    )
    activity.set(XML_LANG, "en")
    _sub(activity, "iati-identifier", standards.iati_activity_identifier(pilot.pk))
    _narrative(
        activity,
        "reporting-org",
        reporter["name"],
        ref=reporter["ref"],
        type=reporter["type"],
    )
    _narrative(activity, "title", pilot.title)
    _narrative(activity, "description", pilot.summary or pilot.title, type="1")

    _narrative(
        activity,
        "participating-org",
        reporter["name"],
        ref=reporter["ref"],
        type=reporter["type"],
        role=ROLE_FUNDING,
    )
    lead = pilot.lead_organisation
    _narrative(
        activity,
        "participating-org",
        lead.name,
        **_org_attrs(lead),
        role=ROLE_IMPLEMENTING,
    )
    for partner in pilot.partners.all():
        _narrative(
            activity,
            "participating-org",
            partner.organisation.name,
            **_org_attrs(partner.organisation),
            role=PARTNER_ROLE.get(partner.role, ROLE_IMPLEMENTING),
        )

    _sub(activity, "activity-status", code=ACTIVITY_STATUS[pilot.status])
    planned_start = pilot.start_date or pilot.created_at.date()
    _sub(activity, "activity-date", type="1", iso_date=planned_start.isoformat())
    if pilot.start_date and pilot.start_date <= today:
        _sub(activity, "activity-date", type="2", iso_date=pilot.start_date.isoformat())
    if pilot.planned_end_date:
        _sub(
            activity,
            "activity-date",
            type="3",
            iso_date=pilot.planned_end_date.isoformat(),
        )
    if pilot.actual_end_date and pilot.actual_end_date <= today:
        _sub(
            activity,
            "activity-date",
            type="4",
            iso_date=pilot.actual_end_date.isoformat(),
        )

    _sub(activity, "recipient-country", code="GB")
    if lead.local_authority_area:
        area = standards.LocalAuthorityArea(lead.local_authority_area)
        attrs = {}
        if area in standards.ONS_AREA_CODES:
            attrs["ref"] = standards.ONS_AREA_CODES[area][0]
        location = _sub(activity, "location", **attrs)
        _sub(location, "location-reach", code="2")
        _narrative(location, "name", area.label)
        _sub(location, "location-class", code="1")

    themes = sorted(pilot.tagged_items.all(), key=lambda item: item.tag.name)
    for item, percentage in zip(
        themes, _sector_percentages(len(themes)) if themes else [], strict=True
    ):
        _narrative(
            activity,
            "sector",
            item.tag.name,
            vocabulary="99",
            vocabulary_uri=guide_url,
            code=item.tag.slug,
            percentage=percentage,
        )

    start, end = pilot.start_date, pilot.planned_end_date
    if start and end and start <= end <= _one_year_on(start):
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _sub(
            budget,
            "value",
            decimal_text(pilot.approved_budget),
            currency="GBP",
            value_date=start.isoformat(),
        )

    award = min(_award_date(pilot), today)
    _transaction(
        activity,
        pilot,
        code="2",
        day=award,
        value=pilot.approved_budget,
        description="Approved budget committed to the pilot.",
    )
    if pilot.spend_to_date:
        _transaction(
            activity,
            pilot,
            code="4",
            day=min(pilot.updated_at.date(), today),
            value=pilot.spend_to_date,
            description="Spend to date, as last recorded.",
        )

    for metric in metrics:
        _result(activity, metric)


def _one_year_on(day: datetime.date) -> datetime.date:
    return standards._add_months(day, 12)


def _transaction(activity, pilot, *, code, day, value, description) -> None:
    reporter = standards.iati_reporting_org()
    transaction = _sub(activity, "transaction")
    _sub(transaction, "transaction-type", code=code)
    _sub(transaction, "transaction-date", iso_date=day.isoformat())
    _sub(
        transaction,
        "value",
        decimal_text(value),
        currency="GBP",
        value_date=day.isoformat(),
    )
    _narrative(transaction, "description", description)
    _narrative(
        transaction,
        "provider-org",
        reporter["name"],
        ref=reporter["ref"],
        type=reporter["type"],
    )
    lead = pilot.lead_organisation
    _narrative(transaction, "receiver-org", lead.name, **_org_attrs(lead))


def _result(activity, metric) -> None:
    data = standards.iati_result(metric)
    result = _sub(
        activity,
        "result",
        type=data["type"],
        aggregation_status=data["aggregation-status"],
    )
    _narrative(result, "title", data["title"])
    if data["description"]:
        _narrative(result, "description", data["description"])
    for spec in data["indicator"]:
        indicator = _sub(
            result, "indicator", measure=spec["measure"], ascending=spec["ascending"]
        )
        _narrative(indicator, "title", spec["title"])
        _narrative(indicator, "description", spec["description"])
        _sub(indicator, "baseline", **spec["baseline"])
        for period_spec in spec["period"]:
            period = _sub(indicator, "period")
            _sub(period, "period-start", **_iso(period_spec["period-start"]))
            _sub(period, "period-end", **_iso(period_spec["period-end"]))
            _sub(period, "target", **period_spec["target"])
            _sub(period, "actual", **period_spec["actual"])


def _iso(spec: dict) -> dict:
    return {"iso_date": spec["iso-date"]}


def activities_xml(
    *,
    filters: selectors.PilotFilters,
    guide_url: str,
    generated_at: datetime.datetime | None = None,
) -> bytes | None:
    """The IATI 2.03 activities file for the published pilots that match the filters;
    None when none do (the standard's file needs at least one activity).
    `generated_at` (default now) is its generated-datetime."""
    pilots = list(
        selectors.pilots_published(filters=filters).select_related("proposal")
    )
    if not pilots:
        return None
    by_pilot: dict[int, list] = {}
    for metric in selectors.metrics_published(filters=filters):
        by_pilot.setdefault(metric.pilot_id, []).append(metric)
    now = generated_at or timezone.now()
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": now.isoformat(timespec="seconds")},
    )
    today = timezone.localdate()
    for pilot in pilots:
        _activity(
            root, pilot, by_pilot.get(pilot.pk, []), guide_url=guide_url, today=today
        )
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
