"""Wagtail's API v2 at /api/v2/pages/: challenges, case studies and partner profiles only,
live and public only, allow-listed fields only, with the open-data headers."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from bench.load_data import LoadData
from challenges.models import ChallengeIndexPage, ChallengePage
from home.models import HomePage, StandardPage
from home.services import page_ensure
from opendata.http import LICENCE_URL
from opendata.pages_api import PAGE_API_FIELDS
from pilots.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    PartnerIndexPage,
    PartnerPage,
)
from tests.conftest import load_demo_site, shared_data

pytestmark = pytest.mark.django_db

TYPES = {
    "challenges.ChallengePage": ChallengePage,
    "pilots.CaseStudyPage": CaseStudyPage,
    "pilots.PartnerPage": PartnerPage,
}
BASE_FIELDS = {"id", "meta", "title"}


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.OPENDATA_RATE_LIMIT = "100000/m"
    cache.clear()


def build(pilots: int) -> None:
    home = HomePage.objects.get()
    page_ensure(
        parent=home, model=ChallengeIndexPage, slug="challenges", title="Challenges"
    )
    page_ensure(
        parent=home, model=CaseStudyIndexPage, slug="case-studies", title="Case studies"
    )
    page_ensure(parent=home, model=PartnerIndexPage, slug="partners", title="Partners")
    LoadData(pilots=pilots, seed=7, stdout=io.StringIO()).run()


@pytest.fixture(scope="class")
def _site(django_db_setup, django_db_blocker):
    """The demo site and 30 pilots' pages, built once for each class that uses it;
    every test's writes are rolled back."""

    def build_site():
        home = load_demo_site()
        build(30)
        return home.pk

    yield from shared_data(django_db_blocker, build_site)


@pytest.fixture
def site(_site, db):
    return HomePage.objects.get(pk=_site)


def listing(client, **params):
    response = client.get("/api/v2/pages/", {"limit": 20, **params})
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.mark.usefixtures("_site")
class PagesAPITests:
    def test_lists_only_live_public_challenges_case_studies_and_partners(
        self, client, site
    ):
        data = listing(client).json()
        expected = sum(
            model.objects.live().public().count() for model in TYPES.values()
        )
        assert data["meta"]["total_count"] == expected
        assert {item["meta"]["type"] for item in data["items"]} <= set(TYPES)
        standard = StandardPage.objects.live().first()
        assert client.get(f"/api/v2/pages/{standard.pk}/").status_code == 404
        assert client.get(f"/api/v2/pages/{site.pk}/").status_code == 404
        assert (
            listing(client, type="home.StandardPage").json()["meta"]["total_count"] == 0
        )

    def test_drafts_and_private_pages_never_appear(self, client, site):
        draft = CaseStudyPage.objects.live().first()
        draft.unpublish()
        private = CaseStudyPage.objects.live().first()
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.LOGIN
        )
        ids = {
            item["id"]
            for item in listing(
                client, type="pilots.CaseStudyPage", limit=20, offset=0
            ).json()["items"]
        }
        total = listing(client, type="pilots.CaseStudyPage").json()["meta"][
            "total_count"
        ]
        assert total == CaseStudyPage.objects.live().public().count()
        assert draft.pk not in ids and private.pk not in ids
        for page in (draft, private):
            assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404

    @pytest.mark.parametrize("type_name", list(TYPES))
    def test_detail_fields_are_exactly_the_allow_list(self, client, site, type_name):
        model = TYPES[type_name]
        page = model.objects.live().public().first()
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        allowed = BASE_FIELDS | {f.name for f in PAGE_API_FIELDS[model]}
        assert set(data) == allowed
        # Wagtail's meta never names the owner, the revision or who locked it.
        assert not {"owner", "latest_revision", "locked_by"} & set(data["meta"])

    def test_case_studies_point_at_their_pilot_results(self, client, site):
        page = CaseStudyPage.objects.live().first()
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert data["pilot"]["id"] == page.pilot_id
        assert data["pilot"]["results_url"] == f"/api/v1/pilots/{page.pilot_id}"
        assert client.get(data["pilot"]["results_url"]).status_code == 200
        # The pilot lead's contact details stay out of the page API.
        contact = page.pilot.lead_contact
        assert (
            contact.email
            not in client.get(f"/api/v2/pages/{page.pk}/").content.decode()
        )

    def test_challenges_carry_status_themes_and_holders(self, client, site):
        page = ChallengePage.objects.live().filter(holders__isnull=False).first()
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert data["status"] == page.status
        assert data["themes"] == sorted(t.name for t in page.themes.all())
        assert {h["name"] for h in data["holders"]} == {
            h.name for h in page.holders.all()
        }

    def test_open_data_headers(self, client, site):
        response = listing(client)
        assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
        assert "max-age=300" in response["Cache-Control"]
        etag = response["ETag"]
        again = client.get("/api/v2/pages/", {"limit": 20}, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304

    def test_rate_limited_per_client(self, client, site, settings):
        settings.OPENDATA_RATE_LIMIT = "2/m"
        cache.clear()
        assert client.get("/api/v2/pages/").status_code == 200
        assert client.get("/api/v2/pages/").status_code == 200
        assert client.get("/api/v2/pages/").status_code == 429


def count_queries(client, params) -> int:
    listing(client, **params)  # warm-up: content types, the site
    with CaptureQueriesContext(connection) as queries:
        listing(client, **params)
    return len(queries)


class PagesAPIQueryCountTests:
    """The same queries for a site with about 10 and about 200 pages of each type.

    How the numbers were measured: CaptureQueriesContext around the second request,
    read from the captured SQL. Every listing: the view restrictions, read once for the
    count and twice for the page (3; Wagtail's `.public()`), the site (1), the count and
    the page of results (2) = 6; a typed listing with every field adds what the type's
    fields read in bulk: challenges their holders and themes (2), case studies and
    partner pages nothing (their pilot or organisation and the locale are joined).
    """

    LISTINGS = {
        "all": ({}, 6),
        "challenges": ({"type": "challenges.ChallengePage", "fields": "*"}, 8),
        "case studies": ({"type": "pilots.CaseStudyPage", "fields": "*"}, 6),
        "partners": ({"type": "pilots.PartnerPage", "fields": "*"}, 6),
    }

    @pytest.mark.parametrize("pilots", [30, 650])
    def test_queries_do_not_grow(self, client, demo_site, pilots):
        build(pilots)
        assert Page.objects.type(CaseStudyPage).count() >= (10 if pilots == 30 else 200)
        counted = {
            name: count_queries(client, params)
            for name, (params, _) in self.LISTINGS.items()
        }
        assert counted == {name: n for name, (_, n) in self.LISTINGS.items()}


class PagesAPIGuideTests:
    def test_the_guide_lists_every_type_and_field(self, client, db):
        text = client.get("/api/").content.decode()
        assert "/api/v2/pages/" in text
        for model, fields in PAGE_API_FIELDS.items():
            assert f"{model._meta.app_label}.{model.__name__}" in text
            for field in fields:
                assert field.name in text
