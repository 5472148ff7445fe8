"""Factories for Urban Challenges. Seeded through factory_boy's random state."""

from datetime import timedelta

import factory
import factory.random
import wagtail_factories
from django.utils import timezone

from challenges.models import (
    AssessmentCriterion,
    ChallengeIndexPage,
    ChallengePage,
    Entry,
    Judging,
)
from home.models import Organisation, OrganisationMembership, User

factory.random.reseed_random(2026)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@startup{n}.example")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("a-long-test-password-42")


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Start-up {n} Ltd")
    slug = factory.Sequence(lambda n: f"start-up-{n}")
    org_type = Organisation.Type.BUSINESS
    size = Organisation.Size.MICRO


def member_of(
    organisation: Organisation, user: User | None = None, role="admin"
) -> User:
    user = user or UserFactory()
    OrganisationMembership.objects.create(
        organisation=organisation, user=user, role=role
    )
    return user


class ChallengeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ChallengeIndexPage

    title = "Urban Challenges"
    slug = "challenges"
    intro = "Public-service problems that start-ups are invited to solve."


class ChallengePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ChallengePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Challenge {n}")
    slug = factory.Sequence(lambda n: f"challenge-{n}")
    summary = "Help the region's councils solve a public-service problem."
    problem = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>The problem, in full.</p>"}]
    )
    eligibility = "<p>UK-registered start-ups and SMEs.</p>"
    funding_amount = 50_000
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    questions_close_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=10)
    )
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    decision_expected = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=60)).date()
    )

    @factory.post_generation
    def judging_state(obj, create, extracted, **kwargs):
        """`judging_state="awarded"` starts the challenge with a Judging row in that
        state: test data, as the bench loader makes it (a real round moves the state
        through challenges.judging.services)."""
        if create and extracted:
            Judging.objects.update_or_create(
                challenge=obj, defaults={"state": extracted}
            )


def challenge_with_criteria(parent, weights=(60, 40), **kwargs) -> ChallengePage:
    """A published challenge with one criterion per weight."""
    challenge = ChallengePageFactory(parent=parent, **kwargs)
    for i, weight in enumerate(weights):
        AssessmentCriterion.objects.create(
            page=challenge,
            sort_order=i,
            title=f"Criterion {i + 1}",
            guidance=f"Guidance for criterion {i + 1}",
            weight=weight,
            max_words=300,
        )
    challenge.save_revision().publish()
    return ChallengePage.objects.get(pk=challenge.pk)


COMPLETE_PARTS = {
    "title": "Predicting damp before it becomes mould",
    "summary": "Low-cost sensors and a model that flags homes at risk.",
    "solution": "Sensors in 200 homes, a dashboard for housing officers.",
    "evidence": "A 2025 trial in 40 homes cut complaints by a third.",
    "pilot_plan": "Six months in Sandwell, then review.",
    "cost_estimate": "£48,000",
    "team": "Three engineers and a housing specialist.",
}


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    organisation = factory.SubFactory(BusinessFactory)


# --- Judging ---------------------------------------------------------------------------


def assessor(email: str | None = None, **kwargs) -> User:
    """A member of the Assessors group (staff: they may reach the Wagtail admin)."""
    from django.contrib.auth.models import Group

    from home import roles

    user = UserFactory(**({"email": email} if email else {}), **kwargs)
    group, _ = Group.objects.get_or_create(name=roles.ASSESSORS)
    user.groups.add(group)
    return user


def programme_lead(email: str = "lead@lab.example") -> User:
    from django.contrib.auth.models import Group

    from home import roles

    user = UserFactory(email=email, first_name="Priya", last_name="Shah")
    group, _ = Group.objects.get_or_create(name=roles.PROGRAMME_LEADS)
    user.groups.add(group)
    return user


def closed_challenge(parent, weights=(60, 40), **kwargs) -> ChallengePage:
    """A published challenge whose entries closed yesterday: ready for judging."""
    now = timezone.now()
    return challenge_with_criteria(
        parent,
        weights=weights,
        opens_at=now - timedelta(days=40),
        questions_close_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
        decision_expected=(now + timedelta(days=30)).date(),
        **kwargs,
    )


def submitted_entry(challenge, organisation=None, title=None) -> Entry:
    """A submitted entry with an answer to every criterion (made directly: the
    challenge has closed, so the entrant's own services would refuse)."""
    from challenges.models import EntryAnswer

    organisation = organisation or BusinessFactory()
    entry = Entry.objects.create(
        challenge=challenge,
        organisation=organisation,
        status=Entry.Status.SUBMITTED,
        submitted_at=challenge.closes_at - timedelta(days=1),
        declaration_eligibility=True,
        declaration_data_protection=True,
        **{**COMPLETE_PARTS, "title": title or f"Entry from {organisation.name}"},
    )
    for criterion in challenge.criteria.all():
        EntryAnswer.objects.create(
            entry=entry, criterion=criterion, text=f"How we meet {criterion.title}"
        )
    return entry
