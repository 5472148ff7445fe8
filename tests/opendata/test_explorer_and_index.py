"""The API explorer at /api/v1/docs, /api/v1/ itself, the index of downloads at
/open-data/, and the JSON refusals under /api/v1/ (no browser: see
test_explorer_browser.py for the rendered explorer and axe)."""

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import URLPattern, reverse

from opendata import urls as opendata_urls
from tests.opendata.conftest import world_from

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def world(shared_world, db):
    return world_from(shared_world)


class Assets(HTMLParser):
    """The scripts, stylesheets and links a page loads or offers."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.links, self.inline = [], [], [], []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            else:
                self._in_script = attrs.get("type", "")
        elif tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.styles.append(attrs["href"])
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append((tag, attrs))

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            self.inline.append(("script", self._in_script))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def assets_of(response) -> Assets:
    parser = Assets()
    parser.feed(response.content.decode())
    return parser


def download_routes() -> list[str]:
    """The URL names of every file under /open-data/ in the URLconf."""
    return [
        pattern.name
        for pattern in opendata_urls.urlpatterns
        if isinstance(pattern, URLPattern)
        and str(pattern.pattern).startswith("open-data/")
        and str(pattern.pattern) != "open-data/"
    ]


@pytest.mark.django_db
class ExplorerTests:
    def test_explorer_is_served_from_this_site_under_the_csp(self, client, world):
        response = client.get("/api/v1/docs")
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split("; ")
        )
        # The site's own policy: this site's files and, by its hash, the one inline
        # script every page starts its body with (GOV.UK Frontend's body class).
        assert directives["script-src"] == [
            "'self'",
            settings.GOVUK_FRONTEND_SUPPORTED_JS_HASH,
        ]
        assert directives["style-src"] == ["'self'"]
        assets = assets_of(response)
        assert any(src.endswith("swagger-ui-bundle.js") for src in assets.scripts)
        assert any(href.endswith("swagger-ui.css") for href in assets.styles)
        for url in assets.scripts + assets.styles:
            assert url.startswith("/") and not url.startswith("//"), url
            # A file of this site's static files (ninja's own, an installed app).
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        # Nothing inline but that snippet and the settings, which are data (JSON).
        assert assets.inline == [("script", ""), ("script", "application/json")]
        assert "swagger-ui" in response.content.decode()

    def test_explorer_reads_this_sites_openapi_document(self, client, world):
        response = client.get("/api/v1/docs")
        start = response.content.decode().index('id="swagger-settings"')
        text = response.content.decode()[start:]
        text = text[text.index(">") + 1 : text.index("</script>")]
        swagger = json.loads(text)
        assert swagger["url"] == "/api/v1/openapi.json"
        assert swagger["validatorUrl"] is None  # no badge from another origin

    def test_guide_links_to_the_explorer(self, client, world):
        assert 'href="/api/v1/docs"' in client.get("/api/").content.decode()


@pytest.mark.django_db
class ApiRootTests:
    def test_api_v1_leads_to_the_guide(self, client, world):
        response = client.get("/api/v1/")
        assert response.status_code == 302
        assert response["Location"] == reverse("opendata_guide")
        guide = client.get(response["Location"])
        assert guide.status_code == 200
        assert "<h1" in guide.content.decode()

    def test_other_paths_under_api_v1_are_json_404s(self, client, world):
        for path in ("/api/v1/nothing", "/api/v1/pilots/", "/api/v1/organisations/"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response["Content-Type"] == "application/json", path
            assert response.json() == {"detail": "No API operation has this address."}
            assert response["Link"].endswith('rel="license"')

    def test_a_nul_byte_is_a_json_400_under_the_api_only(self, client, world):
        response = client.get("/api/v1/pilots", {"theme": "a\x00b"})
        assert response.status_code == 400
        assert response.json()["detail"] == "The address or a value holds a NUL byte."
        page = client.get("/open-data/", {"q": "\x00"})
        assert page.status_code == 400
        assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
class DownloadIndexTests:
    def test_every_open_data_file_is_listed_and_answers(self, client, world):
        response = client.get("/open-data/")
        assert response.status_code == 200
        assert response["Content-Security-Policy"]
        links = assets_of(response).links
        names = download_routes()
        assert len(names) >= 7
        for name in names:
            url = reverse(name)
            assert url in links, f"{url} is not on /open-data/"
            assert client.get(url).status_code == 200, url

    def test_index_is_a_page_of_the_site_with_descriptions(self, client, world):
        page = client.get("/open-data/").content.decode()
        assert "Skip to main content" in page and "govuk-footer" in page
        assert '<h1 class="govuk-heading-xl">Open data downloads</h1>' in page
        assert "360Giving" in page and "IATI" in page
        assert "Open Government Licence v3.0" in page
        assert page.count('<tr class="govuk-table__row">') == len(download_routes()) + 1

    def test_guide_lists_the_same_files(self, client, world):
        links = assets_of(client.get("/api/")).links
        for name in download_routes():
            assert reverse(name) in links, name
        assert reverse("opendata_downloads") in links
