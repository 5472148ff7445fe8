"""Listing pages make the same number of SQL queries with 10 items as with 60 (more
than a page of results; 200 counted the same and took 20 s to build).

How the numbers were measured: each test renders the page once to warm Wagtail's
per-process caches (site root paths, content types), then counts the queries of a
second request with `django_assert_num_queries`; the count printed by a failing run
is the page's real count. Every item adds rows to the same queries (joins, prefetches
and the outcome subqueries), never a query of its own.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.publishing import case_study_world

pytestmark = pytest.mark.django_db

FILTERED = (
    "/case-studies/?theme=housing&status=completed&outcome=improved&sort=evidence"
)

# Queries per request, measured as described above (SQLite and PostgreSQL alike).
CASE_STUDIES = 18
CASE_STUDIES_FILTERED = 18
PARTNERS = 16


PAGES = {
    "/case-studies/": CASE_STUDIES,
    FILTERED: CASE_STUDIES_FILTERED,
    "/partners/": PARTNERS,
}


def _counts(client) -> dict[str, int]:
    counted = {}
    for path in PAGES:
        assert client.get(path).status_code == 200  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counted[path] = len(queries)
    return counted


def test_listing_queries_do_not_grow(client, demo_site):
    # One world for all three pages: building the case studies is the slow part.
    case_study_world(10)
    assert _counts(client) == PAGES
    case_study_world(50, start=10)
    assert _counts(client) == PAGES
