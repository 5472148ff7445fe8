"""The admin's proposal screens save through the proposal service: edits only while the
proposer may, and a programme lead completes and submits a proposal made from an entry."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.models import Entry
from pilots.models import Pilot, PilotProposal
from pilots.services.proposals import proposal_create
from tests.factories.pilots import (
    PilotFactory,
    PilotUserFactory,
    ProposalFactory,
    PublicBodyFactory,
    programme_lead,
    public_servant,
)

pytestmark = pytest.mark.django_db
S = PilotProposal.Status


@pytest.fixture
def entries(demo_site):
    from challenges import demo_content

    with open("/dev/null", "w") as f:
        demo_content.load(stdout=f)
    return Entry.objects.select_related("challenge", "organisation")


def _post_data(proposal: PilotProposal, **changes) -> dict:
    """What the edit form sends back: the proposal's fields and its partner rows."""
    data = {
        "title": proposal.title,
        "problem": proposal.problem,
        "proposed_solution": proposal.proposed_solution,
        "lead_organisation": proposal.lead_organisation_id,
        "sponsor": proposal.sponsor,
        "budget_requested": proposal.budget_requested,
        "match_funding": proposal.match_funding,
        "duration_months": proposal.duration_months,
        "target_outcomes": proposal.target_outcomes,
        "proposed_metrics": proposal.proposed_metrics,
        "evaluation_approach": proposal.evaluation_approach,
        "dpia_status": proposal.dpia_status,
        "data_sharing_agreement_status": proposal.data_sharing_agreement_status,
        "risks": proposal.risks,
        "source_reference": proposal.source_reference,
    }
    for flag in ("evaluate_process", "evaluate_impact", "evaluate_value_for_money"):
        if getattr(proposal, flag):
            data[flag] = "on"
    partners = list(proposal.partners.all())
    data.update(
        {
            "partners-TOTAL_FORMS": len(partners),
            "partners-INITIAL_FORMS": len(partners),
            "partners-MIN_NUM_FORMS": 0,
            "partners-MAX_NUM_FORMS": 1000,
        }
    )
    for i, partner in enumerate(partners):
        data[f"partners-{i}-id"] = partner.pk
        data[f"partners-{i}-organisation"] = partner.organisation_id
        data[f"partners-{i}-role"] = partner.role
    data.update(changes)
    return data


class ProposalAdminServiceTests:
    def test_a_submitted_proposal_cannot_be_edited(self, client):
        lead = programme_lead(email="priya@impactlab.example")
        proposal = ProposalFactory(status=S.SUBMITTED, created_by=lead)
        client.force_login(lead)
        url = reverse("pilot_proposals:edit", args=[proposal.pk])
        response = client.post(url, _post_data(proposal, title="Quietly rewritten"))
        assert response.status_code == 200
        assert "can no longer be changed" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.title != "Quietly rewritten"
        assert proposal.status == S.SUBMITTED

    def test_a_draft_edited_by_its_creator_saves(self, client):
        lead = programme_lead(email="priya@impactlab.example")
        proposal = ProposalFactory(status=S.DRAFT, created_by=lead)
        client.force_login(lead)
        url = reverse("pilot_proposals:edit", args=[proposal.pk])
        response = client.post(url, _post_data(proposal, title="Fewer falls at home"))
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert proposal.title == "Fewer falls at home"

    def test_a_lead_completes_and_submits_a_proposal_from_an_entry(
        self, client, entries
    ):
        entry = entries.filter(status=Entry.Status.SUCCESSFUL).first()
        creator = programme_lead(email="priya@impactlab.example")
        client.force_login(creator)
        client.post(reverse("pilot_proposals:create_from_entry", args=[entry.pk]))
        proposal = PilotProposal.objects.get(source_entry=entry)
        assert proposal.status == S.DRAFT
        # Another programme lead completes it, on behalf of the challenge holder.
        other_lead = programme_lead(email="sam@impactlab.example")
        client.force_login(other_lead)
        edit_url = reverse("pilot_proposals:edit", args=[proposal.pk])
        response = client.post(
            edit_url,
            _post_data(
                proposal,
                sponsor="Director of Housing",
                risks="Sensor supply may slip by a month.",
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        proposal.refresh_from_db()
        assert proposal.sponsor == "Director of Housing"
        assert proposal.partners.count() >= 2
        inspect_url = reverse("pilot_proposals:inspect", args=[proposal.pk])
        submit_url = reverse("pilot_proposals:submit", args=[proposal.pk])
        assert submit_url in client.get(inspect_url).content.decode()
        assert client.get(submit_url).status_code == 405
        response = client.post(submit_url)
        assert response.status_code == 302 and response["Location"] == inspect_url
        proposal.refresh_from_db()
        assert proposal.status == S.SUBMITTED
        assert proposal.submitted_at is not None
        assert submit_url not in client.get(inspect_url).content.decode()

    def test_someone_else_cannot_submit_a_proposal_not_from_an_entry(self, client):
        creator = programme_lead(email="priya@impactlab.example")
        proposal = proposal_create(
            by=creator,
            lead_organisation=PublicBodyFactory(),
            fields={
                "title": "Fewer falls",
                "problem": "Falls at home.",
                "proposed_solution": "Home checks.",
                "budget_requested": 1000,
                "duration_months": 6,
                "target_outcomes": "Fewer falls.",
                "proposed_metrics": "Falls a month.",
                "risks": "None known.",
            },
        )
        client.force_login(programme_lead(email="sam@impactlab.example"))
        client.post(reverse("pilot_proposals:submit", args=[proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.status == S.DRAFT

    def test_without_the_permission_nothing_is_shown_or_saved(self, client):
        proposal = ProposalFactory(status=S.DRAFT)
        client.force_login(public_servant(email="officer@dudley.example"))
        edit_url = reverse("pilot_proposals:edit", args=[proposal.pk])
        response = client.get(edit_url)
        assert response.status_code in (302, 403)
        assert proposal.title.encode() not in response.content
        response = client.post(edit_url, _post_data(proposal, title="Taken over"))
        assert response.status_code in (302, 403)
        submit = client.post(reverse("pilot_proposals:submit", args=[proposal.pk]))
        assert submit.status_code in (302, 403)
        proposal.refresh_from_db()
        assert proposal.title != "Taken over"
        assert proposal.status == S.DRAFT

    def test_only_a_draft_can_be_deleted(self, client):
        lead = programme_lead(email="priya@impactlab.example")
        submitted = ProposalFactory(status=S.SUBMITTED, created_by=lead)
        draft = ProposalFactory(status=S.DRAFT, created_by=lead)
        client.force_login(lead)
        client.post(reverse("pilot_proposals:delete", args=[submitted.pk]))
        assert PilotProposal.objects.filter(pk=submitted.pk).exists()
        client.post(reverse("pilot_proposals:delete", args=[draft.pk]))
        assert not PilotProposal.objects.filter(pk=draft.pk).exists()

    def test_the_admin_add_screen_creates_a_draft_through_the_service(self, client):
        lead = programme_lead(email="priya@impactlab.example")
        template = ProposalFactory.build(lead_organisation=PublicBodyFactory())
        client.force_login(lead)
        response = client.post(
            reverse("pilot_proposals:add"), _post_data(template, title="Warm homes")
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        proposal = PilotProposal.objects.get(title="Warm homes")
        assert proposal.created_by == lead and proposal.status == S.DRAFT


class ListingActionTests:
    """The next workflow step shows as a button on each row of the listings, not only
    behind the row's menu, and the listings' queries do not grow with their rows."""

    def _rows(self, client, url_name: str):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    def test_proposal_rows_offer_review_and_create_pilot(self, client):
        lead = programme_lead(email="priya@impactlab.example")
        client.force_login(lead)
        submitted = ProposalFactory(status=S.SUBMITTED)
        approved = ProposalFactory(status=S.APPROVED)
        piloted = ProposalFactory(status=S.APPROVED)
        PilotFactory(proposal=piloted)
        ProposalFactory(status=S.DRAFT)
        page, small = self._rows(client, "pilot_proposals:index")
        assert reverse("pilot_proposals:review", args=[submitted.pk]) in page
        assert reverse("pilot_proposals:create_pilot", args=[approved.pk]) in page
        assert reverse("pilot_proposals:create_pilot", args=[piloted.pk]) not in page
        for status in (S.SUBMITTED, S.APPROVED, S.DRAFT, S.UNDER_REVIEW) * 3:
            ProposalFactory(status=status)
        _, large = self._rows(client, "pilot_proposals:index")
        assert small == large

    def test_pilot_rows_offer_their_next_moves(self, client):
        lead = programme_lead(email="priya@impactlab.example")
        client.force_login(lead)
        setting_up = PilotFactory(status=Pilot.Status.SETTING_UP)
        completed = PilotFactory(status=Pilot.Status.COMPLETED)
        page, _ = self._rows(client, "pilots_pilot:index")
        start = reverse("pilots_pilot:transition", args=[setting_up.pk, "running"])
        assert start in page and "Start the pilot" in page
        # Stopping is offered on the record, not on the row.
        stop = reverse("pilots_pilot:transition", args=[setting_up.pk, "stopped"])
        assert stop not in page
        assert (
            reverse("pilots_pilot:transition", args=[completed.pk, "stopped"])
            not in page
        )

    def test_without_change_rights_no_row_actions(self, client):
        viewer = PilotUserFactory(email="viewer@impactlab.example", is_staff=True)
        viewer.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_pilotproposal"),
        )
        client.force_login(viewer)
        submitted = ProposalFactory(status=S.SUBMITTED)
        page, _ = self._rows(client, "pilot_proposals:index")
        assert submitted.title in page
        assert reverse("pilot_proposals:review", args=[submitted.pk]) not in page
