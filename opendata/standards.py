"""Published data in sector standards: 360Giving grants and IATI-style results.

360Giving (https://standard.threesixtygiving.org/): every grant's `id` is
`360G-<prefix>-<local id>` where the prefix is `settings.OPENDATA_360G_PREFIX`
(`360G-wmpil-pilot-<pilot id>` and `360G-wmpil-challenge-<page id>-<organisation id>`).
Recipient organisations use their org-id.guide identifier when known, then
`GB-COH-<Companies House number>`, and otherwise `360G-<prefix>-org-<slug>`.

- A **pilot** grant: the approved budget of a published pilot, to its lead organisation.
  Award date: the proposal's decision date, else the pilot's start date, else the day
  the pilot record was created.
- A **challenge** award: a live challenge whose winners are announced. The challenge
  records one funding amount for all its winners, so each winner's amount is that sum
  divided equally (the description says so).

IATI (https://iatistandard.org/en/iati-standard/203/activity-standard/): one activity per
published pilot, one outcome result per metric with one indicator: measure 1 (unit) or
2 (percentage, when the unit is "%"), ascending, baseline {iso-date, year, value}, and a
period per measurement with the straight-line target for the period's end and the actual.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from home.models import LocalAuthorityArea, Organisation
from pilots.models import Pilot

from . import selectors
from .records import decimal_text, money_text

# ONS local authority district codes of the metropolitan boroughs (others left blank).
ONS_LAD_CODES = {
    LocalAuthorityArea.BIRMINGHAM: "E08000025",
    LocalAuthorityArea.COVENTRY: "E08000026",
    LocalAuthorityArea.DUDLEY: "E08000027",
    LocalAuthorityArea.SANDWELL: "E08000028",
    LocalAuthorityArea.SOLIHULL: "E08000029",
    LocalAuthorityArea.WALSALL: "E08000030",
    LocalAuthorityArea.WOLVERHAMPTON: "E08000031",
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


def org_identifier(org: Organisation) -> str:
    if org.org_id:
        return org.org_id
    if org.companies_house_number:
        return f"GB-COH-{org.companies_house_number}"
    return f"{prefix()}-org-{org.slug}"


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
    location = {"name": area.label}
    if area in ONS_LAD_CODES:
        location.update(geoCode=ONS_LAD_CODES[area], geoCodeType="LAD")
    return [location]


def _months(start, end) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(1, months + (1 if end.day >= start.day else 0))


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
                "duration": str(_months(pilot.start_date, pilot.planned_end_date)),
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
        "Beneficiary Location:Geographic Code": beneficiary.get("geoCode", ""),
        "Beneficiary Location:Geographic Code Type": beneficiary.get("geoCodeType", ""),
        "From an open call?": grant["fromOpenCall"],
        "Last modified": grant["dateModified"],
        "Data Source": grant["dataSource"],
    }


def iati_results(*, filters: selectors.PilotFilters) -> list[dict]:
    """One IATI-style activity per published pilot with its results."""
    pilots = {p.pk: p for p in selectors.pilots_published(filters=filters)}
    metrics = selectors.metrics_published(filters=filters)
    by_pilot: dict[int, list] = {pk: [] for pk in pilots}
    for metric in metrics:
        if metric.pilot_id in by_pilot:
            by_pilot[metric.pilot_id].append(metric)
    activities = []
    for pk, pilot in pilots.items():
        activities.append(
            {
                "iati-identifier": f"{prefix()}-pilot-{pk}",
                "title": pilot.title,
                "reporting-org": {"ref": funder()["id"], "narrative": funder()["name"]},
                "result": [_iati_result(m) for m in by_pilot[pk]],
            }
        )
    return activities


def _iati_result(metric) -> dict:
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
