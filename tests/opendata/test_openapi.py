"""Acceptance 1: schemathesis, with every check it has, against /api/v1/openapi.json.

Property-based: for every operation, hypothesis generates query and path values from the
OpenAPI document, both valid ones (positive: edge values, every enum value, huge pages,
unknown ids) and invalid ones (negative: wrong types, out-of-range numbers, a NUL byte).
`call_and_validate` then runs ALL of schemathesis's checks on each response: no 5xx,
status code, content type, headers and body as documented, invalid input rejected
(4xx), valid input accepted, unsupported methods 405 with `Allow`, and the rest. The
requests go to the Django WSGI app in-process, against the `world` fixture's data, so
the pages carry real pilots, metrics and private records. Deterministic (derandomize)
and bounded (MAX_EXAMPLES per operation and mode).
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from opendata.api import api
from tests.opendata.conftest import world_from

# The tests here read the same world: built once for the module.
pytestmark = pytest.mark.usefixtures("shared_world")

MAX_EXAMPLES = 20  # per operation and mode; the whole run takes under a minute
load_all_checks()
# Every built-in check (the class-based ones run once per run, not per response).
ALL_CHECKS = [check for check in CHECKS.get_all() if not isinstance(check, type)]


@pytest.fixture
def world(shared_world, db):
    return world_from(shared_world)


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


@pytest.fixture
def operations(in_process_wsgi):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process_wsgi)
    found = [result.ok() for result in schema.get_all_operations()]
    return {operation.label: operation for operation in found}


def fuzz(operation, mode, seen):
    """MAX_EXAMPLES cases of one operation in one mode, every check on each answer."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(checks=ALL_CHECKS)
        seen.append((case.operation.label, mode, response.status_code))

    run()


def test_every_check_is_run():
    names = {check.__name__ for check in ALL_CHECKS}
    assert {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
    } <= names


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

    def test_every_operation_documents_its_errors(self, client):
        document = client.get("/api/v1/openapi.json").json()
        schemas = document["components"]["schemas"]
        for path, operations in document["paths"].items():
            responses = operations["get"]["responses"]
            expected = {"200", "400", "422", "429"} | (
                {"404"} if "{" in path else set()
            )
            assert set(responses) == expected, path
            retry_after = responses["429"]["headers"]["Retry-After"]
            assert retry_after["required"] is True
            assert retry_after["schema"]["type"] == "integer"
            invalid = responses["422"]["content"]["application/json"]["schema"]
            assert invalid["$ref"].endswith("/ValidationErrorOut")
        assert schemas["ValidationErrorOut"]["required"] == ["detail"]
        # Absent is how a query says None: no parameter offers the text "null".
        for operations in document["paths"].values():
            for parameter in operations["get"].get("parameters", []):
                assert "anyOf" not in parameter["schema"], parameter

    def test_schemathesis_all_checks_pass(self, world, operations):
        assert len(operations) == 7
        seen = []
        for operation in operations.values():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(operation, mode, seen)
        # Random ids and slugs rarely hit a record: check the real ones explicitly.
        for label, parameters in (
            ("GET /api/v1/pilots/{pilot_id}", {"pilot_id": world["running"].pk}),
            ("GET /api/v1/pilots/{pilot_id}", {"pilot_id": world["completed"].pk}),
            ("GET /api/v1/organisations/{slug}", {"slug": world["council"].slug}),
            ("GET /api/v1/organisations/{slug}", {"slug": world["winner"].slug}),
        ):
            case = operations[label].Case(path_parameters=parameters)
            response = case.call_and_validate(checks=ALL_CHECKS)
            seen.append((label, GenerationMode.POSITIVE, response.status_code))
        # The run reached real data, not only 4xx answers ...
        ok = {label for label, _, status in seen if status == 200}
        assert len(ok) == 7, ok
        # ... and invalid input was refused with the documented 422 everywhere.
        refused = {label for label, mode, status in seen if status == 422}
        assert len(refused) == 7, refused
        assert api.get_openapi_schema()["info"]["title"]

    def test_a_429_matches_the_document(self, world, operations, settings):
        """Over the limit: the 429's body, content type and Retry-After header pass
        every check too."""
        settings.OPENDATA_RATE_LIMIT = "2/m"
        cache.clear()
        for label, operation in operations.items():
            cache.clear()
            case = operation.Case(
                path_parameters={"pilot_id": world["running"].pk}
                if "pilot_id" in label
                else {"slug": world["council"].slug}
                if "slug" in label
                else {}
            )
            statuses = [case.call().status_code for _ in range(2)]
            assert statuses == [200, 200], label
            response = case.call_and_validate(checks=ALL_CHECKS)
            assert response.status_code == 429, label
            retry_after = {k.lower(): v for k, v in response.headers.items()}[
                "retry-after"
            ]
            assert 1 <= int(retry_after[0]) <= 60, label
