"""Published data in sector standards: 360Giving grants and IATI-style results.

360Giving (https://standard.threesixtygiving.org/): every grant's `id` is
`360G-<prefix>-<local id>` where the prefix is `settings.OPENDATA_360G_PREFIX`
(`360G-wmpil-pilot-<pilot id>` and `360G-wmpil-challenge-<page id>-<organisation id>`).
Recipient organisations use their org-id.guide identifier when known, then
`GB-COH-<Companies House number>`, and otherwise `360G-<prefix>-org-<slug>`. The funder
is `settings.OPENDATA_FUNDER_ORG_ID` (the combined authority's GB-LAE id). Durations are
months between the planned dates (24 for 2024-01-01 to 2026-01-01), as numbers; the
beneficiary location's geoCodeType is from 360Giving's codelist (MD, UA, NMD, CTY, RGN/GOR).

- A **pilot** grant: the approved budget of a published pilot, to its lead organisation.
  Award date: the proposal's decision date, else the pilot's start date, else the day
  the pilot record was created.
- A **challenge** award: a live challenge whose winners are announced. The challenge
  records one funding amount for all its winners, so each winner's amount is that sum
  divided equally (the description says so).

IATI-style results JSON (the IATI 2.03 activity XML is opendata.iati): one activity per
published pilot, identified as in the XML (`<reporting org-id>-pilot-<pilot id>`), one outcome result per metric with one indicator: measure 1 (unit) or
2 (percentage, when the unit is "%"), ascending, baseline {iso-date, year, value}, and a
period per measurement with the straight-line target for the period's end and the actual.
"""

import calendar
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from home.models import LocalAuthorityArea, Organisation
from pilots.models import Pilot

from . import selectors
from .records import decimal_text, money_text

# ONS (GSS) codes of the region's areas, with the type of each code in 360Giving's
# geoCodeType codelist: MD metropolitan district (E08), UA unitary authority (E06), NMD
# non-metropolitan district (E07), CTY county (E10), RGN/GOR region (E12: the West Midlands
# region, which all the areas below make up).
Area = LocalAuthorityArea
ONS_AREA_CODES = {
    Area.BIRMINGHAM: ("E08000025", "MD"),
    Area.COVENTRY: ("E08000026", "MD"),
    Area.DUDLEY: ("E08000027", "MD"),
    Area.SANDWELL: ("E08000028", "MD"),
    Area.SOLIHULL: ("E08000029", "MD"),
    Area.WALSALL: ("E08000030", "MD"),
    Area.WOLVERHAMPTON: ("E08000031", "MD"),
    Area.HEREFORDSHIRE: ("E06000019", "UA"),
    Area.TELFORD_WREKIN: ("E06000020", "UA"),
    Area.STOKE_ON_TRENT: ("E06000021", "UA"),
    Area.SHROPSHIRE: ("E06000051", "UA"),
    Area.CANNOCK_CHASE: ("E07000192", "NMD"),
    Area.NEWCASTLE_UNDER_LYME: ("E07000195", "NMD"),
    Area.SOUTH_STAFFORDSHIRE: ("E07000196", "NMD"),
    Area.STAFFORD: ("E07000197", "NMD"),
    Area.STAFFORDSHIRE_MOORLANDS: ("E07000198", "NMD"),
    Area.TAMWORTH: ("E07000199", "NMD"),
    Area.NORTH_WARWICKSHIRE: ("E07000218", "NMD"),
    Area.NUNEATON_BEDWORTH: ("E07000219", "NMD"),
    Area.RUGBY: ("E07000220", "NMD"),
    Area.STRATFORD_ON_AVON: ("E07000221", "NMD"),
    Area.WARWICK: ("E07000222", "NMD"),
    Area.BROMSGROVE: ("E07000234", "NMD"),
    Area.MALVERN_HILLS: ("E07000235", "NMD"),
    Area.REDDITCH: ("E07000236", "NMD"),
    Area.WORCESTER: ("E07000237", "NMD"),
    Area.WYCHAVON: ("E07000238", "NMD"),
    Area.WYRE_FOREST: ("E07000239", "NMD"),
    Area.STAFFORDSHIRE: ("E10000028", "CTY"),
    Area.WARWICKSHIRE: ("E10000031", "CTY"),
    Area.WORCESTERSHIRE: ("E10000034", "CTY"),
    Area.REGION_WIDE: ("E12000005", "RGN/GOR"),
}

# 360Giving spreadsheet column titles: "<parent title>:<child title>", as the schema's
# rollUp fields are flattened by 360Giving's tools.
GRANT_CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Company Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "From an open call?",
    "Last modified",
    "Data Source",
]


def prefix() -> str:
    return f"360G-{settings.OPENDATA_360G_PREFIX}"


def funder() -> dict:
    return {
        "id": settings.OPENDATA_FUNDER_ORG_ID or f"{prefix()}-org-lab",
        "name": settings.OPENDATA_FUNDER_NAME,
    }


def org_id(org: Organisation) -> str:
    """The organisation's org-id.guide identifier, or "" when it has none."""
    if org.org_id:
        return org.org_id
    if org.companies_house_number:
        return f"GB-COH-{org.companies_house_number}"
    return ""


def org_identifier(org: Organisation) -> str:
    """Its org-id, else a 360Giving identifier under our prefix (360Giving only)."""
    return org_id(org) or f"{prefix()}-org-{org.slug}"


def _recipient(org: Organisation) -> dict:
    recipient = {"id": org_identifier(org), "name": org.name}
    if org.companies_house_number:
        recipient["companyNumber"] = org.companies_house_number
    if org.local_authority_area:
        recipient["location"] = [
            {"name": LocalAuthorityArea(org.local_authority_area).label}
        ]
    return recipient


def _beneficiary(org: Organisation) -> list[dict]:
    if not org.local_authority_area:
        return []
    area = LocalAuthorityArea(org.local_authority_area)
    location = {"name": area.label, "countryCode": "GB"}
    if area in ONS_AREA_CODES:
        code, code_type = ONS_AREA_CODES[area]
        location.update(geoCode=code, geoCodeType=code_type)
    return [location]


def months_between(start, end) -> int | float:
    """Whole months from start to end (not counting the end month twice: 2024-01-01 to
    2026-01-01 is 24), plus the part month as a fraction to one decimal place."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    anchor = _add_months(start, months)
    if anchor >= end:
        return max(0, months)
    following = _add_months(start, months + 1)
    total = months + round((end - anchor).days / (following - anchor).days, 1)
    return int(total) if total == int(total) else total


def _add_months(day, months: int):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def pilot_grant(pilot: Pilot, *, data_source: str) -> dict:
    org = pilot.lead_organisation
    award_date = (
        (
            pilot.proposal.decided_at.date()
            if pilot.proposal and pilot.proposal.decided_at
            else None
        )
        or pilot.start_date
        or pilot.created_at.date()
    )
    grant = {
        "id": f"{prefix()}-pilot-{pilot.pk}",
        "title": pilot.title,
        "description": pilot.summary or pilot.title,
        "currency": "GBP",
        "amountAwarded": float(pilot.approved_budget),
        "awardDate": award_date.isoformat(),
        "recipientOrganization": [_recipient(org)],
        "fundingOrganization": [funder()],
        "grantProgramme": [{"title": "Public Impact Lab pilots"}],
        "beneficiaryLocation": _beneficiary(org),
        "fromOpenCall": "No",
        "dateModified": pilot.updated_at.isoformat(),
        "dataSource": data_source,
    }
    if pilot.start_date and pilot.planned_end_date:
        grant["plannedDates"] = [
            {
                "startDate": pilot.start_date.isoformat(),
                "endDate": pilot.planned_end_date.isoformat(),
                "duration": months_between(pilot.start_date, pilot.planned_end_date),
            }
        ]
    return grant


def challenge_grants(*, data_source: str) -> list[dict]:
    challenges = {c.pk: c for c in selectors.challenges_awarded()}
    winners_by_challenge: dict[int, list] = {}
    for entry in selectors.challenge_winners():
        if entry.challenge_id in challenges:
            winners_by_challenge.setdefault(entry.challenge_id, []).append(
                entry.organisation
            )
    grants = []
    for challenge_id, orgs in winners_by_challenge.items():
        challenge = challenges[challenge_id]
        share = (Decimal(challenge.funding_amount) / len(orgs)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        shared = (
            f" The challenge's £{challenge.funding_amount:,} was shared equally "
            f"by {len(orgs)} winners."
            if len(orgs) > 1
            else ""
        )
        for org in orgs:
            award_date = challenge.decision_expected
            grants.append(
                {
                    "id": f"{prefix()}-challenge-{challenge.pk}-{org.pk}",
                    "title": f"{challenge.title}: award to {org.name}",
                    "description": f"Urban Challenge award. {challenge.summary}{shared}",
                    "currency": "GBP",
                    "amountAwarded": float(share),
                    "awardDate": award_date.isoformat(),
                    "recipientOrganization": [_recipient(org)],
                    "fundingOrganization": [funder()],
                    "grantProgramme": [{"title": "Urban Challenges"}],
                    "beneficiaryLocation": _beneficiary(org),
                    "fromOpenCall": "Yes",
                    "dateModified": challenge.last_published_at.isoformat()
                    if challenge.last_published_at
                    else award_date.isoformat(),
                    "dataSource": data_source,
                }
            )
    return grants


def grants(
    *, filters: selectors.PilotFilters, data_source: str, include_challenges: bool
) -> list[dict]:
    pilots = selectors.pilots_published(filters=filters).select_related("proposal")
    result = [pilot_grant(p, data_source=data_source) for p in pilots]
    if include_challenges:
        result += challenge_grants(data_source=data_source)
    return result


def grant_csv_row(grant: dict) -> dict:
    recipient = grant["recipientOrganization"][0]
    funding = grant["fundingOrganization"][0]
    planned = (grant.get("plannedDates") or [{}])[0]
    beneficiary = (grant.get("beneficiaryLocation") or [{}])[0]
    return {
        "Identifier": grant["id"],
        "Title": grant["title"],
        "Description": grant["description"],
        "Currency": grant["currency"],
        "Amount Awarded": f"{grant['amountAwarded']:.2f}",
        "Award Date": grant["awardDate"],
        "Planned Dates:Start Date": planned.get("startDate", ""),
        "Planned Dates:End Date": planned.get("endDate", ""),
        "Planned Dates:Duration (months)": planned.get("duration", ""),
        "Recipient Org:Identifier": recipient["id"],
        "Recipient Org:Name": recipient["name"],
        "Recipient Org:Company Number": recipient.get("companyNumber", ""),
        "Funding Org:Identifier": funding["id"],
        "Funding Org:Name": funding["name"],
        "Grant Programme:Title": grant["grantProgramme"][0]["title"],
        "Beneficiary Location:Name": beneficiary.get("name", ""),
        "Beneficiary Location:Country Code": beneficiary.get("countryCode", ""),
        "Beneficiary Location:Geographic Code": beneficiary.get("geoCode", ""),
        "Beneficiary Location:Geographic Code Type": beneficiary.get("geoCodeType", ""),
        "From an open call?": grant["fromOpenCall"],
        "Last modified": grant["dateModified"],
        "Data Source": grant["dataSource"],
    }


def iati_reporting_org() -> dict:
    return {
        "ref": settings.IATI_REPORTING_ORG_REF,
        "type": settings.IATI_REPORTING_ORG_TYPE,
        "name": settings.OPENDATA_FUNDER_NAME,
    }


def iati_activity_identifier(pilot_id: int) -> str:
    """`<reporting organisation's org-id>-pilot-<pilot id>`."""
    return f"{settings.IATI_REPORTING_ORG_REF}-pilot-{pilot_id}"


def iati_results(*, filters: selectors.PilotFilters) -> list[dict]:
    """One IATI-style activity per published pilot with its results (the same
    identifiers and results as the IATI 2.03 XML, opendata.iati)."""
    pilots = {p.pk: p for p in selectors.pilots_published(filters=filters)}
    metrics = selectors.metrics_published(filters=filters)
    by_pilot: dict[int, list] = {pk: [] for pk in pilots}
    for metric in metrics:
        if metric.pilot_id in by_pilot:
            by_pilot[metric.pilot_id].append(metric)
    reporter = iati_reporting_org()
    activities = []
    for pk, pilot in pilots.items():
        activities.append(
            {
                "iati-identifier": iati_activity_identifier(pk),
                "title": pilot.title,
                "reporting-org": {
                    "ref": reporter["ref"],
                    "type": reporter["type"],
                    "narrative": reporter["name"],
                },
                "result": [iati_result(m) for m in by_pilot[pk]],
            }
        )
    return activities


def iati_result(metric) -> dict:
    periods = []
    for m in metric.measurements.all():
        end = selectors.period_end(start=m.period, frequency=metric.frequency)
        periods.append(
            {
                "period-start": {"iso-date": m.period.isoformat()},
                "period-end": {"iso-date": end.isoformat()},
                "target": {
                    "value": decimal_text(
                        selectors.trajectory_target(metric=metric, on=end)
                    )
                },
                "actual": {"value": decimal_text(m.value)},
            }
        )
    return {
        "type": "2",  # IATI ResultType 2: outcome
        "aggregation-status": "0",
        "title": metric.name,
        "description": metric.definition,
        "indicator": [
            {
                "measure": "2" if metric.unit.strip() == "%" else "1",
                "ascending": "1" if metric.ascending else "0",
                "title": metric.name,
                "description": f"{metric.definition} Unit: {metric.unit}. "
                f"Source: {metric.data_source}.",
                "baseline": {
                    "year": str(metric.baseline_date.year),
                    "iso-date": metric.baseline_date.isoformat(),
                    "value": decimal_text(metric.baseline_value),
                },
                "period": periods,
            }
        ],
    }


__all__ = ["GRANT_CSV_COLUMNS", "grant_csv_row", "grants", "iati_results", "money_text"]
