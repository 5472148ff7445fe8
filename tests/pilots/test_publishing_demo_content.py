"""Demo published pages: a case study for every completed pilot, at least 30 partner
profiles covering the councils and bodies the programme's own pages name, and a second
load that changes nothing."""

import io

import pytest
from django.apps import apps

from home.models import Organisation
from pilots import demo_content
from pilots.models import CaseStudyPage, PartnerPage, Pilot
from pilots.publishing.demo_content import SHAREHOLDER_COUNCILS

pytestmark = pytest.mark.django_db

# The bodies the seeds name (the programme's partner pages), by organisation slug.
NAMED_IN_SEEDS = [
    "west-midlands-combined-authority",
    "west-midlands-police",
    "west-midlands-fire-service",
    "west-midlands-employers",
    "birmingham-city-council",
    "coventry-city-council",
    "dudley-metropolitan-borough-council",
    "sandwell-metropolitan-borough-council",
    "solihull-metropolitan-borough-council",
    "walsall-council",
    "city-of-wolverhampton-council",
    "herefordshire-council",
    "shropshire-council",
    "stoke-on-trent-city-council",
    "telford-and-wrekin-council",
    "worcestershire-county-council",
    "warwickshire-county-council",
    "staffordshire-county-council",
]


@pytest.fixture
def loaded(demo_site):
    demo_content.load(stdout=io.StringIO())


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"home", "pilots", "wagtailcore", "taggit", "challenges"}
        and not model._meta.auto_created
    }


class PublishingDemoContentTests:
    def test_demo_content(self, loaded, client):
        """One load, every check below (loading the demo content is the slow part)."""
        self.check_every_completed_pilot_has_a_live_case_study(loaded)
        self.check_case_studies_are_written_not_placeholders(loaded)
        self.check_at_least_thirty_partner_profiles_covering_the_seeds(loaded)
        self.check_pages_render(client, loaded)
        self.check_a_second_load_changes_no_counts(loaded)

    def check_every_completed_pilot_has_a_live_case_study(self, loaded):
        completed = Pilot.objects.filter(status=Pilot.Status.COMPLETED)
        assert completed.count() >= 3
        for pilot in completed:
            assert pilot.case_studies.live().exists(), pilot

    def check_case_studies_are_written_not_placeholders(self, loaded):
        for page in CaseStudyPage.objects.live():
            assert "To be written" not in page.lessons_learned, page
            assert len(page.summary) > 100, page
            assert page.first_published_at.year in (2025, 2026)

    def check_at_least_thirty_partner_profiles_covering_the_seeds(self, loaded):
        assert PartnerPage.objects.live().count() >= 30
        profiled = set(
            PartnerPage.objects.live().values_list("organisation__slug", flat=True)
        )
        assert set(NAMED_IN_SEEDS) <= profiled
        # All 31 shareholder councils of West Midlands Employers (the seeds' list).
        councils = Organisation.objects.filter(org_type=Organisation.Type.COUNCIL)
        assert councils.count() >= 31
        assert set(councils.values_list("slug", flat=True)) <= profiled
        assert len(SHAREHOLDER_COUNCILS) == 11
        # Start-ups are not partners.
        assert not PartnerPage.objects.filter(
            organisation__org_type=Organisation.Type.BUSINESS
        ).exists()

    def check_pages_render(self, client, loaded):
        assert client.get("/case-studies/").status_code == 200
        assert client.get("/partners/").status_code == 200
        for page in list(CaseStudyPage.objects.live()) + list(
            PartnerPage.objects.live()[:5]
        ):
            assert client.get(page.url).status_code == 200, page

    def check_a_second_load_changes_no_counts(self, loaded):
        before = _counts()
        demo_content.load(stdout=io.StringIO())
        assert _counts() == before
