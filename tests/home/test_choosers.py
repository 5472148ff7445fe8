"""The page editor picks a case study's pilot and a partner page's organisation in a
searchable chooser, not a drop-down of every record; the chooser answers page editors
and record viewers only."""

import pytest
from django.urls import reverse

from home.services import roles_sync
from tests.factories.pilots import PilotFactory, PublicBodyFactory
from tests.factories.publishing import (
    CaseStudyPageFactory,
    PartnerPageFactory,
    indexes,
)
from tests.pilots.test_case_study_pages import _case_study_form_data

pytestmark = pytest.mark.django_db

EDITOR = "editor@impactlab.example"
LEAD = "lead@impactlab.example"
ASSESSOR = "assessor@impactlab.example"
FOUNDER = "founder@brightpath.example"


@pytest.fixture
def pages(demo_site):
    roles_sync()
    case_index, partner_index = indexes(demo_site)
    pilot = PilotFactory(title="Damp and mould rapid response")
    case_study = CaseStudyPageFactory(parent=case_index, pilot=pilot)
    partner = PartnerPageFactory(
        parent=partner_index,
        organisation=PublicBodyFactory(name="Sandwell Metropolitan Borough Council"),
    )
    return case_study, partner


def edit(client, page) -> str:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return response.content.decode()


class EditorFormTests:
    def test_editor_pages_carry_a_chooser_not_every_record(self, client, login, pages):
        case_study, partner = pages
        PilotFactory.create_batch(30, title="Another pilot")
        login(EDITOR)
        html = edit(client, case_study)
        assert reverse("pilot_chooser:choose") in html
        assert 'name="pilot"' in html and '<select name="pilot"' not in html
        assert "Another pilot" not in html  # the page does not list the other pilots
        assert "Damp and mould rapid response" in html  # the chosen one is shown
        html = edit(client, partner)
        assert reverse("organisation_chooser:choose") in html

    def test_a_pilot_chosen_in_the_modal_is_saved(self, client, login, pages):
        case_study, _ = pages
        other = PilotFactory(title="Falls prevention at home")
        login(LEAD)
        chosen = client.get(reverse("pilot_chooser:chosen", args=[other.pk])).json()
        assert chosen["step"] == "chosen"
        assert chosen["result"]["title"] == "Falls prevention at home"
        # The widget then posts the chosen id in the field, as the drop-down did.
        data = _case_study_form_data(case_study, pilot=chosen["result"]["id"])
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[case_study.pk]),
            {**data, "action-publish": "action-publish"},
        )
        assert response.status_code == 302
        case_study.refresh_from_db()
        assert case_study.pilot_id == other.pk


class ChooserSearchTests:
    def test_search_narrows_the_list_and_pages_it(self, client, login, pages):
        PilotFactory.create_batch(25, title="Hospital discharge pilot")
        PilotFactory(title="Falls prevention at home")
        login(EDITOR)
        results = reverse("pilot_chooser:choose_results")
        html = client.get(results, {"q": "FALLS"}).content.decode()
        assert "Falls prevention at home" in html
        assert "Hospital discharge pilot" not in html
        html = client.get(results).content.decode()
        assert "27 pilots" in html  # the fixture's, the 25 and the one above
        assert html.count("<tr") - 1 == 20  # one page of 20 rows after the header
        assert "results/?p=2" in html

    def test_rows_show_lead_and_status_in_queries_that_do_not_grow(
        self, client, login, pages, django_assert_num_queries
    ):
        login(EDITOR)
        url = reverse("pilot_chooser:choose_results")
        PilotFactory.create_batch(3)
        client.get(url)  # warm-up
        # Measured: 8 (session, user, roles and the page permissions, the count and
        # the page of pilots with their lead organisations).
        with django_assert_num_queries(8) as few:
            html = client.get(url).content.decode()
        assert "Lead organisation" in html and "Running" in html
        PilotFactory.create_batch(30)
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(url)

    def test_organisations_are_found_by_part_of_their_name(self, client, login, pages):
        login(EDITOR)
        html = client.get(
            reverse("organisation_chooser:choose_results"), {"q": "sandwell"}
        ).content.decode()
        assert "Sandwell Metropolitan Borough Council" in html
        assert "BrightPath" not in html

    def test_the_modal_opens(self, client, login, pages):
        login(EDITOR)
        response = client.get(reverse("pilot_chooser:choose"))
        assert response.status_code == 200
        assert "Choose a pilot" in response.json()["html"]


class ChooserPermissionTests:
    @pytest.mark.parametrize(
        "name", ["choose", "choose_results", "chosen"], ids=lambda n: n
    )
    def test_only_editors_and_record_viewers_may_use_it(
        self, client, login, pages, name
    ):
        case_study, _ = pages
        args = [case_study.pilot_id] if name == "chosen" else []
        url = reverse(f"pilot_chooser:{name}", args=args)
        for email in (EDITOR, LEAD):
            login(email)
            assert client.get(url).status_code == 200, email
        login(ASSESSOR)  # has admin access, edits no pages, views no pilots
        refused = client.get(url)
        assert refused.status_code in (302, 403)
        assert "Damp and mould" not in refused.content.decode()
        login(FOUNDER)  # a start-up: no admin access at all
        assert client.get(url).status_code in (302, 403)
        client.logout()
        assert client.get(url).status_code == 302
