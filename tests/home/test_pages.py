import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from challenges.models import ChallengeIndexPage
from home.models import HomePage, StandardPage
from pilots.models import CaseStudyIndexPage, PartnerIndexPage
from search.models import SearchPage


class PageTypeTests(WagtailPageTestCase):
    """Every page type: routable, renderable, editable, previewable, tree rules."""

    def setUp(self):
        from home import demo_content

        with open("/dev/null", "w") as devnull:
            demo_content.load(stdout=devnull)
        self.home = HomePage.objects.get()
        self.standard = StandardPage.objects.get(slug="accessibility-statement")
        self.superuser = self.create_test_user()

    def _form_data(self, page, **extra):
        return nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "intro": page.intro,
                "body": streamfield(
                    [
                        ("heading", {"text": "Edited", "size": "h2"}),
                        ("paragraph", rich_text("<p>Edited in a test.</p>")),
                    ]
                ),
                **extra,
            }
        )

    def test_home_page(self):
        self.assertPageIsRoutable(self.home)
        self.assertPageIsRenderable(self.home)
        self.assertPageIsEditable(self.home, post_data=self._form_data(self.home))
        self.assertPageIsPreviewable(self.home, post_data=self._form_data(self.home))

    def test_standard_page(self):
        data = self._form_data(self.standard, last_reviewed="2026-11-23")
        self.assertPageIsRoutable(self.standard)
        self.assertPageIsRenderable(self.standard)
        self.assertPageIsEditable(self.standard, post_data=data)
        self.assertPageIsPreviewable(self.standard, post_data=data)

    def test_tree_rules(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(StandardPage, HomePage)
        self.assertCanNotCreateAt(Page, StandardPage)
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                StandardPage,
                SearchPage,
                ChallengeIndexPage,
                CaseStudyIndexPage,
                PartnerIndexPage,
            },
        )
        # A second home page is refused: there is one only.
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_standard_page_shows_breadcrumbs_and_last_reviewed(self):
        response = self.client.get(self.standard.url)
        self.assertContains(response, 'aria-label="Breadcrumb"')
        self.assertContains(response, "Last reviewed:")
        self.assertContains(
            response, '<h1 class="govuk-heading-xl">Accessibility statement'
        )


@pytest.mark.django_db
class SiteShellTests:
    def test_home_page_has_skip_link_and_footer_links(self, client, demo_site):
        html = client.get("/").content.decode()
        assert 'class="govuk-skip-link"' in html
        assert 'href="#main-content"' in html and 'id="main-content"' in html
        assert 'href="/accessibility-statement/"' in html
        assert 'href="/privacy-notice/"' in html
        assert "Open Government Licence v3.0" in html
        assert "West Midlands Public Impact Lab" in html

    def test_no_reserved_gov_uk_branding(self, client, demo_site):
        """The crown, the GOV.UK logo and the Transport typeface are GOV.UK's alone."""
        html = client.get("/").content.decode()
        assert "govuk-logo" not in html and "govuk-header__logotype" not in html
        assert "© Crown copyright" not in html
        from django.contrib.staticfiles import finders

        with open(finders.find("css/lab.css")) as f:
            css = f.read()
        assert "GDS Transport" not in css
        assert "govuk-crest" not in css

    def test_unknown_path_answers_404_with_the_site_template(self, client, demo_site):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert 'class="govuk-skip-link"' in html

    def test_home_page_query_count_is_flat(
        self, client, demo_site, django_assert_max_num_queries
    ):
        client.get("/")  # warm-up: Site lookup and settings are cached per process
        # Measured: 19 queries (site root, page, settings, footer pages, ..., and the
        # home page's open challenges, case studies and figures). That the
        # count stays flat as the programme grows: tests/home/test_home_page.py.
        with django_assert_max_num_queries(19):
            client.get("/")


@pytest.mark.django_db
class HeaderAccountLinkTests:
    def test_signed_out_visitors_see_sign_in(self, client, demo_site):
        html = client.get("/").content.decode()
        assert 'href="/account/sign-in/"' in html
        assert "Sign out" not in html

    def test_signed_in_people_see_their_account_and_sign_out(
        self, client, demo_site, login
    ):
        login("founder@brightpath.example")
        html = client.get("/").content.decode()
        assert 'href="/account/"' in html
        assert 'action="/account/sign-out/"' in html and "Sign out" in html
        assert 'href="/account/sign-in/"' not in html
