import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from challenges.models import Entry, Judging
from pilots.models import PartnerRole, Pilot, PilotPartner, PilotProposal
from tests.conftest import load_demo_site, shared_data
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    EntryFactory,
    challenge_with_criteria,
)
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    ProposalFactory,
    PublicBodyFactory,
)

# Every private value in the world below contains this marker: no response may.
SECRET = "SECRET"


@pytest.fixture(autouse=True)
def _open_data_settings(settings):
    settings.OPENDATA_RATE_LIMIT = "100000/m"
    cache.clear()  # the rate-limit counters
    yield
    cache.clear()


@pytest.fixture
def world(demo_site):
    """Published pilots and challenges beside every kind of private record."""
    return build_world(demo_site)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The same world, built once for a module whose every test gets it (with
    `usefixtures`) and overrides `world` with `world_from(shared_world)`; each test's
    writes are rolled back."""

    def build():
        world = build_world(load_demo_site())
        return {key: (type(record), record.pk) for key, record in world.items()}

    yield from shared_data(django_db_blocker, build)


def world_from(keys):
    """The shared world's records, read afresh for one test."""
    return {key: model.objects.get(pk=pk) for key, (model, pk) in keys.items()}


def build_world(demo_site):
    council = PublicBodyFactory(
        name="Sandwell Test Council",
        slug="sandwell-test-council",
        local_authority_area="sandwell",
        org_id="GB-LAE-SAWT",
    )
    partner = PublicBodyFactory(
        name="Dudley Test Council",
        slug="dudley-test-council",
        local_authority_area="dudley",
    )
    private_contact = ContactFactory(
        name=f"{SECRET} Private Person",
        job_title=f"{SECRET} job",
        email="secret-private@council.example",
        phone="0121 496 9999",
        is_public=False,
    )
    public_contact = ContactFactory(
        name="Pat Public",
        job_title="Head of Prevention",
        organisation=council,
        email="secret-public-email@council.example",
        phone="0121 496 8888",
        is_public=True,
    )
    ContactFactory(name=f"{SECRET} Erased", is_public=True, erased_at=timezone.now())
    proposal = ProposalFactory(
        title=f"{SECRET} proposal title",
        lead_organisation=council,
        risks=f"{SECRET} risks",
        sponsor=f"{SECRET} sponsor",
        status=PilotProposal.Status.APPROVED,
        reviewer_comments=f"{SECRET} reviewer comments",
        decided_at=timezone.make_aware(datetime.datetime(2024, 12, 1, 10)),
    )
    ProposalFactory(title=f"{SECRET} draft proposal", risks=f"{SECRET} risk")
    running = PilotFactory(
        title="Fewer repeat calls",
        proposal=proposal,
        lead_organisation=council,
        lead_contact=private_contact,
        status=Pilot.Status.RUNNING,
        evidence_level=2,
    )
    running.themes.add("Safer communities")
    PilotPartner.objects.create(
        pilot=running, organisation=partner, role=PartnerRole.PILOT_SITE
    )
    metric = MetricFactory(
        pilot=running, name="Repeat calls", owner=private_contact, unit="calls"
    )
    MeasurementFactory(
        metric=metric,
        period=datetime.date(2025, 3, 1),
        value=Decimal("110"),
        note=f"{SECRET} note",
    )
    MeasurementFactory(
        metric=metric, period=datetime.date(2025, 4, 1), value=Decimal("104")
    )
    completed = PilotFactory(
        title="Damp and mould response",
        lead_organisation=partner,
        lead_contact=public_contact,
        status=Pilot.Status.COMPLETED,
        evidence_level=3,
        approved_budget=Decimal("380000.00"),
    )
    completed.themes.add("Housing")
    MetricFactory(
        pilot=completed,
        name="Share of homes repaired",
        unit="%",
        ascending=True,
        baseline_value=Decimal("40"),
        target_value=Decimal("80"),
    )
    draft_org = PublicBodyFactory(
        name=f"{SECRET} draft-only org", slug="secret-draft-org"
    )
    draft = PilotFactory(
        title=f"{SECRET} pilot being set up",
        summary=f"{SECRET} summary",
        lead_organisation=draft_org,
        lead_contact=private_contact,
        status=Pilot.Status.SETTING_UP,
    )
    draft_metric = MetricFactory(pilot=draft, name=f"{SECRET} draft metric")
    MeasurementFactory(metric=draft_metric, value=Decimal("999"))

    # Challenges: one awarded (a winner, a loser), one still a draft page.
    index = challenge_index_for(demo_site)
    awarded = challenge_with_criteria(
        index,
        title="Damp sensors",
        slug="damp-sensors",
        funding_amount=90_000,
        opens_at=timezone.now() - datetime.timedelta(days=90),
        questions_close_at=timezone.now() - datetime.timedelta(days=80),
        closes_at=timezone.now() - datetime.timedelta(days=60),
        decision_expected=(timezone.now() - datetime.timedelta(days=10)).date(),
        judging_state=Judging.State.AWARDED,
    )
    winner = BusinessFactory(name="Winner Ltd", slug="winner-ltd")
    loser = BusinessFactory(name=f"{SECRET} Loser Ltd", slug="secret-loser")
    EntryFactory(
        challenge=awarded,
        organisation=winner,
        title=f"{SECRET} winning entry title",
        summary=f"{SECRET} entry summary",
        feedback=f"{SECRET} feedback",
        status=Entry.Status.SUCCESSFUL,
    )
    EntryFactory(
        challenge=awarded,
        organisation=loser,
        title=f"{SECRET} losing entry",
        status=Entry.Status.UNSUCCESSFUL,
    )
    draft_challenge = challenge_with_criteria(
        index, title=f"{SECRET} draft challenge", slug="secret-draft-challenge"
    )
    draft_challenge.unpublish()
    return {
        "running": running,
        "completed": completed,
        "draft": draft,
        "council": council,
        "partner": partner,
        "winner": winner,
        "public_contact": public_contact,
        "awarded": awarded,
    }


def challenge_index_for(home):
    from challenges.models import ChallengeIndexPage

    existing = ChallengeIndexPage.objects.first()
    if existing:
        return existing
    page = ChallengeIndexPageFactory(parent=home)
    page.save_revision().publish()
    return page
