"""Licence, caching headers and the per-client rate limit on the API and downloads."""

import pytest
from django.core.cache import cache

from opendata.http import LICENCE_URL
from tests.opendata.conftest import world_from

# Every test here reads the same world: built once for the module.
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def world(shared_world, db):
    return world_from(shared_world)


PATHS = [
    "/api/v1/pilots",
    "/api/v1/contacts",
    "/api/v1/openapi.json",
    "/open-data/pilots.csv",
    "/open-data/360giving.json",
    "/open-data/iati-results.json",
    "/open-data/iati-activities.xml",
    "/api/",
]


@pytest.mark.django_db
class CachingTests:
    @pytest.mark.parametrize("path", PATHS)
    def test_licence_etag_and_public_cache(self, client, world, path):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
        assert response["Cache-Control"] == "public, max-age=300"
        etag = response["ETag"]
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Cache-Control"] == "public, max-age=300"

    def test_etag_changes_when_the_data_changes(self, client, world):
        first = client.get("/api/v1/pilots")["ETag"]
        world["running"].title = "Fewer repeat calls, renamed"
        world["running"].save()
        response = client.get("/api/v1/pilots", HTTP_IF_NONE_MATCH=first)
        assert response.status_code == 200
        assert response["ETag"] != first

    def test_errors_are_not_cached_as_public(self, client, world):
        response = client.get("/api/v1/pilots/999999")
        assert response.status_code == 404
        assert "public" not in response.get("Cache-Control", "")
        assert response["Link"].endswith('rel="license"')

    def test_guide_is_private_for_a_signed_in_person(self, client, login, world):
        login("lead@impactlab.example")
        response = client.get("/api/")
        assert "private" in response["Cache-Control"]

    def test_csv_is_a_named_attachment(self, client, world):
        response = client.get("/open-data/measurements.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="measurements.csv"'
        )


@pytest.mark.django_db
class RateLimitTests:
    def test_api_answers_429_json_over_the_limit(self, client, settings, world):
        settings.OPENDATA_RATE_LIMIT = "3/m"
        cache.clear()
        statuses = [client.get("/api/v1/pilots").status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = client.get("/api/v1/contacts")  # the limit covers every endpoint
        assert response.status_code == 429
        assert response["Content-Type"] == "application/json"
        assert "3 requests a minute" in response.json()["detail"]
        # The seconds until this client's one-minute window ends, and the text agrees.
        retry_after = int(response["Retry-After"])
        assert 1 <= retry_after <= 60
        assert f"Wait {retry_after} second" in response.json()["detail"]
        assert client.get("/open-data/pilots.csv").status_code == 429

    def test_retry_after_is_the_rest_of_the_window(self, client, settings, world):
        settings.OPENDATA_RATE_LIMIT = "1/h"
        cache.clear()
        assert client.get("/api/v1/pilots").status_code == 200
        response = client.get("/api/v1/pilots")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 3600

    def test_the_limit_is_per_client(self, client, settings, world):
        settings.OPENDATA_RATE_LIMIT = "2/m"
        cache.clear()
        for _ in range(2):
            client.get("/api/v1/pilots", REMOTE_ADDR="192.0.2.1")
        assert client.get("/api/v1/pilots", REMOTE_ADDR="192.0.2.1").status_code == 429
        assert client.get("/api/v1/pilots", REMOTE_ADDR="192.0.2.2").status_code == 200


@pytest.mark.django_db
class FilterTests:
    def test_filters_narrow_the_pilots(self, client, world):
        def titles(**params):
            data = client.get("/api/v1/pilots", params).json()
            return sorted(p["title"] for p in data["results"])

        both = ["Damp and mould response", "Fewer repeat calls"]
        assert titles() == both
        assert titles(theme="housing") == ["Damp and mould response"]
        assert titles(theme="Safer communities") == ["Fewer repeat calls"]
        # Dudley is the completed pilot's lead and the running pilot's partner.
        assert titles(area="dudley") == both
        assert titles(area="sandwell") == ["Fewer repeat calls"]
        assert titles(status="completed") == ["Damp and mould response"]
        assert titles(evidence_level=3) == ["Damp and mould response"]
        assert titles(area="birmingham") == []

    def test_invalid_filters_are_4xx_not_5xx(self, client, world):
        assert client.get("/api/v1/pilots", {"area": "atlantis"}).status_code == 422
        assert client.get("/api/v1/pilots", {"evidence_level": 9}).status_code == 422
        assert client.get("/open-data/pilots.csv", {"status": "x"}).status_code == 400
        assert client.post("/open-data/pilots.csv").status_code == 405

    def test_pagination_links(self, client, world):
        first = client.get("/api/v1/measurements", {"page_size": 1}).json()
        assert first["count"] == 2 and first["num_pages"] == 2
        assert first["previous"] is None
        assert first["next"].endswith("/api/v1/measurements?page_size=1&page=2")
        second = client.get(first["next"]).json()
        assert second["next"] is None
        assert second["previous"].endswith("page_size=1&page=1")
        assert second["results"][0]["period"] != first["results"][0]["period"]
        beyond = client.get("/api/v1/measurements", {"page": 50}).json()
        assert beyond["results"] == [] and beyond["count"] == 2

    def test_metric_derived_values(self, client, world):
        metric = client.get("/api/v1/metrics", {"pilot": world["running"].pk}).json()[
            "results"
        ][0]
        # Baseline 120, target 90 (lower is better), latest 104 in April 2025.
        assert metric["latest_value"] == "104"
        assert metric["change_from_baseline"] == "-16"
        assert metric["change_percent"] == "-13.3"
        assert metric["progress"] == "0.533"
        assert metric["progress_percent"] == 53
        assert metric["on_track"] is True
        assert [m["value"] for m in metric["measurements"]] == ["110", "104"]
