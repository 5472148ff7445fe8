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

from home.blocks import BaseStreamBlock

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
    class JudgingState(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "Judging in progress"
        AWARDED = "awarded", "Winners announced"

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
    judging_state = models.CharField(
        max_length=20, choices=JudgingState.choices, default=JudgingState.NOT_STARTED
    )

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
                FieldPanel("judging_state"),
            ],
            heading="Key dates and judging",
        ),
        InlinePanel(
            "criteria",
            heading="Assessment criteria",
            label="Criterion",
            min_num=1,
            help_text="Weights must total 100",
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

    def status_at(self, now) -> str:
        if self.judging_state == self.JudgingState.AWARDED:
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
        from search.text import stream_text

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

    panels = [
        FieldPanel("title"),
        FieldPanel("guidance"),
        FieldPanel("weight"),
        FieldPanel("max_words"),
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


class OrganisationInvitation(models.Model):
    """An invitation, by email, to join an organisation as a member."""

    organisation = models.ForeignKey(
        "home.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
