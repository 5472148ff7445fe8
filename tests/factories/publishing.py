"""Factories for the published pilot pages: case studies and partner profiles.

`case_study_world(n)` builds n live case studies, each with its own pilot (themes,
partners, two metrics with measurements) and n partner profiles: enough variety for
the finders' filters and for the query-count tests at two sizes.
"""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from django.utils import timezone

from home.models import HomePage, LocalAuthorityArea, Organisation
from pilots.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    Measurement,
    Metric,
    PartnerIndexPage,
    PartnerPage,
    Pilot,
    PilotPartner,
)
from tests.factories.pilots import MetricFactory, PilotFactory, PublicBodyFactory

factory.random.reseed_random(2026)

THEMES = ["Housing", "Health and wellbeing", "Net zero", "Safer communities"]
AREAS = [
    LocalAuthorityArea.BIRMINGHAM,
    LocalAuthorityArea.SANDWELL,
    LocalAuthorityArea.COVENTRY,
    LocalAuthorityArea.WALSALL,
]


class CaseStudyIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CaseStudyIndexPage

    title = "Case studies"
    slug = "case-studies"
    intro = "What was tried, what it cost and the measured results."


class CaseStudyPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CaseStudyPage

    title = factory.Sequence(lambda n: f"Case study {n}: fewer repeat calls")
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    pilot = factory.SubFactory(PilotFactory)
    summary = "A joint team visited the addresses that call most often."
    problem = "<p>The same addresses call the police again and again.</p>"
    what_was_done = "<p>A multi-agency team visited each address.</p>"
    cost_summary = "Officer time and a part-time coordinator."
    lessons_learned = "<p>Start the data-sharing agreement early.</p>"
    how_to_replicate = "<p>Agree the list of addresses monthly.</p>"


class PartnerIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PartnerIndexPage

    title = "Partners"
    slug = "partners"
    intro = "The organisations working together in the Lab."


class PartnerPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PartnerPage

    organisation = factory.SubFactory(PublicBodyFactory)
    title = factory.SelfAttribute("organisation.name")
    slug = factory.SelfAttribute("organisation.slug")
    summary = "A council in the West Midlands."
    profile = "<p>It brings problems to the Lab and hosts pilots.</p>"


def publish(page):
    """Publish through Wagtail's own API (a revision, then publish)."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def indexes(
    home: HomePage | None = None,
) -> tuple[CaseStudyIndexPage, PartnerIndexPage]:
    home = home or HomePage.objects.get()
    case_index = CaseStudyIndexPage.objects.first() or CaseStudyIndexPageFactory(
        parent=home
    )
    partner_index = PartnerIndexPage.objects.first() or PartnerIndexPageFactory(
        parent=home
    )
    return case_index, partner_index


def metric_with_measurements(
    pilot: Pilot, *, name: str, values: list, ascending=False, baseline=100, target=60
) -> Metric:
    metric = MetricFactory(
        pilot=pilot,
        name=name,
        unit="calls",
        ascending=ascending,
        baseline_value=Decimal(baseline),
        target_value=Decimal(target),
        baseline_date=datetime.date(2025, 1, 1),
        target_date=datetime.date(2026, 12, 1),
    )
    Measurement.objects.bulk_create(
        Measurement(
            metric=metric,
            period=datetime.date(2025, 2 + i, 1),
            value=Decimal(str(v)),
        )
        for i, v in enumerate(values)
    )
    return metric


def case_study_world(
    count: int, *, start: int = 0, home: HomePage | None = None
) -> list[CaseStudyPage]:
    """`count` live case studies and `count` live partner profiles, varied enough that
    every filter has something to find. Pages are added live without revisions, the
    way a bulk import would, to keep the 200-item tests quick."""
    case_index, partner_index = indexes(home)
    now = timezone.now()
    pages = []
    for i in range(start, start + count):
        lead = PublicBodyFactory(
            local_authority_area=AREAS[i % len(AREAS)],
            org_type=[Organisation.Type.COUNCIL, Organisation.Type.NHS][i % 2],
        )
        partner = PublicBodyFactory(
            org_type=Organisation.Type.VOLUNTARY,
            local_authority_area=AREAS[(i + 1) % len(AREAS)],
        )
        pilot = PilotFactory(
            lead_organisation=lead,
            status=[Pilot.Status.COMPLETED, Pilot.Status.EVALUATING][i % 2],
            evidence_level=1 + i % 5,
        )
        pilot.themes.add(THEMES[i % len(THEMES)])
        PilotPartner.objects.create(
            pilot=pilot, organisation=partner, role="delivery-partner"
        )
        # Alternately improved (calls fell) and worsened (calls rose).
        trend = [90, 80, 70] if i % 2 == 0 else [110, 120, 130]
        metric_with_measurements(pilot, name="Repeat calls", values=trend)
        # A second metric that barely moves: no clear change either way.
        metric_with_measurements(pilot, name="Calls handled", values=[99, 101])
        page = CaseStudyPage(
            title=f"Case study {i}: {pilot.title}",
            slug=f"world-case-study-{i}",
            pilot=pilot,
            summary=f"What pilot {i} did and what happened.",
            problem="<p>A problem.</p>",
            what_was_done="<p>What was done.</p>",
            lessons_learned="<p>Lessons.</p>",
            how_to_replicate="<p>How.</p>",
            live=True,
            first_published_at=now - datetime.timedelta(days=i),
            last_published_at=now - datetime.timedelta(days=i),
        )
        case_index.add_child(instance=page)
        pages.append(page)
        partner_index.add_child(
            instance=PartnerPage(
                title=lead.name,
                slug=lead.slug,
                organisation=lead,
                summary="A partner.",
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
        )
    return pages
