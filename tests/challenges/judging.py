"""Helpers for the judging tests: a closed challenge with a panel and entries."""

from dataclasses import dataclass

from challenges.judging import services as judging_services
from challenges.models import ChallengePage, Entry
from home.models import User
from tests.factories.challenges import (
    BusinessFactory,
    assessor,
    closed_challenge,
    member_of,
    programme_lead,
    submitted_entry,
)

# Assessors' names, to prove they never reach an entrant (alphabetical by surname).
NAMES = [
    ("Tom", "Abbott"),
    ("Rachel", "Baines"),
    ("Imran", "Chaudhry"),
    ("Sofia", "Dunmore"),
    ("Ben", "Ellery"),
    ("Aisha", "Fenwick"),
    ("Grace", "Gill"),
    ("Hamza", "Hollis"),
    ("Ivy", "Ingram"),
    ("Jack", "Jarvis"),
]


@dataclass
class Round:
    challenge: ChallengePage
    lead: User
    assessors: list[User]
    entries: list[Entry]
    entrants: list[User]


def judging_round(index_page, *, assessors: int = 4, entries: int = 3) -> Round:
    """A closed challenge (criteria weighted 60/40, scored 0 to 10), a lead, a panel
    of assessors (not yet declared) and submitted entries, each from its own start-up
    with one member."""
    challenge = closed_challenge(index_page, title="Damp and mould", slug="damp")
    lead = programme_lead()
    panel = [
        assessor(email=f"assessor{i}@lab.example", first_name=first, last_name=last)
        for i, (first, last) in enumerate(NAMES[:assessors], start=1)
    ]
    for person in panel:
        judging_services.panel_assessor_add(
            challenge=challenge, assessor=person, by=lead
        )
    made, entrants = [], []
    for i in range(1, entries + 1):
        organisation = BusinessFactory(name=f"Start-up {i} Ltd")
        entrants.append(member_of(organisation))
        made.append(submitted_entry(challenge, organisation, title=f"Idea {i}"))
    return Round(challenge, lead, panel, made, entrants)


def declare_none(round_: Round) -> None:
    for person in round_.assessors:
        judging_services.interests_declare(
            challenge=round_.challenge, assessor=person, conflicts={}
        )


def full_scores(challenge, score: int, comment: str = "Clear and well argued") -> dict:
    return {c.pk: (score, f"{comment} ({c.title})") for c in challenge.criteria.all()}


def submit(assignment, score: int, recommendation: str = "fund", comment=None):
    return judging_services.assessment_save(
        assignment=assignment,
        by=assignment.assessor,
        scores=full_scores(
            assignment.entry.challenge, score, comment or "Clear and well argued"
        ),
        recommendation=recommendation,
        submit=True,
    )
