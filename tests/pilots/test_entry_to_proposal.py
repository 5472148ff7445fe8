"""A successful challenge entry becomes a pilot proposal in one step, linked to it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from challenges.models import Entry
from home.models import Organisation
from pilots.models import PartnerRole, PilotProposal
from pilots.services.proposals import proposal_create_from_entry


@pytest.fixture
def entries(demo_site):
    from challenges import demo_content

    with open("/dev/null", "w") as f:
        demo_content.load(stdout=f)
    return Entry.objects.select_related("challenge", "organisation")


@pytest.mark.django_db
class EntryToProposalTests:
    def test_successful_entry_prefills_and_links(self, entries, django_user_model):
        lead = django_user_model.objects.get(email="lead@impactlab.example")
        entry = entries.filter(status=Entry.Status.SUCCESSFUL).first()
        proposal = proposal_create_from_entry(entry=entry, by=lead)
        assert proposal.source_entry == entry
        assert proposal.status == PilotProposal.Status.DRAFT
        assert proposal.proposed_solution == (entry.solution or entry.summary)
        assert str(entry.pk) in proposal.source_reference
        roles = {(p.organisation_id, p.role) for p in proposal.partners.all()}
        assert (entry.organisation_id, PartnerRole.DELIVERY_PARTNER) in roles
        holder = entry.challenge.holders.first()
        assert proposal.lead_organisation == holder
        # Asking again returns the same proposal: one per entry.
        assert proposal_create_from_entry(entry=entry, by=lead) == proposal
        assert entry.pilot_proposals.count() == 1

    def test_other_entries_are_refused(self, entries, django_user_model):
        lead = django_user_model.objects.get(email="lead@impactlab.example")
        entry = entries.exclude(status=Entry.Status.SUCCESSFUL).first()
        with pytest.raises(ValidationError, match="successful"):
            proposal_create_from_entry(entry=entry, by=lead)
        assert not PilotProposal.objects.filter(source_entry=entry).exists()

    def test_admin_button_creates_it_and_others_are_refused(
        self, client, entries, login
    ):
        entry = entries.filter(status=Entry.Status.SUCCESSFUL).first()
        url = reverse("pilot_proposals:create_from_entry", args=[entry.pk])
        login("assessor@impactlab.example")
        # Wagtail's admin answers a permission refusal by sending the user to the
        # dashboard with a message; nothing is created.
        response = client.post(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert not PilotProposal.objects.filter(source_entry=entry).exists()
        login("lead@impactlab.example")
        assert client.get(url).status_code == 405
        login("lead@impactlab.example")
        inspect = client.get(f"/admin/challenge-entries/inspect/{entry.pk}/")
        assert b"Create a pilot proposal from this entry" in inspect.content
        response = client.post(url)
        proposal = PilotProposal.objects.get(source_entry=entry)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/pilots/proposals/edit/{proposal.pk}/"
        inspect = client.get(f"/admin/challenge-entries/inspect/{entry.pk}/")
        assert proposal.title.encode() in inspect.content
        assert Organisation.objects.filter(pk=proposal.lead_organisation_id).exists()
