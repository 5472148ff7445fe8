"""Case-study pages: the page types (routable, renderable, editable, previewable, tree
rules), what a case study shows, its CSV, JSON-LD, RSS feed, licence notice, and the
form that passes a message to the pilot lead."""

import datetime
import json
import re

import pytest
from defusedxml import ElementTree
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

from challenges.models import Entry
from home.models import HomePage, OutboundEmail
from pilots.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    PartnerIndexPage,
    PilotPartner,
    PilotProposal,
)
from tests.conftest import load_demo_site, shared_data
from tests.factories.challenges import BusinessFactory, ChallengePageFactory
from tests.factories.pilots import (
    ContactFactory,
    PilotFactory,
    PublicBodyFactory,
)
from tests.factories.publishing import (
    CaseStudyIndexPageFactory,
    CaseStudyPageFactory,
    PartnerPageFactory,
    indexes,
    metric_with_measurements,
    publish,
)


def _case_study_form_data(page: CaseStudyPage, **overrides) -> dict:
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "pilot": page.pilot_id,
            "summary": page.summary,
            "problem": rich_text("<p>The problem, edited.</p>"),
            "what_was_done": rich_text("<p>What was done, edited.</p>"),
            "cost_summary": "Edited cost.",
            "lessons_learned": rich_text("<p>Lessons, edited.</p>"),
            "how_to_replicate": rich_text("<p>How, edited.</p>"),
            **overrides,
        }
    )


class CaseStudyPageTypeTests(WagtailPageTestCase):
    """Routable, renderable, editable, previewable, tree rules."""

    def setUp(self):
        from home import demo_content

        with open("/dev/null", "w") as devnull:
            demo_content.load(stdout=devnull)
        self.home = HomePage.objects.get()
        self.index = CaseStudyIndexPageFactory(parent=self.home)
        pilot = PilotFactory()
        metric_with_measurements(pilot, name="Repeat calls", values=[95, 90])
        self.case_study = publish(CaseStudyPageFactory(parent=self.index, pilot=pilot))

    def test_index_page(self):
        data = nested_form_data(
            {"title": "Case studies", "slug": "case-studies", "intro": "Edited."}
        )
        self.assertPageIsRoutable(self.index)
        self.assertPageIsRoutable(self.index, route_path="feed/")
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(self.index, query_data={"theme": "housing"})
        self.assertPageIsRenderable(self.index, route_path="feed/")
        self.assertPageIsEditable(self.index, post_data=data)
        self.assertPageIsPreviewable(self.index, post_data=data)

    def test_case_study_page(self):
        data = _case_study_form_data(self.case_study)
        self.assertPageIsRoutable(self.case_study)
        for route in ("measurements/", "contact/", "contact/sent/"):
            self.assertPageIsRoutable(self.case_study, route_path=route)
            self.assertPageIsRenderable(self.case_study, route_path=route)
        self.assertPageIsRenderable(self.case_study)
        self.assertPageIsEditable(self.case_study, post_data=data)
        self.assertPageIsPreviewable(self.case_study, post_data=data)

    def test_an_edit_posted_in_the_admin_is_saved_and_published(self):
        self.client.force_login(self.create_superuser("editor-test"))
        data = _case_study_form_data(self.case_study, summary="A new summary.")
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.case_study.pk]), data
        )
        self.assertEqual(response.status_code, 302)
        page = CaseStudyPage.objects.get(pk=self.case_study.pk)
        self.assertEqual(page.summary, "A new summary.")
        self.assertIn("What was done, edited.", page.what_was_done)
        self.assertContains(self.client.get(page.url), "A new summary.")

    def test_a_case_study_needs_a_pilot(self):
        self.client.force_login(self.create_superuser("editor-test"))
        data = _case_study_form_data(self.case_study, pilot="")
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.case_study.pk]), data
        )
        self.assertEqual(response.status_code, 200)  # the form again, with its error
        self.assertEqual(
            CaseStudyPage.objects.get(pk=self.case_study.pk).pilot_id,
            self.case_study.pilot_id,
        )

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(CaseStudyIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CaseStudyIndexPage, {CaseStudyPage})
        self.assertAllowedParentPageTypes(CaseStudyPage, {CaseStudyIndexPage})
        self.assertAllowedSubpageTypes(CaseStudyPage, set())
        self.assertCanCreateAt(CaseStudyIndexPage, CaseStudyPage)
        self.assertCanNotCreateAt(HomePage, CaseStudyPage)
        self.assertCanNotCreateAt(PartnerIndexPage, CaseStudyPage)
        self.assertCanNotCreateAt(Page, CaseStudyIndexPage)
        # One finder only: a second index is refused.
        self.assertFalse(CaseStudyIndexPage.can_create_at(self.home))


@pytest.fixture(scope="class")
def _case_study(django_db_setup, django_db_blocker):
    """Built once for each class that uses it; every test's writes are rolled back."""

    def build():
        return build_case_study(load_demo_site()).pk

    yield from shared_data(django_db_blocker, build)


@pytest.fixture
def case_study(_case_study, db, fresh_cache):
    return CaseStudyPage.objects.get(pk=_case_study)


def build_case_study(home):
    """A published case study of a completed pilot with partners and two metrics."""
    case_index, partner_index = indexes(home)
    lead_contact = ContactFactory(
        name="Priya Shah", email="priya.shah@council.example", is_public=True
    )
    pilot = PilotFactory(
        title="Fewer repeat calls",
        lead_contact=lead_contact,
        lead_organisation=lead_contact.organisation,
        status="completed",
        evidence_level=3,
        evidence_justification="Compared with two similar wards.",
        approved_budget="120000",
        spend_to_date="98500",
        actual_end_date=datetime.date(2026, 3, 1),
    )
    pilot.themes.add("Safer communities")
    police = PublicBodyFactory(name="Borough Police", slug="borough-police")
    PilotPartner.objects.create(pilot=pilot, organisation=police, role="evaluator")
    PilotPartner.objects.create(pilot=pilot, organisation=police, role="co-funder")
    publish(PartnerPageFactory(parent=partner_index, organisation=police))
    metric_with_measurements(pilot, name="Repeat calls", values=[95, 80, 70])
    metric_with_measurements(
        pilot, name="Residents helped", values=[5, 12], ascending=True, baseline=0
    )
    return publish(
        CaseStudyPageFactory(
            parent=case_index,
            pilot=pilot,
            title="Fewer repeat calls from the same address",
            slug="fewer-repeat-calls",
        )
    )


@pytest.mark.usefixtures("_case_study")
@pytest.mark.django_db
class CaseStudyContentTests:
    def test_every_section_the_issue_asks_for(self, client, case_study):
        html = client.get(case_study.url).content.decode()
        for heading in (
            "Headline figures",
            "The problem",
            "What was done",
            "Who was involved",
            "Cost",
            "Results",
            "Strength of evidence",
            "Lessons learned",
            "How to replicate it",
            "The story so far",
            "Contact the pilot lead",
        ):
            assert f">{heading}</h2>" in html, heading
        assert "Level 3 of 5" in html
        assert "so we can be reasonably confident the pilot caused the change" in html
        assert "Compared with two similar wards." in html
        assert "£98,500" in html and "£120,000" in html
        assert "Open Government Licence v3.0" in html

    def test_partners_are_listed_with_every_role_and_linked_to_their_profile(
        self, client, case_study
    ):
        html = client.get(case_study.url).content.decode()
        row = re.search(
            r'<a class="govuk-link" href="/partners/borough-police/">Borough Police</a>'
            r"</dt>\s*<dd[^>]*>([^<]*)</dd>",
            html,
        )
        assert row is not None
        assert row.group(1) == "Co-funder, Evaluator"
        assert "Lead organisation" in html

    def test_the_pilot_leads_address_is_never_on_the_page(self, client, case_study):
        for path in ("", "contact/"):
            html = client.get(case_study.url + path).content.decode()
            assert "priya.shah@council.example" not in html

    def test_story_links_back_to_the_challenge_the_pilot_began_in(
        self, client, case_study
    ):
        challenge = ChallengePageFactory(
            parent=_challenge_index(), title="Repeat demand"
        )
        entry = Entry.objects.create(
            challenge=challenge,
            organisation=BusinessFactory(name="CallSense Ltd"),
            title="Predicting repeat calls",
            status=Entry.Status.SUCCESSFUL,
            submitted_at=timezone.now(),
        )
        pilot = case_study.pilot
        pilot.proposal = PilotProposal.objects.create(
            title="Repeat calls",
            problem="p",
            proposed_solution="s",
            lead_organisation=pilot.lead_organisation,
            budget_requested=1,
            duration_months=6,
            target_outcomes="t",
            proposed_metrics="m",
            risks="r",
            source_entry=entry,
            status=PilotProposal.Status.APPROVED,
            decided_at=timezone.now(),
        )
        pilot.save()
        html = client.get(case_study.url).content.decode()
        assert (
            f'began as an entry to the <a class="govuk-link" href="{challenge.url}">'
            "Repeat demand</a> Urban Challenge, from CallSense Ltd" in html
        )
        assert "Pilot proposal approved" in html

    def test_story_without_a_challenge_names_the_lead(self, client, case_study):
        html = client.get(case_study.url).content.decode()
        assert "began as an entry" not in html
        assert "This pilot was set up by" in html

    def test_measurements_download_as_csv(self, client, case_study):
        response = client.get(case_study.url + "measurements/")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "fewer-repeat-calls-measurements.csv" in response["Content-Disposition"]
        rows = response.content.decode().splitlines()
        assert rows[0] == "metric,period,value,note,provisional"
        assert "Repeat calls,2025-04-01,70,,no" in rows
        assert len(rows) == 1 + 5

    def test_json_ld_describes_the_case_study(self, client, case_study):
        html = client.get(case_study.url).content.decode()
        blocks = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.S
        )
        assert len(blocks) == 1
        data = json.loads(blocks[0])
        assert data["@type"] == "Article"
        assert data["headline"] == "Fewer repeat calls from the same address"
        assert data["license"].startswith("https://www.nationalarchives.gov.uk/doc/")
        assert data["about"]["name"] == "Fewer repeat calls"
        assert data["keywords"] == ["Safer communities"]
        assert {"@type": "GovernmentOrganization", "name": "Borough Police"} in data[
            "contributor"
        ]

    def test_json_ld_cannot_be_broken_out_of(self, client, case_study):
        case_study.summary = "</script><script>alert(1)</script>"
        publish(case_study)
        html = client.get(case_study.url).content.decode()
        assert "<script>alert(1)" not in html
        assert "\\u003C/script\\u003E" in html

    def test_print_stylesheet_hides_forms_and_keeps_charts_whole(self):
        from django.conf import settings

        css = (settings.BASE_DIR / "lab_site/static/css/lab.css").read_text()
        print_rules = " ".join(re.findall(r"@media print\{(.*?\})\}", css))
        assert ".lab-no-print" in print_rules
        assert "break-inside:avoid" in print_rules


def _challenge_index():
    from tests.factories.challenges import ChallengeIndexPageFactory

    return ChallengeIndexPageFactory(parent=HomePage.objects.get())


@pytest.mark.usefixtures("_case_study")
@pytest.mark.django_db
class CaseStudyFeedTests:
    def test_feed_lists_published_case_studies_newest_first(self, client, case_study):
        older = publish(
            CaseStudyPageFactory(
                parent=case_study.get_parent(), title="An older case study"
            )
        )
        CaseStudyPage.objects.filter(pk=older.pk).update(
            first_published_at=timezone.now() - datetime.timedelta(days=30)
        )
        draft = CaseStudyPageFactory(
            parent=case_study.get_parent(), title="A draft", live=False
        )
        response = client.get("/case-studies/feed/")
        assert response["Content-Type"].startswith("application/rss+xml")
        channel = ElementTree.fromstring(response.content).find("channel")
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert titles == [case_study.title, older.title]
        assert draft.title not in titles
        item = channel.find("item")
        assert item.findtext("link").endswith("/case-studies/fewer-repeat-calls/")
        assert [c.text for c in item.findall("category")] == ["Safer communities"]
        assert channel.findtext("copyright") == "Open Government Licence v3.0"

    def test_index_advertises_the_feed(self, client, case_study):
        html = client.get("/case-studies/").content.decode()
        assert (
            '<link rel="alternate" type="application/rss+xml" title="New case studies'
            ' (RSS)" href="/case-studies/feed/">' in html
        )


@pytest.mark.usefixtures("_case_study")
@pytest.mark.django_db
class ContactThePilotLeadTests:
    def _post(self, client, case_study, **overrides):
        data = {
            "name": "Sam Jones",
            "email": "sam.jones@dudley.example",
            "organisation": "Dudley Council",
            "message": "How long did the data-sharing agreement take to sign?",
            **overrides,
        }
        return client.post(case_study.url + "contact/", data)

    def test_a_message_is_emailed_to_the_lead_and_the_reader_sees_confirmation(
        self, client, case_study, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self._post(client, case_study)
        assert response.status_code == 302
        assert response["Location"] == case_study.url + "contact/sent/"
        assert "Message sent" in client.get(response["Location"]).content.decode()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["priya.shah@council.example"]
        assert "Fewer repeat calls" in message.subject
        assert "How long did the data-sharing agreement take" in message.body
        assert "sam.jones@dudley.example" in message.body
        # The lead's reply goes to the reader, not to the Lab's sending address.
        assert message.reply_to == ["sam.jones@dudley.example"]
        assert message.message()["Reply-To"] == "sam.jones@dudley.example"

    def test_a_name_or_organisation_on_two_lines_is_refused_beside_the_field(
        self, client, case_study
    ):
        response = self._post(
            client,
            case_study,
            name="Sam Jones\nFrom: Lab team",
            organisation="Dudley Council\r\nUrgent",
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert '<p id="id_name-error" class="govuk-error-message">' in html
        assert '<p id="id_organisation-error" class="govuk-error-message">' in html
        assert "Enter this on one line" in html
        assert OutboundEmail.objects.count() == 0

    def test_sending_the_same_message_twice_sends_one_email(
        self, client, case_study, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            self._post(client, case_study)
            self._post(client, case_study)
        assert len(mail.outbox) == 1

    def test_errors_show_beside_each_field_and_keep_what_was_typed(
        self, client, case_study
    ):
        response = self._post(
            client, case_study, email="not-an-email", name="", message="Too short"
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: Contact the pilot lead" in html
        assert 'class="govuk-error-summary"' in html
        assert '<p id="id_name-error" class="govuk-error-message">' in html
        assert "Enter your name" in html
        assert '<p id="id_email-error" class="govuk-error-message">' in html
        assert 'value="not-an-email"' in html
        assert '<p id="id_message-error" class="govuk-error-message">' in html
        assert ">Too short</textarea>" in html
        assert 'value="Dudley Council"' in html
        assert OutboundEmail.objects.count() == 0

    def test_over_the_rate_limit_nothing_is_sent_and_the_message_is_kept(
        self, client, case_study, settings, django_capture_on_commit_callbacks
    ):
        settings.PILOTS_RATE_CONTACT_LEAD = "2/h"
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(2):
                message = f"Question number {i}: how did you recruit the team?"
                response = self._post(client, case_study, message=message)
                assert response.status_code == 302
            response = self._post(client, case_study, name="Sender 3")
        assert response.status_code == 429
        html = response.content.decode()
        assert "Your message has not been sent" in html
        assert 'value="Sender 3"' in html
        assert len(mail.outbox) == 2

    def test_without_a_reachable_lead_the_lab_team_gets_the_message(
        self, client, case_study, django_capture_on_commit_callbacks
    ):
        from home.models import LabSettings

        contact = case_study.pilot.lead_contact
        contact.email = ""
        contact.save()
        html = client.get(case_study.url + "contact/").content.decode()
        assert "through the Lab team" in html
        with django_capture_on_commit_callbacks(execute=True):
            self._post(client, case_study)
        assert mail.outbox[0].to == [LabSettings.load().contact_email]
        assert "the Lab has no way to reach them" in mail.outbox[0].body


@pytest.mark.django_db
def test_draft_case_studies_are_not_served(client, demo_site):
    case_index, _ = indexes(demo_site)
    draft = CaseStudyPageFactory(parent=case_index, live=False)
    assert client.get(draft.url or f"/case-studies/{draft.slug}/").status_code == 404
    assert client.get(f"/case-studies/{draft.slug}/measurements/").status_code == 404
