"""Reads for the programme dashboard (Wagtail admin, programme leads only): the whole
programme at a glance, computed from the records every time it is opened.

Definitions, shown to leads beside each figure:

- Pipeline: Urban Challenges opened (live, opens_at passed) → entries received
  (submitted: `submitted_at` set; drafts never count) → shortlisted (entries whose
  status is Shortlisted or Successful: a successful entry was shortlisted first) →
  proposals (pilot proposals past draft; "from challenge entries" counts those whose
  `source_entry` is set) → pilots (every pilot; "from approved proposals" counts those
  with a proposal, and "of them from challenge entries" those whose proposal has a
  `source_entry`) → case studies (live).
- Metrics on track: for pilots that are running or evaluating, each metric's latest
  measurement judged by `pilots.metrics.is_on_track` (progress toward target against the
  share of the baseline-to-target time elapsed, with its tolerance); a metric with no
  measurement yet is "not yet measured".
- Measurements overdue: for running pilots, a metric's next period starts the day after
  its latest measured period ends (or, with none yet, on the first of the month after the
  baseline date); that period's figure is due `MEASUREMENT_GRACE_DAYS` after the period
  ends. It is overdue once the due date has passed, unless the period starts after the
  metric's target date (no measurement is expected then).

Every function makes a fixed number of queries whatever the programme's size
(tests/pilots/test_dashboard.py); the metric and overdue lists take one query, with the
latest measurement of each metric read by a subquery rather than loaded in full.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from taggit.models import Tag

from challenges.models import ChallengePage, Entry
from home.csv import csv_text

from .. import metrics as metric_maths
from ..models import CaseStudyPage, Measurement, Metric, Pilot, PilotProposal

MEASUREMENT_GRACE_DAYS = 30
LIST_LIMIT = 25  # rows of the off-track and overdue tables shown (the CSV has all)
PERIOD_MONTHS = {
    Metric.Frequency.MONTHLY: 1,
    Metric.Frequency.QUARTERLY: 3,
    Metric.Frequency.ANNUALLY: 12,
}
# Entry statuses that mean "reached the shortlist". Judging may add its own
# record of decisions; then count from it instead.
SHORTLISTED_STATUSES = [Entry.Status.SHORTLISTED, Entry.Status.SUCCESSFUL]
TRACKED_PILOT_STATUSES = [Pilot.Status.RUNNING, Pilot.Status.EVALUATING]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int
    note: str = ""


@dataclass(frozen=True)
class MetricRow:
    pilot_id: int
    pilot: str
    metric_id: int
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None
    latest_period: datetime.date | None
    progress_percent: int | None
    expected_percent: int | None
    on_track: bool | None


@dataclass(frozen=True)
class OverdueRow:
    pilot_id: int
    pilot: str
    metric_id: int
    metric: str
    frequency: str
    latest_period: datetime.date | None
    period_due: datetime.date
    due_on: datetime.date
    days_overdue: int
    periods_missing: int


@dataclass
class Dashboard:
    as_of: datetime.date
    pipeline: list[Figure]
    pilots_by_status: list[Figure]
    pilots_by_theme: list[Figure]
    metric_status: list[Figure]
    off_track: list[MetricRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)

    @property
    def off_track_shown(self) -> list[MetricRow]:
        return self.off_track[:LIST_LIMIT]

    @property
    def overdue_shown(self) -> list[OverdueRow]:
        return self.overdue[:LIST_LIMIT]


def pipeline_counts(*, now=None) -> list[Figure]:
    """Five queries: challenges, entries, proposals, pilots, case studies. Each stage
    notes how it links to the one before, counted from the records' own links."""
    now = now or timezone.now()
    challenges = ChallengePage.objects.live().filter(opens_at__lte=now).count()
    entries = Entry.objects.aggregate(
        received=Count("pk", filter=Q(submitted_at__isnull=False)),
        shortlisted=Count(
            "pk",
            filter=Q(submitted_at__isnull=False, status__in=SHORTLISTED_STATUSES),
        ),
    )
    proposals = PilotProposal.objects.exclude(
        status=PilotProposal.Status.DRAFT
    ).aggregate(
        total=Count("pk"),
        from_entries=Count("pk", filter=Q(source_entry__isnull=False)),
    )
    pilots = Pilot.objects.aggregate(
        total=Count("pk"),
        from_proposals=Count("pk", filter=Q(proposal__isnull=False)),
        from_entries=Count("pk", filter=Q(proposal__source_entry__isnull=False)),
    )
    case_studies = CaseStudyPage.objects.live().aggregate(
        total=Count("pk"), pilots=Count("pilot", distinct=True)
    )
    received = entries["received"]
    shortlisted_note = (
        f"{round(100 * entries['shortlisted'] / received)}% of entries received"
        if received
        else ""
    )
    return [
        Figure("challenges", "Urban Challenges opened", challenges),
        Figure("entries", "Entries received", received),
        Figure(
            "shortlisted",
            "Entries shortlisted",
            entries["shortlisted"],
            shortlisted_note,
        ),
        Figure(
            "proposals",
            "Pilot proposals",
            proposals["total"],
            f"{proposals['from_entries']} from challenge entries",
        ),
        Figure(
            "pilots",
            "Pilots",
            pilots["total"],
            f"{pilots['from_proposals']} from approved proposals, "
            f"{pilots['from_entries']} of them from challenge entries",
        ),
        Figure(
            "case_studies",
            "Case studies published",
            case_studies["total"],
            f"covering {case_studies['pilots']} "
            f"pilot{'' if case_studies['pilots'] == 1 else 's'}",
        ),
    ]


def pilots_by_status() -> list[Figure]:
    """One query; every status listed, in workflow order, zero or not."""
    counts = dict(
        Pilot.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [
        Figure(key=value, label=label, value=counts.get(value, 0))
        for value, label in Pilot.Status.choices
    ]


def pilots_by_theme() -> list[Figure]:
    """Two queries: each theme with its number of pilots (most first), then pilots
    with no theme. A pilot with two themes counts under both."""
    tags = (
        Tag.objects.annotate(n=Count("pilots_taggedpilot_items"))
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    rows = [Figure(key=tag.slug, label=tag.name, value=tag.n) for tag in tags]
    untagged = Pilot.objects.filter(tagged_items__isnull=True).count()
    if untagged:
        rows.append(Figure(key="", label="No theme", value=untagged))
    return rows


def _tracked_metrics(statuses: list[str]):
    """Metrics of pilots in these statuses, each with its latest measurement."""
    latest = Measurement.objects.filter(metric=OuterRef("pk")).order_by("-period")
    return (
        Metric.objects.filter(pilot__status__in=statuses)
        .select_related("pilot")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period=Subquery(latest.values("period")[:1]),
        )
        .order_by("pilot__title", "pilot_id", "name")
    )


def metric_rows() -> list[MetricRow]:
    """One query: every tracked metric judged on track, off track or not measured."""
    rows = []
    for metric in _tracked_metrics(TRACKED_PILOT_STATUSES):
        latest, period = metric.latest_value, metric.latest_period
        progress = expected = on_track = None
        if latest is not None:
            # Subquery values come back as the column's type on PostgreSQL and as
            # text or float on SQLite: make them Decimals and dates again.
            latest = Decimal(str(latest))
            if isinstance(period, str):
                period = datetime.date.fromisoformat(period)
            progress = metric_maths.progress_toward_target(
                baseline=metric.baseline_value,
                target=metric.target_value,
                latest=latest,
                ascending=metric.ascending,
            ).percent
            expected = int(
                100
                * metric_maths.expected_progress(
                    baseline_date=metric.baseline_date,
                    target_date=metric.target_date,
                    on=period,
                )
            )
            on_track = metric_maths.is_on_track(
                baseline=metric.baseline_value,
                target=metric.target_value,
                latest=latest,
                ascending=metric.ascending,
                baseline_date=metric.baseline_date,
                target_date=metric.target_date,
                latest_period=period,
            )
        rows.append(
            MetricRow(
                pilot_id=metric.pilot_id,
                pilot=metric.pilot.title,
                metric_id=metric.pk,
                metric=metric.name,
                unit=metric.unit,
                baseline=metric.baseline_value,
                target=metric.target_value,
                latest=latest,
                latest_period=period,
                progress_percent=progress,
                expected_percent=expected,
                on_track=on_track,
            )
        )
    return rows


def metric_status_counts(rows: list[MetricRow]) -> list[Figure]:
    return [
        Figure("on_track", "On track", sum(r.on_track is True for r in rows)),
        Figure("off_track", "Off track", sum(r.on_track is False for r in rows)),
        Figure("not_measured", "Not yet measured", sum(r.latest is None for r in rows)),
    ]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (periods start on the first of a month; other days
    are moved back to the month's last day when the month is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def next_period_due(
    *,
    frequency: str,
    baseline_date: datetime.date,
    latest_period: datetime.date | None,
    target_date: datetime.date,
    today: datetime.date,
) -> tuple[datetime.date, datetime.date, int] | None:
    """(first period missing, the date its figure was due, periods missing) when a
    measurement is overdue on `today`, else None. See the module docstring."""
    step = PERIOD_MONTHS.get(frequency, 1)
    grace = datetime.timedelta(days=MEASUREMENT_GRACE_DAYS)
    if latest_period is None:
        start = add_months(baseline_date.replace(day=1), 1)
    else:
        start = add_months(latest_period, step)
    first, due_on, missing = start, add_months(start, step) + grace, 0
    while start <= target_date and add_months(start, step) + grace < today:
        missing += 1
        start = add_months(start, step)
    if not missing:
        return None
    return first, due_on, missing


def overdue_rows(*, today: datetime.date | None = None) -> list[OverdueRow]:
    """One query: running pilots' metrics with a measurement overdue, most late first."""
    today = today or timezone.localdate()
    rows = []
    for metric in _tracked_metrics([Pilot.Status.RUNNING]):
        period = metric.latest_period
        if isinstance(period, str):
            period = datetime.date.fromisoformat(period)
        due = next_period_due(
            frequency=metric.frequency,
            baseline_date=metric.baseline_date,
            latest_period=period,
            target_date=metric.target_date,
            today=today,
        )
        if due is None:
            continue
        period_due, due_on, missing = due
        rows.append(
            OverdueRow(
                pilot_id=metric.pilot_id,
                pilot=metric.pilot.title,
                metric_id=metric.pk,
                metric=metric.name,
                frequency=metric.get_frequency_display(),
                latest_period=period,
                period_due=period_due,
                due_on=due_on,
                days_overdue=(today - due_on).days,
                periods_missing=missing,
            )
        )
    rows.sort(key=lambda r: (-r.days_overdue, r.pilot, r.metric))
    return rows


def programme_dashboard(*, now=None) -> Dashboard:
    now = now or timezone.now()
    metrics = metric_rows()
    off_track = [r for r in metrics if r.on_track is False]
    # Furthest behind first: the gap between expected and actual progress.
    off_track.sort(key=lambda r: (r.progress_percent - r.expected_percent, r.pilot))
    return Dashboard(
        as_of=timezone.localdate(now),
        pipeline=pipeline_counts(now=now),
        pilots_by_status=pilots_by_status(),
        pilots_by_theme=pilots_by_theme(),
        metric_status=metric_status_counts(metrics),
        off_track=off_track,
        overdue=overdue_rows(today=timezone.localdate(now)),
    )


CSV_COLUMNS = ["section", "item", "value", "detail"]


def dashboard_csv(dashboard: Dashboard) -> str:
    """Every figure on the dashboard, one per row: section, item, value, detail."""
    return csv_text(CSV_COLUMNS, _dashboard_csv_rows(dashboard))


def _dashboard_csv_rows(dashboard: Dashboard):
    yield ["as of", "date", dashboard.as_of.isoformat(), ""]
    for section, counts in (
        ("pipeline", dashboard.pipeline),
        ("pilots by status", dashboard.pilots_by_status),
        ("pilots by theme", dashboard.pilots_by_theme),
        ("metrics", dashboard.metric_status),
    ):
        for count in counts:
            yield [section, count.label, count.value, count.note]
    for row in dashboard.off_track:
        yield [
            "metric off track",
            f"{row.pilot}: {row.metric}",
            row.progress_percent,
            f"{row.progress_percent}% of the way to target, "
            f"{row.expected_percent}% expected by {row.latest_period:%B %Y}",
        ]
    for row in dashboard.overdue:
        yield [
            "measurement overdue",
            f"{row.pilot}: {row.metric}",
            row.days_overdue,
            f"{row.frequency} figure for the period from "
            f"{row.period_due.isoformat()} was due {row.due_on.isoformat()}; "
            f"{row.periods_missing} period(s) missing",
        ]
