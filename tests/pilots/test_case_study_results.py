"""The results on a case study are the pilot's measurements: each chart (parsed as SVG)
and the table beside it hold exactly the recorded values, and a measurement recorded
after publishing appears on the live page without republishing it."""

import datetime
import re
from decimal import Decimal

import pytest
from defusedxml import ElementTree

from pilots.models import Measurement
from pilots.services.measurements import measurement_record
from tests.factories.pilots import PilotFactory, programme_lead
from tests.factories.publishing import (
    CaseStudyPageFactory,
    indexes,
    metric_with_measurements,
    publish,
)

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def charts(html: str) -> dict[str, dict]:
    """Each chart on the page by its title: points, baseline and target (from the SVG)."""
    found = {}
    for svg in re.findall(r"<svg class=\"lab-chart\".*?</svg>", html, re.S):
        root = ElementTree.fromstring(svg)
        found[root.find(f"{SVG}title").text] = {
            "points": [
                (c.get("data-period"), _number(c.get("data-value")))
                for c in root.iter(f"{SVG}circle")
            ],
            "baseline": _number(
                root.find(f"{SVG}line[@class='lab-chart__baseline']").get("data-value")
            ),
            "target": _number(
                root.find(f"{SVG}line[@class='lab-chart__target']").get("data-value")
            ),
            "summary": root.find(f"{SVG}desc").text,
        }
    return found


def table_rows(html: str, metric_pk: int) -> list[tuple[str, Decimal]]:
    table = re.search(
        rf'<table class="govuk-table lab-measurements" data-metric="{metric_pk}">(.*?)</table>',
        html,
        re.S,
    ).group(1)
    return [
        (period, _number(value))
        for period, value in re.findall(
            r'data-period="([\d-]+)">.*?data-value="([^"]+)"', table
        )
    ]


def expected(metric) -> list[tuple[str, Decimal]]:
    return [
        (m.period.isoformat(), m.value)
        for m in Measurement.objects.filter(metric=metric).order_by("period")
    ]


@pytest.fixture
def published(demo_site):
    case_index, _ = indexes(demo_site)
    pilot = PilotFactory(title="Fewer repeat calls")
    calls = metric_with_measurements(
        pilot, name="Repeat calls", values=[1240, 1105.5, 980, 1010]
    )
    helped = metric_with_measurements(
        pilot,
        name="Residents helped",
        values=[3, 8.25, 12],
        ascending=True,
        baseline=0,
        target=20,
    )
    page = publish(CaseStudyPageFactory(parent=case_index, pilot=pilot))
    return page, calls, helped


class ResultsChartTests:
    def test_one_chart_per_metric_with_exactly_the_measurements(
        self, client, published
    ):
        page, calls, helped = published
        html = client.get(page.url).content.decode()
        found = charts(html)
        assert set(found) == {"Repeat calls (calls)", "Residents helped (calls)"}
        for metric in (calls, helped):
            chart = found[f"{metric.name} (calls)"]
            assert chart["points"] == expected(metric)
            assert chart["baseline"] == metric.baseline_value
            assert chart["target"] == metric.target_value
            # The table beside the chart holds the same figures.
            assert table_rows(html, metric.pk) == expected(metric)

    def test_the_chart_has_a_text_summary_for_people_who_cannot_see_it(
        self, client, published
    ):
        page, calls, _ = published
        html = client.get(page.url).content.decode()
        summary = charts(html)["Repeat calls (calls)"]["summary"]
        assert summary.startswith("Lower is better. Baseline 100 calls in January 2025")
        assert "Latest: 1,010 calls in May 2025, up 910 calls" in summary
        # The same words are on the page for everyone, beside the chart.
        assert f'id="metric-{calls.pk}-summary">{summary}</p>' in html

    def test_a_new_measurement_appears_without_republishing(
        self, client, published, django_capture_on_commit_callbacks
    ):
        page, calls, _ = published
        revisions = page.revisions.count()
        last_published = page.last_published_at
        client.get(page.url)  # rendered once before the change

        with django_capture_on_commit_callbacks(execute=True):
            measurement_record(
                metric=calls,
                period=datetime.date(2025, 6, 1),
                value=Decimal("640"),
                by=programme_lead(),
            )

        html = client.get(page.url).content.decode()
        points = charts(html)["Repeat calls (calls)"]["points"]
        assert points[-1] == ("2025-06-01", Decimal("640"))
        assert points == expected(calls)
        assert ("2025-06-01", Decimal("640")) in table_rows(html, calls.pk)
        assert "Repeat calls,2025-06-01,640,,no" in (
            client.get(page.url + "measurements/").content.decode()
        )
        page.refresh_from_db()
        assert page.revisions.count() == revisions
        assert page.last_published_at == last_published
