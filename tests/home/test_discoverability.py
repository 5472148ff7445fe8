"""What search engines and link previews read: /sitemap.xml, /robots.txt, each page's
canonical link, description and Open Graph tags, absolute addresses from the Site record
(kept at WAGTAILADMIN_BASE_URL), partner and case-study JSON-LD, and the inline script
that marks <body> before the first paint."""

import base64
import datetime
import hashlib
import json
import re

from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.test import TestCase, override_settings
from wagtail.models import PageViewRestriction, Site

from home import demo_content
from home.models import HomePage, Organisation, StandardPage
from home.services import site_address, site_sync_from_base_url
from home.structured_data import SITE_DESCRIPTION
from search.models import SearchPage
from tests.factories.challenges import ChallengeIndexPageFactory, ChallengePageFactory
from tests.factories.pilots import PilotFactory, PublicBodyFactory
from tests.factories.publishing import (
    CaseStudyPageFactory,
    PartnerPageFactory,
    indexes,
)

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE_URL = "https://impactlab.example"


class _World(TestCase):
    """One page of every type, a draft and a private page, built once: every check
    below is a mixin of the one test class at the end, so the world is built once."""

    @classmethod
    def setUpTestData(cls):
        cache.clear()  # Wagtail caches site root paths: none from another class
        with open("/dev/null", "w") as devnull:
            demo_content.load(stdout=devnull)
        cls.home = HomePage.objects.get()
        cls.about = StandardPage.objects.get(slug="about")
        cls.challenge_index = ChallengeIndexPageFactory(parent=cls.home)
        cls.challenge = ChallengePageFactory(
            parent=cls.challenge_index, title="Damp and mould"
        )
        cls.case_index, cls.partner_index = indexes(cls.home)
        council = PublicBodyFactory(
            name="Example Borough Council",
            org_id="GB-EXAMPLE-0042",
            website="https://sandwell.example",
            local_authority_area="sandwell",
        )
        cls.pilot = PilotFactory(
            lead_organisation=council,
            start_date=datetime.date(2025, 1, 6),
            actual_end_date=None,
        )
        cls.case_study = CaseStudyPageFactory(
            parent=cls.case_index, pilot=cls.pilot, title="Fewer repeat calls"
        )
        cls.partner = PartnerPageFactory(parent=cls.partner_index, organisation=council)
        cls.business_partner = PartnerPageFactory(
            parent=cls.partner_index,
            organisation=PublicBodyFactory(
                name="CallSense Ltd", org_type=Organisation.Type.BUSINESS
            ),
            summary="",
        )
        cls.search = SearchPage(title="Search", slug="search")
        cls.home.add_child(instance=cls.search)
        cls.draft = StandardPage(
            title="Draft page", slug="draft-page", body=[], live=False
        )
        cls.home.add_child(instance=cls.draft)
        cls.private = StandardPage(title="Private page", slug="private-page", body=[])
        cls.home.add_child(instance=cls.private)
        PageViewRestriction.objects.create(
            page=cls.private,
            restriction_type=PageViewRestriction.PASSWORD,
            password="secret",
        )
        cls.private_child = StandardPage(
            title="Inside the private page", slug="inside", body=[]
        )
        cls.private.add_child(instance=cls.private_child)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cache.clear()

    def soup(self, url: str) -> BeautifulSoup:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return BeautifulSoup(response.content, "html.parser")


class SitemapChecks:
    def test_lists_every_public_page_type_and_no_draft_private_or_search_page(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)
        locations = {u.findtext(f"{SITEMAP_NS}loc") for u in root}
        expected = {
            self.home.full_url,
            self.challenge_index.full_url,
            self.challenge.full_url,
            self.case_index.full_url,
            self.case_study.full_url,
            self.partner_index.full_url,
            self.partner.full_url,
            self.business_partner.full_url,
            *(p.full_url for p in StandardPage.objects.live().public()),
        }
        self.assertEqual(locations, expected)
        # Every page type that has a URL is there except the search page, whose
        # results are not content (robots.txt keeps crawlers out of /search/).
        types = {p.specific_class for p in self.home.get_descendants(inclusive=True)}
        listed = {
            p.specific_class
            for p in self.home.get_descendants(inclusive=True)
            if p.full_url in locations
        }
        self.assertEqual(types - listed, {SearchPage})
        for page in (self.draft, self.private, self.private_child, self.search):
            self.assertNotIn(page.full_url, locations)
        self.assertTrue(all(loc.startswith("http") for loc in locations))


class RobotsTxtChecks:
    def test_allows_the_site_and_keeps_crawlers_out_of_private_areas(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "User-agent: *")
        self.assertIn("Allow: /", lines)
        disallowed = {
            line.removeprefix("Disallow: ")
            for line in lines
            if line.startswith("Disallow:")
        }
        self.assertLessEqual(set(settings.PRIVATE_URL_PREFIXES), disallowed)
        self.assertLessEqual(
            {"/admin/", "/account/", "/entries/", "/assessments/", "/pilots/"},
            disallowed,
        )
        # Nothing public is kept out.
        for path in ("/", "/challenges/", "/case-studies/", "/partners/", "/api/"):
            self.assertFalse(any(path == d for d in disallowed), path)
        site = Site.objects.get(is_default_site=True)
        self.assertIn(f"Sitemap: {site.root_url}/sitemap.xml", lines)


class PageMetaChecks:
    def _meta(self, soup, **attrs) -> str:
        tag = soup.find("meta", attrs=attrs)
        self.assertIsNotNone(tag, attrs)
        return tag["content"]

    def test_every_kind_of_page_has_canonical_description_and_open_graph(self):
        site = Site.objects.get(is_default_site=True)
        pages = [
            (self.home, self.home.intro, "website"),
            (self.about, self.about.intro, "website"),
            (self.challenge, self.challenge.summary, "website"),
            (self.case_study, self.case_study.summary, "article"),
            (self.partner, self.partner.summary, "website"),
            (self.case_index, self.case_index.intro, "website"),  # the finder
            (self.partner_index, self.partner_index.intro, "website"),
            (self.business_partner, SITE_DESCRIPTION, "website"),  # nothing of its own
        ]
        for page, description, og_type in pages:
            with self.subTest(page=page.title):
                soup = self.soup(page.url)
                canonical = soup.find("link", rel="canonical")["href"]
                self.assertEqual(canonical, page.full_url)
                self.assertTrue(canonical.startswith(site.root_url + "/"))
                self.assertEqual(self._meta(soup, name="description"), description)
                self.assertEqual(self._meta(soup, property="og:url"), canonical)
                self.assertEqual(self._meta(soup, property="og:title"), page.title)
                self.assertEqual(
                    self._meta(soup, property="og:description"), description
                )
                self.assertEqual(self._meta(soup, property="og:type"), og_type)
                self.assertEqual(
                    self._meta(soup, property="og:site_name"),
                    settings.WAGTAIL_SITE_NAME,
                )
                self.assertEqual(
                    self._meta(soup, property="og:image"),
                    f"{site.root_url}/static/images/share-card.png",
                )
                self.assertEqual(
                    self._meta(soup, name="twitter:card"), "summary_large_image"
                )

    def test_search_description_comes_first(self):
        StandardPage.objects.filter(pk=self.about.pk).update(
            search_description="What the Lab is for, in one line."
        )
        soup = self.soup(self.about.url)
        self.assertEqual(
            self._meta(soup, name="description"), "What the Lab is for, in one line."
        )

    def test_a_filtered_finder_names_its_unfiltered_self_and_keeps_its_page(self):
        soup = self.soup(self.case_index.url + "?area=sandwell&q=calls")
        canonical = soup.find("link", rel="canonical")["href"]
        self.assertEqual(canonical, self.case_index.full_url)
        soup = self.soup(self.partner_index.url + "?page=2&type=council")
        canonical = soup.find("link", rel="canonical")["href"]
        self.assertEqual(canonical, self.partner_index.full_url + "?page=2")
        # Not a page number: the first page ("²" is a digit to str.isdigit, not int).
        for value in ("\u00b2", "-1", "x"):
            soup = self.soup(f"{self.partner_index.url}?page={value}")
            canonical = soup.find("link", rel="canonical")["href"]
            self.assertEqual(canonical, self.partner_index.full_url, value)

    def test_favicons_and_manifest_are_linked_and_exist(self):
        soup = self.soup("/")
        hrefs = [
            soup.find("link", rel="icon", type="image/svg+xml")["href"],
            soup.find("link", rel="icon", sizes="32x32")["href"],
            soup.find("link", rel="apple-touch-icon")["href"],
            soup.find("link", rel="manifest")["href"],
        ]
        for href in hrefs:
            self.assertTrue(href.startswith(settings.STATIC_URL), href)
            self.assertIsNotNone(finders.find(href.removeprefix(settings.STATIC_URL)))
        with open(finders.find("site.webmanifest"), encoding="utf-8") as f:
            manifest = json.load(f)
        for icon in manifest["icons"]:
            self.assertIsNotNone(finders.find(icon["src"]), icon["src"])


def _json_ld(response) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


class StructuredDataChecks:
    def test_a_council_partner_is_a_government_organization(self):
        data = _json_ld(self.client.get(self.partner.url))
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "GovernmentOrganization")
        self.assertEqual(data["name"], "Example Borough Council")
        self.assertEqual(data["@id"], f"{self.partner.full_url}#organisation")
        self.assertEqual(data["mainEntityOfPage"], self.partner.full_url)
        self.assertEqual(data["url"], "https://sandwell.example")
        self.assertEqual(data["identifier"], "GB-EXAMPLE-0042")
        self.assertEqual(data["description"], self.partner.summary)
        self.assertEqual(
            data["areaServed"], {"@type": "AdministrativeArea", "name": "Sandwell"}
        )
        self.assertEqual(
            data["subjectOf"],
            [
                {
                    "@type": "Article",
                    "headline": "Fewer repeat calls",
                    "url": self.case_study.full_url,
                }
            ],
        )

    def test_a_business_partner_is_an_organization(self):
        data = _json_ld(self.client.get(self.business_partner.url))
        self.assertEqual(data["@type"], "Organization")
        self.assertNotIn("subjectOf", data)

    def test_a_case_study_puts_the_pilots_dates_where_schema_org_has_them(self):
        data = _json_ld(self.client.get(self.case_study.url))
        self.assertEqual(data["@type"], "Article")
        self.assertEqual(data["@id"], self.case_study.full_url)
        self.assertEqual(data["about"]["@type"], "Project")
        # A Project is an Organization: no startDate or endDate.
        self.assertFalse({"startDate", "endDate"} & set(data["about"]))
        self.assertEqual(data["temporalCoverage"], "2025-01-06/..")

        self.pilot.actual_end_date = datetime.date(2025, 12, 19)
        self.pilot.save()
        data = _json_ld(self.client.get(self.case_study.url))
        self.assertEqual(data["temporalCoverage"], "2025-01-06/2025-12-19")


class BaseUrlChecks:
    """Every absolute address names WAGTAILADMIN_BASE_URL once migrate has run."""

    @override_settings(WAGTAILADMIN_BASE_URL=BASE_URL)
    def test_migrate_moves_the_site_off_localhost(self):
        Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(
            (site.hostname, site.port, site.root_url),
            (
                "impactlab.example",
                443,
                BASE_URL,
            ),
        )

    @override_settings(WAGTAILADMIN_BASE_URL=BASE_URL)
    def test_feeds_json_ld_sitemap_and_pages_use_the_setting(self):
        Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
        site_sync_from_base_url()
        absolute = re.compile(r"https?://[^\s\"'<>]+")
        for url in (
            "/challenges/feed/",
            "/case-studies/feed/",
            "/sitemap.xml",
            "/robots.txt",
            self.home.url,
            self.challenge.url,
            self.case_study.url,
            self.partner.url,
            self.case_index.url,
        ):
            with self.subTest(url=url):
                body = self.client.get(url).content.decode()
                self.assertNotIn("localhost", body)
                self.assertNotIn("testserver", body)
                own = [
                    u
                    for u in absolute.findall(body)
                    if not u.startswith(
                        (
                            BASE_URL + "/",
                            "https://schema.org",
                            "http://www.sitemaps.org/",
                            "http://www.w3.org/",
                            "http://purl.org/dc/",
                            "https://www.nationalarchives.gov.uk/",
                            "https://sandwell.example",
                        )
                    )
                ]
                self.assertEqual(own, [], url)
        items = ElementTree.fromstring(
            self.client.get("/case-studies/feed/").content
        ).findall("./channel/item")
        self.assertEqual(items[0].findtext("guid"), self.case_study.full_url)
        self.assertEqual(items[0].findtext("link"), BASE_URL + self.case_study.url)

    @override_settings(WAGTAILADMIN_BASE_URL=BASE_URL)
    def test_the_demo_loader_keeps_the_site_at_the_setting(self):
        Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
        with open("/dev/null", "w") as devnull:
            demo_content.load(stdout=devnull)
        self.assertEqual(Site.objects.get(is_default_site=True).root_url, BASE_URL)

    def test_addresses_become_host_and_port(self):
        self.assertEqual(site_address("http://127.0.0.1:8000"), ("127.0.0.1", 8000))
        self.assertEqual(
            site_address("https://impactlab.example/"),
            (
                "impactlab.example",
                443,
            ),
        )
        self.assertEqual(
            site_address("http://impactlab.example"),
            (
                "impactlab.example",
                80,
            ),
        )
        with self.assertRaises(ValueError):
            site_address("impactlab.example")


class BodyClassScriptChecks:
    def test_the_script_runs_first_in_the_body_allowed_by_its_hash(self):
        for url in ("/", self.case_index.url, "/account/sign-in/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                body = BeautifulSoup(response.content, "html.parser").body
                script = body.find(True)  # the first element in <body>
                self.assertEqual(script.name, "script")
                self.assertEqual(script.string, settings.GOVUK_FRONTEND_SUPPORTED_JS)
                policy = dict(
                    part.strip().split(" ", 1)
                    for part in response["Content-Security-Policy"].split(";")
                )
                digest = hashlib.sha256(script.string.encode()).digest()
                self.assertEqual(
                    policy["script-src"],
                    f"'self' 'sha256-{base64.b64encode(digest).decode()}'",
                )

    def test_the_css_folds_the_navigation_before_the_javascript_runs(self):
        css = (settings.BASE_DIR / "lab_site/static/css/lab.css").read_text()
        self.assertIn(
            ".govuk-frontend-supported .govuk-service-navigation__toggle"
            ":not([aria-expanded=true])+.govuk-service-navigation__list{display:none}",
            css,
        )


class DiscoverabilityTests(
    SitemapChecks,
    RobotsTxtChecks,
    PageMetaChecks,
    StructuredDataChecks,
    BaseUrlChecks,
    BodyClassScriptChecks,
    _World,
):
    pass
