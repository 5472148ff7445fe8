"""Pilots: made from an approved proposal (or by a programme lead), changed, moved along
their life (set-up, running, evaluating, completed or stopped) and deleted; and who may
act as a pilot's lead."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from home.models import Organisation
from home.roles import is_programme_lead

from ..models import (
    CaseStudyPage,
    Contact,
    Measurement,
    Milestone,
    Pilot,
    PilotPartner,
    PilotProposal,
)

Status = Pilot.Status

# The fields `pilot_create` and `pilot_update` take in `fields`. Status is not one of
# them: it moves only through `pilot_transition`.
PILOT_FIELDS = [
    "title",
    "summary",
    "lead_organisation",
    "lead_contact",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "approved_budget",
    "spend_to_date",
    "evidence_level",
    "evidence_justification",
    "evidence_next_level",
    "end_decision",
    "end_decision_reasons",
]
# What a pilot's own lead may change; the rest (who leads it, its budget, dates, evidence
# level, end decision, partners, adopters) are the programme's decisions.
PILOT_LEAD_FIELDS = {
    "summary",
    "spend_to_date",
    "evidence_justification",
    "evidence_next_level",
}

# status -> the statuses it may move to. Completed and stopped are final.
PILOT_TRANSITIONS: dict[str, list[str]] = {
    Status.SETTING_UP: [Status.RUNNING, Status.STOPPED],
    Status.RUNNING: [Status.EVALUATING, Status.STOPPED],
    Status.EVALUATING: [Status.COMPLETED, Status.STOPPED],
    Status.COMPLETED: [],
    Status.STOPPED: [],
}
ENDED_STATUSES = (Status.COMPLETED, Status.STOPPED)
# Statuses in which delivery has finished, so an actual end date may be recorded.
DELIVERED_STATUSES = (Status.EVALUATING, *ENDED_STATUSES)

Partners = list[tuple[Organisation, str]]
Milestones = list[dict]  # {"title", "planned_date", "done_date"}


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


def pilot_is_lead(*, pilot: Pilot, user) -> bool:
    """The person whose account is this pilot's lead contact."""
    return bool(
        getattr(user, "is_authenticated", False)
        and pilot.lead_contact_id
        and Contact.objects.filter(
            pk=pilot.lead_contact_id, user=user, user__isnull=False
        ).exists()
    )


def pilot_check_lead(
    *, pilot: Pilot, user, doing: str = "record its measurements"
) -> None:
    """Raise PermissionDenied unless the user is this pilot's lead or a programme lead."""
    if is_programme_lead(user) or pilot_is_lead(pilot=pilot, user=user):
        return
    raise PermissionDenied(f"Only the pilot's lead or a programme lead can {doing}")


def _pilot_check_dates(pilot: Pilot, *, today: datetime.date) -> None:
    """Dates in order: the planned and actual ends after the start; an actual end only
    once delivery has finished (evaluating, completed or stopped), and not in the
    future."""
    errors = {}
    start = pilot.start_date
    if start and pilot.planned_end_date and pilot.planned_end_date < start:
        errors["planned_end_date"] = "The planned end must be after the start"
    if pilot.actual_end_date:
        if pilot.status not in DELIVERED_STATUSES:
            errors["actual_end_date"] = (
                "A pilot still setting up or running has no actual end date: "
                "move it to evaluation, or stop it, instead"
            )
        elif start and pilot.actual_end_date < start:
            errors["actual_end_date"] = "The actual end must be after the start"
        elif pilot.actual_end_date > today:
            errors["actual_end_date"] = "The actual end cannot be in the future"
    if errors:
        raise ValidationError(errors)


def _pilot_set_fields(pilot: Pilot, fields: dict) -> None:
    for name, value in fields.items():
        if name not in PILOT_FIELDS:
            raise ValueError(f"Not a pilot field: {name}")
        setattr(pilot, name, value)


def _pilot_set_partners(*, pilot: Pilot, partners: Partners) -> None:
    pilot.partners.all().delete()
    seen = set()
    for organisation, role in partners:
        if (organisation.pk, role) not in seen:
            seen.add((organisation.pk, role))
            PilotPartner.objects.create(
                pilot=pilot, organisation=organisation, role=role
            )


def _pilot_set_milestones(*, pilot: Pilot, milestones: Milestones) -> None:
    pilot.milestones.all().delete()
    for row in milestones:
        milestone = Milestone(
            pilot=pilot,
            title=row["title"],
            planned_date=row["planned_date"],
            done_date=row.get("done_date"),
        )
        milestone.full_clean()
        milestone.save()


def _pilot_save(
    pilot: Pilot,
    *,
    partners: Partners | None,
    milestones: Milestones | None,
    themes: list[str] | None,
    adopters: list[Organisation] | None,
) -> None:
    _pilot_check_dates(pilot, today=timezone.localdate())
    pilot.full_clean()
    pilot.save()
    if partners is not None:
        _pilot_set_partners(pilot=pilot, partners=partners)
    if milestones is not None:
        _pilot_set_milestones(pilot=pilot, milestones=milestones)
    if themes is not None:
        pilot.themes.set(themes, clear=True)
    if adopters is not None:
        pilot.adopters.set(adopters)


@transaction.atomic
def pilot_create(
    *,
    by,
    fields: dict,
    partners: Partners | None = None,
    milestones: Milestones | None = None,
    themes: list[str] | None = None,
    adopters: list[Organisation] | None = None,
) -> Pilot:
    """A pilot not made from a proposal (one that came to the Lab another way), in
    set-up. Programme leads only."""
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads create pilots")
    pilot = Pilot(status=Status.SETTING_UP)
    _pilot_set_fields(pilot, fields)
    _pilot_save(
        pilot,
        partners=partners,
        milestones=milestones,
        themes=themes,
        adopters=adopters,
    )
    log(instance=pilot, action="wagtail.create", user=by)
    return pilot


@transaction.atomic
def pilot_update(
    *,
    pilot: Pilot,
    by,
    fields: dict,
    partners: Partners | None = None,
    milestones: Milestones | None = None,
    themes: list[str] | None = None,
    adopters: list[Organisation] | None = None,
) -> Pilot:
    """Change a pilot's details. A programme lead may change anything but the status
    (`pilot_transition` moves that); the pilot's own lead only its summary, spend and
    evidence notes. `partners`, `milestones`, `themes` and `adopters`, when given,
    replace what the pilot has."""
    stored = Pilot.objects.select_for_update().get(pk=pilot.pk)
    pilot_check_lead(pilot=stored, user=by, doing="change the pilot")
    changed = [
        name
        for name, value in fields.items()
        if name in PILOT_FIELDS and getattr(stored, name) != value
    ]
    if partners is not None and {(o.pk, r) for o, r in partners} != set(
        stored.partners.values_list("organisation_id", "role")
    ):
        changed.append("partners")
    if adopters is not None and {o.pk for o in adopters} != set(
        stored.adopters.values_list("pk", flat=True)
    ):
        changed.append("adopters")
    if not is_programme_lead(by) and any(n not in PILOT_LEAD_FIELDS for n in changed):
        raise PermissionDenied(
            "Only programme leads change who leads a pilot, its dates, budget, "
            "partners and evidence level"
        )
    _pilot_set_fields(stored, fields)
    _pilot_save(
        stored,
        partners=partners,
        milestones=milestones,
        themes=themes,
        adopters=adopters,
    )
    log(instance=stored, action="wagtail.edit", user=by, data={"changed": changed})
    return stored


@transaction.atomic
def pilot_transition(
    *, pilot: Pilot, to: str, by, on: datetime.date | None = None
) -> Pilot:
    """Move a pilot along its life (`PILOT_TRANSITIONS`); programme leads only.

    Starting a pilot with no start date sets it to `on` (today by default); completing
    or stopping it records `on` as its actual end date when none is set."""
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads change a pilot's status")
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    current = pilot.status
    if to not in PILOT_TRANSITIONS.get(current, []):
        target = Status(to).label.lower() if to in Status.values else to
        raise ValidationError(
            f"A pilot cannot go from {Status(current).label.lower()} to {target}"
        )
    on = on or timezone.localdate()
    if to == Status.RUNNING and pilot.start_date is None:
        pilot.start_date = on
    if to in ENDED_STATUSES and pilot.actual_end_date is None:
        pilot.actual_end_date = on
    pilot.status = to
    _pilot_check_dates(pilot, today=timezone.localdate())
    pilot.full_clean()
    pilot.save()
    log(
        instance=pilot,
        action="pilots.pilot.transition",
        user=by,
        data={"from": current, "to": to},
    )
    return pilot


@transaction.atomic
def pilot_delete(*, pilot: Pilot, by) -> None:
    """Delete a pilot entered by mistake. One with measurements or a case study stays on
    the record: stop it instead. Programme leads only."""
    if not is_programme_lead(by):
        raise PermissionDenied("Only programme leads delete pilots")
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    measured = Measurement.objects.filter(metric__pilot=pilot).count()
    if measured:
        raise ValidationError(
            f"“{pilot}” has {measured} measurement{'' if measured == 1 else 's'}: "
            "its results stay on the record. Stop the pilot instead of deleting it."
        )
    studies = CaseStudyPage.objects.filter(pilot=pilot)
    if studies.live().exists():
        raise ValidationError(
            f"“{pilot}” has a published case study: it stays on the record. Stop the "
            "pilot instead of deleting it."
        )
    if studies.exists():
        raise ValidationError(
            f"“{pilot}” has a draft case study: delete that page first, or stop the "
            "pilot instead."
        )
    log(instance=pilot, action="wagtail.delete", user=by, deleted=True)
    pilot.delete()
