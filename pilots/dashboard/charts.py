"""Server-side horizontal bar charts as inline SVG (the programme dashboard).

Like `pilots.charts`: no inline style or script, so they hold under a strict
Content-Security-Policy; shapes carry classes styled by a stylesheet, sizes are SVG
attributes. Each chart has a title and a text description, each bar its label and value
as data attributes, and the same figures are always shown in a table beside it.
"""

from dataclasses import dataclass

from django.utils.html import escape

WIDTH = 480
ROW = 32
BAR = 20
LABEL_WIDTH = 190  # left column for the labels
VALUE_GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    modifier: str = ""  # adds the class lab-bars__bar--<modifier>


def _label(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart_svg(*, chart_id: str, title: str, bars: list[Bar]) -> str:
    """A labelled horizontal bar per item, scaled to the largest value."""
    height = max(len(bars), 1) * ROW + 8
    largest = max([b.value for b in bars] + [1])
    plot = WIDTH - LABEL_WIDTH - 56  # room for the value after the longest bar
    summary = "; ".join(f"{b.label}: {b.value}" for b in bars) or "No data"
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="lab-bars" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(summary)}</desc>',
    ]
    for i, bar in enumerate(bars):
        top = 4 + i * ROW
        middle = top + ROW / 2 + 5
        width = round(plot * bar.value / largest, 1)
        modifier = f" lab-bars__bar--{bar.modifier}" if bar.modifier else ""
        parts.append(
            f'<g class="lab-bars__row" data-label="{escape(bar.label)}" '
            f'data-value="{bar.value}">'
            f'<text class="lab-bars__label" x="{LABEL_WIDTH - VALUE_GAP}" '
            f'y="{middle}" text-anchor="end">{escape(_label(bar.label))}</text>'
            f'<rect class="lab-bars__bar{modifier}" x="{LABEL_WIDTH}" '
            f'y="{top + (ROW - BAR) / 2}" width="{width}" height="{BAR}"/>'
            f'<text class="lab-bars__value" x="{LABEL_WIDTH + width + VALUE_GAP}" '
            f'y="{middle}">{bar.value}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
