"""Metric maths: derived from the stored baseline, target and measurements, never stored.

Pure functions on `Decimal`s and dates so they can be property-tested without a database.

Conventions (IATI results model):
- `ascending=True`: a bigger value is better; `ascending=False`: a smaller value is better.
- Change from baseline is `latest - baseline`; the per cent change is that over
  `|baseline|`, and `None` when the baseline is zero (no division, no infinity).
- Progress toward target is reported two ways (`Progress`):
  `raw = (latest - baseline) / (target - baseline)`: 0 at the baseline, 1 at the target,
  negative when things got worse, above 1 when the target is beaten; and
  `bounded = raw clamped to [0, 1]`, the figure shown on screens and used for
  on-track. When the target equals the baseline (hold the line), progress is 1 if the
  latest value is at the target or better in the metric's direction, 0 otherwise.
  Because the target lies on the better side of the baseline (`Metric.clean`),
  progress moves the same way as "better" for both directions.
- On track: the bounded progress is at least the share of the baseline-to-target time
  elapsed at the latest period, less `ON_TRACK_TOLERANCE`; a met target is always on
  track. No measurement: no status (`None`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

ON_TRACK_TOLERANCE = Decimal("0.1")


@dataclass(frozen=True)
class Progress:
    raw: Decimal
    bounded: Decimal

    @property
    def percent(self) -> int:
        """The bounded progress as a whole per cent (0 to 100)."""
        return int((self.bounded * 100).to_integral_value())


@dataclass(frozen=True)
class Change:
    absolute: Decimal
    percent: Decimal | None  # None when the baseline is zero


def _clamp(value: Decimal, low: Decimal = Decimal(0), high: Decimal = Decimal(1)):
    return max(low, min(high, value))


def is_better_or_equal(*, value: Decimal, than: Decimal, ascending: bool) -> bool:
    return value >= than if ascending else value <= than


def change_from_baseline(*, baseline: Decimal, latest: Decimal) -> Change:
    absolute = latest - baseline
    percent = None if baseline == 0 else absolute * 100 / abs(baseline)
    return Change(absolute=absolute, percent=percent)


def progress_toward_target(
    *, baseline: Decimal, target: Decimal, latest: Decimal, ascending: bool
) -> Progress:
    if target == baseline:
        met = is_better_or_equal(value=latest, than=target, ascending=ascending)
        value = Decimal(1) if met else Decimal(0)
        return Progress(raw=value, bounded=value)
    raw = (latest - baseline) / (target - baseline)
    return Progress(raw=raw, bounded=_clamp(raw))


def expected_progress(
    *, baseline_date: datetime.date, target_date: datetime.date, on: datetime.date
) -> Decimal:
    """The share of the baseline-to-target time elapsed on a date, within [0, 1]."""
    span = (target_date - baseline_date).days
    if span <= 0:
        return Decimal(1)
    return _clamp(Decimal((on - baseline_date).days) / Decimal(span))


def is_on_track(
    *,
    baseline: Decimal,
    target: Decimal,
    latest: Decimal,
    ascending: bool,
    baseline_date: datetime.date,
    target_date: datetime.date,
    latest_period: datetime.date,
) -> bool:
    progress = progress_toward_target(
        baseline=baseline, target=target, latest=latest, ascending=ascending
    )
    if progress.bounded >= 1:
        return True
    expected = expected_progress(
        baseline_date=baseline_date, target_date=target_date, on=latest_period
    )
    return progress.bounded >= expected - ON_TRACK_TOLERANCE


@dataclass(frozen=True)
class MetricSummary:
    """Everything a screen shows about one metric, computed from its measurements."""

    metric: object  # pilots.models.Metric
    measurements: list  # ordered by period
    latest_value: Decimal | None
    latest_period: datetime.date | None
    change: Change | None
    progress: Progress | None
    on_track: bool | None


def metric_summary(*, metric, measurements: list) -> MetricSummary:
    """Summarise a metric from its measurements (any order; the latest period wins)."""
    ordered = sorted(measurements, key=lambda m: m.period)
    if not ordered:
        return MetricSummary(metric, [], None, None, None, None, None)
    latest = ordered[-1]
    return MetricSummary(
        metric=metric,
        measurements=ordered,
        latest_value=latest.value,
        latest_period=latest.period,
        change=change_from_baseline(
            baseline=metric.baseline_value, latest=latest.value
        ),
        progress=progress_toward_target(
            baseline=metric.baseline_value,
            target=metric.target_value,
            latest=latest.value,
            ascending=metric.ascending,
        ),
        on_track=is_on_track(
            baseline=metric.baseline_value,
            target=metric.target_value,
            latest=latest.value,
            ascending=metric.ascending,
            baseline_date=metric.baseline_date,
            target_date=metric.target_date,
            latest_period=latest.period,
        ),
    )


# Outcome: did a metric (and a pilot) move? ----------------------------------------------
# Used by case studies (headline and the finder's "outcome" filter). The same rule is
# written as a database expression in `pilots.publishing.selectors.outcome_annotations`, and a
# test checks the two agree.

# A clear change is a move of at least a tenth of the way from the baseline to the
# target (or away from it); when the target is the baseline, 5% of the baseline.
CLEAR_SHARE_OF_GAP = Decimal("0.1")
CLEAR_SHARE_OF_BASELINE = Decimal("0.05")

IMPROVED, NO_CLEAR_CHANGE, WORSENED = "improved", "no-clear-change", "worsened"
OUTCOME_LABELS = {
    IMPROVED: "Improved",
    NO_CLEAR_CHANGE: "No clear change",
    WORSENED: "Worsened",
}


def clear_change_margin(*, baseline: Decimal, target: Decimal) -> Decimal:
    """How far a metric must move from its baseline to count as a clear change."""
    if target == baseline:
        return abs(baseline) * CLEAR_SHARE_OF_BASELINE
    return abs(target - baseline) * CLEAR_SHARE_OF_GAP


def metric_outcome(
    *, baseline: Decimal, target: Decimal, latest: Decimal, ascending: bool
) -> str:
    """Improved when the latest value moved more than `clear_change_margin` in the
    better direction, worsened when it moved more than that in the worse direction,
    otherwise no clear change."""
    gain = latest - baseline if ascending else baseline - latest
    margin = clear_change_margin(baseline=baseline, target=target)
    if gain > margin:
        return IMPROVED
    if gain < -margin:
        return WORSENED
    return NO_CLEAR_CHANGE


def pilot_outcome(outcomes: list[str]) -> str | None:
    """A pilot improved when more of its measured metrics improved than worsened,
    worsened when more worsened than improved, and otherwise showed no clear change.
    None when no metric has a measurement yet."""
    if not outcomes:
        return None
    improved, worsened = outcomes.count(IMPROVED), outcomes.count(WORSENED)
    if improved > worsened:
        return IMPROVED
    if worsened > improved:
        return WORSENED
    return NO_CLEAR_CHANGE
