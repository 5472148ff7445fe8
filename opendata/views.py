"""Downloads (CSV, 360Giving, IATI 2.03 XML, IATI-style results JSON), their index at
/open-data/ and the human guide at /api/ (also the answer to /api/v1/ itself).

Every download takes the same filters as the API (`theme`, `area`, `status`,
`evidence_level`); an invalid filter is a 400 with a plain message, never a 500.
"""

import json
from collections.abc import Iterable
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from home.csv import csv_response
from home.models import LocalAuthorityArea
from home.selectors import site_root_url
from pilots.models import THEMES, Pilot

from . import iati, prebuilt, records, selectors, standards
from .http import LICENCE, LICENCE_URL, open_data_response, rate_limit_text
from .records import area_label


class BadFilter(ValueError):
    pass


def filters_from(request: HttpRequest) -> selectors.PilotFilters:
    get = request.GET
    area = get.get("area", "")
    status = get.get("status", "")
    level = get.get("evidence_level", "")
    theme = get.get("theme", "").replace("\x00", "")[:100]
    if area and area not in LocalAuthorityArea.values:
        raise BadFilter("area must be one of: " + ", ".join(LocalAuthorityArea.values))
    if status and status not in Pilot.Status.values:
        raise BadFilter("status must be one of: " + ", ".join(Pilot.Status.values))
    if level and not (level.isdigit() and 1 <= int(level) <= 5):
        raise BadFilter("evidence_level must be a whole number from 1 to 5")
    return selectors.PilotFilters(
        theme=theme,
        area=area,
        status=status,
        evidence_level=int(level) if level else None,
    )


# The downloads built ahead (opendata/prebuilt.py): view name -> (file name, builder).
PREBUILT: dict = {}


class CsvDownload(NamedTuple):
    """What a CSV download's builder returns: rows, written as they come (to the
    response in a request, straight to the file when built ahead)."""

    filename: str
    header: list
    rows: Iterable


def respond(built) -> HttpResponse:
    if isinstance(built, CsvDownload):
        return csv_response(built.filename, built.header, built.rows)
    return built


def _download(filename: str, *, filtered: bool = True):
    """A download view: safe methods only, filters checked, open-data headers.

    Unfiltered, it is served from the file built ahead when that is current (the same
    bytes, headers and ETag); otherwise, and for every filtered request, it is built in
    the request by `build(request, filters)` (None for the request when built ahead).
    """

    def decorator(build):
        @require_safe
        @open_data_response
        def view(request: HttpRequest) -> HttpResponse:
            filters = selectors.PilotFilters()
            if filtered:
                try:
                    filters = filters_from(request)
                except BadFilter as error:
                    return HttpResponse(
                        str(error), status=400, content_type="text/plain"
                    )
            if filters == selectors.PilotFilters():
                response = prebuilt.serve(request, build.__name__)
                if response is not None:
                    return response
            return respond(build(request, filters))

        view.__name__ = build.__name__
        view.__doc__ = build.__doc__
        PREBUILT[build.__name__] = (filename, build)
        return view

    return decorator


PILOT_CSV_COLUMNS = [
    "id",
    "title",
    "summary",
    "status",
    "themes",
    "lead_organisation",
    "lead_organisation_id",
    "lead_contact",
    "partners",
    "adopters",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "currency",
    "approved_budget",
    "spend_to_date",
    "evidence_level",
    "evidence_justification",
    "evidence_next_level",
    "end_decision",
    "end_decision_reasons",
]


def _pilot_csv_row(pilot) -> dict:
    record = records.pilot_record(pilot)
    return {
        **{k: record[k] for k in PILOT_CSV_COLUMNS if k in record},
        "themes": "; ".join(record["themes"]),
        "lead_organisation": record["lead_organisation"]["name"],
        "lead_organisation_id": record["lead_organisation"]["id"],
        "lead_contact": record["lead_contact"]["name"]
        if record["lead_contact"]
        else "",
        "partners": "; ".join(
            f"{p['organisation']['name']} ({p['role_label']})"
            for p in record["partners"]
        ),
        "adopters": "; ".join(o["name"] for o in record["adopters"]),
    }


@_download("pilots.csv")
def pilots_csv(request, filters):
    return CsvDownload(
        "pilots.csv",
        PILOT_CSV_COLUMNS,
        (_pilot_csv_row(p) for p in selectors.pilots_published(filters=filters)),
    )


METRIC_CSV_COLUMNS = [
    "id",
    "pilot_id",
    "pilot_title",
    "name",
    "definition",
    "unit",
    "ascending",
    "frequency",
    "data_source",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "latest_value",
    "latest_period",
    "change_from_baseline",
    "change_percent",
    "progress",
    "progress_percent",
    "on_track",
]


@_download("metrics.csv")
def metrics_csv(request, filters):
    summaries = selectors.metric_summaries(
        metrics=selectors.metrics_published(filters=filters)
    )
    rows = []
    for summary in summaries:
        record = records.metric_record(summary)
        rows.append({k: record[k] for k in METRIC_CSV_COLUMNS})
    return CsvDownload("metrics.csv", METRIC_CSV_COLUMNS, rows)


MEASUREMENT_CSV_COLUMNS = [
    "id",
    "pilot_id",
    "pilot_title",
    "metric_id",
    "metric_name",
    "unit",
    "period",
    "period_end",
    "value",
    "provisional",
]


@_download("measurements.csv")
def measurements_csv(request, filters):
    return CsvDownload(
        "measurements.csv",
        MEASUREMENT_CSV_COLUMNS,
        (
            records.measurement_row(m)
            for m in selectors.measurements_published(filters=filters).iterator(
                chunk_size=2000
            )
        ),
    )


CHALLENGE_CSV_COLUMNS = [
    "id",
    "title",
    "url",
    "summary",
    "status",
    "themes",
    "holders",
    "funding_amount",
    "currency",
    "opens_at",
    "closes_at",
    "decision_expected",
    "winners",
    "amount_per_winner",
]


@_download("challenges.csv", filtered=False)
def challenges_csv(request, filters):
    """Live, public challenges; winners (organisation names) once announced."""
    winners: dict[int, list[str]] = {}
    for entry in selectors.challenge_winners():
        winners.setdefault(entry.challenge_id, []).append(entry.organisation.name)
    rows = []
    for challenge in selectors.challenges_published():
        names = winners.get(challenge.pk, []) if challenge.status == "awarded" else []
        rows.append(
            {
                "id": challenge.pk,
                "title": challenge.title,
                "url": challenge.get_full_url(request),
                "summary": challenge.summary,
                "status": challenge.status,
                "themes": "; ".join(
                    sorted(item.tag.name for item in challenge.tagged_items.all())
                ),
                "holders": "; ".join(sorted(o.name for o in challenge.holders.all())),
                "funding_amount": challenge.funding_amount,
                "currency": "GBP",
                "opens_at": challenge.opens_at.isoformat(),
                "closes_at": challenge.closes_at.isoformat(),
                "decision_expected": challenge.decision_expected.isoformat(),
                "winners": "; ".join(names),
                "amount_per_winner": f"{challenge.funding_amount / len(names):.2f}"
                if names
                else "",
            }
        )
    return CsvDownload("challenges.csv", CHALLENGE_CSV_COLUMNS, rows)


def _grants(request, filters):
    # Challenge awards have no pilot theme, area, status or evidence level: a filtered
    # download is pilots only.
    unfiltered = filters == selectors.PilotFilters()
    return standards.grants(
        filters=filters,
        data_source=site_root_url(request) + reverse("opendata_guide"),
        include_challenges=unfiltered,
    )


@_download("360giving.json")
def grants_360_json(request, filters):
    body = {"grants": _grants(request, filters), "license": LICENCE_URL}
    return JsonResponse(body, json_dumps_params={"indent": 2})


@_download("grants-360giving.csv")
def grants_360_csv(request, filters):
    return CsvDownload(
        "grants-360giving.csv",
        standards.GRANT_CSV_COLUMNS,
        (standards.grant_csv_row(g) for g in _grants(request, filters)),
    )


@_download("iati-results.json")
def iati_results_json(request, filters):
    # IATI-style, not an IATI file: the standard's own format is the XML below.
    body = {
        "about": "Pilot results in the IATI results model, as JSON. This is not an "
        "IATI Standard file: the IATI 2.03 activities are at iati-activities-xml.",
        "iati-activities-xml": site_root_url(request) + reverse("opendata_iati_xml"),
        "licence": LICENCE,
        "iati-activities": standards.iati_results(filters=filters),
    }
    return HttpResponse(
        json.dumps(body, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json",
    )


@_download("iati-activities.xml")
def iati_activities_xml(request, filters):
    body = iati.activities_xml(
        filters=filters,
        guide_url=site_root_url(request) + reverse("opendata_guide"),
        generated_at=prebuilt.data_changed_at(),
    )
    if body is None:
        return HttpResponse(
            "No published pilot matches these filters.",
            status=404,
            content_type="text/plain",
        )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


# Every file under /open-data/, in the order the guide and the index list them:
# (URL name, title, format, what it holds). tests/opendata/test_downloads_page.py checks
# that every open-data/ route is here.
DOWNLOADS = [
    (
        "opendata_pilots_csv",
        "Pilots",
        "CSV",
        "Published pilots: status, themes, lead and partner organisations, dates, "
        "budget and spend, evidence level and end decision",
    ),
    (
        "opendata_metrics_csv",
        "Metrics with derived values",
        "CSV",
        "Each pilot's metrics: baseline, target, latest value, change, progress "
        "and whether it is on track",
    ),
    (
        "opendata_measurements_csv",
        "Measurements",
        "CSV",
        "One row per metric per period measured",
    ),
    (
        "opendata_challenges_csv",
        "Challenges, with their winners once announced",
        "CSV",
        "Published Urban Challenges: funding, dates, holders and winners",
    ),
    (
        "opendata_grants_json",
        "Funding awarded, 360Giving",
        "JSON",
        "Pilot budgets and challenge prizes as grants, in the 360Giving Data Standard",
    ),
    (
        "opendata_grants_csv",
        "Funding awarded, 360Giving",
        "CSV",
        "The same grants as a 360Giving spreadsheet",
    ),
    (
        "opendata_iati_xml",
        "Pilot activities and results, IATI Standard 2.03",
        "XML",
        "One IATI activity per pilot: organisations, dates, budget, transactions and "
        "results with indicators, baselines, targets and periods",
    ),
    (
        "opendata_iati_json",
        "Pilot results in the IATI results model",
        "JSON",
        "Each pilot's metrics as results with indicators, baselines and periods "
        "(not an IATI file: the XML is)",
    ),
]


def download_list() -> list[dict]:
    return [
        {
            "url": reverse(name),
            "title": title,
            "format": file_format,
            "description": description,
        }
        for name, title, file_format, description in DOWNLOADS
    ]


@require_safe
@open_data_response
def downloads(request):
    """/open-data/: every file, what it holds, and how to filter it."""
    context = {
        "downloads": download_list(),
        "licence": LICENCE,
        "areas": [(v, area_label(v)) for v in LocalAuthorityArea.values],
    }
    return render(request, "opendata/downloads.html", context)


def api_root(request, **kwargs):
    """/api/v1/ itself: the guide explains the API (its operations are under it)."""
    return redirect("opendata_guide")


@csrf_exempt
@open_data_response
def api_not_found(request, rest):
    """Any other path under /api/v1/: a JSON 404, like the API's own."""
    return JsonResponse({"detail": "No API operation has this address."}, status=404)


@require_safe
@open_data_response
def guide(request):
    """The human page explaining the API and downloads, with examples."""
    base = site_root_url(request)
    example_list = {
        "licence": LICENCE,
        "count": 12,
        "page": 1,
        "page_size": 2,
        "num_pages": 6,
        "next": f"{base}/api/v1/pilots?status=running&page_size=2&page=2",
        "previous": None,
        "results": [
            {
                "id": 7,
                "title": "Repeat calls: a multi-agency visiting team",
                "status": "running",
                "themes": ["Safer communities"],
                "lead_organisation": {
                    "id": 3,
                    "slug": "sandwell-council",
                    "name": "Sandwell Council",
                },
                "approved_budget": "85000.00",
                "evidence_level": 2,
                "…": "…",
            }
        ],
    }
    example_metric = {
        "id": 21,
        "pilot_id": 7,
        "name": "Repeat calls per month",
        "unit": "calls",
        "ascending": False,
        "baseline_value": "120",
        "baseline_date": "2025-01-01",
        "target_value": "90",
        "target_date": "2026-01-01",
        "latest_value": "104",
        "latest_period": "2025-06-01",
        "change_from_baseline": "-16",
        "change_percent": "-13.3",
        "progress": "0.533",
        "progress_percent": 53,
        "on_track": True,
        "measurements": [
            {
                "period": "2025-06-01",
                "period_end": "2025-06-30",
                "value": "104",
                "provisional": False,
            }
        ],
    }
    context = {
        "base": base,
        "licence": LICENCE,
        "rate_limit": rate_limit_text(),
        "max_age": 300,
        "example_list": json.dumps(example_list, indent=2, ensure_ascii=False),
        "example_metric": json.dumps(example_metric, indent=2),
        "areas": [(v, area_label(v)) for v in LocalAuthorityArea.values],
        "statuses": [s for s in Pilot.Status.choices if s[0] != "setting-up"],
        "prefix": standards.prefix(),
        "funder": standards.funder(),
        "iati_reporting_org": standards.iati_reporting_org(),
        "themes": [(slugify(theme), theme) for theme in THEMES],
        "downloads": download_list(),
    }
    return render(request, "opendata/guide.html", context)
