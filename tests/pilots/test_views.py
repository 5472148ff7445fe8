"""Front-end pages, from the outside: who may see and do what."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from home.models import Organisation, OrganisationMembership
from pilots.models import ImportJob, Measurement, PilotProposal
from tests.factories.pilots import (
    ContactFactory,
    MetricFactory,
    PilotFactory,
    PilotUserFactory,
    ProposalFactory,
    PublicBodyFactory,
    public_servant,
)

pytestmark = pytest.mark.django_db

S = PilotProposal.Status


def _startup_user():
    user = PilotUserFactory(email="founder@startup.example")
    business = Organisation.objects.create(
        name="Start-up Ltd", slug="start-up-ltd", org_type=Organisation.Type.BUSINESS
    )
    OrganisationMembership.objects.create(organisation=business, user=user)
    return user


def _valid_post(org, **overrides):
    data = {
        "title": "Discharge to assess at home",
        "lead_organisation": str(org.pk),
        "problem": "People wait in hospital for care packages.",
        "proposed_solution": "A joint team assesses people at home.",
        "sponsor": "Director of Adult Social Care",
        "budget_requested": "120000",
        "match_funding": "30000",
        "duration_months": "12",
        "target_outcomes": "Fewer delayed days.",
        "proposed_metrics": "Delayed transfer days per month (NHS SitRep).",
        "evaluation_types": ["process", "impact"],
        "evaluation_approach": "Comparison with a matched ward.",
        "dpia_status": "in-progress",
        "data_sharing_agreement_status": "planned",
        "risks": "Recruitment.",
    }
    data.update(overrides)
    return data


class ProposalPageTests:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(reverse("pilots:proposal_create"))
        assert response.status_code == 302

    @pytest.mark.parametrize("url", ["pilots:proposal_list", "pilots:proposal_create"])
    def test_startup_user_cannot_see_proposals(self, client, url):
        client.force_login(_startup_user())
        assert client.get(reverse(url)).status_code == 403

    def test_startup_user_cannot_see_a_proposal_even_by_address(self, client):
        proposal = ProposalFactory()
        client.force_login(_startup_user())
        response = client.get(reverse("pilots:proposal_detail", args=[proposal.pk]))
        assert response.status_code == 403
        assert proposal.title.encode() not in response.content

    def test_another_public_servants_proposal_is_not_found(self, client):
        proposal = ProposalFactory(created_by=public_servant())
        client.force_login(public_servant())
        for name in ("proposal_detail", "proposal_edit"):
            response = client.get(reverse(f"pilots:{name}", args=[proposal.pk]))
            assert response.status_code == 404
        response = client.post(reverse("pilots:proposal_submit", args=[proposal.pk]))
        assert response.status_code == 404
        proposal.refresh_from_db()
        assert proposal.status == S.DRAFT

    def test_raise_then_submit(self, client, django_capture_on_commit_callbacks):
        council = PublicBodyFactory()
        partner = PublicBodyFactory(name="West Midlands Police", slug="wmp")
        officer = public_servant(organisation=council)
        client.force_login(officer)
        assert client.get(reverse("pilots:proposal_create")).status_code == 200
        response = client.post(
            reverse("pilots:proposal_create"),
            _valid_post(
                council,
                partner_1_organisation=str(partner.pk),
                partner_1_role="pilot-site",
            ),
        )
        proposal = PilotProposal.objects.get()
        assert response.status_code == 302
        assert proposal.status == S.DRAFT
        assert proposal.evaluate_impact and not proposal.evaluate_value_for_money
        assert proposal.partners.get().organisation == partner
        page = client.get(reverse("pilots:proposal_detail", args=[proposal.pk]))
        assert b"Discharge to assess at home" in page.content
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("pilots:proposal_submit", args=[proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.status == S.SUBMITTED
        # Once submitted it can no longer be changed.
        response = client.get(reverse("pilots:proposal_edit", args=[proposal.pk]))
        assert response.status_code == 302

    def test_errors_sit_beside_fields_keep_input_and_save_nothing(self, client):
        council = PublicBodyFactory()
        client.force_login(public_servant(organisation=council))
        response = client.post(
            reverse("pilots:proposal_create"),
            _valid_post(
                council,
                budget_requested="lots",
                problem="",
                partner_2_role="evaluator",
            ),
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert 'href="#id_budget_requested"' in html
        assert 'id="id_budget_requested-error"' in html
        assert "Budget requested must be a number" in html
        assert "Describe the problem" in html
        assert "Choose the organisation for partner 2" in html
        assert 'value="Discharge to assess at home"' in html  # kept what was typed
        assert response.context["form"].errors
        assert not PilotProposal.objects.exists()

    def test_cannot_propose_for_an_organisation_you_are_not_in(self, client):
        client.force_login(public_servant())
        other = PublicBodyFactory()
        response = client.post(reverse("pilots:proposal_create"), _valid_post(other))
        assert response.status_code == 200
        assert not PilotProposal.objects.exists()

    def test_changes_requested_can_be_edited_and_resubmitted(self, client):
        council = PublicBodyFactory()
        officer = public_servant(organisation=council)
        proposal = ProposalFactory(
            created_by=officer,
            lead_organisation=council,
            status=S.CHANGES_REQUESTED,
            reviewer_comments="Name the evaluator.",
        )
        client.force_login(officer)
        page = client.get(reverse("pilots:proposal_edit", args=[proposal.pk]))
        assert b"Name the evaluator." in page.content
        client.post(
            reverse("pilots:proposal_edit", args=[proposal.pk]),
            _valid_post(council, title="Revised title"),
        )
        client.post(reverse("pilots:proposal_submit", args=[proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.title == "Revised title"
        assert proposal.status == S.SUBMITTED


@pytest.fixture
def two_pilots():
    mine_user = PilotUserFactory(email="lead.one@wmfire.example")
    other_user = PilotUserFactory(email="lead.two@bcc.example")
    mine = PilotFactory(
        title="Safe and Well", lead_contact=ContactFactory(user=mine_user)
    )
    other = PilotFactory(
        title="Other pilot", lead_contact=ContactFactory(user=other_user)
    )
    MetricFactory(pilot=mine, name="Visits")
    MetricFactory(pilot=other, name="Other metric")
    return mine_user, mine, other


class PilotLeadPageTests:
    def test_lead_sees_own_pilot(self, client, two_pilots):
        user, mine, _ = two_pilots
        client.force_login(user)
        response = client.get(reverse("pilots:measurements", args=[mine.pk]))
        assert response.status_code == 200
        assert b"Visits" in response.content
        assert b"Safe and Well" in client.get(reverse("pilots:my_pilots")).content

    @pytest.mark.parametrize("name", ["pilots:measurements", "pilots:measurements_csv"])
    def test_lead_cannot_see_another_pilot(self, client, two_pilots, name):
        user, _, other = two_pilots
        client.force_login(user)
        response = client.get(reverse(name, args=[other.pk]))
        assert response.status_code == 404
        assert b"Other metric" not in response.content

    def test_lead_cannot_record_on_another_pilot(self, client, two_pilots):
        user, _, other = two_pilots
        client.force_login(user)
        metric = other.metrics.get()
        response = client.post(
            reverse("pilots:measurements", args=[other.pk]),
            {
                "form": "measurement",
                "metric": metric.pk,
                "month": 1,
                "year": 2025,
                "value": 5,
            },
        )
        assert response.status_code == 404
        response = client.post(
            reverse("pilots:measurements", args=[other.pk]),
            {"form": "csv", "file": _csv("Other metric,2025-01,5,,no\n")},
        )
        assert response.status_code == 404
        assert not Measurement.objects.exists()
        assert not ImportJob.objects.exists()

    def test_another_pilots_metric_is_not_a_choice(self, client, two_pilots):
        user, mine, other = two_pilots
        client.force_login(user)
        response = client.post(
            reverse("pilots:measurements", args=[mine.pk]),
            {
                "form": "measurement",
                "metric": other.metrics.get().pk,
                "month": 1,
                "year": 2025,
                "value": 5,
            },
        )
        assert response.status_code == 200
        assert not Measurement.objects.exists()

    def test_anonymous_and_strangers_get_nothing(self, client, two_pilots):
        _, mine, _ = two_pilots
        assert (
            client.get(reverse("pilots:measurements", args=[mine.pk])).status_code
            == 302
        )
        client.force_login(public_servant())
        assert (
            client.get(reverse("pilots:measurements", args=[mine.pk])).status_code
            == 404
        )

    def test_record_a_measurement(self, client, two_pilots):
        user, mine, _ = two_pilots
        client.force_login(user)
        data = {
            "form": "measurement",
            "metric": mine.metrics.get().pk,
            "month": "3",
            "year": "2025",
            "value": "42.5",
            "provisional": "on",
        }
        response = client.post(reverse("pilots:measurements", args=[mine.pk]), data)
        assert response.status_code == 302
        saved = Measurement.objects.get()
        assert saved.period == datetime.date(2025, 3, 1)
        assert saved.value == Decimal("42.5") and saved.provisional
        # The same month again is refused beside the month field.
        response = client.post(reverse("pilots:measurements", args=[mine.pk]), data)
        assert response.status_code == 200
        assert b'id="period-error"' in response.content
        assert b'href="#id_month"' in response.content
        assert b"already has a value for March 2025" in response.content
        assert Measurement.objects.count() == 1

    def test_upload_with_bad_rows_lists_the_lines(self, client, two_pilots):
        user, mine, _ = two_pilots
        client.force_login(user)
        response = client.post(
            reverse("pilots:measurements", args=[mine.pk]),
            {
                "form": "csv",
                "file": _csv("Visits,2025-01,5,,no\nVisits,2025-02,five,,no\n"),
            },
            follow=True,
        )
        assert b"Line 3:" in response.content
        assert b"is not a number" in response.content
        assert not Measurement.objects.exists()

    def test_download_csv(self, client, two_pilots):
        user, mine, _ = two_pilots
        client.force_login(user)
        client.post(
            reverse("pilots:measurements", args=[mine.pk]),
            {"form": "csv", "file": _csv("Visits,2025-01,5,,no\n")},
        )
        response = client.get(reverse("pilots:measurements_csv", args=[mine.pk]))
        assert response["Content-Type"] == "text/csv"
        assert b"Visits,2025-01-01,5,,no" in response.content


def _csv(body: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "m.csv", ("metric,period,value,note,provisional\n" + body).encode()
    )


class FrontEndQueryCountTests:
    # Measured by running each test with django_assert_num_queries(0) at both sizes
    # and reading the count pytest-django reported.
    @pytest.mark.parametrize(("metrics", "months"), [(2, 12), (4, 120)])
    def test_measurements_page(
        self, client, django_assert_num_queries, metrics, months
    ):
        # The same count for 2 metrics x 12 months and 4 metrics x 120 months: the
        # metrics and their measurements are one query each (prefetch).
        user = PilotUserFactory(email="counted@wmfire.example")
        pilot = PilotFactory(lead_contact=ContactFactory(user=user))
        for name in ("Visits", "Fires", "Injuries", "Referrals")[:metrics]:
            metric = MetricFactory(pilot=pilot, name=name)
            Measurement.objects.bulk_create(
                Measurement(
                    metric=metric,
                    period=datetime.date(2000 + i // 12, i % 12 + 1, 1),
                    value=Decimal(i),
                )
                for i in range(months)
            )
        client.force_login(user)
        url = reverse("pilots:measurements", args=[pilot.pk])
        client.get(url)
        with django_assert_num_queries(MEASUREMENTS_PAGE_QUERIES):
            assert client.get(url).status_code == 200

    @pytest.mark.parametrize("count", [2, 20])
    def test_proposal_list(self, client, django_assert_num_queries, count):
        council = PublicBodyFactory()
        officer = public_servant(organisation=council)
        for _ in range(count):
            ProposalFactory(created_by=officer, lead_organisation=council)
        client.force_login(officer)
        url = reverse("pilots:proposal_list")
        client.get(url)
        with django_assert_num_queries(PROPOSAL_LIST_QUERIES):
            assert client.get(url).status_code == 200


# Each includes the Site record the page's canonical link and Open Graph address read.
MEASUREMENTS_PAGE_QUERIES = 12
PROPOSAL_LIST_QUERIES = 10
