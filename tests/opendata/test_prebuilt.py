"""Downloads built ahead (opendata/prebuilt.py): the files, the rebuild on change, the
conditional answers and the fall-back to building in the request."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from opendata import prebuilt
from opendata.http import LICENCE_URL
from opendata.tasks import rebuild_downloads_task
from opendata.views import PREBUILT
from pilots.models import Metric
from pilots.services.measurements import measurement_record
from tests.factories.pilots import programme_lead
from tests.opendata.conftest import world_from

pytestmark = pytest.mark.usefixtures("shared_world")

# View name -> the URL name of its route.
URL_NAMES = {
    "pilots_csv": "opendata_pilots_csv",
    "metrics_csv": "opendata_metrics_csv",
    "measurements_csv": "opendata_measurements_csv",
    "challenges_csv": "opendata_challenges_csv",
    "grants_360_json": "opendata_grants_json",
    "grants_360_csv": "opendata_grants_csv",
    "iati_results_json": "opendata_iati_json",
    "iati_activities_xml": "opendata_iati_xml",
}
HEADERS = ("Content-Type", "Content-Disposition", "Link", "Cache-Control", "ETag")


@pytest.fixture
def world(shared_world, db):
    return world_from(shared_world)


def _body(response) -> bytes:
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def _live(client, path):
    """The download as the request builds it: no current prebuilt file."""
    cache.delete(prebuilt.VERSION_KEY)
    response = client.get(path)
    assert not response.streaming, path
    return response


@pytest.mark.django_db
class PrebuiltTests:
    def test_every_download_is_built_ahead(self):
        assert set(PREBUILT) == set(URL_NAMES)

    def test_files_equal_what_the_request_builds_byte_for_byte(self, client, world):
        for url in URL_NAMES.values():  # load the views (and their schemas) first
            client.get(reverse(url))
        # The IATI file says when it was generated (to the second): one clock for both.
        with freeze_time(timezone.now()):
            live = {key: _live(client, reverse(url)) for key, url in URL_NAMES.items()}
            manifest = prebuilt.downloads_rebuild()
        assert set(manifest["files"]) == set(URL_NAMES)
        for key, url in URL_NAMES.items():
            served = client.get(reverse(url))
            assert served.status_code == 200, key
            assert served.streaming, f"{key} was not served from its file"
            assert _body(served) == live[key].content, key
            for header in HEADERS:
                assert served.get(header) == live[key].get(header), (key, header)
            assert served["Link"] == f'<{LICENCE_URL}>; rel="license"'
            assert served["Last-Modified"]
            assert int(served["Content-Length"]) == len(live[key].content)

    def test_a_change_queues_the_rebuild_on_commit_and_the_file_follows(
        self, client, world, django_capture_on_commit_callbacks, settings
    ):
        settings.OPENDATA_REBUILD_ON_CHANGE = True  # off for the other tests
        prebuilt.downloads_rebuild()
        path = reverse("opendata_measurements_csv")
        before = client.get(path)
        assert before.streaming
        assert b"2025-05-01" not in _body(before)
        metric = Metric.objects.get(pilot=world["running"], name="Repeat calls")

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            measurement_record(
                metric=metric,
                period=datetime.date(2025, 5, 1),
                value=Decimal("97"),
                by=programme_lead(),
            )
        assert callbacks  # the page cache's hook, which queues the rebuild
        assert not cache.get(prebuilt.PENDING_KEY)  # the (eager) task has run

        after = client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert after.streaming
        assert after["ETag"] != before["ETag"]
        body = _body(after)
        assert b"2025-05-01,2025-05-31,97" in body
        assert body == _live(client, path).content

    def test_a_matching_if_none_match_is_304(self, client, world):
        prebuilt.downloads_rebuild()
        path = reverse("opendata_pilots_csv")
        first = client.get(path)
        assert first.streaming
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == "public, max-age=300"
        assert again["Link"] == first["Link"]

    def test_running_twice_gives_the_same_files(self, client, world):
        for url in URL_NAMES.values():  # load the views (and their schemas) first
            client.get(reverse(url))
        # One second for both: the IATI file says when it was generated.
        with freeze_time(timezone.now()):
            rebuild_downloads_task.delay()
            first = prebuilt.read_manifest()
            rebuild_downloads_task.delay()
            second = prebuilt.read_manifest()
        assert second["files"] == first["files"]
        assert second["version"] == first["version"]

    def test_a_rebuild_with_different_data_changes_the_etag(self, world):
        first = prebuilt.downloads_rebuild()["files"]["pilots_csv"]
        world["running"].title = "Fewer repeat calls, renamed"
        world["running"].save()
        second = prebuilt.downloads_rebuild()["files"]["pilots_csv"]
        assert second["etag"] != first["etag"]
        # The previous file stays for a request still reading it; older ones go.
        assert prebuilt.storage().exists(first["name"])
        world["running"].title = "Fewer repeat calls, renamed again"
        world["running"].save()
        prebuilt.downloads_rebuild()
        assert not prebuilt.storage().exists(first["name"])

    def test_a_missing_file_falls_back_to_the_request(self, client, world):
        manifest = prebuilt.downloads_rebuild()
        path = reverse("opendata_metrics_csv")
        expected = _body(client.get(path))
        prebuilt.storage().delete(manifest["files"]["metrics_csv"]["name"])
        response = client.get(path)
        assert response.status_code == 200
        assert not response.streaming
        assert response.content == expected

    def test_a_stale_file_is_not_served(self, client, world):
        prebuilt.downloads_rebuild()
        path = reverse("opendata_pilots_csv")
        # A change committed elsewhere whose rebuild has not run yet.
        cache.set(prebuilt.VERSION_KEY, "newer", timeout=None)
        world["running"].title = "Renamed before the rebuild"
        world["running"].save()
        response = client.get(path)
        assert not response.streaming
        assert b"Renamed before the rebuild" in response.content

    def test_filtered_requests_are_built_in_the_request_with_an_etag(
        self, client, world
    ):
        prebuilt.downloads_rebuild()
        response = client.get(reverse("opendata_pilots_csv"), {"status": "running"})
        assert not response.streaming
        assert b"Damp and mould" not in response.content
        assert (
            client.get(
                reverse("opendata_pilots_csv"),
                {"status": "running"},
                HTTP_IF_NONE_MATCH=response["ETag"],
            ).status_code
            == 304
        )

    def test_the_command_builds_the_files(self, world):
        out = io.StringIO()
        call_command("build_open_data", stdout=out)
        assert "Built 8 files." in out.getvalue()
        manifest = prebuilt.read_manifest()
        assert manifest["version"] == prebuilt.data_version()
        for entry in manifest["files"].values():
            assert prebuilt.storage().size(entry["name"]) == entry["size"]
