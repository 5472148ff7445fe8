"""Urban Challenges: the brief pages, clarifications, entries and their attachments.

A challenge's status is derived from its dates and its judging state (`ChallengePage.status`
and `selectors.challenge_status_q`); nothing stores it, so it cannot drift.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import BaseStreamBlock, stream_text

from .judging.panels import JudgingStatePanel
from .page_forms import ChallengePageForm
from .storage import private_storage


class ChallengeStatus(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed for judging"
    AWARDED = "awarded", "Awarded"


class ChallengeIndexPage(Page):
    intro = models.TextField(
        max_length=400, blank=True, help_text="One or two sentences under the heading"
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["challenges.ChallengePage"]

    class Meta:
        verbose_name = "challenge index page"

    def get_context(self, request, *args, **kwargs):
        from .selectors import challenge_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(challenge_index_context(index_page=self, params=request.GET))
        return context


class ChallengePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "challenges.ChallengePage",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class ChallengePage(Page):
    summary = models.TextField(
        max_length=500, help_text="Shown in listings and at the top"
    )
    problem = StreamField(BaseStreamBlock(), help_text="The problem to solve, in full")
    holders = ParentalManyToManyField(
        "home.Organisation",
        blank=True,
        related_name="challenges_held",
        verbose_name="challenge holders",
        help_text="The public bodies that own the problem",
    )
    themes = ClusterTaggableManager(through=ChallengePageTag, blank=True)
    funding_amount = models.PositiveIntegerField(
        "funding (£)",
        default=0,
        help_text="Funding available to the winner(s), in pounds",
    )
    pilot_contract = models.TextField(
        blank=True, help_text="The pilot contract the winner gets, if any"
    )
    support = models.TextField(blank=True, help_text="Mentoring, data access, space…")
    eligibility = RichTextField(features=["bold", "italic", "link", "ul", "ol"])
    opens_at = models.DateTimeField("entries open")
    questions_close_at = models.DateTimeField("clarification questions close")
    closes_at = models.DateTimeField("entries close")
    decision_expected = models.DateField("decision expected")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("problem"),
        FieldPanel("holders"),
        FieldPanel("themes"),
        MultiFieldPanel(
            [
                FieldPanel("funding_amount"),
                FieldPanel("pilot_contract"),
                FieldPanel("support"),
            ],
            heading="What winners get",
        ),
        FieldPanel("eligibility"),
        MultiFieldPanel(
            [
                FieldPanel("opens_at"),
                FieldPanel("questions_close_at"),
                FieldPanel("closes_at"),
                FieldPanel("decision_expected"),
                # Operational, not content: read from the Judging row.
                JudgingStatePanel(heading="Judging"),
            ],
            heading="Key dates and judging",
        ),
        InlinePanel(
            "criteria",
            heading="Assessment criteria",
            label="Criterion",
            min_num=1,
            help_text=(
                "Weights must total 100. Once entrants have answered, criteria can "
                "no longer be added or removed, and once assessors have scored one, "
                "its scale and weight are fixed."
            ),
        ),
        InlinePanel("documents", heading="Supporting documents", label="Document"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("problem"),
    ]

    # Checks that the criteria weights total 100 and the dates run in order.
    base_form_class = ChallengePageForm
    parent_page_types = ["challenges.ChallengeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "challenge"

    @property
    def judging_state(self) -> str:
        """The state of the challenge's judging round (`Judging.state`; not started
        while it has no Judging row). Querysets that list challenges select_related
        "judging", so reading it costs no query there."""
        try:
            return self.judging.state
        except Judging.DoesNotExist:
            return Judging.State.NOT_STARTED

    @property
    def judging_state_label(self) -> str:
        return Judging.State(self.judging_state).label

    def status_at(self, now) -> str:
        if self.judging_state == Judging.State.AWARDED:
            return ChallengeStatus.AWARDED
        if now < self.opens_at:
            return ChallengeStatus.UPCOMING
        if now < self.closes_at:
            return ChallengeStatus.OPEN
        return ChallengeStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return ChallengeStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == ChallengeStatus.OPEN

    @property
    def questions_open(self) -> bool:
        now = timezone.now()
        return self.opens_at <= now < self.questions_close_at and self.is_open

    @property
    def days_left(self) -> int | None:
        """Whole days until entries close while open, else None."""
        if not self.is_open:
            return None
        return max((self.closes_at - timezone.now()).days, 0)

    def search_document_fields(self) -> dict:
        """What the public search holds for this brief (see search.models). The status
        changes with the clock, so search refreshes challenge documents nightly."""
        areas = {
            h.local_authority_area for h in self.holders.all() if h.local_authority_area
        }
        return {
            "content_type": "challenge",
            "title": self.title,
            "summary": self.summary,
            "body": " ".join(
                [stream_text(self.problem), strip_tags(self.eligibility), self.support]
            ),
            "url": self.get_url() or "",
            "area": areas.pop()
            if len(areas) == 1
            else ("west-midlands" if areas else ""),
            "status": self.status,
            "date": self.opens_at.date(),
            "themes": [(t.slug, t.name) for t in self.themes.all()],
        }

    def get_context(self, request, *args, **kwargs):
        from .selectors import challenge_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(challenge_page_context(challenge=self, user=request.user))
        return context


class AssessmentCriterion(Orderable):
    page = ParentalKey(ChallengePage, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=200)
    guidance = models.TextField(
        help_text="What a good answer covers; shown beside the entry form's answer box"
    )
    weight = models.PositiveSmallIntegerField(
        help_text="Percent; all weights total 100"
    )
    max_words = models.PositiveSmallIntegerField(default=500)
    scale_min = models.PositiveSmallIntegerField(
        "lowest score", default=0, help_text="Assessors score from this…"
    )
    scale_max = models.PositiveSmallIntegerField(
        "highest score", default=10, help_text="…to this, in whole numbers"
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("guidance"),
        FieldPanel("weight"),
        FieldPanel("max_words"),
        FieldPanel("scale_min"),
        FieldPanel("scale_max"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "assessment criterion"
        verbose_name_plural = "assessment criteria"

    def __str__(self) -> str:
        return f"{self.title} ({self.weight}%)"


class ChallengeDocument(Orderable):
    page = ParentalKey(
        ChallengePage, on_delete=models.CASCADE, related_name="documents"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    def __str__(self) -> str:
        return self.title or self.document.title


class ChallengeInterest(models.Model):
    """Someone who wants to hear about this challenge (clarifications, reminders)."""

    challenge = models.ForeignKey(
        ChallengePage, on_delete=models.CASCADE, related_name="interests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="challenge_interests",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user"], name="one_interest_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.challenge}"


class Clarification(models.Model):
    """A question asked privately; once answered it is published, anonymised, to all."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        PUBLISHED = "published", "Published"
        MERGED = "merged", "Merged into another question"

    challenge = models.ForeignKey(
        ChallengePage, on_delete=models.CASCADE, related_name="clarifications"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="clarifications_asked",
    )
    question = models.TextField(
        help_text="Edit to remove anything that names the asker before publishing"
    )
    answer = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        limit_choices_to={"status": "published"},
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return self.question[:80]


class Entry(models.Model):
    """An organisation's entry to a challenge: one per organisation per challenge."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_ASSESSMENT = "under_assessment", "Under assessment"
        SHORTLISTED = "shortlisted", "Shortlisted"
        SUCCESSFUL = "successful", "Successful"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The fixed parts of every entry, in form order: (field, label).
    FIXED_PARTS = [
        ("title", "Title"),
        ("summary", "Summary"),
        ("solution", "Proposed solution"),
        ("evidence", "Evidence it works"),
        ("pilot_plan", "Pilot plan"),
        ("cost_estimate", "Cost estimate"),
        ("team", "Team"),
    ]
    SUMMARY_MAX_WORDS = 150

    challenge = models.ForeignKey(
        ChallengePage, on_delete=models.PROTECT, related_name="entries"
    )
    organisation = models.ForeignKey(
        "home.Organisation", on_delete=models.PROTECT, related_name="entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="entries_started",
    )
    title = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True, help_text="At most 150 words")
    solution = models.TextField("proposed solution", blank=True)
    evidence = models.TextField("evidence it works", blank=True)
    pilot_plan = models.TextField(blank=True)
    cost_estimate = models.TextField(blank=True)
    team = models.TextField(blank=True)
    declaration_eligibility = models.BooleanField(default=False)
    declaration_data_protection = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Judging outcome (services.entry_decide): who decided, when, and why when the
    # assessments were not all complete.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)
    # Drafted from the assessors' comments, edited by the lead, shown to the entrant
    # once released (services.feedback_release).
    feedback = models.TextField(blank=True)
    feedback_released = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                name="one_entry_per_organisation_per_challenge",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or 'Untitled entry'} ({self.organisation})"

    # Judged: entries that reached the assessors. Decided: the panel's outcomes; final
    # ones can be released to the entrant (shortlisted is an interim step).
    JUDGED = (
        Status.SUBMITTED,
        Status.UNDER_ASSESSMENT,
        Status.SHORTLISTED,
        Status.SUCCESSFUL,
        Status.UNSUCCESSFUL,
    )
    DECIDED = (Status.SHORTLISTED, Status.SUCCESSFUL, Status.UNSUCCESSFUL)
    FINAL = (Status.SUCCESSFUL, Status.UNSUCCESSFUL)

    # The entry rules that the services, the entry screens and the templates share.
    @property
    def is_editable(self) -> bool:
        """A draft can be changed (and submitted) while its challenge is open."""
        return self.status == self.Status.DRAFT and self.challenge.is_open

    @property
    def can_withdraw(self) -> bool:
        """A draft or a submitted entry can be withdrawn until the challenge closes."""
        return (
            self.status in (self.Status.DRAFT, self.Status.SUBMITTED)
            and self.challenge.is_open
        )

    @property
    def entrant_status(self) -> str:
        """The status the entering organisation sees: the panel's decision only once
        feedback is released to every entrant at once."""
        if self.status in self.DECIDED and not self.feedback_released:
            return self.Status.UNDER_ASSESSMENT
        return self.status

    @property
    def entrant_status_label(self) -> str:
        return self.Status(self.entrant_status).label


class EntryAnswer(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(
        AssessmentCriterion, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "criterion"], name="one_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}"


def attachment_path(instance: "EntryAttachment", filename: str) -> str:
    # A random name: the uploader's file name is kept only in `original_name`.
    return f"entries/{instance.entry_id}/{secrets.token_hex(16)}"


class EntryAttachment(models.Model):
    MAX_BYTES = 10 * 1024 * 1024
    MAX_PER_ENTRY = 5

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


# --- Judging ---------------------------------------------------------------------------
#
# A challenge's judging: the lead puts assessors on its panel; each declares their
# interests before seeing any entry; allocation assigns every entry to N unconflicted
# assessors; each scores the criteria with a comment and recommends; the lead moderates,
# decides and releases feedback to every entrant at once; then the winners go public.
# Every change goes through services.py and is written to Wagtail's log for models.


class Judging(models.Model):
    """The settings, state and milestones of one challenge's judging round. A challenge
    has none until judging first changes something (`ChallengePage.judging_state`)."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "Judging in progress"
        AWARDED = "awarded", "Winners announced"

    challenge = models.OneToOneField(
        ChallengePage, on_delete=models.CASCADE, related_name="judging"
    )
    # Moved only by judging's services: allocation, then the winners.
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.NOT_STARTED
    )
    assessors_per_entry = models.PositiveSmallIntegerField(
        default=3, help_text="Independent assessors per entry (at least 3 is usual)"
    )
    feedback_release_at = models.DateTimeField(
        null=True, blank=True, help_text="When feedback goes to every entrant at once"
    )
    feedback_released_at = models.DateTimeField(null=True, blank=True)
    winners_published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Judging of {self.challenge}"


class ChallengeAssessor(models.Model):
    """Membership of a challenge's assessment panel."""

    challenge = models.ForeignKey(
        ChallengePage, on_delete=models.CASCADE, related_name="panel_members"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessor_panels",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "panel member"
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "assessor"], name="one_panel_place_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.challenge}"


class InterestDeclaration(models.Model):
    """An assessor's declaration of interests for one challenge. Until it exists the
    assessor sees no entry of that challenge and is not allocated any."""

    challenge = models.ForeignKey(
        ChallengePage, on_delete=models.CASCADE, related_name="interest_declarations"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interest_declarations",
    )
    declared_at = models.DateTimeField()
    details = models.TextField(
        blank=True, help_text="Anything else the programme lead should know"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "assessor"], name="one_declaration_per_challenge"
            )
        ]

    def __str__(self) -> str:
        return f"Interests of {self.assessor} for {self.challenge}"


class ConflictOfInterest(models.Model):
    """One declared interest in an entering organisation: it keeps the assessor away
    from that organisation's entry."""

    class Kind(models.TextChoices):
        WORKS_WITH = (
            "works_with",
            "I work with or for them (now or in the last 2 years)",
        )
        INVESTS = "invests", "I invest in them or advise them"
        RELATED = "related", "A relative or close friend works there"
        OTHER = "other", "Another interest"

    declaration = models.ForeignKey(
        InterestDeclaration, on_delete=models.CASCADE, related_name="conflicts"
    )
    organisation = models.ForeignKey(
        "home.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = "conflict of interest"
        verbose_name_plural = "conflicts of interest"
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "organisation"],
                name="one_conflict_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.declaration.assessor} - {self.organisation}"

    @property
    def assessor(self):
        return self.declaration.assessor

    @property
    def challenge(self):
        return self.declaration.challenge

    @property
    def declared_at(self):
        return self.declaration.declared_at


class Assignment(models.Model):
    """An entry given to an assessor, by allocation or by the lead's hand."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Assigned"
        RECUSED = "recused", "Recused"
        REMOVED = "removed", "Removed"

    class Method(models.TextChoices):
        ALLOCATED = "allocated", "Allocated automatically"
        MANUAL = "manual", "Assigned by the programme lead"

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="assignments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One row per pair: an assessor who recused or was removed is never given
            # the same entry again by allocation (the lead may restore them by hand).
            models.UniqueConstraint(
                fields=["entry", "assessor"], name="one_assignment_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.assessor}"


class Assessment(models.Model):
    """An assessor's scores for one assigned entry: saved in parts, then submitted."""

    class Recommendation(models.TextChoices):
        FUND = "fund", "Fund"
        FUND_IF = "fund_if", "Fund with conditions"
        DO_NOT_FUND = "do_not_fund", "Do not fund"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="assessment"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    recommendation = models.CharField(
        max_length=12, choices=Recommendation.choices, blank=True
    )
    panel_note = models.TextField(
        blank=True, help_text="For the panel only: never shown to the entrant"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Assessment of {self.assignment}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class CriterionScore(models.Model):
    """A score on the criterion's scale and the comment that explains it (the comment
    becomes the entrant's feedback, without the assessor's name)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        AssessmentCriterion, on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.title}: {self.score}"

    @property
    def effective_score(self) -> int | None:
        """The moderated score where the lead adjusted it, else the assessor's."""
        moderation = getattr(self, "moderation", None)
        return moderation.moderated_score if moderation else self.score


class Moderation(models.Model):
    """The lead's adjustment of one score, with the reason (the original is kept)."""

    score = models.OneToOneField(
        CriterionScore, on_delete=models.CASCADE, related_name="moderation"
    )
    original_score = models.PositiveSmallIntegerField()
    moderated_score = models.PositiveSmallIntegerField()
    reason = models.TextField()
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.original_score} → {self.moderated_score}"


class PromisingSolution(models.Model):
    """An unsuccessful entry its organisation chose to show to public servants, who
    may be looking for exactly this."""

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="promising_solution"
    )
    contact_email = models.EmailField(
        help_text="Public servants who are interested write to this address"
    )
    opted_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opted_in_at = models.DateTimeField()

    class Meta:
        ordering = ["-opted_in_at"]

    def __str__(self) -> str:
        return str(self.entry)
