"""The chart shows exactly the measurements it is given: read back from the SVG."""

import datetime
from decimal import Decimal

from defusedxml import ElementTree as ET
from hypothesis import given
from hypothesis import strategies as st

from pilots.publishing.charts import ChartPoint, ChartSeries, metric_chart_svg, y_ticks

SVG = "{http://www.w3.org/2000/svg}"


def _series(points, **overrides):
    values = dict(
        chart_id="metric-1",
        title="Repeat calls from the same address",
        unit="calls",
        points=tuple(points),
        baseline_date=datetime.date(2024, 1, 1),
        baseline_value=Decimal("42"),
        target_date=datetime.date(2025, 12, 1),
        target_value=Decimal("30"),
        ascending=False,
        summary="From 42 calls to 28 calls; the target is 30.",
    )
    values.update(overrides)
    return ChartSeries(**values)


def _points(values, start=datetime.date(2024, 1, 1)):
    return [
        ChartPoint(
            period=datetime.date(
                start.year + (start.month - 1 + i) // 12,
                (start.month - 1 + i) % 12 + 1,
                1,
            ),
            value=Decimal(v),
            provisional=(i == len(values) - 1),
        )
        for i, v in enumerate(values)
    ]


class ChartTests:
    def test_every_measurement_is_a_point_with_its_value(self):
        points = _points(["41", "40.5", "37", "33", "28"])
        root = ET.fromstring(metric_chart_svg(_series(points)))
        circles = root.findall(f"{SVG}circle")
        assert [(c.get("data-period"), c.get("data-value")) for c in circles] == [
            ("2024-01-01", "41"),
            ("2024-02-01", "40.5"),
            ("2024-03-01", "37"),
            ("2024-04-01", "33"),
            ("2024-05-01", "28"),
        ]
        assert "lab-chart__point--provisional" in circles[-1].get("class")
        assert "provisional" not in circles[0].get("class")

    def test_baseline_and_target_lines_are_labelled(self):
        root = ET.fromstring(metric_chart_svg(_series(_points(["41"]))))
        lines = {
            line.get("class"): line.get("data-value")
            for line in root.findall(f"{SVG}line")
        }
        assert lines["lab-chart__baseline"] == "42"
        assert lines["lab-chart__target"] == "30"
        labels = [t.text for t in root.findall(f"{SVG}text")]
        assert "Baseline 42" in labels and "Target 30" in labels

    def test_title_and_description_name_the_chart(self):
        root = ET.fromstring(metric_chart_svg(_series(_points(["41"]))))
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "metric-1-title metric-1-desc"
        assert root.find(f"{SVG}title").text == "Repeat calls from the same address"
        assert root.find(f"{SVG}desc").text.startswith("From 42 calls")

    def test_text_is_escaped(self):
        svg = metric_chart_svg(_series([], title="<script>x</script> & co"))
        assert "<script>" not in svg
        ET.fromstring(svg)  # still well-formed

    def test_higher_values_are_drawn_higher(self):
        root = ET.fromstring(metric_chart_svg(_series(_points(["10", "50"]))))
        low, high = root.findall(f"{SVG}circle")
        assert float(high.get("cy")) < float(low.get("cy"))

    @given(
        st.lists(
            st.decimals(
                min_value=-1000,
                max_value=100000,
                places=2,
                allow_nan=False,
                allow_infinity=False,
            ),
            min_size=0,
            max_size=30,
        )
    )
    def test_any_values_give_a_well_formed_chart_inside_the_frame(self, values):
        svg = metric_chart_svg(_series(_points([str(v) for v in values])))
        root = ET.fromstring(svg)
        circles = root.findall(f"{SVG}circle")
        assert len(circles) == len(values)
        for c in circles:
            assert 0 <= float(c.get("cx")) <= 640
            assert 0 <= float(c.get("cy")) <= 320

    def test_ticks_cover_the_values(self):
        ticks = y_ticks([28.0, 42.0, 30.0])
        assert ticks[0] <= 28 and ticks[-1] >= 42
        assert ticks == sorted(ticks) and len(ticks) >= 3
