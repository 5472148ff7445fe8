"""Open data: the API under /api/v1/, its guide at /api/ and downloads under /open-data/."""

from django.urls import path

from . import views
from .api import api
from .http import open_data_response
from .pages_api import api_router


def _api_urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        # The OpenAPI document is not an operation, so add_decorator misses it.
        if pattern.name == "openapi-json":
            pattern.callback = open_data_response(pattern.callback)
        # /api/v1/ itself (ninja's "api-root", otherwise a 404): the guide.
        if pattern.name == "api-root":
            pattern.callback = views.api_root
    return patterns, app_name, namespace


urlpatterns = [
    path("api/", views.guide, name="opendata_guide"),
    path("open-data/pilots.csv", views.pilots_csv, name="opendata_pilots_csv"),
    path("open-data/metrics.csv", views.metrics_csv, name="opendata_metrics_csv"),
    path(
        "open-data/measurements.csv",
        views.measurements_csv,
        name="opendata_measurements_csv",
    ),
    path(
        "open-data/challenges.csv", views.challenges_csv, name="opendata_challenges_csv"
    ),
    path(
        "open-data/360giving.json", views.grants_360_json, name="opendata_grants_json"
    ),
    path("open-data/360giving.csv", views.grants_360_csv, name="opendata_grants_csv"),
    path(
        "open-data/iati-results.json",
        views.iati_results_json,
        name="opendata_iati_json",
    ),
    path(
        "open-data/iati-activities.xml",
        views.iati_activities_xml,
        name="opendata_iati_xml",
    ),
    path("api/v1/", _api_urls()),
    # The index of downloads; under /api/v1/, a JSON 404 for what is not an operation.
    path("open-data/", views.downloads, name="opendata_downloads"),
    path("api/v1/<path:rest>", views.api_not_found),
    path("api/v2/", api_router.urls),
]
