"""Acceptance 3: every list endpoint and download runs the same queries for 10 and 200 items.

How the numbers were measured: `CaptureQueriesContext` around the second request (the
first warms up anything lazily loaded), read from the captured SQL:
- /api/v1/pilots: COUNT, the page (lead organisation and contact joined), then the
  prefetches: themes (tagged items, tags), partners, adopters = 6.
- /api/v1/metrics: COUNT, the page (pilot joined), measurements = 3.
- /api/v1/measurements, /contacts: COUNT and the page = 2.
- /api/v1/organisations: 2, plus one each time Wagtail's `.public()` reads the view
  restrictions (live challenges held, challenge winners) = 4.
- downloads: as the API without the COUNT (pilots.csv: 5); 360Giving adds the
  proposal join, the view restrictions, the awarded pages and their winners (9);
  IATI reads the pilots (5) and the metrics with their measurements (2) = 7.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilots.models import PartnerRole, Pilot, PilotPartner
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    PublicBodyFactory,
)

LISTS = {
    "/api/v1/pilots": 6,
    "/api/v1/metrics": 3,
    "/api/v1/measurements": 2,
    "/api/v1/organisations": 4,
    "/api/v1/contacts": 2,
    "/open-data/pilots.csv": 5,
    "/open-data/metrics.csv": 2,
    "/open-data/measurements.csv": 1,
    "/open-data/360giving.json": 10,
    "/open-data/360giving.csv": 10,
    "/open-data/iati-results.json": 8,
    "/open-data/iati-activities.xml": 8,
}


def _make(size: int) -> None:
    partner = PublicBodyFactory(local_authority_area="walsall")
    adopter = PublicBodyFactory()
    for _ in range(size):
        pilot = PilotFactory(
            status=Pilot.Status.RUNNING,
            lead_contact=ContactFactory(is_public=True),
        )
        pilot.themes.add("Housing")
        pilot.adopters.add(adopter)
        PilotPartner.objects.create(
            pilot=pilot, organisation=partner, role=PartnerRole.EVALUATOR
        )
        metric = MetricFactory(pilot=pilot)
        MeasurementFactory(metric=metric, period=datetime.date(2025, 1, 1))


@pytest.mark.django_db
class QueryCountTests:
    # One world per size, every list read from it: building 200 pilots is the slow part.
    @pytest.mark.parametrize("size", [10, 200])
    def test_queries_do_not_grow_with_items(self, client, size):
        _make(size)
        counted = {}
        for path in LISTS:
            params = {"page_size": 100} if path.startswith("/api/") else {}
            warm = client.get(path, params)
            assert warm.status_code == 200, path
            if path.startswith("/api/"):
                assert warm.json()["count"] >= size, path
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path, params).status_code == 200, path
            counted[path] = len(queries)
        assert counted == LISTS

    def test_filters_do_not_add_per_item_queries(
        self, client, django_assert_num_queries
    ):
        _make(20)
        params = {
            "theme": "housing",
            "area": "walsall",
            "status": "running",
            "evidence_level": 2,
            "page_size": 100,
        }
        assert client.get("/api/v1/pilots", params).json()["count"] == 20
        with django_assert_num_queries(6):
            client.get("/api/v1/pilots", params)
