"""Pilots: made from an approved proposal, and who may act as a pilot's lead."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from home.roles import is_programme_lead

from ..models import (
    Contact,
    Pilot,
    PilotPartner,
    PilotProposal,
)


@transaction.atomic
def pilot_create_from_proposal(
    *, proposal: PilotProposal, by, lead_contact: Contact | None = None
) -> Pilot:
    """One step from an approved proposal to a pilot in set-up, keeping the link."""
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads create pilots")
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != PilotProposal.Status.APPROVED:
        raise ValidationError("Only an approved proposal can become a pilot")
    if Pilot.objects.filter(proposal=proposal).exists():
        raise ValidationError("A pilot has already been created from this proposal")
    pilot = Pilot.objects.create(
        proposal=proposal,
        title=proposal.title,
        summary=proposal.proposed_solution,
        lead_organisation=proposal.lead_organisation,
        lead_contact=lead_contact,
        approved_budget=proposal.budget_requested,
        status=Pilot.Status.SETTING_UP,
    )
    for partner in proposal.partners.all():
        PilotPartner.objects.create(
            pilot=pilot, organisation_id=partner.organisation_id, role=partner.role
        )
    log(
        instance=pilot,
        action="pilots.pilot.create_from_proposal",
        user=by,
        data={"proposal": proposal.pk},
    )
    return pilot


def pilot_check_lead(*, pilot: Pilot, user) -> None:
    """Raise PermissionDenied unless the user is this pilot's lead or a programme lead."""
    if is_programme_lead(user):
        return
    if (
        pilot.lead_contact_id
        and Contact.objects.filter(
            pk=pilot.lead_contact_id, user=user, user__isnull=False
        ).exists()
    ):
        return
    raise PermissionDenied("Only the pilot's lead can record its measurements")


# Measurements -------------------------------------------------------------------------
