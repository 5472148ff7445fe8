"""Pilot proposals: raising one (from scratch or from a successful challenge entry),
changing it while its proposer may, and the review workflow."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from home.emails import email_queue
from home.models import NotificationKind, Organisation
from home.roles import is_programme_lead, is_public_servant

from ..models import (
    PartnerRole,
    PilotProposal,
    ProposalPartner,
)

Status = PilotProposal.Status

# (from, to) -> who may make the move: "proposer" (the person who raised it) or "lead"
# (a programme lead). Anything not listed is refused.
PROPOSAL_TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): "proposer",
    (Status.CHANGES_REQUESTED, Status.SUBMITTED): "proposer",
    (Status.SUBMITTED, Status.UNDER_REVIEW): "lead",
    (Status.UNDER_REVIEW, Status.APPROVED): "lead",
    (Status.UNDER_REVIEW, Status.CHANGES_REQUESTED): "lead",
    (Status.UNDER_REVIEW, Status.DECLINED): "lead",
}
# Wagtail log action for each target status (registered in wagtail_hooks).
PROPOSAL_LOG_ACTIONS: dict[str, str] = {
    Status.SUBMITTED: "pilots.proposal.submit",
    Status.UNDER_REVIEW: "pilots.proposal.review_start",
    Status.APPROVED: "pilots.proposal.approve",
    Status.CHANGES_REQUESTED: "pilots.proposal.request_changes",
    Status.DECLINED: "pilots.proposal.decline",
}
COMMENT_REQUIRED = {Status.CHANGES_REQUESTED, Status.DECLINED}

PROPOSAL_FIELDS = [
    "title",
    "problem",
    "proposed_solution",
    "sponsor",
    "budget_requested",
    "match_funding",
    "duration_months",
    "target_outcomes",
    "proposed_metrics",
    "evaluate_process",
    "evaluate_impact",
    "evaluate_value_for_money",
    "evaluation_approach",
    "dpia_status",
    "data_sharing_agreement_status",
    "risks",
    "source_reference",
]


# Proposals ----------------------------------------------------------------------------


def _proposal_set_partners(
    *, proposal: PilotProposal, partners: list[tuple[Organisation, str]]
) -> None:
    proposal.partners.all().delete()
    seen = set()
    for organisation, role in partners:
        if (organisation.pk, role) in seen:
            continue
        seen.add((organisation.pk, role))
        ProposalPartner.objects.create(
            proposal=proposal, organisation=organisation, role=role
        )


def _acts_as_proposer(*, proposal: PilotProposal, by) -> bool:
    """The person who raised it; for a proposal made from a challenge entry, also any
    programme lead, completing it on behalf of the challenge holder."""
    if proposal.created_by_id is not None and proposal.created_by_id == by.pk:
        return True
    return proposal.source_entry_id is not None and is_programme_lead(by)


@transaction.atomic
def proposal_create(
    *,
    by,
    lead_organisation: Organisation,
    fields: dict,
    partners: list[tuple[Organisation, str]] | None = None,
) -> PilotProposal:
    """A new draft. Public servants raise proposals for their own organisations;
    programme leads for any."""
    if not is_programme_lead(by):
        if not is_public_servant(by):
            raise PermissionDenied("Only public servants can raise a pilot proposal")
        if not lead_organisation.memberships.filter(user=by).exists():
            raise PermissionDenied("You can only propose for your own organisation")
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise ValueError(f"Not proposal fields: {sorted(unknown)}")
    proposal = PilotProposal(
        lead_organisation=lead_organisation, created_by=by, **fields
    )
    proposal.full_clean()
    proposal.save()
    _proposal_set_partners(proposal=proposal, partners=partners or [])
    log(instance=proposal, action="wagtail.create", user=by)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal: PilotProposal,
    by,
    fields: dict,
    partners: list[tuple[Organisation, str]] | None = None,
    lead_organisation: Organisation | None = None,
) -> PilotProposal:
    """The proposer edits a draft, or a proposal sent back for changes (for one made
    from a challenge entry, a programme lead too). `lead_organisation`, if given, moves
    it to another organisation under the same rule as `proposal_create`."""
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    if not _acts_as_proposer(proposal=proposal, by=by):
        raise PermissionDenied("Only the person who raised a proposal can edit it")
    if not proposal.is_editable_by_proposer:
        raise ValidationError("This proposal can no longer be changed")
    if (
        lead_organisation is not None
        and lead_organisation.pk != proposal.lead_organisation_id
    ):
        if (
            not is_programme_lead(by)
            and not lead_organisation.memberships.filter(user=by).exists()
        ):
            raise PermissionDenied("You can only propose for your own organisation")
        proposal.lead_organisation = lead_organisation
    for name, value in fields.items():
        if name not in PROPOSAL_FIELDS:
            raise ValueError(f"Not a proposal field: {name}")
        setattr(proposal, name, value)
    proposal.full_clean()
    proposal.save()
    if partners is not None:
        _proposal_set_partners(proposal=proposal, partners=partners)
    log(instance=proposal, action="wagtail.edit", user=by)
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: PilotProposal, by) -> None:
    """Only a draft can be deleted, by whoever may edit it; anything sent for review
    stays on the record."""
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    if not _acts_as_proposer(proposal=proposal, by=by):
        raise PermissionDenied("Only the person who raised a proposal can delete it")
    if proposal.status != Status.DRAFT:
        raise ValidationError("Only a draft proposal can be deleted")
    log(instance=proposal, action="wagtail.delete", user=by)
    proposal.delete()


def proposal_create_from_entry_fields(
    *,
    by,
    fields: dict,
    lead_organisation: Organisation,
    partners: list[tuple[Organisation, str]] | None = None,
) -> PilotProposal:
    """Pre-fill a draft proposal from a successful challenge entry.

    `fields` is a plain dict (the challenges app maps an entry to it), with any of:
    `title`, `problem` (the challenge statement), `proposed_solution` (the entry's
    solution), `budget_requested`, `duration_months`, `target_outcomes`,
    `proposed_metrics`, `source_reference` (e.g. "Urban Challenge entry 42"). Fields it
    does not give get placeholders for the programme lead to complete; unknown keys are
    refused. Once `PilotProposal.source_entry` exists, the caller sets it on the result.
    """
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads create proposals from entries")
    defaults = {
        "problem": "",
        "proposed_solution": "",
        "budget_requested": Decimal(0),
        "duration_months": 6,
        "target_outcomes": "To be agreed with the pilot partners.",
        "proposed_metrics": "To be agreed with the pilot partners.",
        "risks": "To be assessed.",
    }
    return proposal_create(
        by=by,
        lead_organisation=lead_organisation,
        fields={**defaults, **fields},
        partners=partners,
    )


@transaction.atomic
def proposal_create_from_entry(*, entry, by) -> PilotProposal:
    """A draft proposal pre-filled from a successful challenge entry, linked to it.

    The challenge's first holder leads it; the holders are challenge holders and the
    entrant a delivery partner. One proposal per entry: asking again returns it.
    """
    from challenges.models import Entry

    existing = PilotProposal.objects.filter(source_entry=entry).first()
    if existing is not None:
        return existing
    if entry.status != Entry.Status.SUCCESSFUL:
        raise ValidationError("Only a successful entry can become a pilot proposal.")
    challenge = entry.challenge
    holders = list(challenge.holders.all())
    if not holders:
        raise ValidationError(
            "The challenge has no holder organisation to lead the pilot: add one first."
        )
    partners = [(h, PartnerRole.CHALLENGE_HOLDER) for h in holders]
    partners.append((entry.organisation, PartnerRole.DELIVERY_PARTNER))
    proposal = proposal_create_from_entry_fields(
        by=by,
        lead_organisation=holders[0],
        fields={
            "title": (entry.title or challenge.title)[:200],
            "problem": challenge.summary,
            "proposed_solution": entry.solution or entry.summary,
            "budget_requested": Decimal(challenge.funding_amount),
            "source_reference": f"Urban Challenge entry {entry.pk}: {challenge.title}"[
                :200
            ],
        },
        partners=partners,
    )
    proposal.source_entry = entry
    proposal.save(update_fields=["source_entry"])
    return proposal


def _proposal_email(*, proposal: PilotProposal, entry: ModelLogEntry) -> None:
    context = {
        "proposal": proposal,
        "status": proposal.get_status_display(),
        "comment": proposal.reviewer_comments
        if proposal.status
        in (Status.CHANGES_REQUESTED, Status.DECLINED, Status.APPROVED)
        else "",
        "path": f"/pilots/proposals/{proposal.pk}/",
    }
    subject = (
        f"Pilot proposal {proposal.get_status_display().lower()}: {proposal.title}"
    )
    if proposal.created_by and proposal.created_by.email:
        email_queue(
            key=f"pilot-proposal:{entry.pk}:proposer",
            to=proposal.created_by.email,
            subject=subject,
            template="pilot_proposal_status",
            context=context,
            kind=NotificationKind.PILOT_UPDATES,
        )
    if proposal.status == Status.SUBMITTED:
        from home.models import LabSettings

        email_queue(
            key=f"pilot-proposal:{entry.pk}:lab",
            to=LabSettings.load().contact_email,
            subject=f"New pilot proposal to review: {proposal.title}",
            template="pilot_proposal_submitted_staff",
            context={
                **context,
                "admin_path": f"/admin/pilots/proposals/{proposal.pk}/",
            },
        )


@transaction.atomic
def proposal_transition(
    *, proposal: PilotProposal, to: str, by, comment: str = ""
) -> PilotProposal:
    """Move a proposal along its workflow, or raise ValidationError / PermissionDenied.

    Every move is logged with Wagtail's `log()` (action per `PROPOSAL_LOG_ACTIONS`, the
    from/to status and comment in `data`) and emails the proposer once the transaction
    commits (idempotent per log entry).
    """
    proposal = PilotProposal.objects.select_for_update().get(pk=proposal.pk)
    current = proposal.status
    who = PROPOSAL_TRANSITIONS.get((current, to))
    if who is None:
        raise ValidationError(
            f"A proposal cannot go from {Status(current).label.lower()} to "
            f"{Status(to).label.lower() if to in Status.values else to}"
        )
    if who == "proposer" and not _acts_as_proposer(proposal=proposal, by=by):
        raise PermissionDenied("Only the person who raised the proposal can submit it")
    if who == "lead" and not is_programme_lead(by):
        raise PermissionDenied("Only programme leads review proposals")
    comment = comment.strip()
    if to in COMMENT_REQUIRED and not comment:
        raise ValidationError({"comment": "Explain your decision to the proposer"})
    if to == Status.SUBMITTED:
        proposal.full_clean()
        proposal.submitted_at = timezone.now()
    if to in (Status.APPROVED, Status.CHANGES_REQUESTED, Status.DECLINED):
        proposal.decided_at = timezone.now()
        proposal.reviewer_comments = comment
    proposal.status = to
    proposal.save()
    entry = log(
        instance=proposal,
        action=PROPOSAL_LOG_ACTIONS[to],
        user=by,
        data={"from": current, "to": to, "comment": comment},
    )
    _proposal_email(proposal=proposal, entry=entry)
    return proposal


def proposal_submit(*, proposal: PilotProposal, by) -> PilotProposal:
    return proposal_transition(proposal=proposal, to=Status.SUBMITTED, by=by)


def proposal_review_start(*, proposal: PilotProposal, by) -> PilotProposal:
    return proposal_transition(proposal=proposal, to=Status.UNDER_REVIEW, by=by)


def proposal_approve(
    *, proposal: PilotProposal, by, comment: str = ""
) -> PilotProposal:
    return proposal_transition(
        proposal=proposal, to=Status.APPROVED, by=by, comment=comment
    )


def proposal_request_changes(
    *, proposal: PilotProposal, by, comment: str
) -> PilotProposal:
    return proposal_transition(
        proposal=proposal, to=Status.CHANGES_REQUESTED, by=by, comment=comment
    )


def proposal_decline(*, proposal: PilotProposal, by, comment: str) -> PilotProposal:
    return proposal_transition(
        proposal=proposal, to=Status.DECLINED, by=by, comment=comment
    )


# Pilots -------------------------------------------------------------------------------
