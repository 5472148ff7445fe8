"""Reads for Urban Challenges: listings, the brief, entries and who may see them."""

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404, QueryDict
from django.utils import timezone
from taggit.models import Tag

from home import roles
from home.models import OrganisationMembership, User
from home.selectors import organisation_for

from .models import (
    ChallengeIndexPage,
    ChallengePage,
    ChallengePageTag,
    ChallengeStatus,
    Clarification,
    Entry,
    EntryAttachment,
    Judging,
)

PAGE_SIZE = 10


def challenge_status_q(status: str, *, now=None) -> Q:
    """The same rule as `ChallengePage.status_at`, as a database filter."""
    now = now or timezone.now()
    awarded = Q(judging__state=Judging.State.AWARDED)
    if status == ChallengeStatus.AWARDED:
        return awarded
    if status == ChallengeStatus.UPCOMING:
        return ~awarded & Q(opens_at__gt=now)
    if status == ChallengeStatus.OPEN:
        return ~awarded & Q(opens_at__lte=now, closes_at__gt=now)
    if status == ChallengeStatus.CLOSED:
        return ~awarded & Q(closes_at__lte=now)
    raise ValueError(status)


def _status_rank(now) -> Case:
    """Open first (closing soonest first), then upcoming, closed, awarded."""
    return Case(
        When(judging__state=Judging.State.AWARDED, then=Value(3)),
        When(opens_at__gt=now, then=Value(1)),
        When(closes_at__gt=now, then=Value(0)),
        default=Value(2),
        output_field=IntegerField(),
    )


def challenge_list(*, status: str = "", theme: str = "") -> QuerySet[ChallengePage]:
    """Live, public challenges: open first by closing date, then upcoming, then past."""
    qs = (
        ChallengePage.objects.live()
        .public()
        .defer_streamfields()
        .select_related("judging")
        .prefetch_related(
            Prefetch(
                "tagged_items",
                queryset=ChallengePageTag.objects.select_related("tag").order_by(
                    "tag__name"
                ),
            )
        )
        .annotate(status_rank=_status_rank(timezone.now()))
        .order_by("status_rank", "closes_at")
    )
    if status in ChallengeStatus.values:
        qs = qs.filter(challenge_status_q(status))
    if theme:
        qs = qs.filter(tagged_items__tag__slug=theme)
    return qs


def challenge_themes() -> QuerySet[Tag]:
    return (
        Tag.objects.filter(challenges_challengepagetag_items__content_object__live=True)
        .distinct()
        .order_by("name")
    )


def challenge_index_context(
    *, index_page: ChallengeIndexPage, params: QueryDict
) -> dict:
    status = params.get("status", "")
    if status not in ChallengeStatus.values:
        status = ""
    theme = params.get("theme", "")
    themes = list(challenge_themes())
    if theme not in {t.slug for t in themes}:
        theme = ""
    paginator = Paginator(challenge_list(status=status, theme=theme), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    querystring = "&".join(
        f"{k}={v}" for k, v in (("status", status), ("theme", theme)) if v
    )
    return {
        "challenges": page.object_list,
        "page_obj": page,
        "status": status,
        "theme": theme,
        "statuses": ChallengeStatus.choices,
        "themes": themes,
        "querystring": querystring,
        "result_count": paginator.count,
    }


def clarifications_published(*, challenge: ChallengePage) -> QuerySet[Clarification]:
    return Clarification.objects.filter(
        challenge=challenge, status=Clarification.Status.PUBLISHED
    ).order_by("published_at")


def challenge_page_context(*, challenge: ChallengePage, user: User) -> dict:
    # The holders and themes are read by the page and by its JSON-LD: once each.
    prefetch_related_objects([challenge], "holders", "themes")
    organisation = organisation_for(user=user)
    entry = None
    if organisation is not None:
        entry = Entry.objects.filter(
            challenge=challenge, organisation=organisation
        ).first()
    winners = []
    if challenge.judging_state == Judging.State.AWARDED:
        winners = list(
            Entry.objects.filter(
                challenge=challenge, status=Entry.Status.SUCCESSFUL
            ).select_related("organisation")
        )
    return {
        "clarifications": clarifications_published(challenge=challenge),
        "criteria": challenge.criteria.all(),
        "documents": challenge.documents.select_related("document"),
        "holders": challenge.holders.all(),
        "organisation": organisation,
        "entry": entry,
        "winners": winners,
        "interested": user.is_authenticated
        and challenge.interests.filter(user=user).exists(),
    }


def entries_visible_to(*, user: User) -> QuerySet[Entry]:
    """Entries this person may see: their organisations' entries; every entry for a
    programme lead; for an assessor, the entries assigned to them, once they have
    declared their interests and never one they declared an interest in.
    """
    from .judging.selectors import assignments_for_assessor

    qs = Entry.objects.select_related("challenge", "organisation")
    if not user.is_authenticated:
        return qs.none()
    if roles.is_programme_lead(user):
        return qs
    return qs.filter(
        Q(
            pk__in=OrganisationMembership.objects.filter(user=user).values(
                "organisation__entries"
            )
        )
        | Q(pk__in=assignments_for_assessor(user=user).values("entry_id"))
    )


def entry_for_member(*, user: User, entry_id: int) -> Entry:
    """The entry, if `user` is a member of the entering organisation; else 404."""
    if not user.is_authenticated:
        raise Http404
    entry = (
        Entry.objects.select_related("challenge", "organisation")
        .filter(pk=entry_id, organisation__memberships__user=user)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def attachment_for(*, user: User, attachment_id: int) -> EntryAttachment:
    """The attachment, if its entry is visible to `user`; else 404."""
    visible = entries_visible_to(user=user)
    attachment = (
        EntryAttachment.objects.filter(pk=attachment_id, entry__in=visible)
        .select_related("entry")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def entries_for_user(*, user: User) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(organisation__memberships__user=user)
        .select_related("challenge", "organisation")
        .order_by("-updated_at")
    )


def entry_answers_by_criterion(*, entry: Entry) -> dict[int, str]:
    return {a.criterion_id: a.text for a in entry.answers.all()}
