"""Writes for judging. Every change goes through here and is written to Wagtail's log
for models (`log()`, actions registered in wagtail_hooks.py) with who, what and, in
`data`, the values before and after.

The order of a round: the lead builds the panel (`panel_assessor_add`); entries close;
each assessor declares their interests (`interests_declare`); the lead allocates
(`assignments_allocate`) and adjusts by hand (`assignment_add`, `assignment_remove`,
`assignment_reassign`); assessors score (`assessment_save`) or recuse
(`assignment_recuse`); the lead reopens (`assessment_reopen`), moderates
(`score_moderate`), decides (`entry_decide`), edits feedback (`entry_feedback_update`,
`feedback_drafts_fill`), schedules its release (`feedback_release_schedule`; the beat
task calls `feedback_releases_due`), and finally publishes the winners
(`winners_publish`). Unsuccessful entrants may then join the promising-solutions pool.
"""

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from home import roles
from home.emails import email_queue
from home.models import NotificationKind, User
from search.tasks import search_document_update_task

from ..models import (
    Assessment,
    Assignment,
    ChallengeAssessor,
    ChallengePage,
    ConflictOfInterest,
    CriterionScore,
    Entry,
    InterestDeclaration,
    Judging,
    Moderation,
    PromisingSolution,
)
from . import selectors
from .allocation import TooFewAssessors, allocate

logger = logging.getLogger(__name__)

MAX_PER_ENTRY = 10
MAX_COMMENT = 5000


def _require_lead(user: User) -> None:
    if not roles.is_programme_lead(user):
        raise PermissionDenied("Only programme leads run judging")


def _require_judging_open(challenge: ChallengePage, *, now=None) -> None:
    if not selectors.judging_has_started(challenge=challenge, now=now):
        raise ValidationError("Judging starts when entries close", code="not_closed")
    if challenge.judging_state == Judging.State.AWARDED:
        raise ValidationError(
            "The winners of this challenge have been announced: judging is over",
            code="awarded",
        )


def _require_not_released(entry: Entry) -> None:
    if entry.feedback_released:
        raise ValidationError(
            "Feedback on this entry has been released: its judging can no longer change",
            code="released",
        )


def _judging_lock(challenge: ChallengePage) -> Judging:
    """The challenge's Judging row, made if need be, locked for this transaction; the
    challenge reads its judging state from it from now on."""
    judging, _ = Judging.objects.get_or_create(challenge=challenge)
    judging = Judging.objects.select_for_update().get(pk=judging.pk)
    challenge.judging = judging
    return judging


def _name(user: User | None) -> str:
    return str(user) if user else ""


# Which states each state may be reached from: allocation starts judging, announcing
# the winners ends it; nothing goes back.
STATE_FROM = {
    Judging.State.IN_PROGRESS: {Judging.State.NOT_STARTED},
    Judging.State.AWARDED: {Judging.State.NOT_STARTED, Judging.State.IN_PROGRESS},
}


def _judging_state_move(*, judging: Judging, state: str) -> str:
    """Move a locked Judging row to `state`; returns the state before. Judging is
    operational data: the page, its revisions and its publishing are not touched. The
    page's search document (its status facet) follows on commit."""
    before = judging.state
    if before not in STATE_FROM[state]:
        raise ValidationError(
            f"Judging cannot go from “{Judging.State(before).label}” to "
            f"“{Judging.State(state).label}”",
            code="state",
        )
    judging.state = state
    judging.save(update_fields=["state"])
    challenge_id = judging.challenge_id
    transaction.on_commit(
        lambda: search_document_update_task.delay(page_id=challenge_id)
    )
    return before


# --- The panel -----------------------------------------------------------------------


@transaction.atomic
def panel_assessor_add(
    *, challenge: ChallengePage, assessor: User, by: User
) -> ChallengeAssessor:
    _require_lead(by)
    if challenge.judging_state == Judging.State.AWARDED:
        raise ValidationError("Judging of this challenge is over", code="awarded")
    if not assessor.groups.filter(name=roles.ASSESSORS).exists():
        raise ValidationError(
            {"assessor": "Only members of the Assessors group can join a panel"}
        )
    member, created = ChallengeAssessor.objects.get_or_create(
        challenge=challenge, assessor=assessor, defaults={"added_by": by}
    )
    if created:
        log(
            instance=member,
            action="challenges.panel.add",
            user=by,
            data={
                "challenge": challenge.pk,
                "assessor": assessor.pk,
                "before": None,
                "after": _name(assessor),
            },
        )
    return member


@transaction.atomic
def panel_assessor_remove(*, member: ChallengeAssessor, by: User) -> None:
    """Take an assessor off the panel. Their unsubmitted assignments end; refused while
    they hold a submitted assessment (remove that assignment first, with a reason)."""
    _require_lead(by)
    active = Assignment.objects.select_for_update().filter(
        entry__challenge=member.challenge_id,
        assessor=member.assessor_id,
        status=Assignment.Status.ACTIVE,
    )
    if active.filter(assessment__status=Assessment.Status.SUBMITTED).exists():
        raise ValidationError(
            f"{member.assessor} has submitted assessments for this challenge: remove "
            "those assignments first, with your reason",
            code="has_submitted",
        )
    now = timezone.now()
    ended = list(active.values_list("pk", flat=True))
    active.update(
        status=Assignment.Status.REMOVED,
        ended_at=now,
        ended_reason="Taken off the panel",
    )
    log(
        instance=member,
        action="challenges.panel.remove",
        user=by,
        data={
            "challenge": member.challenge_id,
            "assessor": member.assessor_id,
            "before": _name(member.assessor),
            "after": None,
            "assignments_ended": ended,
        },
    )
    member.delete()


# --- Interests -----------------------------------------------------------------------


@transaction.atomic
def interests_declare(
    *,
    challenge: ChallengePage,
    assessor: User,
    conflicts: dict[int, str],
    details: str = "",
) -> InterestDeclaration:
    """Record the assessor's interests in this challenge's entrants
    ({organisation id: ConflictOfInterest.Kind}); an empty dict declares none.

    A new interest ends any assignment to that organisation's entry at once."""
    if not ChallengeAssessor.objects.filter(
        challenge=challenge, assessor=assessor
    ).exists():
        raise PermissionDenied("Only the challenge's assessors declare interests")
    _require_judging_open(challenge)
    allowed = {o.pk for o in selectors.declaration_organisations(challenge=challenge)}
    unknown = set(conflicts) - allowed
    if unknown:
        raise ValidationError(
            "Declare interests only in organisations that entered", code="unknown"
        )
    if any(kind not in ConflictOfInterest.Kind.values for kind in conflicts.values()):
        raise ValidationError("Choose the kind of each interest", code="kind")
    details = (details or "").strip()
    if len(details) > MAX_COMMENT:
        raise ValidationError({"details": "Details must be 5,000 characters or fewer"})
    declaration = (
        InterestDeclaration.objects.select_for_update()
        .filter(challenge=challenge, assessor=assessor)
        .first()
    )
    before = None
    if declaration is not None:
        before = {str(c.organisation_id): c.kind for c in declaration.conflicts.all()}
        declaration.declared_at = timezone.now()
        declaration.details = details
        declaration.save()
        declaration.conflicts.all().delete()
    else:
        declaration = InterestDeclaration.objects.create(
            challenge=challenge,
            assessor=assessor,
            declared_at=timezone.now(),
            details=details,
        )
    ConflictOfInterest.objects.bulk_create(
        ConflictOfInterest(declaration=declaration, organisation_id=org, kind=kind)
        for org, kind in sorted(conflicts.items())
    )
    ended = Assignment.objects.select_for_update().filter(
        entry__challenge=challenge,
        entry__organisation__in=list(conflicts),
        assessor=assessor,
        status=Assignment.Status.ACTIVE,
    )
    ended_ids = list(ended.values_list("pk", flat=True))
    ended.update(
        status=Assignment.Status.REMOVED,
        ended_at=timezone.now(),
        ended_reason="The assessor declared a conflict of interest",
    )
    log(
        instance=declaration,
        action="challenges.interests.declare",
        user=assessor,
        data={
            "challenge": challenge.pk,
            "before": before,
            "after": {str(org): kind for org, kind in sorted(conflicts.items())},
            "details": details,
            "assignments_ended": ended_ids,
        },
    )
    return declaration


# --- Allocation ----------------------------------------------------------------------


@transaction.atomic
def assignments_allocate(
    *, challenge: ChallengePage, by: User, per_entry: int | None = None
) -> list[Assignment]:
    """Give every judged entry `per_entry` assessors (kept on the challenge; default 3)
    from the panel members who have declared their interests: never a conflicted one,
    never one who recused or was removed, with the load as even as the conflicts allow
    (see allocation.py). Existing assignments stay; running it again fills the gaps.

    Raises ValidationError, changing nothing, when an entry has too few unconflicted
    assessors, naming the entry and the shortfall."""
    _require_lead(by)
    judging = _judging_lock(challenge)
    _require_judging_open(challenge)
    if per_entry is not None:
        if not 1 <= per_entry <= MAX_PER_ENTRY:
            raise ValidationError(
                {"per_entry": f"Choose between 1 and {MAX_PER_ENTRY} assessors"}
            )
        judging.assessors_per_entry = per_entry
        judging.save(update_fields=["assessors_per_entry"])
    n = judging.assessors_per_entry
    entries = list(
        Entry.objects.select_for_update()
        .filter(challenge=challenge, status__in=Entry.JUDGED)
        .exclude(status__in=Entry.FINAL)
        .select_related("organisation")
        .order_by("pk")
    )
    if not entries:
        raise ValidationError("There are no entries waiting for assessors")
    members = [
        m.assessor
        for m in ChallengeAssessor.objects.filter(challenge=challenge)
        .select_related("assessor")
        .order_by("pk")
    ]
    declarations = {
        d.assessor_id: {c.organisation_id for c in d.conflicts.all()}
        for d in InterestDeclaration.objects.filter(
            challenge=challenge
        ).prefetch_related("conflicts")
    }
    declared = [m for m in members if m.pk in declarations]
    undeclared = [m for m in members if m.pk not in declarations]
    existing = list(Assignment.objects.filter(entry__in=entries))
    taken = {(a.entry_id, a.assessor_id) for a in existing}
    active_per_entry: dict[int, int] = {}
    for a in existing:
        if a.status == Assignment.Status.ACTIVE:
            active_per_entry[a.entry_id] = active_per_entry.get(a.entry_id, 0) + 1
    load = {m.pk: 0 for m in declared}
    for a in Assignment.objects.filter(
        entry__challenge=challenge, status=Assignment.Status.ACTIVE
    ):
        if a.assessor_id in load:
            load[a.assessor_id] += 1
    needed = {e.pk: max(n - active_per_entry.get(e.pk, 0), 0) for e in entries}
    eligible = {
        (e.pk, m.pk)
        for e in entries
        for m in declared
        if e.organisation_id not in declarations[m.pk] and (e.pk, m.pk) not in taken
    }
    try:
        pairs = allocate(
            entries=[e.pk for e in entries],
            assessors=[m.pk for m in declared],
            eligible=eligible,
            needed=needed,
            load=load,
        )
    except TooFewAssessors as error:
        by_pk = {e.pk: e for e in entries}
        messages = [
            f"“{by_pk[pk].title or 'Untitled entry'}” ({by_pk[pk].organisation.name}) "
            f"has {have} assessor{'s' if have != 1 else ''} free of conflicts of "
            f"interest but needs {want}"
            for pk, (have, want) in error.shortfalls.items()
        ]
        messages.append(
            "Add assessors to the panel, or allocate fewer assessors per entry"
        )
        if undeclared:
            messages.append(
                "Not yet declared their interests, so not allocated: "
                + ", ".join(str(m) for m in undeclared)
            )
        raise ValidationError(messages, code="too_few_assessors") from error
    now = timezone.now()
    created = Assignment.objects.bulk_create(
        Assignment(
            entry_id=entry_id,
            assessor_id=assessor_id,
            method=Assignment.Method.ALLOCATED,
            assigned_by=by,
            assigned_at=now,
        )
        for entry_id, assessor_id in pairs
    )
    Entry.objects.filter(
        pk__in=[e.pk for e in entries], status=Entry.Status.SUBMITTED
    ).update(status=Entry.Status.UNDER_ASSESSMENT)
    state_before = judging.state
    if judging.state == Judging.State.NOT_STARTED:
        _judging_state_move(judging=judging, state=Judging.State.IN_PROGRESS)
    before = {
        "loads": {str(k): v for k, v in load.items()},
        "judging_state": state_before,
    }
    for _, assessor_id in pairs:
        load[assessor_id] += 1
    log(
        instance=challenge,
        action="challenges.allocate",
        user=by,
        data={
            "per_entry": n,
            "assigned": [[e, a] for e, a in pairs],
            "before": before,
            "after": {
                "loads": {str(k): v for k, v in load.items()},
                "judging_state": judging.state,
            },
        },
    )
    _assessors_notify(challenge=challenge, assessor_ids={a for _, a in pairs}, at=now)
    return created


def _assessors_notify(*, challenge: ChallengePage, assessor_ids: set, at: datetime):
    for assessor in User.objects.filter(pk__in=assessor_ids):
        email_queue(
            key=f"assessor-allocation:{challenge.pk}:{assessor.pk}:{at.isoformat()}",
            to=assessor.email,
            subject=f"Entries to assess: {challenge.title}",
            template="assessor_allocation",
            context={
                "challenge_title": challenge.title,
                "path": reverse("assessments"),
            },
        )


def _require_assignable(*, entry: Entry, assessor: User) -> None:
    if not ChallengeAssessor.objects.filter(
        challenge=entry.challenge_id, assessor=assessor
    ).exists():
        raise ValidationError({"assessor": f"{assessor} is not on this panel"})
    declaration = InterestDeclaration.objects.filter(
        challenge=entry.challenge_id, assessor=assessor
    ).first()
    if declaration is None:
        raise ValidationError(
            {"assessor": f"{assessor} has not declared their interests yet"}
        )
    if declaration.conflicts.filter(organisation=entry.organisation_id).exists():
        raise ValidationError(
            {
                "assessor": f"{assessor} declared an interest in "
                f"{entry.organisation.name}"
            },
            code="conflicted",
        )


@transaction.atomic
def assignment_add(*, entry: Entry, assessor: User, by: User) -> Assignment:
    """The lead gives an entry to one more assessor (or restores a removed one)."""
    _require_lead(by)
    entry = (
        Entry.objects.select_for_update()
        .select_related("challenge", "organisation")
        .get(pk=entry.pk)
    )
    _require_judging_open(entry.challenge)
    _require_not_released(entry)
    if entry.status not in Entry.JUDGED:
        raise ValidationError("Only a submitted entry can be assessed")
    _require_assignable(entry=entry, assessor=assessor)
    assignment = Assignment.objects.filter(entry=entry, assessor=assessor).first()
    before = None
    if assignment is not None:
        if assignment.status == Assignment.Status.ACTIVE:
            raise ValidationError({"assessor": f"{assessor} already has this entry"})
        if assignment.status == Assignment.Status.RECUSED:
            raise ValidationError(
                {"assessor": f"{assessor} recused from this entry"}, code="recused"
            )
        before = assignment.status
        assignment.status = Assignment.Status.ACTIVE
        assignment.method = Assignment.Method.MANUAL
        assignment.assigned_by = by
        assignment.assigned_at = timezone.now()
        assignment.ended_at = None
        assignment.ended_reason = ""
        assignment.save()
    else:
        assignment = Assignment.objects.create(
            entry=entry,
            assessor=assessor,
            method=Assignment.Method.MANUAL,
            assigned_by=by,
            assigned_at=timezone.now(),
        )
    if entry.status == Entry.Status.SUBMITTED:
        entry.status = Entry.Status.UNDER_ASSESSMENT
        entry.save(update_fields=["status", "updated_at"])
    log(
        instance=assignment,
        action="challenges.assignment.add",
        user=by,
        data={
            "entry": entry.pk,
            "assessor": assessor.pk,
            "before": before,
            "after": Assignment.Status.ACTIVE,
        },
    )
    _assessors_notify(
        challenge=entry.challenge, assessor_ids={assessor.pk}, at=assignment.assigned_at
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: User, reason: str) -> Assignment:
    """The lead takes an entry away from an assessor, with a reason. Any scores they
    gave stay on record but no longer count."""
    _require_lead(by)
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("entry__challenge", "assessor")
        .get(pk=assignment.pk)
    )
    _require_not_released(assignment.entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for removing the assessor"})
    if assignment.status != Assignment.Status.ACTIVE:
        raise ValidationError("This assignment has already ended")
    assessment = Assessment.objects.filter(assignment=assignment).first()
    assignment.status = Assignment.Status.REMOVED
    assignment.ended_at = timezone.now()
    assignment.ended_reason = reason
    assignment.save()
    log(
        instance=assignment,
        action="challenges.assignment.remove",
        user=by,
        data={
            "entry": assignment.entry_id,
            "assessor": assignment.assessor_id,
            "before": Assignment.Status.ACTIVE,
            "after": Assignment.Status.REMOVED,
            "reason": reason,
            "assessment": assessment.status if assessment else None,
        },
    )
    return assignment


@transaction.atomic
def assignment_reassign(
    *, assignment: Assignment, to: User, by: User, reason: str
) -> Assignment:
    """Move an entry from one assessor to another in one step."""
    removed = assignment_remove(assignment=assignment, by=by, reason=reason)
    added = assignment_add(entry=removed.entry, assessor=to, by=by)
    log(
        instance=added,
        action="challenges.assignment.reassign",
        user=by,
        data={
            "entry": removed.entry_id,
            "before": removed.assessor_id,
            "after": to.pk,
            "reason": reason.strip(),
        },
    )
    return added


@transaction.atomic
def assignment_recuse(*, assignment: Assignment, by: User, reason: str) -> Assignment:
    """An assessor steps back from one entry, saying why; allocation will not give it
    to them again, and any scores they gave no longer count."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("entry")
        .get(pk=assignment.pk)
    )
    if assignment.assessor_id != by.pk:
        raise PermissionDenied
    _require_not_released(assignment.entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why you are stepping back from this entry"}
        )
    if len(reason) > MAX_COMMENT:
        raise ValidationError({"reason": "Reason must be 5,000 characters or fewer"})
    if assignment.status != Assignment.Status.ACTIVE:
        raise ValidationError("You no longer hold this entry")
    assignment.status = Assignment.Status.RECUSED
    assignment.ended_at = timezone.now()
    assignment.ended_reason = reason
    assignment.save()
    log(
        instance=assignment,
        action="challenges.assignment.recuse",
        user=by,
        data={
            "entry": assignment.entry_id,
            "before": Assignment.Status.ACTIVE,
            "after": Assignment.Status.RECUSED,
            "reason": reason,
        },
    )
    return assignment


# --- Scoring -------------------------------------------------------------------------


def _snapshot(assessment: Assessment | None) -> dict | None:
    if assessment is None or assessment.pk is None:
        return None
    return {
        "status": assessment.status,
        "recommendation": assessment.recommendation,
        "panel_note": assessment.panel_note,
        "scores": {
            str(s.criterion_id): {"score": s.score, "comment": s.comment}
            for s in assessment.scores.order_by("criterion_id")
        },
    }


@transaction.atomic
def assessment_save(
    *,
    assignment: Assignment,
    by: User,
    scores: dict[int, tuple[int | None, str]],
    recommendation: str = "",
    panel_note: str = "",
    submit: bool = False,
) -> Assessment:
    """Save the assessor's scores ({criterion id: (score or None, comment)}).

    A partial save keeps whatever is given (each score within its criterion's scale);
    submitting needs a score and a comment on every criterion and a recommendation,
    and makes the assessment read-only until the lead reopens it. With any error
    nothing is saved."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("entry__challenge", "entry__organisation")
        .get(pk=assignment.pk)
    )
    if assignment.assessor_id != by.pk:
        raise PermissionDenied
    # The same rule as the assessor's screens: assigned, declared, not conflicted.
    if (
        not selectors.assignments_for_assessor(user=by)
        .filter(pk=assignment.pk)
        .exists()
    ):
        raise PermissionDenied
    entry = assignment.entry
    _require_not_released(entry)
    if entry.challenge.judging_state == Judging.State.AWARDED:
        raise ValidationError("Judging of this challenge is over", code="awarded")
    assessment, _ = Assessment.objects.get_or_create(assignment=assignment)
    if assessment.is_submitted:
        raise ValidationError(
            "You have submitted this assessment. Ask the programme lead to reopen it "
            "if you need to change it.",
            code="submitted",
        )
    criteria = list(entry.challenge.criteria.all())
    errors: dict[str, str] = {}
    for c in criteria:
        score, comment = scores.get(c.pk, (None, ""))
        comment = (comment or "").strip()
        if score is not None and not c.scale_min <= score <= c.scale_max:
            errors[f"score_{c.pk}"] = (
                f"Score for “{c.title}” must be a whole number from {c.scale_min} to "
                f"{c.scale_max}"
            )
        elif submit and score is None:
            errors[f"score_{c.pk}"] = f"Enter a score for “{c.title}”"
        if len(comment) > MAX_COMMENT:
            errors[f"comment_{c.pk}"] = "Comment must be 5,000 characters or fewer"
        elif submit and not comment:
            errors[f"comment_{c.pk}"] = (
                f"Explain your score for “{c.title}”: your comment becomes the "
                "entrant's feedback"
            )
    if recommendation and recommendation not in Assessment.Recommendation.values:
        errors["recommendation"] = "Choose a recommendation from the list"
    elif submit and not recommendation:
        errors["recommendation"] = "Choose your recommendation"
    if len(panel_note or "") > MAX_COMMENT:
        errors["panel_note"] = "Note must be 5,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    before = _snapshot(assessment)
    existing = {s.criterion_id: s for s in assessment.scores.all()}
    for c in criteria:
        score, comment = scores.get(c.pk, (None, ""))
        row = existing.get(c.pk)
        if row is None:
            CriterionScore.objects.create(
                assessment=assessment,
                criterion=c,
                score=score,
                comment=(comment or "").strip(),
            )
        else:
            row.score = score
            row.comment = (comment or "").strip()
            row.save()
    assessment.recommendation = recommendation
    assessment.panel_note = (panel_note or "").strip()
    if submit:
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = timezone.now()
    assessment.save()
    log(
        instance=assessment,
        action="challenges.assessment.submit"
        if submit
        else "challenges.assessment.save",
        user=by,
        data={"entry": entry.pk, "before": before, "after": _snapshot(assessment)},
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    """The lead lets an assessor change a submitted assessment, saying why. Any
    moderation of its scores is undone (it is kept in the log)."""
    _require_lead(by)
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("assignment__entry__challenge", "assignment__assessor")
        .get(pk=assessment.pk)
    )
    _require_not_released(assessment.assignment.entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for reopening"})
    if not assessment.is_submitted:
        raise ValidationError("Only a submitted assessment can be reopened")
    moderations = list(Moderation.objects.filter(score__assessment=assessment))
    cleared = [
        {
            "criterion": m.score.criterion_id,
            "original": m.original_score,
            "moderated": m.moderated_score,
            "reason": m.reason,
        }
        for m in moderations
    ]
    Moderation.objects.filter(pk__in=[m.pk for m in moderations]).delete()
    assessment.status = Assessment.Status.IN_PROGRESS
    assessment.reopened_at = timezone.now()
    assessment.reopen_reason = reason
    assessment.save()
    entry = log(
        instance=assessment,
        action="challenges.assessment.reopen",
        user=by,
        data={
            "entry": assessment.assignment.entry_id,
            "before": Assessment.Status.SUBMITTED,
            "after": Assessment.Status.IN_PROGRESS,
            "reason": reason,
            "moderations_cleared": cleared,
        },
    )
    assessor = assessment.assignment.assessor
    email_queue(
        key=f"assessment-reopened:{entry.pk}",
        to=assessor.email,
        subject="An assessment was reopened for you",
        template="assessment_reopened",
        context={
            "entry_title": assessment.assignment.entry.title,
            "challenge_title": assessment.assignment.entry.challenge.title,
            "reason": reason,
            "path": reverse(
                "assessment_entry", kwargs={"entry_id": assessment.assignment.entry_id}
            ),
        },
    )
    return assessment


# --- Moderation and decisions --------------------------------------------------------


@transaction.atomic
def score_moderate(
    *, score: CriterionScore, by: User, moderated_score: int, reason: str
) -> Moderation | None:
    """The lead adjusts one submitted score, with the reason. Setting it back to the
    assessor's own score removes the moderation. Returns the moderation, or None."""
    _require_lead(by)
    score = (
        CriterionScore.objects.select_for_update()
        .select_related("assessment__assignment__entry__challenge", "criterion")
        .get(pk=score.pk)
    )
    entry = score.assessment.assignment.entry
    _require_not_released(entry)
    if entry.challenge.judging_state == Judging.State.AWARDED:
        raise ValidationError("Judging of this challenge is over", code="awarded")
    if not score.assessment.is_submitted:
        raise ValidationError("Only submitted scores can be moderated")
    c = score.criterion
    if moderated_score is None or not c.scale_min <= moderated_score <= c.scale_max:
        raise ValidationError(
            {
                "moderated_score": f"Enter a whole number from {c.scale_min} to "
                f"{c.scale_max}"
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Record the reason for the adjustment"})
    existing = Moderation.objects.filter(score=score).first()
    before = existing.moderated_score if existing else score.score
    moderation = None
    if moderated_score == score.score:
        if existing:
            existing.delete()
    else:
        moderation, _ = Moderation.objects.update_or_create(
            score=score,
            defaults={
                "original_score": score.score,
                "moderated_score": moderated_score,
                "reason": reason,
                "moderated_by": by,
                "moderated_at": timezone.now(),
            },
        )
    log(
        instance=score,
        action="challenges.score.moderate",
        user=by,
        data={
            "entry": entry.pk,
            "criterion": c.pk,
            "assessor": score.assessment.assignment.assessor_id,
            "before": before,
            "after": moderated_score,
            "reason": reason,
        },
    )
    return moderation


@transaction.atomic
def entry_decide(*, entry: Entry, by: User, outcome: str, reason: str = "") -> Entry:
    """Shortlist, or decide successful or unsuccessful. Only once every assessment is
    complete, or with a recorded reason why the panel decides without them."""
    _require_lead(by)
    entry = (
        Entry.objects.select_for_update().select_related("challenge").get(pk=entry.pk)
    )
    _require_judging_open(entry.challenge)
    _require_not_released(entry)
    if outcome not in Entry.DECIDED:
        raise ValidationError({"outcome": "Choose a decision"})
    if entry.status not in Entry.JUDGED:
        raise ValidationError("Only a submitted entry can be decided")
    row = selectors.panel_entry(entry=entry)["row"]
    reason = (reason or "").strip()
    if not row.complete and not reason:
        raise ValidationError(
            {
                "reason": f"Only {row.done} of {row.needed} assessments are complete: "
                "record why the panel is deciding now"
            },
            code="incomplete",
        )
    before = entry.status
    entry.status = outcome
    entry.decided_at = timezone.now()
    entry.decided_by = by
    entry.decision_reason = reason
    entry.save()
    log(
        instance=entry,
        action="challenges.entry.decide",
        user=by,
        data={
            "before": before,
            "after": outcome,
            "reason": reason,
            "assessments": f"{row.done} of {row.needed}",
            "weighted_average": row.average,
        },
    )
    return entry


# --- Feedback ------------------------------------------------------------------------


@transaction.atomic
def entry_feedback_update(*, entry: Entry, by: User, feedback: str) -> Entry:
    _require_lead(by)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_not_released(entry)
    feedback = (feedback or "").strip()
    if len(feedback) > 20_000:
        raise ValidationError(
            {"feedback": "Feedback must be 20,000 characters or fewer"}
        )
    before = entry.feedback
    if before == feedback:
        return entry
    entry.feedback = feedback
    entry.save(update_fields=["feedback", "updated_at"])
    log(
        instance=entry,
        action="challenges.feedback.edit",
        user=by,
        data={"before": before, "after": feedback},
    )
    return entry


@transaction.atomic
def feedback_drafts_fill(*, challenge: ChallengePage, by: User) -> int:
    """Draft the feedback of every entry that has none yet from its assessors'
    comments (names hidden). Returns how many entries got a draft."""
    _require_lead(by)
    filled = 0
    for entry in Entry.objects.filter(
        challenge=challenge,
        status__in=Entry.JUDGED,
        feedback="",
        feedback_released=False,
    ):
        draft = selectors.entry_feedback_draft(entry=entry)
        if draft:
            entry_feedback_update(entry=entry, by=by, feedback=draft)
            filled += 1
    return filled


@transaction.atomic
def feedback_release_schedule(
    *, challenge: ChallengePage, by: User, release_at: datetime
) -> Judging:
    """Choose when feedback goes to every entrant at once. A time already past
    releases it straight away (after this transaction commits)."""
    _require_lead(by)
    judging = _judging_lock(challenge)
    _require_judging_open(challenge)
    if judging.feedback_released_at:
        raise ValidationError("Feedback has already been released", code="released")
    if release_at is None:
        raise ValidationError({"release_at": "Enter the date and time of the release"})
    before = judging.feedback_release_at
    judging.feedback_release_at = release_at
    judging.save(update_fields=["feedback_release_at"])
    log(
        instance=challenge,
        action="challenges.feedback.schedule",
        user=by,
        data={
            "before": before.isoformat() if before else None,
            "after": release_at.isoformat(),
        },
    )
    if release_at <= timezone.now():
        from ..tasks import feedback_release_task

        transaction.on_commit(
            lambda: feedback_release_task.delay(challenge_id=challenge.pk)
        )
    return judging


@transaction.atomic
def feedback_release(
    *, challenge: ChallengePage, by: User | None = None, now=None
) -> int:
    """Release feedback to every entrant of the challenge at once: the decision and
    the feedback appear in "Your entries" and each member of each entering
    organisation gets an email. Once only: a second call releases nothing.
    Refused (ValidationError) while any entry lacks a final decision or feedback."""
    now = now or timezone.now()
    judging = _judging_lock(challenge)
    if judging.feedback_released_at:
        return 0
    problems = selectors.feedback_release_problems(challenge=challenge)
    if problems:
        raise ValidationError(problems, code="not_ready")
    entries = list(
        Entry.objects.select_for_update()
        .filter(challenge=challenge, status__in=Entry.JUDGED)
        .select_related("organisation")
        .prefetch_related("organisation__memberships__user")
    )
    Entry.objects.filter(pk__in=[e.pk for e in entries]).update(
        feedback_released=True, updated_at=now
    )
    judging.feedback_released_at = now
    judging.save(update_fields=["feedback_released_at"])
    log(
        instance=challenge,
        action="challenges.feedback.release",
        user=by,
        data={
            "entries": [e.pk for e in entries],
            "scheduled_for": judging.feedback_release_at.isoformat()
            if judging.feedback_release_at
            else None,
            "before": None,
            "after": now.isoformat(),
        },
    )
    for entry in entries:
        for membership in entry.organisation.memberships.all():
            email_queue(
                key=f"entry-feedback:{entry.pk}:{membership.user_id}",
                to=membership.user.email,
                subject=f"The result of your entry: {challenge.title}",
                template="entry_feedback_released",
                context={
                    "challenge_title": challenge.title,
                    "entry_title": entry.title,
                    "outcome": entry.get_status_display(),
                    "successful": entry.status == Entry.Status.SUCCESSFUL,
                    "feedback": entry.feedback,
                    "path": reverse("entry_detail", kwargs={"entry_id": entry.pk}),
                },
                kind=NotificationKind.FEEDBACK,
            )
    return len(entries)


def feedback_releases_due(*, now=None) -> int:
    """Release every scheduled feedback whose time has come (the hourly beat job).
    A release that is not ready is left for the lead and logged as a warning."""
    now = now or timezone.now()
    released = 0
    due = Judging.objects.filter(
        feedback_release_at__lte=now, feedback_released_at__isnull=True
    ).select_related("challenge")
    for judging in due:
        try:
            released += feedback_release(challenge=judging.challenge, now=now)
        except ValidationError as error:
            logger.warning(
                "Feedback release for challenge %s is due but not ready: %s",
                judging.challenge_id,
                "; ".join(error.messages),
            )
    return released


# --- Winners and the promising-solutions pool ----------------------------------------


@transaction.atomic
def winners_publish(*, challenge: ChallengePage, by: User) -> ChallengePage:
    """Announce the winners on the public brief. Feedback goes to entrants first, so
    nobody learns their result from the website."""
    _require_lead(by)
    judging = _judging_lock(challenge)
    _require_judging_open(challenge)
    if not judging.feedback_released_at:
        raise ValidationError(
            "Release feedback to every entrant before announcing the winners",
            code="feedback_first",
        )
    winners = list(
        Entry.objects.filter(challenge=challenge, status=Entry.Status.SUCCESSFUL)
    )
    if not winners:
        raise ValidationError("No entry has been decided successful", code="no_winner")
    before = _judging_state_move(judging=judging, state=Judging.State.AWARDED)
    judging.winners_published_at = timezone.now()
    judging.save(update_fields=["winners_published_at"])
    log(
        instance=challenge,
        action="challenges.winners.publish",
        user=by,
        data={
            "before": before,
            "after": judging.state,
            "winners": [e.pk for e in winners],
        },
    )
    return challenge


def _require_member(entry: Entry, user: User) -> None:
    if not entry.organisation.memberships.filter(user=user).exists():
        raise PermissionDenied


@transaction.atomic
def promising_solution_opt_in(
    *, entry: Entry, by: User, contact_email: str
) -> PromisingSolution:
    """An unsuccessful entrant, after feedback, shows its entry to public servants."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_member(entry, by)
    if entry.status != Entry.Status.UNSUCCESSFUL or not entry.feedback_released:
        raise ValidationError(
            "Only an unsuccessful entry, once its feedback is released, can join the "
            "promising solutions",
            code="not_eligible",
        )
    contact_email = (contact_email or "").strip()
    try:
        validate_email(contact_email)
    except ValidationError as error:
        raise ValidationError(
            {
                "contact_email": "Enter an email address in the correct format, like "
                "name@example.com"
            }
        ) from error
    existing = PromisingSolution.objects.filter(entry=entry).first()
    before = existing.contact_email if existing else None
    solution, _ = PromisingSolution.objects.update_or_create(
        entry=entry,
        defaults={
            "contact_email": contact_email,
            "opted_in_by": by,
            "opted_in_at": timezone.now(),
        },
    )
    log(
        instance=entry,
        action="challenges.promising.opt_in",
        user=by,
        data={"before": before, "after": contact_email},
    )
    return solution


@transaction.atomic
def promising_solution_opt_out(*, entry: Entry, by: User) -> None:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_member(entry, by)
    solution = PromisingSolution.objects.filter(entry=entry).first()
    if solution is None:
        return
    log(
        instance=entry,
        action="challenges.promising.opt_out",
        user=by,
        data={"before": solution.contact_email, "after": None},
    )
    solution.delete()
