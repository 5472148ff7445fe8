"""The home page's sections: open challenges, the latest case studies and the programme
at a glance, each computed from the records every time the page is served. `HomePage`
(in `home`, which knows no app above it) collects them through the
`construct_home_page_context` hook, registered in `pilots.wagtail_hooks`.

Every function here makes a fixed number of queries whatever the number of
challenges, entries, pilots or case studies (tests/home/test_home_page.py).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from challenges.models import ChallengeIndexPage, ChallengePage, Entry
from challenges.selectors import challenge_list
from home.models import Organisation

from .models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    Pilot,
    PilotPartner,
    TaggedPilot,
)

OPEN_CHALLENGES_SHOWN = 6
LATEST_CASE_STUDIES_SHOWN = 3


@dataclass(frozen=True)
class ProgrammeFigures:
    """The programme at a glance. How each figure is counted:

    - challenges_run: live, public Urban Challenges that have opened for entries
      (open, closed for judging or awarded; not upcoming ones);
    - entries_received: entries that were submitted (`submitted_at` is set), whatever
      happened to them afterwards; drafts never count;
    - pilots_running / pilots_completed: pilots whose status is "Running" /
      "Completed" (setting up, evaluating and stopped pilots are in neither);
    - partners: organisations that hold a live challenge, lead a pilot or are a
      partner in one (counted from the records, not from the partner pages).
    """

    challenges_run: int
    entries_received: int
    pilots_running: int
    pilots_completed: int
    partners: int


def _public(queryset, private: Q | None):
    """`.public()`, reusing an already computed `private_q()` when given (Wagtail reads
    every view restriction each time it builds one)."""
    return queryset.public() if private is None else queryset.exclude(private)


def programme_figures(*, now=None, private: Q | None = None) -> ProgrammeFigures:
    """Four queries (and one for view restrictions unless `private` is given)."""
    now = now or timezone.now()
    challenges_run = (
        _public(ChallengePage.objects.live(), private).filter(opens_at__lte=now).count()
    )
    entries_received = Entry.objects.filter(submitted_at__isnull=False).count()
    pilots = Pilot.objects.aggregate(
        running=Count("pk", filter=Q(status=Pilot.Status.RUNNING)),
        completed=Count("pk", filter=Q(status=Pilot.Status.COMPLETED)),
    )
    return ProgrammeFigures(
        challenges_run=challenges_run,
        entries_received=entries_received,
        pilots_running=pilots["running"],
        pilots_completed=pilots["completed"],
        partners=partner_organisations().count(),
    )


def partner_organisations() -> QuerySet[Organisation]:
    """Organisations involved as a holder of a live challenge, a pilot's lead
    organisation or a pilot partner (any role)."""
    holders = ChallengePage.holders.through.objects.filter(
        organisation=OuterRef("pk"), challengepage__live=True
    )
    leads = Pilot.objects.filter(lead_organisation=OuterRef("pk"))
    partnerships = PilotPartner.objects.filter(organisation=OuterRef("pk"))
    return Organisation.objects.filter(
        Exists(holders) | Exists(leads) | Exists(partnerships)
    )


def open_challenges() -> QuerySet[ChallengePage]:
    """Live challenges open for entries, closing soonest first, themes prefetched."""
    return challenge_list(status="open")


def latest_case_studies(
    *, limit: int = LATEST_CASE_STUDIES_SHOWN, private: Q | None = None
) -> list[CaseStudyPage]:
    """The newest live, public case studies with their pilot and its themes."""
    return list(
        _public(CaseStudyPage.objects.live(), private)
        .select_related("pilot")
        .prefetch_related(
            Prefetch(
                "pilot__tagged_items",
                queryset=TaggedPilot.objects.select_related("tag"),
            )
        )
        .defer("problem", "what_was_done", "lessons_learned", "how_to_replicate")
        .order_by("-first_published_at", "-pk")[:limit]
    )


def index_pages(*, private: Q | None = None) -> dict[type, Page]:
    """The first live, public challenge index and case-study index: one query."""
    models = [ChallengeIndexPage, CaseStudyIndexPage]
    content_types = ContentType.objects.get_for_models(*models)
    pages = _public(Page.objects.live(), private).filter(
        content_type__in=content_types.values()
    )
    found: dict[type, Page] = {}
    for page in pages.order_by("path"):
        for model, content_type in content_types.items():
            if page.content_type_id == content_type.pk:
                found.setdefault(model, page)
    return found


def home_page_context() -> dict:
    private = Page.objects.private_q()  # the view restrictions, read once
    challenges = open_challenges()
    indexes = index_pages(private=private)
    return {
        "open_challenges": list(challenges[:OPEN_CHALLENGES_SHOWN]),
        "open_challenge_count": challenges.count(),
        "challenge_index": indexes.get(ChallengeIndexPage),
        "latest_case_studies": latest_case_studies(private=private),
        "case_study_index": indexes.get(CaseStudyIndexPage),
        "figures": programme_figures(private=private),
    }
