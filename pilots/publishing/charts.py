"""Server-side SVG line charts of a metric's measurements, with baseline and target.

Drawn by hand rather than with a charting library: the output must be inline SVG styled
only by the site's stylesheet (the Content-Security-Policy allows no inline style or
script, which the SVG charting packages emit), with a title, a description and a data
attribute on every point so that tests and assistive technology can read it. The same
figures are always shown in a table beside the chart.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from math import ceil, floor, log10

from django.utils.html import escape

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 48


@dataclass(frozen=True)
class ChartPoint:
    period: datetime.date
    value: Decimal
    provisional: bool = False


@dataclass(frozen=True)
class ChartSeries:
    chart_id: str
    title: str
    unit: str
    points: tuple[ChartPoint, ...]
    baseline_date: datetime.date
    baseline_value: Decimal
    target_date: datetime.date
    target_value: Decimal
    ascending: bool
    summary: str = ""


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span else 1.0
    magnitude = 10 ** floor(log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _format(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def y_ticks(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    start = floor(low / step) * step
    end = ceil(high / step) * step
    count = round((end - start) / step)
    return [start + i * step for i in range(count + 1)]


def metric_chart_svg(series: ChartSeries) -> str:
    """An accessible inline SVG line chart of the series."""
    values = [float(p.value) for p in series.points]
    values += [float(series.baseline_value), float(series.target_value)]
    ticks = y_ticks(values)
    y_low, y_high = ticks[0], ticks[-1]
    dates = [p.period for p in series.points] + [
        series.baseline_date,
        series.target_date,
    ]
    x_low, x_high = min(dates), max(dates)
    span_days = max((x_high - x_low).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return round(LEFT + plot_w * (day - x_low).days / span_days, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - y_low) / (y_high - y_low)), 1)

    title_id, desc_id = f"{series.chart_id}-title", f"{series.chart_id}-desc"
    parts = [
        f'<svg class="lab-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg" '
        f'data-unit="{escape(series.unit)}">',
        f'<title id="{title_id}">{escape(series.title)}</title>',
        f'<desc id="{desc_id}">{escape(series.summary)}</desc>',
    ]
    for tick in ticks:
        parts.append(
            f'<line class="lab-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y(tick)}" y2="{y(tick)}"/>'
            f'<text class="lab-chart__tick" x="{LEFT - 8}" y="{y(tick) + 5}" '
            f'text-anchor="end">{_format(tick)}</text>'
        )
    for day in sorted({x_low, x_high}):
        parts.append(
            f'<text class="lab-chart__tick" x="{x(day)}" y="{HEIGHT - BOTTOM + 24}" '
            f'text-anchor="{"start" if day == x_low else "end"}">'
            f"{day.strftime('%b %Y')}</text>"
        )
    for kind, value, label in (
        ("baseline", float(series.baseline_value), "Baseline"),
        ("target", float(series.target_value), "Target"),
    ):
        parts.append(
            f'<line class="lab-chart__{kind}" data-value="{_format(value)}" '
            f'x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}"/>'
            f'<text class="lab-chart__label lab-chart__label--{kind}" '
            f'x="{WIDTH - RIGHT - 4}" y="{y(value) - 6}" text-anchor="end">'
            f"{label} {_format(value)}</text>"
        )
    if series.points:
        coordinates = " ".join(
            f"{x(p.period)},{y(float(p.value))}" for p in series.points
        )
        parts.append(
            f'<polyline class="lab-chart__line" fill="none" points="{coordinates}"/>'
        )
    for p in series.points:
        modifier = " lab-chart__point--provisional" if p.provisional else ""
        parts.append(
            f'<circle class="lab-chart__point{modifier}" cx="{x(p.period)}" '
            f'cy="{y(float(p.value))}" r="4" data-period="{p.period.isoformat()}" '
            f'data-value="{_format(float(p.value))}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
