"""The pilots demo loader: enough pilots for every status and theme, believable data."""

import io

import pytest

from pilots import demo_content
from pilots.models import THEMES, Contact, Measurement, Metric, Pilot, PilotProposal
from pilots.selectors import pilots_led_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_site):
    demo_content.load(stdout=io.StringIO())


class PilotDemoContentTests:
    def test_demo_content(self, loaded, django_user_model):
        """One load, every check below (loading the demo content is the slow part)."""
        self.check_every_status_and_theme(loaded)
        self.check_metrics_and_monthly_measurements(loaded)
        self.check_contacts_have_a_lawful_basis_and_proposals_vary(loaded)
        self.check_the_demo_public_servant_leads_a_pilot(loaded, django_user_model)
        self.check_loading_twice_changes_nothing(loaded)

    def check_every_status_and_theme(self, loaded):
        assert Pilot.objects.count() >= 12
        assert set(Pilot.objects.values_list("status", flat=True)) == set(
            Pilot.Status.values
        )
        themes = set(Pilot.themes.through.objects.values_list("tag__name", flat=True))
        assert themes == set(THEMES)

    def check_metrics_and_monthly_measurements(self, loaded):
        for pilot in Pilot.objects.prefetch_related("metrics__measurements"):
            metrics = list(pilot.metrics.all())
            assert 2 <= len(metrics) <= 4, pilot
            for metric in metrics:
                periods = sorted(m.period for m in metric.measurements.all())
                if pilot.status == Pilot.Status.SETTING_UP:
                    # Nothing is measured before a pilot starts; its baseline is
                    # on the metric.
                    assert periods == [] and metric.baseline_value is not None
                    continue
                assert 12 <= len(periods) <= 24, metric
                assert all(p >= pilot.start_date.replace(day=1) for p in periods)
                assert all(p.day == 1 for p in periods)
                months = [p.year * 12 + p.month for p in periods]
                assert months == list(range(months[0], months[0] + len(months)))
                metric.full_clean()  # target on the better side of the baseline

    def check_contacts_have_a_lawful_basis_and_proposals_vary(self, loaded):
        assert not Contact.objects.filter(lawful_basis="").exists()
        assert len(set(PilotProposal.objects.values_list("status", flat=True))) >= 4
        approved = PilotProposal.objects.get(status=PilotProposal.Status.APPROVED)
        assert approved.pilot.title == approved.title

    def check_the_demo_public_servant_leads_a_pilot(self, loaded, django_user_model):
        officer = django_user_model.objects.get(email="officer@sandwell.example")
        assert pilots_led_by(user=officer).exists()

    def check_loading_twice_changes_nothing(self, loaded):
        counts = (
            Pilot.objects.count(),
            Metric.objects.count(),
            Measurement.objects.count(),
        )
        demo_content.load(stdout=io.StringIO())
        assert counts == (
            Pilot.objects.count(),
            Metric.objects.count(),
            Measurement.objects.count(),
        )
