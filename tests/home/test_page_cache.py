"""The anonymous page cache (home/page_cache.py): served to visitors who are not signed
in, invalidated on publish and on new measurements, never for signed-in users, previews,
restricted pages or pages with a form."""

import os

import pytest
from django.core.cache import cache
from django.test import override_settings
from wagtail.models import PageViewRestriction

from home.models import StandardPage
from home.page_cache import HEADER
from tests.factories.pilots import MeasurementFactory, MetricFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on():
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield
    cache.clear()


@pytest.fixture
def standard(demo_site):
    return StandardPage.objects.get(slug="accessibility-statement")


def publish_new_title(page, title, capture):
    with capture(execute=True):
        page.title = title
        page.save_revision().publish()


class AnonymousPageCacheTests:
    def test_second_visit_is_answered_from_the_cache_without_the_database(
        self, client, demo_site, django_assert_num_queries
    ):
        first = client.get("/")
        assert first.status_code == 200
        assert first[HEADER] == "miss"
        with django_assert_num_queries(0):
            second = client.get("/")
        assert second[HEADER] == "hit"
        assert second.content == first.content
        # The stored answer keeps the security headers the page was served with.
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert second["X-Frame-Options"] == "DENY"

    def test_the_query_string_is_part_of_the_address(self, client, demo_site):
        assert client.get("/?a=1")[HEADER] == "miss"
        assert client.get("/?a=2")[HEADER] == "miss"
        assert client.get("/?a=1")[HEADER] == "hit"

    def test_publishing_invalidates(
        self, client, standard, django_capture_on_commit_callbacks
    ):
        url = standard.url
        client.get(url)
        assert client.get(url)[HEADER] == "hit"

        publish_new_title(
            standard,
            "Accessibility statement (revised)",
            django_capture_on_commit_callbacks,
        )

        response = client.get(url)
        assert response[HEADER] == "miss"
        assert "Accessibility statement (revised)" in response.content.decode()

    def test_a_draft_does_not_change_what_visitors_see(
        self, client, standard, django_capture_on_commit_callbacks
    ):
        url = standard.url
        before = client.get(url).content
        with django_capture_on_commit_callbacks(execute=True):
            standard.title = "Unpublished draft title"
            standard.save_revision()
        response = client.get(url)
        assert "Unpublished draft title" not in response.content.decode()
        assert response.content == before

    def test_a_new_measurement_invalidates(
        self, client, demo_site, django_capture_on_commit_callbacks
    ):
        metric = MetricFactory()
        client.get("/")
        assert client.get("/")[HEADER] == "hit"

        with django_capture_on_commit_callbacks(execute=True):
            MeasurementFactory(metric=metric)

        assert client.get("/")[HEADER] == "miss"

    def test_a_rolled_back_change_leaves_the_cache_alone(self, client, demo_site):
        client.get("/")
        # Inside the test's transaction the callback never runs: nothing committed.
        MeasurementFactory()
        assert client.get("/")[HEADER] == "hit"

    def test_signed_in_visitors_never_read_the_cache(self, client, demo_site, login):
        anonymous = client.get("/")
        assert client.get("/")[HEADER] == "hit"

        login("lead@impactlab.example")
        response = client.get("/")
        assert HEADER not in response
        page = response.content.decode()
        assert "Sign out" in page
        assert response.content != anonymous.content

    def test_signed_in_visitors_never_fill_the_cache(self, client, demo_site, login):
        login("lead@impactlab.example")
        client.get("/")
        client.logout()
        client.cookies.clear()

        response = client.get("/")
        assert response[HEADER] == "miss"
        assert "Sign out" not in response.content.decode()

    def test_previews_are_never_cached(
        self, client, standard, login, django_capture_on_commit_callbacks
    ):
        url = standard.url
        published = client.get(url).content
        login("admin@impactlab.example")
        with django_capture_on_commit_callbacks(execute=True):
            standard.title = "Preview-only title"
            standard.save_revision()
        preview = client.get(f"/admin/pages/{standard.pk}/edit/preview/")
        assert preview.status_code == 200
        assert HEADER not in preview
        client.logout()
        client.cookies.clear()
        assert client.get(url).content == published

    def test_restricted_pages_and_forms_are_never_stored(self, client, standard):
        PageViewRestriction.objects.create(
            page=standard, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        cache.clear()
        for _ in range(2):
            client.cookies.clear()
            response = client.get(standard.url)
            assert response.status_code == 200  # the password form, with a CSRF token
            assert HEADER not in response

    def test_search_results_are_not_cached(self, client, demo_site):
        from search import demo_content

        with open(os.devnull, "w") as devnull:
            demo_content.load(stdout=devnull)
        for _ in range(2):
            response = client.get("/search/?q=housing")
            assert response.status_code == 200
            assert HEADER not in response

    def test_a_session_cookie_bypasses_the_cache(self, client, demo_site, settings):
        client.get("/")
        client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
        assert HEADER not in client.get("/")

    def test_off_when_the_setting_is_zero(self, client, demo_site, settings):
        settings.PAGE_CACHE_SECONDS = 0
        client.get("/")
        assert HEADER not in client.get("/")
