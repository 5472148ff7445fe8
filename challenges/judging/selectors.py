"""Reads for judging: who may see what, the assessor's list, the panel sheet, feedback.

Scores are compared as percentages: an assessment's weighted score is
Σ weight x (score - lowest) / (highest - lowest), over the criteria, as a percentage of
the total weight, so criteria on different scales count by their weight alone.

Outliers: an assessment is flagged when its weighted score is more than
`OUTLIER_POINTS` percentage points (2 points on a 0 to 10 scale) from the median of
the entry's submitted assessments. The median, not the mean, so that one wild score
does not drag the centre and flag its sensible neighbours too (30, 40 and 90 flag only
the 90). With two assessments the median is their midpoint: both are flagged when they
are more than 40 points apart, since nobody can yet tell which one is out of line.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from home import roles
from home.csv import csv_text
from home.models import User

from ..models import (
    Assessment,
    AssessmentCriterion,
    Assignment,
    ChallengeAssessor,
    ChallengePage,
    ConflictOfInterest,
    CriterionScore,
    Entry,
    EntryAnswer,
    InterestDeclaration,
    Judging,
    PromisingSolution,
)

OUTLIER_POINTS = 20
PROMISING_PAGE_SIZE = 20


def judging_of(*, challenge: ChallengePage) -> Judging:
    """The challenge's judging settings (unsaved defaults until judging starts)."""
    return Judging.objects.filter(challenge=challenge).first() or Judging(
        challenge=challenge
    )


def judging_has_started(*, challenge: ChallengePage, now=None) -> bool:
    return (now or timezone.now()) >= challenge.closes_at


# --- Scores ---------------------------------------------------------------------------


def weighted_percent(
    *, criteria: list[AssessmentCriterion], scores: dict[int, int | None]
) -> float | None:
    """The weighted score, 0 to 100, or None while any criterion is unscored."""
    total_weight = sum(c.weight for c in criteria)
    if not criteria or total_weight == 0:
        return None
    total = 0.0
    for c in criteria:
        score = scores.get(c.pk)
        if score is None:
            return None
        span = (c.scale_max - c.scale_min) or 1
        total += c.weight * (score - c.scale_min) / span
    return round(100 * total / total_weight, 1)


def _effective_scores(assessment: Assessment) -> dict[int, int | None]:
    return {s.criterion_id: s.effective_score for s in assessment.scores.all()}


def _assessors_scores(assessment: Assessment) -> dict[int, int | None]:
    return {s.criterion_id: s.score for s in assessment.scores.all()}


def outlier_flags(percents: list[float]) -> list[bool]:
    """For each score, whether it is more than OUTLIER_POINTS from the median."""
    if len(percents) < 2:
        return [False] * len(percents)
    middle = statistics.median(percents)
    return [abs(value - middle) > OUTLIER_POINTS for value in percents]


# --- Who may see which entry ----------------------------------------------------------


def conflicted_q(*, user: User, entry_prefix: str = "") -> Q:
    """Entries (or rows reaching an entry through `entry_prefix`) whose organisation
    this assessor declared an interest in, for that entry's challenge."""
    return Q(
        Exists(
            ConflictOfInterest.objects.filter(
                declaration__assessor=user,
                declaration__challenge=OuterRef(f"{entry_prefix}challenge"),
                organisation=OuterRef(f"{entry_prefix}organisation"),
            )
        )
    )


def declared_q(*, user: User, entry_prefix: str = "") -> Q:
    return Q(
        Exists(
            InterestDeclaration.objects.filter(
                assessor=user, challenge=OuterRef(f"{entry_prefix}challenge")
            )
        )
    )


def assignments_for_assessor(*, user: User) -> QuerySet[Assignment]:
    """The assessor's live assignments: active, declared, not conflicted."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        assessor=user, status=Assignment.Status.ACTIVE
    ).filter(
        declared_q(user=user, entry_prefix="entry__"),
        ~conflicted_q(user=user, entry_prefix="entry__"),
    )


def assignment_for_assessor(*, user: User, entry_id: int) -> Assignment:
    """The assessor's assignment to this entry, or 404: unassigned, ended, conflicted
    and undeclared all look the same from outside."""
    assignment = (
        assignments_for_assessor(user=user)
        .filter(entry_id=entry_id)
        .select_related("entry__challenge", "entry__organisation", "assessment")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def assessor_overview(*, user: User) -> list[dict]:
    """The assessor's panels, newest first, each with whether they have declared and
    their assigned entries. Four queries, however many panels and entries."""
    panels = list(
        ChallengeAssessor.objects.filter(assessor=user)
        .select_related("challenge__judging")
        .order_by("-challenge__closes_at")
    )
    declarations = {
        d.challenge_id: d
        for d in InterestDeclaration.objects.filter(
            assessor=user, challenge__in=[p.challenge_id for p in panels]
        )
    }
    assignments = list(
        assignments_for_assessor(user=user)
        .select_related("entry__organisation", "assessment")
        .order_by("entry__title", "pk")
    )
    by_challenge: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_challenge.setdefault(a.entry.challenge_id, []).append(a)
    now = timezone.now()
    overview = []
    for panel in panels:
        challenge = panel.challenge
        mine = by_challenge.get(challenge.pk, [])
        submitted = sum(
            1
            for a in mine
            if getattr(a, "assessment", None) and a.assessment.is_submitted
        )
        overview.append(
            {
                "challenge": challenge,
                "declaration": declarations.get(challenge.pk),
                "can_declare": judging_has_started(challenge=challenge, now=now)
                and challenge.judging_state != Judging.State.AWARDED,
                "assignments": mine,
                "submitted": submitted,
            }
        )
    return overview


def declaration_organisations(*, challenge: ChallengePage) -> list:
    """The organisations an assessor declares against: every entrant being judged."""
    from home.models import Organisation

    return list(
        Organisation.objects.filter(
            entries__challenge=challenge, entries__status__in=Entry.JUDGED
        )
        .distinct()
        .order_by("name")
    )


def declaration_for(
    *, challenge: ChallengePage, user: User
) -> InterestDeclaration | None:
    return (
        InterestDeclaration.objects.filter(challenge=challenge, assessor=user)
        .prefetch_related("conflicts")
        .first()
    )


def panel_member_for(*, challenge_id: int, user: User) -> ChallengeAssessor:
    member = (
        ChallengeAssessor.objects.filter(challenge_id=challenge_id, assessor=user)
        .select_related("challenge")
        .first()
    )
    if member is None:
        raise Http404
    return member


# --- One assessment ------------------------------------------------------------------


@dataclass
class OtherAssessment:
    label: str
    percent: float | None
    recommendation: str
    scores: dict[int, int | None]
    comments: dict[int, str]


def assessment_context(*, assignment: Assignment) -> dict:
    """What the assessor's scoring page needs: the entry, its answers, the criteria,
    the assessor's own scores and, only once they have submitted, the other assessors'
    submitted scores (labelled, never named)."""
    entry = assignment.entry
    criteria = list(entry.challenge.criteria.all())
    answers = {a.criterion_id: a.text for a in EntryAnswer.objects.filter(entry=entry)}
    assessment = getattr(assignment, "assessment", None)
    own = {}
    if assessment is not None:
        own = {s.criterion_id: s for s in assessment.scores.all()}
    others: list[OtherAssessment] = []
    if assessment is not None and assessment.is_submitted:
        rows = (
            Assessment.objects.filter(
                assignment__entry=entry,
                assignment__status=Assignment.Status.ACTIVE,
                status=Assessment.Status.SUBMITTED,
            )
            .exclude(pk=assessment.pk)
            .order_by("assignment_id")
            .prefetch_related("scores")
        )
        for i, other in enumerate(rows):
            scores = _assessors_scores(other)
            others.append(
                OtherAssessment(
                    label=f"Assessor {chr(ord('A') + i)}",
                    percent=weighted_percent(criteria=criteria, scores=scores),
                    recommendation=other.get_recommendation_display(),
                    scores=scores,
                    comments={s.criterion_id: s.comment for s in other.scores.all()},
                )
            )
    return {
        "entry": entry,
        "challenge": entry.challenge,
        "criteria": criteria,
        "answers": answers,
        "assessment": assessment,
        "own_scores": own,
        "own_percent": weighted_percent(
            criteria=criteria, scores={k: v.score for k, v in own.items()}
        )
        if own
        else None,
        "others": others,
        "attachments": list(entry.attachments.all()),
    }


# --- The panel sheet -----------------------------------------------------------------


@dataclass
class AssessmentRow:
    assessment: Assessment | None
    assignment: Assignment
    label: str
    percent: float | None = None
    outlier: bool = False
    moderated: bool = False


@dataclass
class PanelRow:
    entry: Entry
    rank: int | None = None
    done: int = 0
    needed: int = 0
    average: float | None = None
    spread: float | None = None
    outlier: bool = False
    moderated: bool = False
    criterion_averages: list[float | None] = field(default_factory=list)
    recommendations: Counter = field(default_factory=Counter)
    assessments: list[AssessmentRow] = field(default_factory=list)
    ended: list[Assignment] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.needed > 0 and self.done >= self.needed

    @property
    def recommendation_counts(self) -> list[tuple[str, int]]:
        # A list: templates would look a Counter's `.items` up as a key (and get 0).
        return list(self.recommendations.items())

    @property
    def decided(self) -> bool:
        return self.entry.status in Entry.DECIDED


def _assignments_prefetch() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("assessor", "assessment")
        .prefetch_related(
            Prefetch(
                "assessment__scores",
                queryset=CriterionScore.objects.select_related("moderation"),
            )
        )
        .order_by("pk"),
    )


def _panel_row(entry: Entry, criteria: list, per_entry: int) -> PanelRow:
    row = PanelRow(entry=entry)
    active = [
        a for a in entry.assignments.all() if a.status == Assignment.Status.ACTIVE
    ]
    row.ended = [
        a for a in entry.assignments.all() if a.status != Assignment.Status.ACTIVE
    ]
    row.needed = max(per_entry, len(active))
    submitted_percents = []
    per_criterion: dict[int, list[int]] = {c.pk: [] for c in criteria}
    for i, assignment in enumerate(active):
        assessment = getattr(assignment, "assessment", None)
        item = AssessmentRow(
            assessment=assessment,
            assignment=assignment,
            label=f"Assessor {chr(ord('A') + i)}",
        )
        if assessment is not None and assessment.is_submitted:
            scores = _effective_scores(assessment)
            item.percent = weighted_percent(criteria=criteria, scores=scores)
            item.moderated = any(
                getattr(s, "moderation", None) for s in assessment.scores.all()
            )
            row.moderated = row.moderated or item.moderated
            row.done += 1
            row.recommendations[assessment.get_recommendation_display()] += 1
            for criterion_id, score in scores.items():
                if score is not None and criterion_id in per_criterion:
                    per_criterion[criterion_id].append(score)
            if item.percent is not None:
                submitted_percents.append(item)
        row.assessments.append(item)
    flags = outlier_flags([item.percent for item in submitted_percents])
    for item, flag in zip(submitted_percents, flags, strict=True):
        item.outlier = flag
    row.outlier = any(flags)
    if submitted_percents:
        values = [item.percent for item in submitted_percents]
        row.average = round(statistics.fmean(values), 1)
        row.spread = round(max(values) - min(values), 1) if len(values) > 1 else 0.0
    row.criterion_averages = [
        round(statistics.fmean(per_criterion[c.pk]), 1) if per_criterion[c.pk] else None
        for c in criteria
    ]
    return row


def panel_sheet(*, challenge: ChallengePage) -> dict:
    """Every judged entry of the challenge, ranked by weighted average (unscored last),
    with progress, spread, outliers and recommendations. A fixed number of queries."""
    judging = judging_of(challenge=challenge)
    criteria = list(challenge.criteria.all())
    entries = list(
        Entry.objects.filter(challenge=challenge, status__in=Entry.JUDGED)
        .select_related("organisation")
        .prefetch_related(_assignments_prefetch())
        .order_by("pk")
    )
    rows = [_panel_row(e, criteria, judging.assessors_per_entry) for e in entries]
    rows.sort(key=lambda r: (r.average is None, -(r.average or 0), r.entry.pk))
    for i, row in enumerate(rows, start=1):
        row.rank = i if row.average is not None else None
    return {
        "judging": judging,
        "criteria": criteria,
        "rows": rows,
        "complete": sum(1 for r in rows if r.complete),
        "decided": sum(1 for r in rows if r.entry.status in Entry.DECIDED),
    }


def panel_entry(*, entry: Entry) -> dict:
    """One entry's judging, for the lead: every assessment with named assessors,
    scores (with moderation) and comments, and the assignments that ended."""
    entry = (
        Entry.objects.select_related("challenge__judging", "organisation", "decided_by")
        .prefetch_related(_assignments_prefetch())
        .get(pk=entry.pk)
    )
    judging = judging_of(challenge=entry.challenge)
    criteria = list(entry.challenge.criteria.all())
    row = _panel_row(entry, criteria, judging.assessors_per_entry)
    grid = []
    for c in criteria:
        cells = []
        for item in row.assessments:
            score = None
            if item.assessment is not None:
                score = next(
                    (s for s in item.assessment.scores.all() if s.criterion_id == c.pk),
                    None,
                )
            cells.append({"item": item, "score": score})
        grid.append({"criterion": c, "cells": cells})
    return {
        "entry": entry,
        "challenge": entry.challenge,
        "judging": judging,
        "criteria": criteria,
        "row": row,
        "grid": grid,
    }


PANEL_CSV_COLUMNS = [
    "Rank",
    "Reference",
    "Entry",
    "Organisation",
    "Assessments complete",
    "Assessments needed",
    "Weighted average (%)",
    "Spread (points)",
    "Outlier",
    "Moderated",
]


def panel_sheet_csv(*, challenge: ChallengePage) -> str:
    sheet = panel_sheet(challenge=challenge)
    header = (
        PANEL_CSV_COLUMNS
        + [
            f"{c.title} (average of {c.scale_min} to {c.scale_max})"
            for c in sheet["criteria"]
        ]
        + [label for _, label in Assessment.Recommendation.choices]
        + ["Decision", "Decision reason"]
    )
    rows = (
        [
            row.rank or "",
            f"ENTRY-{row.entry.pk}",
            row.entry.title,
            row.entry.organisation.name,
            row.done,
            row.needed,
            "" if row.average is None else row.average,
            "" if row.spread is None else row.spread,
            "yes" if row.outlier else "no",
            "yes" if row.moderated else "no",
        ]
        + ["" if v is None else v for v in row.criterion_averages]
        + [
            row.recommendations.get(label, 0)
            for _, label in Assessment.Recommendation.choices
        ]
        + [
            row.entry.get_status_display() if row.entry.status in Entry.DECIDED else "",
            row.entry.decision_reason,
        ]
        for row in sheet["rows"]
    )
    return csv_text(header, rows)


# --- Allocation inputs and the conflicts register ------------------------------------


def panel_members(*, challenge: ChallengePage) -> list[dict]:
    """The panel with each member's declaration and load (active assignments)."""
    members = list(
        ChallengeAssessor.objects.filter(challenge=challenge)
        .select_related("assessor")
        .order_by("assessor__last_name", "assessor__first_name", "pk")
    )
    declarations = {
        d.assessor_id: d
        for d in InterestDeclaration.objects.filter(
            challenge=challenge
        ).prefetch_related(
            Prefetch(
                "conflicts",
                queryset=ConflictOfInterest.objects.select_related("organisation"),
            )
        )
    }
    loads = Counter(
        Assignment.objects.filter(
            entry__challenge=challenge, status=Assignment.Status.ACTIVE
        ).values_list("assessor_id", flat=True)
    )
    return [
        {
            "member": m,
            "declaration": declarations.get(m.assessor_id),
            "load": loads.get(m.assessor_id, 0),
        }
        for m in members
    ]


def conflicts_register(*, challenge: ChallengePage | None = None) -> QuerySet:
    qs = ConflictOfInterest.objects.select_related(
        "declaration__assessor", "declaration__challenge", "organisation"
    ).order_by("-declaration__declared_at", "pk")
    if challenge is not None:
        qs = qs.filter(declaration__challenge=challenge)
    return qs


def eligible_assessors_for(*, entry: Entry) -> list[User]:
    """Panel members the lead may add to this entry by hand: declared, unconflicted,
    not already assigned, and not recused from it."""
    taken = Assignment.objects.filter(entry=entry).exclude(
        status=Assignment.Status.REMOVED
    )
    return list(
        User.objects.filter(
            assessor_panels__challenge=entry.challenge_id,
            interest_declarations__challenge=entry.challenge_id,
        )
        .exclude(pk__in=taken.values("assessor_id"))
        .exclude(
            pk__in=ConflictOfInterest.objects.filter(
                declaration__challenge=entry.challenge_id,
                organisation=entry.organisation_id,
            ).values("declaration__assessor_id")
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def assessors_available() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.ASSESSORS, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def judging_challenges() -> QuerySet[ChallengePage]:
    """Challenges a lead can judge: entries have closed (newest first)."""
    return (
        ChallengePage.objects.filter(closes_at__lte=timezone.now())
        .defer_streamfields()
        .select_related("judging")
        .order_by("-closes_at")
    )


def challenges_progress(*, challenges: list[ChallengePage]) -> dict[int, dict]:
    """Per challenge: entries judged and decided, panel size, feedback released.
    Three queries, however many challenges."""
    ids = [c.pk for c in challenges]
    progress = {pk: {"entries": 0, "decided": 0, "panel": 0} for pk in ids}
    for challenge_id, status in Entry.objects.filter(
        challenge__in=ids, status__in=Entry.JUDGED
    ).values_list("challenge_id", "status"):
        progress[challenge_id]["entries"] += 1
        if status in Entry.DECIDED:
            progress[challenge_id]["decided"] += 1
    for challenge_id in ChallengeAssessor.objects.filter(challenge__in=ids).values_list(
        "challenge_id", flat=True
    ):
        progress[challenge_id]["panel"] += 1
    for judging in Judging.objects.filter(challenge__in=ids):
        progress[judging.challenge_id]["judging"] = judging
    return progress


# --- Feedback ------------------------------------------------------------------------


def entry_feedback_draft(*, entry: Entry) -> str:
    """Feedback drafted from the submitted assessments' criterion comments, with the
    average score of each criterion; assessors are never named."""
    data = panel_entry(entry=entry)
    row: PanelRow = data["row"]
    submitted = [
        item.assessment
        for item in row.assessments
        if item.assessment is not None and item.assessment.is_submitted
    ]
    if not submitted:
        return ""
    lines = [
        f"{len(submitted)} independent assessor{'s' if len(submitted) != 1 else ''} "
        f"scored your entry. Its weighted score was {row.average:g}%."
    ]
    for criterion, average in zip(
        data["criteria"], row.criterion_averages, strict=True
    ):
        lines.append("")
        heading = f"{criterion.title} ({criterion.weight}% of the score)"
        if average is not None:
            heading += f": average {average:g} out of {criterion.scale_max}"
        lines.append(heading)
        for assessment in submitted:
            for score in assessment.scores.all():
                if score.criterion_id == criterion.pk and score.comment.strip():
                    lines.append(f"- {score.comment.strip()}")
    return "\n".join(lines)


def feedback_release_problems(*, challenge: ChallengePage) -> list[str]:
    """Why feedback cannot be released yet (an empty list: it can)."""
    problems = []
    entries = list(
        Entry.objects.filter(challenge=challenge, status__in=Entry.JUDGED).only(
            "pk", "title", "status", "feedback"
        )
    )
    if not entries:
        return ["There are no entries to give feedback on"]
    undecided = [e for e in entries if e.status not in Entry.FINAL]
    if undecided:
        problems.append(
            f"{len(undecided)} of {len(entries)} entries have no final decision "
            "(successful or unsuccessful)"
        )
    no_feedback = [e for e in entries if not e.feedback.strip()]
    if no_feedback:
        problems.append(
            f"{len(no_feedback)} of {len(entries)} entries have no feedback"
        )
    return problems


def released_feedback_for(*, user: User) -> QuerySet[Entry]:
    """Entries of the person's organisations whose feedback has been released."""
    return Entry.objects.filter(
        organisation__memberships__user=user, feedback_released=True
    )


# --- Promising solutions -------------------------------------------------------------


def can_browse_promising_solutions(user: User) -> bool:
    """Signed-in public servants (members of a public or voluntary body) and leads."""
    return roles.is_public_servant(user) or roles.is_programme_lead(user)


def promising_solutions() -> QuerySet[PromisingSolution]:
    return PromisingSolution.objects.filter(
        entry__status=Entry.Status.UNSUCCESSFUL, entry__feedback_released=True
    ).select_related("entry__organisation", "entry__challenge")
