"""Staff screens in the Wagtail admin: listings, inspect views, review and GDPR actions."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from pilots.models import Pilot, PilotProposal
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    ProposalFactory,
    PublicBodyFactory,
    programme_lead,
    public_servant,
)

pytestmark = pytest.mark.django_db
S = PilotProposal.Status


@pytest.fixture
def lead_client(client):
    client.force_login(programme_lead(email="priya@impactlab.example"))
    return client


def _make_pilots(n: int) -> None:
    orgs = [PublicBodyFactory() for _ in range(3)]
    contacts = [ContactFactory(organisation=orgs[0]) for _ in range(3)]
    for i in range(n):
        pilot = PilotFactory(
            lead_organisation=orgs[i % 3],
            lead_contact=contacts[i % 3],
            proposal=ProposalFactory() if i % 4 == 0 else None,
        )
        pilot.themes.add("Safer communities", "Prevention")


LISTING_QUERIES = 15


class PilotListingQueryTests:
    @pytest.mark.parametrize("n", [10, 200])
    def test_listing_query_count_does_not_grow(
        self, lead_client, django_assert_num_queries, n
    ):
        # Measured by running this test with django_assert_num_queries(0) at both sizes
        # and reading the count pytest-django reported: 15 for 10 pilots and for 200
        # (session, user, permissions, the user's roles for the admin menu, filter
        # choices, the count, one page of pilots
        # joined to organisation/contact/proposal, one prefetch of their themes).
        _make_pilots(n)
        url = reverse("pilots_pilot:index")
        lead_client.get(url)  # warm-up: permission and content-type caches
        with django_assert_num_queries(LISTING_QUERIES):
            response = lead_client.get(url)
        assert response.status_code == 200
        assert b"Safer communities" in response.content


class AdminPageTests:
    def test_every_listing_and_inspect_view_renders(self, lead_client):
        contact = ContactFactory()
        pilot = PilotFactory(lead_contact=contact)
        metric = MetricFactory(pilot=pilot, owner=contact)
        measurement = MeasurementFactory(metric=metric)
        proposal = ProposalFactory(status=S.SUBMITTED)
        for name, obj in (
            ("pilots_pilot", pilot),
            ("pilot_proposals", proposal),
            ("pilots_metric", metric),
            ("pilots_measurement", measurement),
            ("pilots_contact", contact),
        ):
            assert lead_client.get(reverse(f"{name}:index")).status_code == 200, name
            for view in ("inspect", "edit"):
                url = reverse(f"{name}:{view}", args=[obj.pk])
                assert lead_client.get(url).status_code == 200, url
            assert lead_client.get(reverse(f"{name}:add")).status_code == 200, name

    def test_search_and_filter(self, lead_client):
        PilotFactory(title="Home fire safety visits", status=Pilot.Status.RUNNING)
        PilotFactory(title="NEET outreach", status=Pilot.Status.COMPLETED)
        url = reverse("pilots_pilot:index")
        response = lead_client.get(url, {"status": "completed"})
        assert b"NEET outreach" in response.content
        assert b"Home fire safety visits" not in response.content
        response = lead_client.get(url, {"q": "fire"})
        assert b"Home fire safety visits" in response.content
        assert b"NEET outreach" not in response.content

    def test_review_a_proposal_in_the_admin(self, lead_client):
        proposal = ProposalFactory(status=S.SUBMITTED)
        inspect = lead_client.get(
            reverse("pilot_proposals:inspect", args=[proposal.pk])
        )
        assert reverse("pilot_proposals:review", args=[proposal.pk]).encode() in (
            inspect.content
        )
        url = reverse("pilot_proposals:review", args=[proposal.pk])
        lead_client.post(url, {"decision": S.UNDER_REVIEW})
        response = lead_client.post(url, {"decision": S.DECLINED, "comment": ""})
        assert response.status_code == 200
        assert b"Explain your decision" in response.content
        lead_client.post(url, {"decision": S.APPROVED, "comment": "Good."})
        proposal.refresh_from_db()
        assert proposal.status == S.APPROVED
        assert [e.action for e in ModelLogEntry.objects.for_instance(proposal)] == [
            "pilots.proposal.approve",
            "pilots.proposal.review_start",
        ]
        # The history view shows the registered actions with their labels.
        history = lead_client.get(
            reverse("pilot_proposals:history", args=[proposal.pk])
        )
        assert b"Approved the proposal" in history.content or b"Approve proposal" in (
            history.content
        )
        response = lead_client.post(
            reverse("pilot_proposals:create_pilot", args=[proposal.pk])
        )
        pilot = Pilot.objects.get(proposal=proposal)
        assert response.url == reverse("pilots_pilot:edit", args=[pilot.pk])

    def test_front_end_users_cannot_reach_the_admin_screens(self, client):
        proposal = ProposalFactory(status=S.SUBMITTED)
        client.force_login(public_servant())
        for url in (
            reverse("pilot_proposals:index"),
            reverse("pilot_proposals:review", args=[proposal.pk]),
            reverse("pilots_pilot:index"),
            reverse("pilots_contact:index"),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert proposal.title.encode() not in response.content


def _rows(kind: str, n: int) -> None:
    """n rows for a listing, each with its own pilot/organisation (N+1 would show)."""
    import datetime

    from pilots.models import ImportJob

    for i in range(n):
        if kind == "pilot_proposals":
            ProposalFactory(status=S.SUBMITTED)
        elif kind == "pilots_metric":
            MetricFactory()
        elif kind == "pilots_measurement":
            MeasurementFactory(period=datetime.date(2025, 1, 1))
        elif kind == "pilots_contact":
            ContactFactory()
        elif kind == "pilots_importjob":
            ImportJob.objects.create(
                pilot=PilotFactory(), csv_text="x", filename=f"{i}.csv"
            )


class OtherListingQueryTests:
    @pytest.mark.parametrize(
        "kind",
        [
            "pilot_proposals",
            "pilots_metric",
            "pilots_measurement",
            "pilots_contact",
            "pilots_importjob",
        ],
    )
    def test_listing_query_count_does_not_grow(self, kind, client):
        """Counted at 3 and 30 rows (each row with its own pilot and organisation):
        the two counts must be equal."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(programme_lead(email="counter@impactlab.example"))
        url = reverse(f"{kind}:index")
        counts = []
        for n in (3, 27):
            _rows(kind, n)
            client.get(url)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
