import pytest
from django.test import RequestFactory

from home.navigation import navigation_items


@pytest.mark.django_db
class NavigationTests:
    def test_sections_that_have_not_shipped_are_not_shown(self, demo_site):
        request = RequestFactory().get("/")
        assert navigation_items(request) == []

    def test_cached_per_request(self, demo_site, django_assert_num_queries):
        request = RequestFactory().get("/")
        navigation_items(request)
        with django_assert_num_queries(0):
            navigation_items(request)
