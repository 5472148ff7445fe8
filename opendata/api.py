"""The read-only open-data API under /api/v1/ (django-ninja: typed, OpenAPI for free).

Every operation is wrapped by `opendata.http.open_data_response` (rate limit, licence
link, ETag and Cache-Control). Records come from `opendata.records`, which is the one
place that decides which fields are published.

Every answer an operation can give is in the OpenAPI document (checked by schemathesis,
tests/opendata/test_openapi.py): 200, 400 (a NUL byte, refused by
`home.request_guard` before any view), 404 (no such record), 422 (a parameter fails
validation: ninja's list of pydantic errors) and 429 (over the rate limit, with
`Retry-After`). An explorer (Swagger UI, served from this site) is at /api/v1/docs.
"""

import datetime
import math
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Field, NinjaAPI, Path, Query, Schema, Status
from ninja.openapi.docs import Swagger

from home.models import LocalAuthorityArea, Organisation
from pilots.models import Pilot

from . import records, selectors
from .http import LICENCE, open_data_response

API_DESCRIPTION = (
    "Published pilots of the West Midlands Public Impact Lab, their metrics "
    "(with derived values) and measurements, the organisations involved and public "
    "contacts. Read-only, no key needed, licensed under the Open Government Licence "
    "v3.0. A guide with examples: /api/."
)


def _without_null(schema: dict) -> dict:
    """A query parameter's schema without its `null` branch: absent is how a query
    string says None, and the text "null" is not a valid value."""
    branches = schema.get("anyOf")
    if not branches or {"type": "null"} not in branches:
        return schema
    rest = [b for b in branches if b != {"type": "null"}]
    outer = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**outer, **rest[0]} if len(rest) == 1 else {**outer, "anyOf": rest}


class Explorer(Swagger):
    """Swagger UI at /api/v1/docs, in the site's layout, from ninja's own static files:
    no CDN, and nothing inline, so the site's Content-Security-Policy holds."""

    template = "opendata/api_explorer.html"

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        swagger_settings = {
            **self.settings,
            "url": self.get_openapi_url(api, kwargs),
            # No badge fetched from validator.swagger.io (another origin).
            "validatorUrl": None,
            "tryItOutEnabled": True,
        }
        context = {"api": api, "swagger_settings": swagger_settings}
        return render(request, self.template, context)


class OpenDataAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query":
                        parameter["schema"] = _without_null(parameter["schema"])
        return schema


api = OpenDataAPI(
    title="West Midlands Public Impact Lab open data",
    version="1.0.0",
    description=API_DESCRIPTION,
    urls_namespace="opendata-api",
    docs=Explorer(),
    docs_url="/docs",
)
api.add_decorator(open_data_response, mode="view")

T = TypeVar("T")
MAX_PAGE = 10_000


class Licence(Schema):
    name: str
    url: str


class Error(Schema):
    detail: str


class ValidationErrorItem(Schema):
    type: str = Field(description="The kind of error, e.g. int_parsing or enum")
    loc: list[str | int] = Field(
        description='Where: the parameter\'s source and name, e.g. ["query", "page"]'
    )
    msg: str = Field(description="What is wrong, in words")
    ctx: dict[str, Any] | None = Field(
        None, description='The constraint broken, e.g. {"le": 100}'
    )


class ValidationErrorOut(Schema):
    detail: list[ValidationErrorItem]


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class ContactOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: OrganisationRef | None


class PartnerOut(Schema):
    organisation: OrganisationRef
    role: str
    role_label: str


class PilotOut(Schema):
    id: int
    title: str
    summary: str
    status: str
    status_label: str
    themes: list[str]
    lead_organisation: OrganisationRef
    lead_contact: ContactOut | None
    partners: list[PartnerOut]
    adopters: list[OrganisationRef]
    start_date: datetime.date | None
    planned_end_date: datetime.date | None
    actual_end_date: datetime.date | None
    currency: str
    approved_budget: str = Field(description="Pounds, as exact decimal text")
    spend_to_date: str = Field(description="Pounds, as exact decimal text")
    evidence_level: int | None = Field(description="Nesta Standards of Evidence, 1-5")
    evidence_level_label: str
    evidence_justification: str
    evidence_next_level: str
    end_decision: str
    end_decision_reasons: str


class MeasurementOut(Schema):
    period: datetime.date = Field(description="First day of the period measured")
    period_end: datetime.date
    value: str
    provisional: bool


class MeasurementRowOut(MeasurementOut):
    id: int
    pilot_id: int
    pilot_title: str
    metric_id: int
    metric_name: str
    unit: str


class MetricOut(Schema):
    id: int
    pilot_id: int
    pilot_title: str
    name: str
    definition: str
    unit: str
    ascending: bool = Field(description="True: a bigger value is better")
    frequency: str
    data_source: str
    baseline_value: str
    baseline_date: datetime.date
    target_value: str
    target_date: datetime.date
    latest_value: str | None
    latest_period: datetime.date | None
    change_from_baseline: str | None
    change_percent: str | None = Field(description="None when the baseline is zero")
    progress: str | None = Field(
        description="0 at the baseline, 1 at the target; may be below 0 or above 1"
    )
    progress_percent: int | None = Field(description="Progress clamped to 0-100")
    on_track: bool | None
    measurements: list[MeasurementOut]


class PilotDetailOut(PilotOut):
    licence: Licence
    metrics: list[MetricOut]


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    org_type: str
    org_type_label: str
    org_id: str = Field(description="org-id.guide identifier, when known")
    companies_house_number: str
    website: str
    local_authority_area: str
    local_authority_area_label: str
    size: str
    description: str


class OrganisationDetailOut(OrganisationOut):
    licence: Licence


class Page(Schema, Generic[T]):
    licence: Licence
    count: int = Field(description="Items matching the filters, on all pages")
    page: int
    page_size: int
    num_pages: int
    next: str | None
    previous: str | None
    results: list[T]


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=100)


PublishedStatus = [s for s in Pilot.Status if s != Pilot.Status.SETTING_UP]
NO_NUL = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"


class PilotFilterParams(Schema):
    theme: str = Field(
        "", max_length=100, pattern=NO_NUL, description="Theme name or slug"
    )
    area: LocalAuthorityArea | None = Field(
        None,
        description="Local authority area of the lead organisation or any partner",
    )
    status: Pilot.Status | None = None
    evidence_level: int | None = Field(None, ge=1, le=5)

    def to_filters(self, **extra) -> selectors.PilotFilters:
        return selectors.PilotFilters(
            theme=self.theme,
            area=self.area.value if self.area else "",
            status=self.status.value if self.status else "",
            evidence_level=self.evidence_level,
            **extra,
        )


class OrganisationFilterParams(Schema):
    area: LocalAuthorityArea | None = None
    org_type: Organisation.Type | None = None


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")


def paginate(request: HttpRequest, queryset, params: PageParams, to_records) -> dict:
    """Page-number pagination: one COUNT query plus the page's own queries."""
    count = queryset.count()
    num_pages = max(1, math.ceil(count / params.page_size))
    start = (params.page - 1) * params.page_size
    items = list(queryset[start : start + params.page_size]) if start < count else []
    return {
        "licence": LICENCE,
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "num_pages": num_pages,
        "next": _page_url(request, params.page + 1)
        if params.page < num_pages
        else None,
        "previous": _page_url(request, min(params.page - 1, num_pages))
        if params.page > 1
        else None,
        "results": to_records(items),
    }


LIST_RESPONSES = {400: Error, 422: ValidationErrorOut, 429: Error}
DETAIL_RESPONSES = {**LIST_RESPONSES, 404: Error}
# Merged into every operation's OpenAPI entry (ninja has no place for headers).
RESPONSE_DOCS = {
    "responses": {
        400: {"description": "A NUL byte in the address or the query string"},
        422: {
            "description": "A parameter is invalid: each error names it in `loc`",
        },
        429: {
            "description": "Over the rate limit for this client (IP address)",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before the next request",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        },
    }
}


@api.get(
    "/pilots",
    response={200: Page[PilotOut], **LIST_RESPONSES},
    summary="Published pilots",
    tags=["pilots"],
    openapi_extra=RESPONSE_DOCS,
)
def pilot_list(
    request,
    filters: Query[PilotFilterParams],
    paging: Query[PageParams],
):
    qs = selectors.pilots_published(filters=filters.to_filters())
    return paginate(
        request, qs, paging, lambda items: [records.pilot_record(p) for p in items]
    )


@api.get(
    "/pilots/{pilot_id}",
    response={200: PilotDetailOut, **DETAIL_RESPONSES},
    summary="One published pilot with its metrics",
    tags=["pilots"],
    openapi_extra=RESPONSE_DOCS,
)
def pilot_detail(request, pilot_id: int):
    pilot = selectors.pilot_published(pk=pilot_id) if abs(pilot_id) < 2**62 else None
    if pilot is None:
        return Status(404, {"detail": "No published pilot has this id."})
    metrics = selectors.metrics_published(
        filters=selectors.PilotFilters(pilot=pilot.pk)
    )
    return {
        **records.pilot_record(pilot),
        "licence": LICENCE,
        "metrics": [
            records.metric_record(s)
            for s in selectors.metric_summaries(metrics=metrics)
        ],
    }


@api.get(
    "/metrics",
    response={200: Page[MetricOut], **LIST_RESPONSES},
    summary="Metrics of published pilots, with derived values and measurements",
    tags=["pilots"],
    openapi_extra=RESPONSE_DOCS,
)
def metric_list(
    request,
    filters: Query[PilotFilterParams],
    paging: Query[PageParams],
    pilot: int | None = Query(None, ge=1, le=2**62),
):
    qs = selectors.metrics_published(filters=filters.to_filters(pilot=pilot))
    return paginate(
        request,
        qs,
        paging,
        lambda items: [
            records.metric_record(s) for s in selectors.metric_summaries(metrics=items)
        ],
    )


@api.get(
    "/measurements",
    response={200: Page[MeasurementRowOut], **LIST_RESPONSES},
    summary="Measurements of published pilots' metrics, one row per period",
    tags=["pilots"],
    openapi_extra=RESPONSE_DOCS,
)
def measurement_list(
    request,
    filters: Query[PilotFilterParams],
    paging: Query[PageParams],
    pilot: int | None = Query(None, ge=1, le=2**62),
):
    qs = selectors.measurements_published(filters=filters.to_filters(pilot=pilot))
    return paginate(
        request,
        qs,
        paging,
        lambda items: [records.measurement_row(m) for m in items],
    )


@api.get(
    "/organisations",
    response={200: Page[OrganisationOut], **LIST_RESPONSES},
    summary="Organisations in published pilots and challenges",
    tags=["organisations"],
    openapi_extra=RESPONSE_DOCS,
)
def organisation_list(
    request,
    filters: Query[OrganisationFilterParams],
    paging: Query[PageParams],
):
    qs = selectors.organisations_published(
        area=filters.area.value if filters.area else "",
        org_type=filters.org_type.value if filters.org_type else "",
    )
    return paginate(
        request,
        qs,
        paging,
        lambda items: [records.organisation_record(o) for o in items],
    )


@api.get(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, **DETAIL_RESPONSES},
    summary="One published organisation",
    tags=["organisations"],
    openapi_extra=RESPONSE_DOCS,
)
def organisation_detail(
    request, slug: str = Path(..., min_length=1, max_length=200, pattern=SLUG)
):
    org = (
        selectors.organisations_published()
        .filter(slug=slug.replace("\x00", ""))
        .first()
    )
    if org is None:
        return Status(404, {"detail": "No published organisation has this slug."})
    return {**records.organisation_record(org), "licence": LICENCE}


@api.get(
    "/contacts",
    response={200: Page[ContactOut], **LIST_RESPONSES},
    summary="Public contacts: name, job title and organisation only",
    tags=["organisations"],
    openapi_extra=RESPONSE_DOCS,
)
def contact_list(request, paging: Query[PageParams]):
    return paginate(
        request,
        selectors.contacts_public(),
        paging,
        lambda items: [records.contact_record(c) for c in items],
    )
