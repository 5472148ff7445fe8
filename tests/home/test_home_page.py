"""The home page: open challenges with days left, the latest case studies and the
programme figures, all from the records; the editor's intro and body kept."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import PageViewRestriction

from challenges.models import ChallengePage, Entry
from pilots.home_page import partner_organisations, programme_figures
from pilots.models import Pilot, PilotPartner
from tests.factories.challenges import BusinessFactory, ChallengePageFactory
from tests.factories.pilots import PilotFactory, PublicBodyFactory
from tests.home.programme import (
    case_study,
    case_study_index,
    challenge_index,
    open_challenge,
    programme,
)

pytestmark = pytest.mark.django_db


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _section(soup, heading_id: str):
    return soup.find(id=heading_id).find_parent("section")


class HomePageOpenChallengesTests:
    def test_lists_open_challenges_with_days_left_and_links(self, client, demo_site):
        index = challenge_index(demo_site)
        soon = open_challenge(index, title="Damp and mould", days_left=3)
        later = open_challenge(index, title="Safer streets", days_left=40)
        now = timezone.now()
        ChallengePageFactory(
            parent=index,
            title="Not yet open",
            opens_at=now + timedelta(days=5),
            questions_close_at=now + timedelta(days=10),
            closes_at=now + timedelta(days=30),
        )
        ChallengePageFactory(
            parent=index,
            title="Already closed",
            opens_at=now - timedelta(days=60),
            questions_close_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=30),
        )
        section = _section(_soup(client.get("/")), "open-challenges-heading")
        cards = section.select(".govuk-summary-card")
        titles = [c.select_one(".govuk-summary-card__title a") for c in cards]
        # Closing soonest first; upcoming and closed challenges are not listed.
        assert [t.get_text() for t in titles] == ["Damp and mould", "Safer streets"]
        assert [t["href"] for t in titles] == [soon.url, later.url]
        assert "3 days left" in cards[0].get_text()
        assert "40 days left" in cards[1].get_text()
        assert "2 challenges are open" in section.get_text()
        assert section.find("a", href=index.url)

    def test_says_so_when_nothing_is_open(self, client, demo_site):
        challenge_index(demo_site)
        section = _section(_soup(client.get("/")), "open-challenges-heading")
        assert "No challenges are open for entries" in section.get_text()

    def test_links_the_open_challenges_feed(self, client, demo_site):
        challenge_index(demo_site)
        soup = _soup(client.get("/"))
        link = soup.find("link", rel="alternate", type="application/rss+xml")
        assert link["href"] == "/challenges/feed/"


class HomePageCaseStudiesTests:
    def test_shows_the_three_newest_live_public_case_studies(self, client, demo_site):
        index = case_study_index(demo_site)
        pilot = PilotFactory(evidence_level=3, status=Pilot.Status.COMPLETED)
        pilot.themes.add("Safer communities", "Prevention")
        for days, title in [(9, "Oldest"), (1, "Newest"), (5, "Middle"), (7, "Third")]:
            case_study(index, pilot, title=title, published_days_ago=days)
        draft = case_study(index, pilot, title="Draft", published_days_ago=0)
        draft.unpublish()
        private = case_study(index, pilot, title="Private", published_days_ago=0)
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.LOGIN
        )
        section = _section(_soup(client.get("/")), "case-studies-heading")
        items = section.select(".lab-card-grid__item")
        assert [i.h3.get_text(strip=True) for i in items] == [
            "Newest",
            "Middle",
            "Third",
        ]
        text = items[0].get_text(" ", strip=True)
        assert "Prevention, Safer communities" in text
        assert "Level 3 of 5: causality shown with a comparison group" in text
        assert section.find("a", href=index.url)

    def test_says_so_when_none_is_published(self, client, demo_site):
        section = _section(_soup(client.get("/")), "case-studies-heading")
        assert "No case studies have been published yet" in section.get_text()


class ProgrammeFiguresTests:
    def test_figures_are_counted_from_the_records(self, client, demo_site):
        index = challenge_index(demo_site)
        holder = PublicBodyFactory(name="Dudley Council")
        business = BusinessFactory()
        opened = open_challenge(index)
        opened.holders.add(holder)
        opened.save()
        closed = open_challenge(index)
        ChallengePage.objects.filter(pk=closed.pk).update(
            closes_at=timezone.now() - timedelta(days=1)
        )
        now = timezone.now()
        ChallengePageFactory(  # upcoming: not yet run
            parent=index,
            opens_at=now + timedelta(days=1),
            questions_close_at=now + timedelta(days=2),
            closes_at=now + timedelta(days=3),
        )
        unpublished = open_challenge(index)
        unpublished.unpublish()
        for i, (status, submitted) in enumerate(
            [
                (Entry.Status.DRAFT, False),
                (Entry.Status.SUBMITTED, True),
                (Entry.Status.SUCCESSFUL, True),
                (Entry.Status.WITHDRAWN, True),  # withdrawn after submitting
                (Entry.Status.WITHDRAWN, False),  # withdrawn as a draft
            ]
        ):
            Entry.objects.create(
                challenge=opened,
                organisation=BusinessFactory(),
                title=f"Entry {i}",
                status=status,
                submitted_at=timezone.now() if submitted else None,
            )
        lead = PublicBodyFactory()
        statuses = [
            Pilot.Status.RUNNING,
            Pilot.Status.RUNNING,
            Pilot.Status.COMPLETED,
            Pilot.Status.SETTING_UP,
            Pilot.Status.EVALUATING,
        ]
        for status in statuses:
            pilot = PilotFactory(status=status, lead_organisation=lead)
        # The holder is also a partner: counted once.
        PilotPartner.objects.create(pilot=pilot, organisation=holder, role="co-funder")
        PilotPartner.objects.create(
            pilot=pilot, organisation=business, role="delivery-partner"
        )

        figures = programme_figures()
        assert figures.challenges_run == 2
        assert figures.entries_received == 3
        assert figures.pilots_running == 2
        assert figures.pilots_completed == 1
        # Holder (Dudley), the pilots' lead body and the business partner; not the
        # entrants, not the contacts' own organisations (PilotFactory makes one per
        # contact, but a contact's body is not a partner unless it leads or partners).
        assert set(partner_organisations()) == {holder, lead, business}
        assert figures.partners == 3

        section = _section(_soup(client.get("/")), "figures-heading")
        values = {
            li.select_one(".lab-figures__label").get_text(): li.select_one(
                ".lab-figures__value"
            ).get_text()
            for li in section.select(".lab-figures__item")
        }
        assert values == {
            "Urban Challenges run": "2",
            "entries received": "3",
            "pilots running": "2",
            "pilot completed": "1",
            "partner organisations": "3",
        }
        assert "How these figures are counted" in section.get_text()

    def test_keeps_the_editors_intro_and_body(self, client, demo_site):
        demo_site.intro = "Bringing people together to solve public-service problems."
        demo_site.body = [{"type": "paragraph", "value": "<p>Editor's words.</p>"}]
        demo_site.save_revision().publish()
        soup = _soup(client.get("/"))
        main = soup.find("main")
        assert main.h1.get_text() == demo_site.title
        assert "Bringing people together" in main.get_text()
        assert "Editor's words." in main.get_text()


# Measured by running this test with django_assert_num_queries(0) at both sizes and
# reading the count pytest-django reported: 21 for 10 and for 60 of everything (more
# than any list on the page shows; 200 counted the same, and took 13 s to build). Site,
# page routing and its view-restriction check; the view restrictions once for the
# page's own lists; the open challenges (with their own restriction check), their
# themes and their count; both index pages in one; the case studies and their pilots'
# themes; the figures (challenges, entries, pilots, partners); settings, navigation
# and breadcrumbs in base.html.
HOME_PAGE_QUERIES = 21


class HomePageQueryCountTests:
    @pytest.mark.parametrize("n", [10, 60])
    def test_query_count_does_not_grow(
        self, client, demo_site, django_assert_num_queries, n
    ):
        programme(demo_site, n)
        client.get("/")  # warm-up: site root paths and content types are cached
        with django_assert_num_queries(HOME_PAGE_QUERIES):
            response = client.get("/")
        soup = _soup(response)
        assert len(soup.select(".govuk-summary-card")) == 6
        assert len(soup.select(".lab-card-grid__item")) == 3
        assert f"{n} challenges are open" in soup.get_text()
