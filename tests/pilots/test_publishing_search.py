"""Case studies and partner profiles in the site search: indexed when published (with
the facets the search page offers), gone when unpublished, never while a draft."""

import pytest

from home.services import page_ensure
from search.models import SearchDocument, SearchPage
from tests.factories.pilots import PilotFactory, PublicBodyFactory
from tests.factories.publishing import (
    CaseStudyPageFactory,
    PartnerPageFactory,
    indexes,
    metric_with_measurements,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(demo_site):
    case_index, partner_index = indexes(demo_site)
    page_ensure(parent=demo_site, model=SearchPage, slug="search", title="Search")
    sandwell = PublicBodyFactory(
        name="Sandwell Council", slug="sandwell-test", local_authority_area="sandwell"
    )
    pilot = PilotFactory(
        title="Damp and mould rapid response",
        lead_organisation=sandwell,
        status="completed",
        evidence_level=2,
    )
    pilot.themes.add("Housing")
    metric_with_measurements(pilot, name="Days to fix", values=[60, 40])
    case_study = CaseStudyPageFactory(
        parent=case_index,
        pilot=pilot,
        title="Fixing damp and mould in five days",
        live=False,
    )
    draft = CaseStudyPageFactory(
        parent=case_index, title="Mould in tower blocks: a draft", live=False
    )
    partner = PartnerPageFactory(
        parent=partner_index, organisation=sandwell, live=False
    )
    return case_study, draft, partner


def _publish(page, capture):
    with capture(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()


class CaseStudySearchTests:
    def test_a_published_case_study_is_found_and_a_draft_is_not(
        self, client, pages, django_capture_on_commit_callbacks
    ):
        case_study, draft, _ = pages
        _publish(case_study, django_capture_on_commit_callbacks)
        draft.save_revision()  # saved, never published
        html = client.get("/search/?q=mould").content.decode()
        assert "Fixing damp and mould in five days" in html
        assert "Mould in tower blocks" not in html
        assert "Case study" in html

    def test_the_document_carries_the_facets(
        self, pages, django_capture_on_commit_callbacks
    ):
        case_study, _, _ = pages
        _publish(case_study, django_capture_on_commit_callbacks)
        document = SearchDocument.objects.get(page=case_study)
        assert document.content_type == "case-study"
        assert document.area == "sandwell"
        assert document.status == "completed"
        assert document.evidence_level == 2
        assert document.date == case_study.first_published_at.date()
        assert document.themes == [{"slug": "housing", "name": "Housing"}]
        assert "Sandwell Council" in document.body

    def test_facet_filters_find_it(
        self, client, pages, django_capture_on_commit_callbacks
    ):
        case_study, _, _ = pages
        _publish(case_study, django_capture_on_commit_callbacks)
        for query in (
            "content_type=case-study",
            "theme=housing",
            "area=sandwell&evidence_level=2",
            "status=completed",
        ):
            html = client.get(f"/search/?q=damp&{query}").content.decode()
            assert "Fixing damp and mould in five days" in html, query

    def test_unpublishing_removes_it(
        self, client, pages, django_capture_on_commit_callbacks
    ):
        case_study, _, _ = pages
        _publish(case_study, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            case_study.unpublish()
        assert not SearchDocument.objects.filter(page=case_study).exists()
        html = client.get("/search/?q=mould").content.decode()
        assert "Fixing damp and mould in five days" not in html


class PartnerSearchTests:
    def test_a_published_profile_is_found_as_a_partner(
        self, client, pages, django_capture_on_commit_callbacks
    ):
        _, _, partner = pages
        _publish(partner, django_capture_on_commit_callbacks)
        document = SearchDocument.objects.get(page=partner)
        assert document.content_type == "partner"
        assert document.area == "sandwell"
        html = client.get("/search/?q=sandwell&content_type=partner").content.decode()
        assert "Sandwell Council" in html
        assert "Partner profile" in html


class SearchDocumentsFollowTheRecordsTests:
    def test_a_pilot_change_refreshes_its_case_study_document(
        self, pages, django_capture_on_commit_callbacks
    ):
        case_study, _, _ = pages
        _publish(case_study, django_capture_on_commit_callbacks)
        pilot = case_study.pilot
        with django_capture_on_commit_callbacks(execute=True):
            pilot.status = "evaluating"
            pilot.evidence_level = 3
            pilot.save()
            pilot.themes.add("Prevention")
        document = SearchDocument.objects.get(page=case_study)
        assert (document.status, document.evidence_level) == ("evaluating", 3)
        assert sorted(t["slug"] for t in document.themes) == [
            "housing",
            "prevention",
        ]

    def test_an_organisation_change_refreshes_its_profile_document(
        self, pages, django_capture_on_commit_callbacks
    ):
        _, _, partner = pages
        _publish(partner, django_capture_on_commit_callbacks)
        organisation = partner.organisation
        with django_capture_on_commit_callbacks(execute=True):
            organisation.local_authority_area = "walsall"
            organisation.save()
        assert SearchDocument.objects.get(page=partner).area == "walsall"
