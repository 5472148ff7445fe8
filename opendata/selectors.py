"""Reads for open data: only what is published, each list in a fixed number of queries.

The rules (also stated on the /api/ page):

- A pilot is **published** once its status has moved past "Setting up" (running,
  evaluating, completed or stopped). A pilot still being set up has no public results or
  case study yet, so it is left out everywhere, with its metrics and measurements.
- Proposals, challenge entries, scores, assessors and private contacts are never read
  here. A contact is published only when marked public and not erased, and then only its
  name, job title and organisation.
- An organisation is published when it leads, partners or adopted a published pilot,
  holds a live challenge, or won an awarded live challenge. Other organisations (for
  example a start-up whose entry was unsuccessful) are not listed.
- A challenge is published when its page is live and public; its winners are published
  once its judging state is "Winners announced".
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from challenges.models import ChallengePage, Entry, Judging
from home.models import Organisation
from pilots.metrics import MetricSummary, expected_progress, metric_summary
from pilots.models import Contact, Measurement, Metric, Pilot, PilotPartner, TaggedPilot

UNPUBLISHED_PILOT_STATUSES = [Pilot.Status.SETTING_UP]


@dataclass(frozen=True)
class PilotFilters:
    """The filters every pilot-based list and download accepts (all optional)."""

    theme: str = ""
    area: str = ""
    status: str = ""
    evidence_level: int | None = None
    pilot: int | None = None


def pilot_published_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status__in": UNPUBLISHED_PILOT_STATUSES})


def _filter_pilots(qs: QuerySet[Pilot], filters: PilotFilters) -> QuerySet[Pilot]:
    if filters.theme:
        qs = qs.filter(
            Exists(
                TaggedPilot.objects.filter(content_object=OuterRef("pk")).filter(
                    Q(tag__slug=filters.theme) | Q(tag__name__iexact=filters.theme)
                )
            )
        )
    if filters.area:
        qs = qs.filter(
            Q(lead_organisation__local_authority_area=filters.area)
            | Exists(
                PilotPartner.objects.filter(
                    pilot=OuterRef("pk"),
                    organisation__local_authority_area=filters.area,
                )
            )
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.evidence_level is not None:
        qs = qs.filter(evidence_level=filters.evidence_level)
    if filters.pilot is not None:
        qs = qs.filter(pk=filters.pilot)
    return qs


def pilots_published(*, filters: PilotFilters = PilotFilters()) -> QuerySet[Pilot]:
    """Published pilots with everything a listing shows: five (themes take two) queries for any count."""
    qs = Pilot.objects.filter(pilot_published_q()).select_related(
        "lead_organisation", "lead_contact__organisation"
    )
    return _filter_pilots(qs, filters).prefetch_related(
        "tagged_items__tag",
        Prefetch(
            "partners",
            queryset=PilotPartner.objects.select_related("organisation").order_by(
                "organisation__name", "role"
            ),
        ),
        Prefetch("adopters", queryset=Organisation.objects.order_by("name")),
    )


def pilot_published(*, pk: int) -> Pilot | None:
    return pilots_published().filter(pk=pk).first()


def _published_pilot_ids(filters: PilotFilters) -> QuerySet:
    return _filter_pilots(Pilot.objects.filter(pilot_published_q()), filters).values(
        "pk"
    )


def metrics_published(*, filters: PilotFilters = PilotFilters()) -> QuerySet[Metric]:
    """Metrics of published pilots, measurements prefetched in period order."""
    return (
        Metric.objects.filter(pilot__in=_published_pilot_ids(filters))
        .select_related("pilot")
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("period"))
        )
        .order_by("pilot__title", "pilot_id", "name", "pk")
    )


def metric_summaries(*, metrics) -> list[MetricSummary]:
    """Derived values (pilots.metrics) for metrics with prefetched measurements."""
    return [
        metric_summary(metric=metric, measurements=list(metric.measurements.all()))
        for metric in metrics
    ]


def measurements_published(
    *, filters: PilotFilters = PilotFilters()
) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(metric__pilot__in=_published_pilot_ids(filters))
        .select_related("metric__pilot")
        .order_by("metric__pilot__title", "metric__pilot_id", "metric__name", "period")
    )


def contacts_public() -> QuerySet[Contact]:
    return Contact.objects.filter(
        is_public=True, erased_at__isnull=True
    ).select_related("organisation")


def public_contact_or_none(contact: Contact | None) -> Contact | None:
    if contact is None or not contact.is_public or contact.erased_at is not None:
        return None
    return contact


def challenges_published() -> QuerySet[ChallengePage]:
    return (
        ChallengePage.objects.live()
        .public()
        .defer_streamfields()
        .select_related("judging")
        .prefetch_related("holders", "tagged_items__tag")
        .order_by("opens_at", "pk")
    )


def challenges_awarded() -> QuerySet[ChallengePage]:
    """Published challenges whose winners are announced."""
    return challenges_published().filter(judging__state=Judging.State.AWARDED)


def challenge_winners() -> QuerySet[Entry]:
    """Successful entries of live, public challenges whose winners are announced.

    Only the challenge and the winning organisation are read from them: an entry's
    own text is never published.
    """
    live_awarded = (
        ChallengePage.objects.live()
        .public()
        .filter(judging__state=Judging.State.AWARDED)
        .values("pk")
    )
    return (
        Entry.objects.filter(status=Entry.Status.SUCCESSFUL, challenge__in=live_awarded)
        .select_related("organisation")
        .only(
            "pk",
            "challenge_id",
            "organisation__id",
            "organisation__name",
            "organisation__slug",
            "organisation__org_id",
            "organisation__companies_house_number",
            "organisation__local_authority_area",
        )
        .order_by("challenge_id", "organisation__name")
    )


def organisations_published(*, area: str = "", org_type: str = "") -> QuerySet:
    published = Pilot.objects.filter(pilot_published_q())
    live = ChallengePage.objects.live().public()
    q = (
        Q(led_pilots__in=published)
        | Q(pilot_partnerships__pilot__in=published)
        | Q(adopted_pilots__in=published)
        | Q(challenges_held__in=live)
    )
    winners = Organisation.objects.filter(
        entries__in=challenge_winners().values("pk")
    ).values("pk")
    ids = Organisation.objects.filter(q).values("pk")
    qs = Organisation.objects.filter(Q(pk__in=ids) | Q(pk__in=winners))
    if area:
        qs = qs.filter(local_authority_area=area)
    if org_type:
        qs = qs.filter(org_type=org_type)
    return qs.order_by("name", "pk")


# Period ends, for IATI results and the measurement downloads.
def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def period_end(*, start: datetime.date, frequency: str) -> datetime.date:
    months = {"monthly": 1, "quarterly": 3, "annually": 12}.get(frequency, 1)
    return _add_months(start.replace(day=1), months) - datetime.timedelta(days=1)


def trajectory_target(*, metric: Metric, on: datetime.date) -> Decimal:
    """The straight-line target on a date, from baseline to target (IATI period target)."""
    share = expected_progress(
        baseline_date=metric.baseline_date, target_date=metric.target_date, on=on
    )
    value = (
        metric.baseline_value + (metric.target_value - metric.baseline_value) * share
    )
    return value.quantize(Decimal("0.001"))
