"""Wagtail's own searches (the page API, the admin's page chooser) take any text."""

import pytest
from wagtail.search.backends import get_search_backend

from home.models import StandardPage

pytestmark = pytest.mark.django_db

QUOTED = ['"', '"hello', 'say "hello', 'a"b', '""', "it's \"", '"about us"']


class QuotedSearchTests:
    @pytest.mark.parametrize("text", QUOTED)
    def test_page_api_search_takes_quotes(self, client, demo_site, text):
        response = client.get("/api/v2/pages/", {"search": text})
        assert response.status_code == 200, response.content[:300]

    @pytest.mark.parametrize("text", QUOTED)
    def test_admin_page_chooser_search_takes_quotes(
        self, client, demo_site, login, text
    ):
        login("admin@impactlab.example")
        response = client.get("/admin/choose-page/search/", {"q": text})
        assert response.status_code == 200

    def test_words_are_still_found(self, demo_site):
        about = StandardPage.objects.live().get(slug="about")
        backend = get_search_backend()
        backend.add(about)
        found = list(backend.search(about.title, StandardPage))
        assert about in found
        assert list(backend.search(f'"{about.title}', StandardPage)) == found
        # The tokenizer drops the quote: what is left is the word.
        assert about in backend.autocomplete(about.title[:4] + '"', StandardPage)
