"""Property tests of the metric maths (pilots.metrics): pure functions, no database."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pilots.metrics import (
    ON_TRACK_TOLERANCE,
    change_from_baseline,
    expected_progress,
    is_on_track,
    metric_summary,
    progress_toward_target,
)

values = st.decimals(
    min_value=Decimal("-1000000"),
    max_value=Decimal("1000000"),
    allow_nan=False,
    allow_infinity=False,
    places=3,
)
directions = st.booleans()
dates = st.dates(
    min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2035, 1, 1)
)


@st.composite
def consistent_metric(draw):
    """Baseline and a target on the better side of it, as Metric.clean insists."""
    ascending = draw(directions)
    baseline = draw(values)
    gain = draw(
        st.decimals(min_value=0, max_value=Decimal("100000"), allow_nan=False, places=3)
    )
    target = baseline + gain if ascending else baseline - gain
    return ascending, baseline, target


class ChangeFromBaselineTests:
    @given(baseline=values, latest=values)
    def test_absolute_is_the_difference(self, baseline, latest):
        assert change_from_baseline(baseline=baseline, latest=latest).absolute == (
            latest - baseline
        )

    @given(latest=values)
    def test_zero_baseline_gives_no_percent_and_no_error(self, latest):
        change = change_from_baseline(baseline=Decimal(0), latest=latest)
        assert change.percent is None
        assert change.absolute == latest

    @given(baseline=values, latest=values)
    def test_percent_sign_follows_the_change(self, baseline, latest):
        assume(baseline != 0)
        change = change_from_baseline(baseline=baseline, latest=latest)
        assert (change.percent > 0) == (latest > baseline)
        assert (change.percent < 0) == (latest < baseline)

    def test_worked_example(self):
        change = change_from_baseline(baseline=Decimal(120), latest=Decimal(90))
        assert change.absolute == Decimal(-30)
        assert change.percent == Decimal(-25)


class ProgressTests:
    @given(metric=consistent_metric(), latest=values)
    def test_bounded_progress_stays_within_zero_and_one(self, metric, latest):
        ascending, baseline, target = metric
        progress = progress_toward_target(
            baseline=baseline, target=target, latest=latest, ascending=ascending
        )
        assert Decimal(0) <= progress.bounded <= Decimal(1)
        assert 0 <= progress.percent <= 100
        assert progress.bounded == max(Decimal(0), min(Decimal(1), progress.raw))

    @given(metric=consistent_metric(), a=values, b=values)
    def test_a_better_value_never_shows_less_progress(self, metric, a, b):
        """Direction handled both ways: 'better' is higher or lower per the flag."""
        ascending, baseline, target = metric
        better, worse = (max(a, b), min(a, b)) if ascending else (min(a, b), max(a, b))
        p_better = progress_toward_target(
            baseline=baseline, target=target, latest=better, ascending=ascending
        )
        p_worse = progress_toward_target(
            baseline=baseline, target=target, latest=worse, ascending=ascending
        )
        assert p_better.raw >= p_worse.raw
        assert p_better.bounded >= p_worse.bounded

    @given(metric=consistent_metric())
    def test_baseline_is_zero_progress_and_target_is_full(self, metric):
        ascending, baseline, target = metric
        assume(target != baseline)
        at_baseline = progress_toward_target(
            baseline=baseline, target=target, latest=baseline, ascending=ascending
        )
        at_target = progress_toward_target(
            baseline=baseline, target=target, latest=target, ascending=ascending
        )
        assert at_baseline.bounded == 0
        assert at_target.bounded == 1

    @given(baseline=values, latest=values, ascending=directions)
    def test_target_equal_to_baseline_is_met_or_not(self, baseline, latest, ascending):
        progress = progress_toward_target(
            baseline=baseline, target=baseline, latest=latest, ascending=ascending
        )
        met = latest >= baseline if ascending else latest <= baseline
        assert progress.bounded == (1 if met else 0)

    @given(metric=consistent_metric())
    def test_zero_baseline_gives_no_division_error(self, metric):
        ascending, _, target = metric
        target = target - metric[1]  # shift so the baseline is zero
        progress_toward_target(
            baseline=Decimal(0), target=target, latest=Decimal(5), ascending=ascending
        )

    def test_worked_example_lower_is_better(self):
        progress = progress_toward_target(
            baseline=Decimal(120),
            target=Decimal(90),
            latest=Decimal(105),
            ascending=False,
        )
        assert progress.raw == Decimal("0.5")
        assert progress.percent == 50

    def test_beating_the_target_reports_raw_above_one(self):
        progress = progress_toward_target(
            baseline=Decimal(10), target=Decimal(20), latest=Decimal(30), ascending=True
        )
        assert progress.raw == 2
        assert progress.bounded == 1

    def test_getting_worse_reports_raw_below_zero(self):
        progress = progress_toward_target(
            baseline=Decimal(10), target=Decimal(20), latest=Decimal(5), ascending=True
        )
        assert progress.raw == Decimal("-0.5")
        assert progress.bounded == 0


class OnTrackTests:
    @given(metric=consistent_metric(), start=dates, days=st.integers(1, 3650), on=dates)
    def test_met_target_is_always_on_track(self, metric, start, days, on):
        ascending, baseline, target = metric
        assert is_on_track(
            baseline=baseline,
            target=target,
            latest=target,
            ascending=ascending,
            baseline_date=start,
            target_date=start + datetime.timedelta(days=days),
            latest_period=on,
        )

    @given(start=dates, days=st.integers(1, 3650), on=dates)
    def test_expected_progress_is_bounded(self, start, days, on):
        expected = expected_progress(
            baseline_date=start,
            target_date=start + datetime.timedelta(days=days),
            on=on,
        )
        assert 0 <= expected <= 1

    def test_behind_schedule_is_off_track(self):
        # Halfway through the year, only 10% of the way to the target.
        kwargs = {
            "baseline": Decimal(100),
            "target": Decimal(0),
            "ascending": False,
            "baseline_date": datetime.date(2025, 1, 1),
            "target_date": datetime.date(2026, 1, 1),
            "latest_period": datetime.date(2025, 7, 2),
        }
        assert not is_on_track(latest=Decimal(90), **kwargs)
        # Within the tolerance of the expected 50%: on track.
        close = Decimal(100) - (Decimal("0.5") - ON_TRACK_TOLERANCE) * 100
        assert is_on_track(latest=close, **kwargs)


class MetricSummaryTests:
    def test_no_measurements_means_no_derived_values(self):
        metric = SimpleNamespace(
            baseline_value=Decimal(1), target_value=Decimal(2), ascending=True
        )
        summary = metric_summary(metric=metric, measurements=[])
        assert summary.latest_value is None
        assert summary.on_track is None

    def test_latest_period_wins_whatever_the_order(self):
        metric = SimpleNamespace(
            baseline_value=Decimal(0),
            target_value=Decimal(10),
            ascending=True,
            baseline_date=datetime.date(2025, 1, 1),
            target_date=datetime.date(2025, 12, 1),
        )
        m = [
            SimpleNamespace(period=datetime.date(2025, 3, 1), value=Decimal(3)),
            SimpleNamespace(period=datetime.date(2025, 1, 1), value=Decimal(1)),
        ]
        summary = metric_summary(metric=metric, measurements=m)
        assert summary.latest_value == 3
        assert summary.change.percent is None  # zero baseline
        assert summary.progress.raw == Decimal("0.3")


@pytest.mark.django_db
class MetricValidationTests:
    def test_target_must_be_on_the_better_side(self):
        from django.core.exceptions import ValidationError

        from tests.factories.pilots import MetricFactory

        metric = MetricFactory.build(
            ascending=False, baseline_value=Decimal(10), target_value=Decimal(20)
        )
        with pytest.raises(ValidationError) as caught:
            metric.clean()
        assert "target_value" in caught.value.message_dict
