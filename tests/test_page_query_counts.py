"""Every public page type makes the same number of SQL queries with a little and with a
lot behind it. The listing pages have their own two-size tests (home page:
tests/home/test_home_page.py; /challenges/: tests/challenges/test_views.py;
/case-studies/ and /partners/: tests/pilots/test_publishing_query_counts.py; search:
tests/search/test_search_page.py); these cover the detail pages.

How the numbers were measured: an anonymous request first (it warms Wagtail's site and
content-type caches), then `CaptureQueriesContext` around a second request, at both
sizes; the test asserts the two counts are equal and equal to the figure below, which
is what the first run printed (SQLite and PostgreSQL alike).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from challenges.models import ChallengePage, Clarification, Entry, Judging
from home.models import StandardPage
from pilots.models import Contact, PartnerRole, PilotPartner
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    EntryFactory,
    challenge_with_criteria,
)
from tests.factories.pilots import ContactFactory, PilotFactory, PublicBodyFactory
from tests.factories.publishing import (
    CaseStudyPageFactory,
    PartnerPageFactory,
    indexes,
    metric_with_measurements,
    publish,
)

pytestmark = pytest.mark.django_db

EXPECTED = {
    # 22 before the judging state moved to the Judging row (one query more); the
    # holders and themes, read by the page and by its JSON-LD, are now fetched once.
    "challenge": 21,
    "case study": 21,
    "partner": 23,
    "standard": 12,
}


def queries(client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def challenge_with(size: int, home) -> ChallengePage:
    from challenges.models import ChallengeIndexPage

    index = ChallengeIndexPage.objects.first() or ChallengeIndexPageFactory(parent=home)
    now = timezone.now()
    challenge = challenge_with_criteria(
        index,
        weights=tuple([100 // size] * (size - 1) + [100 - 100 // size * (size - 1)]),
        slug=f"challenge-{size}",
        opens_at=now - datetime.timedelta(days=90),
        questions_close_at=now - datetime.timedelta(days=70),
        closes_at=now - datetime.timedelta(days=60),
        judging_state=Judging.State.AWARDED,
    )
    for _ in range(size):
        challenge.holders.add(PublicBodyFactory())
    publish(challenge)
    Clarification.objects.bulk_create(
        Clarification(
            challenge=challenge,
            question=f"Question {n}?",
            answer=f"Answer {n}.",
            status=Clarification.Status.PUBLISHED,
            published_at=now,
        )
        for n in range(size)
    )
    for _ in range(size):
        EntryFactory(
            challenge=challenge,
            organisation=BusinessFactory(),
            status=Entry.Status.SUCCESSFUL,
            submitted_at=now - datetime.timedelta(days=61),
        )
    return challenge


def case_study_with(size: int):
    case_index, partner_index = indexes()
    pilot = PilotFactory(title=f"Pilot with {size}")
    for n in range(size):
        metric_with_measurements(
            pilot, name=f"Metric {n}", values=[95 - k for k in range(min(size, 10))]
        )
        partner = PublicBodyFactory()
        PilotPartner.objects.create(
            pilot=pilot, organisation=partner, role=PartnerRole.DELIVERY_PARTNER
        )
        PartnerPageFactory(parent=partner_index, organisation=partner)
    return CaseStudyPageFactory(parent=case_index, pilot=pilot, slug=f"study-{size}")


def partner_with(size: int):
    case_index, partner_index = indexes()
    organisation = PublicBodyFactory()
    for n in range(size):
        led = PilotFactory(lead_organisation=organisation)
        CaseStudyPageFactory(parent=case_index, pilot=led, slug=f"p{size}-led-{n}")
        other = PilotFactory()
        PilotPartner.objects.create(
            pilot=other, organisation=organisation, role=PartnerRole.EVALUATOR
        )
        ContactFactory(organisation=organisation, is_public=True)
    Contact.objects.filter(organisation=organisation).update(is_public=True)
    return PartnerPageFactory(parent=partner_index, organisation=organisation)


def standard_with(size: int, home):
    page = StandardPage(
        title=f"Guidance {size}",
        slug=f"guidance-{size}",
        intro="How to take part.",
        last_reviewed=datetime.date(2026, 11, 1),
        body=[
            {"type": "paragraph", "value": f"<p>Paragraph {n}.</p>"}
            for n in range(size)
        ],
    )
    home.add_child(instance=page)
    return publish(page)


class DetailPageQueryCountTests:
    @pytest.mark.parametrize(
        "kind, build",
        [
            ("challenge", lambda size, home: challenge_with(size, home)),
            ("case study", lambda size, home: case_study_with(size)),
            ("partner", lambda size, home: partner_with(size)),
            ("standard", lambda size, home: standard_with(size, home)),
        ],
    )
    def test_same_queries_with_a_little_and_a_lot(self, client, demo_site, kind, build):
        small = queries(client, build(2, demo_site).url)
        large = queries(client, build(12, demo_site).url)
        assert small == large == EXPECTED[kind], (kind, small, large)
