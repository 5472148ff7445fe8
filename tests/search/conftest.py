import datetime

import pytest

from home.models import HomePage, StandardPage
from search.models import SearchDocument
from tests.conftest import load_demo_site, shared_data

# The contract corpus: (title, type, summary, themes, area, status, evidence level, date).
CORPUS = [
    (
        "Reducing repeat calls to police from the same address",
        "case-study",
        "A joint police and council team cut repeat calls from the same addresses by "
        "a third, tackling ASB at its source.",
        ["safer-communities"],
        "sandwell",
        "completed",
        3,
        "2025-06-01",
    ),
    (
        "Home fire safety visits for people who live alone",
        "case-study",
        "Targeted home fire safety visits using NHS and council data.",
        ["prevention", "safer-communities"],
        "wolverhampton",
        "completed",
        2,
        "2025-03-15",
    ),
    (
        "Hospital discharge without delay",
        "case-study",
        "Discharge to assess cut delayed discharge from hospital wards.",
        ["health-and-wellbeing"],
        "birmingham",
        "completed",
        3,
        "2025-09-20",
    ),
    (
        "Young people not in education, employment or training",
        "case-study",
        "Mentoring reduced the number of young people NEET in two wards.",
        ["skills-and-employment"],
        "coventry",
        "evaluating",
        2,
        "2026-01-10",
    ),
    (
        "Cold homes and hospital admissions",
        "case-study",
        "Insulating cold homes to prevent winter admissions to A&E.",
        ["net-zero", "health-and-wellbeing"],
        "dudley",
        "running",
        1,
        "2026-02-01",
    ),
    (
        "Predicting hoarding-related fire risk",
        "challenge",
        "Start-ups are invited to help fire services find homes at risk.",
        ["safer-communities"],
        "west-midlands",
        "open",
        None,
        "2026-10-01",
    ),
    (
        "Digital front door for adult social care",
        "challenge",
        "A challenge to simplify how residents ask for care and support.",
        ["health-and-wellbeing"],
        "solihull",
        "open",
        None,
        "2026-09-01",
    ),
    (
        "Matching jobs to skills across the region",
        "challenge",
        "Help jobseekers find training that leads to work.",
        ["skills-and-employment"],
        "west-midlands",
        "closed",
        None,
        "2026-03-01",
    ),
    (
        "Retrofitting council homes at scale",
        "challenge",
        "Ideas for planning retrofit of social housing.",
        ["net-zero", "housing"],
        "walsall",
        "awarded",
        None,
        "2025-11-01",
    ),
    (
        "Temporary accommodation for homeless families",
        "challenge",
        "Reducing time families spend in bed and breakfast accommodation.",
        ["housing"],
        "birmingham",
        "upcoming",
        None,
        "2026-12-01",
    ),
    (
        "West Midlands Police",
        "partner",
        "The region's police force.",
        ["safer-communities"],
        "west-midlands",
        "",
        None,
        None,
    ),
    (
        "West Midlands Fire Service",
        "partner",
        "Fire and rescue for the region.",
        ["safer-communities", "prevention"],
        "west-midlands",
        "",
        None,
        None,
    ),
    (
        "Sandwell Metropolitan Borough Council",
        "partner",
        "A council in the Black Country.",
        ["housing"],
        "sandwell",
        "",
        None,
        None,
    ),
    (
        "Coventry City Council",
        "partner",
        "The city council for Coventry.",
        [],
        "coventry",
        "",
        None,
        None,
    ),
    (
        "University of Birmingham",
        "partner",
        "Evaluation partner for many pilots.",
        ["skills-and-employment"],
        "birmingham",
        "",
        None,
        None,
    ),
    (
        "How judging works",
        "page",
        "How assessors score Urban Challenge entries.",
        [],
        "",
        "",
        None,
        "2026-05-01",
    ),
    (
        "Standards of evidence",
        "page",
        "The Nesta Standards of Evidence levels 1 to 5, explained.",
        [],
        "",
        "",
        None,
        "2026-04-01",
    ),
    (
        "Information governance for pilots",
        "page",
        "Data protection impact assessments and data-sharing agreements.",
        [],
        "",
        "",
        None,
        "2026-04-15",
    ),
]
# Padding to about 30 documents, so that ranking has something to rank past.
CORPUS += [
    (
        f"Community grants round {n}",
        "page",
        f"Notes from community grants round {n}.",
        [],
        "",
        "",
        None,
        f"2024-0{1 + n % 9}-01",
    )
    for n in range(12)
]

THEME_NAMES = {
    "safer-communities": "Safer communities",
    "prevention": "Prevention",
    "health-and-wellbeing": "Health and wellbeing",
    "skills-and-employment": "Skills and employment",
    "net-zero": "Net zero",
    "housing": "Housing",
}


def build_corpus(home, rows=CORPUS, *, prefix="doc"):
    """Pages stand behind the documents only as their identity; the search contract is
    about the documents, so they are written directly."""
    documents = []
    for n, (title, kind, summary, themes, area, status, level, date) in enumerate(rows):
        page = StandardPage(title=title, slug=f"{prefix}-{n}", body=[])
        home.add_child(instance=page)
        document = SearchDocument.objects.create(
            page=page,
            content_type=kind,
            title=title,
            summary=summary,
            body=summary,
            url=f"/{prefix}-{n}/",
            area=area,
            status=status,
            evidence_level=level,
            date=datetime.date.fromisoformat(date) if date else None,
            themes=[{"slug": s, "name": THEME_NAMES[s]} for s in themes],
        )
        documents.append(document)
    return documents


@pytest.fixture
def corpus(demo_site):
    return build_corpus(HomePage.objects.get())


@pytest.fixture(scope="module")
def shared_corpus(django_db_setup, django_db_blocker):
    """The contract corpus built once for a module whose tests only read it (their
    writes are rolled back all the same): such a module gives every test this fixture
    with `usefixtures` and overrides `corpus` with `corpus_from(shared_corpus)`."""

    def build():
        return [document.pk for document in build_corpus(load_demo_site())]

    yield from shared_data(django_db_blocker, build)


def corpus_from(pks):
    documents = SearchDocument.objects.in_bulk(pks)
    return [documents[pk] for pk in pks]
