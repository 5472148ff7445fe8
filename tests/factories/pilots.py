"""Factories for pilots, proposals, metrics, measurements and contacts (seeded)."""

import datetime
from decimal import Decimal

import factory
import factory.random
from django.contrib.auth.models import Group
from django.utils import timezone

from home import roles
from home.models import Organisation, OrganisationMembership, User
from pilots.models import (
    Contact,
    Measurement,
    Metric,
    Pilot,
    PilotProposal,
)

factory.random.reseed_random(2026)


class PilotUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"officer{n}@council{n}.example")
    username = factory.SelfAttribute("email")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("a-long-test-password-42")


class PublicBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    slug = factory.Sequence(lambda n: f"borough-council-{n}")
    org_type = Organisation.Type.COUNCIL


def public_servant(*, organisation: Organisation | None = None, **kwargs) -> User:
    """A front-end user who is a member of a council."""
    user = PilotUserFactory(**kwargs)
    OrganisationMembership.objects.create(
        organisation=organisation or PublicBodyFactory(), user=user
    )
    return user


def programme_lead(**kwargs) -> User:
    user = PilotUserFactory(**kwargs)
    group, _ = Group.objects.get_or_create(name=roles.PROGRAMME_LEADS)
    user.groups.add(group)
    return user


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name", locale="en_GB")
    job_title = "Service manager"
    organisation = factory.SubFactory(PublicBodyFactory)
    email = factory.Sequence(lambda n: f"contact{n}@council.example")
    phone = factory.Sequence(lambda n: f"0121 496 {n:04d}")
    lawful_basis = Contact.LawfulBasis.PUBLIC_TASK
    lawful_basis_recorded_at = factory.LazyFunction(timezone.now)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotProposal

    title = factory.Sequence(lambda n: f"Proposal {n}: fewer repeat calls")
    problem = "Repeat calls to police from the same addresses take officer time."
    proposed_solution = "A multi-agency team visits the top 50 addresses each month."
    lead_organisation = factory.SubFactory(PublicBodyFactory)
    sponsor = "Chief Superintendent, Neighbourhood Policing"
    budget_requested = Decimal("85000.00")
    match_funding = Decimal("15000.00")
    duration_months = 12
    target_outcomes = "A 25% fall in repeat calls from the addresses visited."
    proposed_metrics = "Repeat calls per month from the cohort (police command data)."
    evaluate_process = True
    evaluate_impact = True
    risks = "Data sharing between agencies may take longer than planned."
    created_by = factory.SubFactory(PilotUserFactory)


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    title = factory.Sequence(lambda n: f"Pilot {n}")
    summary = "A pilot."
    lead_organisation = factory.SubFactory(PublicBodyFactory)
    lead_contact = factory.SubFactory(ContactFactory)
    status = Pilot.Status.RUNNING
    start_date = datetime.date(2025, 1, 1)
    planned_end_date = datetime.date(2026, 12, 31)
    approved_budget = Decimal("100000.00")
    spend_to_date = Decimal("40000.00")
    evidence_level = 2


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Repeat calls {n}")
    definition = "Calls to police from addresses already called from in 28 days."
    unit = "calls"
    ascending = False
    baseline_value = Decimal("120")
    baseline_date = datetime.date(2025, 1, 1)
    target_value = Decimal("90")
    target_date = datetime.date(2026, 1, 1)
    data_source = "West Midlands Police command and control"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    metric = factory.SubFactory(MetricFactory)
    # Months inside the factory pilot's life that have already begun (January 2025 to
    # November 2026), in turn: a month the service accepts however many a run makes.
    period = factory.Sequence(
        lambda n: datetime.date(2025 + (n % 23) // 12, (n % 23) % 12 + 1, 1)
    )
    value = Decimal("110")
