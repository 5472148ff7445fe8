"""Acceptance 1: schemathesis against /api/v1/openapi.json.

Property-based: for every operation, hypothesis generates query and path values from the
OpenAPI document (valid and edge values: huge pages, unknown ids, every enum value) and
`call_and_validate` runs schemathesis's default checks on each response: no 5xx, status
code documented, content type documented, and the body matches the response schema. The
requests go to the Django WSGI app in-process, against the `world` fixture's data, so
the pages carry real pilots, metrics and private records.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from opendata.api import api

MAX_EXAMPLES = 40  # per operation; the whole run takes well under a minute


@pytest.fixture
def in_process_wsgi():
    """Keep the test's database connection open across in-process WSGI requests.

    Django's test client does the same: a real WSGI handler closes the connection at
    the end of each request, which on PostgreSQL would end the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
class OpenAPITests:
    def test_document_lists_every_endpoint(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        paths = set(response.json()["paths"])
        assert paths == {
            "/api/v1/pilots",
            "/api/v1/pilots/{pilot_id}",
            "/api/v1/metrics",
            "/api/v1/measurements",
            "/api/v1/organisations",
            "/api/v1/organisations/{slug}",
            "/api/v1/contacts",
        }
        assert response["Link"].endswith('rel="license"')

    def test_schemathesis_finds_no_server_error_or_schema_mismatch(
        self, world, in_process_wsgi
    ):
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process_wsgi)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 7
        seen = []
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                response = case.call_and_validate()
                seen.append((case.operation.label, response.status_code))

            run()
        # Random ids and slugs rarely hit a record: check the real ones explicitly.
        by_label = {operation.label: operation for operation in operations}
        for label, parameters in (
            ("GET /api/v1/pilots/{pilot_id}", {"pilot_id": world["running"].pk}),
            ("GET /api/v1/pilots/{pilot_id}", {"pilot_id": world["completed"].pk}),
            ("GET /api/v1/organisations/{slug}", {"slug": world["council"].slug}),
            ("GET /api/v1/organisations/{slug}", {"slug": world["winner"].slug}),
        ):
            case = by_label[label].Case(path_parameters=parameters)
            seen.append((label, case.call_and_validate().status_code))
        # The run reached real data, not only 4xx answers.
        ok = {label for label, status in seen if status == 200}
        assert len(ok) == 7, ok
        assert api.get_openapi_schema()["info"]["title"]
