"""`manage.py generate_load_data`: bulk, seeded, a valid page tree, indexed once."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from challenges.models import ChallengeIndexPage, ChallengePage, Entry
from home.models import HomePage, Organisation
from home.services import page_ensure
from pilots.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    Measurement,
    Metric,
    PartnerIndexPage,
    PartnerPage,
    Pilot,
)
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(demo_site):
    home = HomePage.objects.get()
    page_ensure(
        parent=home, model=ChallengeIndexPage, slug="challenges", title="Challenges"
    )
    page_ensure(
        parent=home, model=CaseStudyIndexPage, slug="case-studies", title="Case studies"
    )
    page_ensure(parent=home, model=PartnerIndexPage, slug="partners", title="Partners")
    return home


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_load_data", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    generated = Pilot.objects.filter(title__contains="(load-")
    return {
        "pilots": list(
            generated.order_by("title").values_list("title", "status", "evidence_level")
        ),
        "measurements": sorted(
            Measurement.objects.filter(metric__pilot__in=generated).values_list(
                "metric__pilot__title", "metric__name", "period", "value"
            )
        ),
    }


class GenerateLoadDataTests:
    def test_loads_every_kind_of_record_with_a_valid_tree(self, site, client):
        output = generate(pilots=40)
        assert "Loaded" in output

        pilots = Pilot.objects.filter(title__contains="(load-")
        assert pilots.count() == 40
        assert Metric.objects.filter(pilot__in=pilots).count() >= 80
        assert Measurement.objects.filter(metric__pilot__in=pilots).count() >= 80 * 12
        completed = pilots.filter(status=Pilot.Status.COMPLETED).count()
        studies = CaseStudyPage.objects.filter(slug__startswith="load-")
        assert studies.count() in (completed, completed + 1)
        assert PartnerPage.objects.filter(slug__startswith="load-").count() == 40
        assert ChallengePage.objects.filter(slug__startswith="load-").count() == 10
        assert Entry.objects.filter(organisation__slug__startswith="load-").exists()

        # The hand-built paths are a tree treebeard agrees with, numchild included.
        assert all(not problems for problems in Page.find_problems())
        index = CaseStudyIndexPage.objects.get()
        assert index.get_children().count() == index.numchild

        # The benchmark's case study: 4 metrics of 24 months each.
        first = studies.order_by("path").first()
        metrics = first.pilot.metrics.all()
        assert metrics.count() == 4
        assert {m.measurements.count() for m in metrics} == {24}

        # Pages serve, and search was rebuilt once at the end.
        for page in (
            first,
            ChallengePage.objects.filter(slug__startswith="load-").first(),
        ):
            assert client.get(page.url).status_code == 200
        assert SearchDocument.objects.filter(page_id=first.pk).exists()

    def test_the_same_seed_makes_the_same_data(self, site):
        generate(pilots=15, skip_index=True)
        first = snapshot()
        generate(pilots=15, skip_index=True, replace=True)
        assert snapshot() == first
        assert Organisation.objects.filter(slug__startswith="load-").count() == 60

    def test_refuses_to_load_twice_without_replace(self, site):
        generate(pilots=5, skip_index=True)
        with pytest.raises(CommandError, match="--replace"):
            generate(pilots=5, skip_index=True)

    def test_needs_the_demo_site(self, db):
        with pytest.raises(CommandError, match="load_demo_content"):
            generate(pilots=5)
