"""Builders for the home page and programme dashboard tests: a programme of a given size
(challenges, entries, proposals, pilots with metrics and measurements, case studies)."""

import datetime
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from challenges.models import Entry
from pilots.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    Pilot,
    PilotPartner,
    PilotProposal,
)
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    ChallengePageFactory,
)
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    ProposalFactory,
    PublicBodyFactory,
)


def challenge_index(home):
    index = ChallengeIndexPageFactory(parent=home)
    index.save_revision().publish()
    return index


def case_study_index(home) -> CaseStudyIndexPage:
    index = home.add_child(
        instance=CaseStudyIndexPage(
            title="Case studies", slug="case-studies", intro="What the pilots found."
        )
    )
    index.save_revision().publish()
    return index


def open_challenge(index, *, days_left: int = 20, **kwargs):
    now = timezone.now()
    return ChallengePageFactory(
        parent=index,
        opens_at=now - timedelta(days=10),
        questions_close_at=now + timedelta(days=min(days_left, 5)),
        closes_at=now + timedelta(days=days_left, hours=1),
        **kwargs,
    )


def case_study(index, pilot: Pilot, *, title: str, published_days_ago: int = 0):
    page = CaseStudyPage(
        title=title,
        pilot=pilot,
        summary=f"What {pilot.title} tried and what happened.",
        problem="<p>The problem.</p>",
        what_was_done="<p>What was done.</p>",
        lessons_learned="<p>Lessons.</p>",
        how_to_replicate="<p>How to replicate it.</p>",
        first_published_at=timezone.now() - timedelta(days=published_days_ago),
    )
    return index.add_child(instance=page)


def programme(home, n: int) -> dict:
    """n of everything: open challenges with submitted entries, pilots with themes,
    partners, metrics and measurements, proposals, and live case studies."""
    challenges = challenge_index(home)
    studies = case_study_index(home)
    holder = PublicBodyFactory(name="Sandwell Council")
    contact = ContactFactory(organisation=holder)
    business = BusinessFactory()
    for i in range(n):
        challenge = open_challenge(challenges, days_left=5 + i % 30)
        challenge.holders.add(holder)
        challenge.themes.add("Housing")
        challenge.save()
        Entry.objects.create(
            challenge=challenge,
            organisation=business,
            title=f"Entry {i}",
            status=Entry.Status.SHORTLISTED if i % 2 else Entry.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        ProposalFactory(lead_organisation=holder, status=PilotProposal.Status.SUBMITTED)
        pilot = PilotFactory(
            lead_organisation=holder,
            lead_contact=contact,
            status=Pilot.Status.COMPLETED if i % 3 == 0 else Pilot.Status.RUNNING,
        )
        pilot.themes.add("Housing", "Prevention")
        PilotPartner.objects.create(
            pilot=pilot, organisation=business, role="delivery-partner"
        )
        metric = MetricFactory(
            pilot=pilot,
            baseline_date=datetime.date(2025, 1, 1),
            target_date=datetime.date(2027, 1, 1),
        )
        for month in range(1, 4):
            MeasurementFactory(
                metric=metric,
                period=datetime.date(2025, month, 1),
                value=Decimal(120 - month * 2),
            )
        case_study(studies, pilot, title=f"Case study {i}", published_days_ago=i)
    return {"challenge_index": challenges, "case_study_index": studies}
