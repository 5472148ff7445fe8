"""Partner pages: the page types (routable, renderable, editable, previewable, tree
rules), what a profile shows (only public contacts), and the finder's filters."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.models import HomePage, Organisation
from pilots.models import (
    CaseStudyIndexPage,
    PartnerIndexPage,
    PartnerPage,
    PilotPartner,
)
from tests.factories.challenges import ChallengeIndexPageFactory, ChallengePageFactory
from tests.factories.pilots import ContactFactory, PilotFactory, PublicBodyFactory
from tests.factories.publishing import (
    CaseStudyPageFactory,
    PartnerIndexPageFactory,
    PartnerPageFactory,
    case_study_world,
    indexes,
    publish,
)


def _partner_form_data(page: PartnerPage, **overrides) -> dict:
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "organisation": page.organisation_id,
            "summary": page.summary,
            "profile": rich_text("<p>The profile, edited.</p>"),
            **overrides,
        }
    )


class PartnerPageTypeTests(WagtailPageTestCase):
    def setUp(self):
        from home import demo_content

        with open("/dev/null", "w") as devnull:
            demo_content.load(stdout=devnull)
        self.home = HomePage.objects.get()
        self.index = PartnerIndexPageFactory(parent=self.home)
        self.partner = publish(PartnerPageFactory(parent=self.index))

    def test_index_page(self):
        data = nested_form_data(
            {"title": "Partners", "slug": "partners", "intro": "Edited."}
        )
        self.assertPageIsRoutable(self.index)
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(self.index, query_data={"org_type": "council"})
        self.assertPageIsEditable(self.index, post_data=data)
        self.assertPageIsPreviewable(self.index, post_data=data)

    def test_partner_page(self):
        data = _partner_form_data(self.partner)
        self.assertPageIsRoutable(self.partner)
        self.assertPageIsRenderable(self.partner)
        self.assertPageIsEditable(self.partner, post_data=data)
        self.assertPageIsPreviewable(self.partner, post_data=data)

    def test_an_edit_posted_in_the_admin_is_saved_and_published(self):
        self.client.force_login(self.create_superuser("editor-test"))
        data = _partner_form_data(self.partner, summary="A new summary.")
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.partner.pk]), data
        )
        self.assertEqual(response.status_code, 302)
        page = PartnerPage.objects.get(pk=self.partner.pk)
        self.assertEqual(page.summary, "A new summary.")
        self.assertContains(self.client.get(page.url), "The profile, edited.")

    def test_one_profile_per_organisation(self):
        self.client.force_login(self.create_superuser("editor-test"))
        data = _partner_form_data(self.partner, slug="second-profile")
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse(
                "wagtailadmin_pages:add", args=["pilots", "partnerpage", self.index.pk]
            ),
            data,
        )
        self.assertEqual(response.status_code, 200)  # refused, with the error shown
        self.assertEqual(
            PartnerPage.objects.filter(organisation=self.partner.organisation).count(),
            1,
        )

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(PartnerIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(PartnerIndexPage, {PartnerPage})
        self.assertAllowedParentPageTypes(PartnerPage, {PartnerIndexPage})
        self.assertAllowedSubpageTypes(PartnerPage, set())
        self.assertCanCreateAt(PartnerIndexPage, PartnerPage)
        self.assertCanNotCreateAt(HomePage, PartnerPage)
        self.assertCanNotCreateAt(CaseStudyIndexPage, PartnerPage)
        self.assertCanNotCreateAt(Page, PartnerIndexPage)
        self.assertFalse(PartnerIndexPage.can_create_at(self.home))


@pytest.fixture
def profile(demo_site):
    """A council's profile: it holds a challenge, leads one pilot (with a case study)
    and is a partner in another."""
    case_index, partner_index = indexes(demo_site)
    council = PublicBodyFactory(
        name="Walsall Council",
        slug="walsall-council-test",
        local_authority_area="walsall",
        website="https://go.walsall.gov.uk",
    )
    challenges = ChallengeIndexPageFactory(parent=demo_site)
    held = ChallengePageFactory(parent=challenges, title="Warmer homes")
    held.holders.add(council)
    held.save_revision().publish()
    led = PilotFactory(title="Retrofit advice by text", lead_organisation=council)
    partnered = PilotFactory(title="Heat pumps in council homes")
    PilotPartner.objects.create(
        pilot=partnered, organisation=council, role="pilot-site"
    )
    PilotPartner.objects.create(pilot=partnered, organisation=council, role="co-funder")
    publish(
        CaseStudyPageFactory(
            parent=case_index, pilot=led, title="What did not work: texts"
        )
    )
    ContactFactory(name="Fiona Doyle", organisation=council, is_public=True)
    ContactFactory(name="Private Person", organisation=council, is_public=False)
    erased = ContactFactory(name="Erased Person", organisation=council, is_public=True)
    erased.erased_at = timezone.now()
    erased.save()
    return publish(PartnerPageFactory(parent=partner_index, organisation=council))


@pytest.mark.django_db
class PartnerProfileTests:
    def test_profile_type_area_and_website(self, client, profile):
        html = client.get(profile.url).content.decode()
        assert '<h1 class="govuk-heading-xl">Walsall Council</h1>' in html
        assert ">Council</dd>" in html
        assert ">Walsall</dd>" in html
        assert 'href="https://go.walsall.gov.uk"' in html
        assert "It brings problems to the Lab and hosts pilots." in html

    def test_challenges_it_holds(self, client, profile):
        html = client.get(profile.url).content.decode()
        assert re.search(r'<a class="govuk-link" href="[^"]+">Warmer homes</a>', html)

    def test_pilots_with_its_roles_and_case_studies(self, client, profile):
        html = client.get(profile.url).content.decode()
        rows = re.findall(
            r"<tr class=\"govuk-table__row\">\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
            html,
            re.S,
        )
        cells = {re.sub(r"<[^>]+>", "", pilot): roles for pilot, roles in rows}
        assert cells == {
            "Retrofit advice by text": "Lead organisation",
            "Heat pumps in council homes": "Co-funder, Pilot site",
        }
        assert '">What did not work: texts</a>' in html

    def test_only_public_contacts_are_shown(self, client, profile):
        html = client.get(profile.url).content.decode()
        assert "Fiona Doyle" in html
        assert "Private Person" not in html
        assert "Erased Person" not in html
        assert "@council.example" not in html  # no contact's address


def names(response) -> list[str]:
    return re.findall(
        r'<h2 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


@pytest.mark.django_db
class PartnerFinderTests:
    def test_filter_by_type_and_area(self, client, demo_site):
        world = case_study_world(8)
        leads = [p.pilot.lead_organisation for p in world]
        everyone = client.get("/partners/")
        assert sorted(names(everyone)) == sorted(o.name for o in leads)
        councils = names(client.get("/partners/?org_type=council"))
        assert sorted(councils) == sorted(
            o.name for o in leads if o.org_type == Organisation.Type.COUNCIL
        )
        sandwell = names(client.get("/partners/?area=sandwell&org_type=nhs"))
        assert sorted(sandwell) == sorted(
            o.name
            for o in leads
            if o.local_authority_area == "sandwell" and o.org_type == "nhs"
        )
        assert sandwell

    def test_no_results_and_invalid_values(self, client, demo_site):
        case_study_world(3)
        html = client.get("/partners/?org_type=police").content.decode()
        assert "No partners match" in html
        assert '<a class="govuk-link" href="/partners/">see every partner</a>' in html
        response = client.get("/partners/?org_type=<b>&area=atlantis&page=99")
        assert response.status_code == 200
        assert len(names(response)) == 3

    def test_pages_of_twenty(self, client, demo_site):
        case_study_world(22)
        assert len(names(client.get("/partners/"))) == 20
        assert len(names(client.get("/partners/?page=2"))) == 2
