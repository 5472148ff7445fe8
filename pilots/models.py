"""Pilots: proposals, the pilots approved from them, their evaluation metrics and contacts.

Plain models (operational data): changed only through `pilots.services`, shown to staff
with Wagtail `ModelViewSet`s (`pilots.wagtail_hooks`). Derived metric values (latest
value, change from baseline, progress, on track) are computed by `pilots.metrics`,
never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from home.models import Organisation
from home.validators import validate_single_line

MONEY = {"max_digits": 12, "decimal_places": 2}

# The region's public-service-reform priorities; pilots are tagged with these (taggit).
THEMES = [
    "Safer communities",
    "Health and wellbeing",
    "Skills and employment",
    "Housing",
    "Prevention",
    "Net zero",
]


class PartnerRole(models.TextChoices):
    CHALLENGE_HOLDER = "challenge-holder", "Challenge holder"
    DELIVERY_PARTNER = "delivery-partner", "Delivery partner"
    PILOT_SITE = "pilot-site", "Pilot site"
    CO_FUNDER = "co-funder", "Co-funder"
    EVALUATOR = "evaluator", "Evaluator"
    DATA_CONTROLLER = "data-controller", "Data controller"


class Contact(index.Indexed, models.Model):
    """A person the Lab holds details about (UK GDPR: every record has a lawful basis).

    `contact_export` returns everything held; `contact_erase` anonymises the personal
    fields and keeps the pilot history that refers to the record.
    """

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        PUBLIC_TASK = "public-task", "Public task"
        LEGITIMATE_INTEREST = "legitimate-interest", "Legitimate interest"

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_public = models.BooleanField(
        "public",
        default=False,
        help_text="Public contacts may be named on the website; private ones never are.",
    )
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    lawful_basis_recorded_at = models.DateTimeField(
        "lawful basis recorded at",
        help_text="When the lawful basis (e.g. consent) was recorded.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilot_contacts",
        help_text="The account this person signs in with, if any.",
    )
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The personal fields `contact_erase` anonymises.
    PERSONAL_FIELDS = ["name", "job_title", "email", "phone"]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("email"),
        index.SearchField("job_title"),
        index.AutocompleteField("name"),
        index.FilterField("lawful_basis"),
        index.FilterField("is_public"),
    ]
    panels = [
        FieldPanel("name"),
        FieldPanel("job_title"),
        FieldPanel("organisation"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("is_public"),
        FieldRowPanel(
            [FieldPanel("lawful_basis"), FieldPanel("lawful_basis_recorded_at")]
        ),
        FieldPanel("user"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PilotProposal(ClusterableModel):
    """A proposed pilot, raised by a public servant or pre-filled from a challenge entry.

    Workflow (see `pilots.services.PROPOSAL_TRANSITIONS`): draft → submitted → under
    review → approved / changes requested / declined; changes requested → submitted.
    A proposal pre-filled from a successful challenge entry keeps `source_entry`, so a
    pilot and its case study can be traced back to the challenge.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under-review", "Under review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes-requested", "Changes requested"
        DECLINED = "declined", "Declined"

    class Governance(models.TextChoices):
        NOT_NEEDED = "not-needed", "Not needed"
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in-progress", "In progress"
        DONE = "done", "Completed or signed"

    # In email subjects (reviews, decisions): one line.
    title = models.CharField(max_length=200, validators=[validate_single_line])
    problem = models.TextField("the problem")
    proposed_solution = models.TextField()
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_proposals"
    )
    sponsor = models.CharField(
        max_length=200,
        blank=True,
        help_text="The senior officer sponsoring the pilot (name and role).",
    )
    budget_requested = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    match_funding = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    duration_months = models.PositiveSmallIntegerField(
        "duration (months)", validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    target_outcomes = models.TextField()
    proposed_metrics = models.TextField(
        help_text="How success will be measured: indicator, data source and target."
    )
    evaluate_process = models.BooleanField(
        "process evaluation", default=False, help_text="Was it delivered as intended?"
    )
    evaluate_impact = models.BooleanField(
        "impact evaluation", default=False, help_text="What difference did it make?"
    )
    evaluate_value_for_money = models.BooleanField(
        "value-for-money evaluation", default=False, help_text="Was it worth it?"
    )
    evaluation_approach = models.TextField(blank=True)
    dpia_status = models.CharField(
        "data protection impact assessment",
        max_length=20,
        choices=Governance.choices,
        default=Governance.PLANNED,
    )
    data_sharing_agreement_status = models.CharField(
        "data-sharing agreement",
        max_length=20,
        choices=Governance.choices,
        default=Governance.PLANNED,
    )
    risks = models.TextField()
    source_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where this proposal came from, e.g. the challenge entry it was pre-filled from.",
    )
    source_entry = models.ForeignKey(
        "challenges.Entry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilot_proposals",
        help_text="The successful Urban Challenge entry this proposal grew from.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    reviewer_comments = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="pilot_proposals",
        editable=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("problem"),
        FieldPanel("proposed_solution"),
        FieldPanel("lead_organisation"),
        InlinePanel("partners", heading="Partners", label="Partner"),
        FieldPanel("sponsor"),
        FieldRowPanel(
            [
                FieldPanel("budget_requested"),
                FieldPanel("match_funding"),
                FieldPanel("duration_months"),
            ]
        ),
        FieldPanel("target_outcomes"),
        FieldPanel("proposed_metrics"),
        MultiFieldPanel(
            [
                FieldPanel("evaluate_process"),
                FieldPanel("evaluate_impact"),
                FieldPanel("evaluate_value_for_money"),
                FieldPanel("evaluation_approach"),
            ],
            heading="Evaluation (Magenta Book)",
        ),
        FieldRowPanel(
            [FieldPanel("dpia_status"), FieldPanel("data_sharing_agreement_status")],
            heading="Information governance",
        ),
        FieldPanel("risks"),
        FieldPanel("source_reference"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def total_cost(self) -> Decimal:
        return self.budget_requested + self.match_funding

    @property
    def is_editable_by_proposer(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)

    @property
    def evaluation_types(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.evaluate_process, "Process"),
                (self.evaluate_impact, "Impact"),
                (self.evaluate_value_for_money, "Value for money"),
            )
            if flag
        ]


class ProposalPartner(models.Model):
    proposal = ParentalKey(
        PilotProposal, on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="proposal_partnerships"
    )
    role = models.CharField(max_length=30, choices=PartnerRole.choices)

    panels = [FieldPanel("organisation"), FieldPanel("role")]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation", "role"],
                name="proposal_partner_role_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class TaggedPilot(TaggedItemBase):
    """Themes on pilots, in taggit's shared Tag table."""

    content_object = ParentalKey(
        "pilots.Pilot", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Pilot(index.Indexed, ClusterableModel):
    class Status(models.TextChoices):
        SETTING_UP = "setting-up", "Setting up"
        RUNNING = "running", "Running"
        EVALUATING = "evaluating", "Evaluating"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    class EvidenceLevel(models.IntegerChoices):
        """Nesta Standards of Evidence."""

        THEORY_OF_CHANGE = 1, "1: a clear theory of change"
        POSITIVE_CHANGE = 2, "2: data showing positive change"
        CAUSALITY = 3, "3: causality shown with a comparison group"
        REPLICATED = 4, "4: independently replicated"
        SCALABLE = 5, "5: manuals and systems for consistent replication"

    class EndDecision(models.TextChoices):
        SCALE = "scale", "Scale"
        ITERATE = "iterate", "Iterate"
        STOP = "stop", "Stop"

    proposal = models.OneToOneField(
        PilotProposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilot",
        help_text="The approved proposal this pilot was created from.",
    )
    # In email subjects (questions to the lead): one line.
    title = models.CharField(max_length=200, validators=[validate_single_line])
    summary = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_pilots"
    )
    lead_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilots_led",
        help_text="The pilot's lead; with an account they record its measurements.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SETTING_UP
    )
    start_date = models.DateField(null=True, blank=True)
    planned_end_date = models.DateField(null=True, blank=True)
    actual_end_date = models.DateField(null=True, blank=True)
    approved_budget = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    spend_to_date = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    evidence_level = models.PositiveSmallIntegerField(
        "evidence level (Nesta)", choices=EvidenceLevel.choices, null=True, blank=True
    )
    evidence_justification = models.TextField(blank=True)
    evidence_next_level = models.TextField(
        "what it would take to reach the next level", blank=True
    )
    end_decision = models.CharField(
        max_length=10, choices=EndDecision.choices, blank=True
    )
    end_decision_reasons = models.TextField(blank=True)
    adopters = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="adopted_pilots",
        help_text="Other organisations that copied the pilot.",
    )
    themes = TaggableManager(through=TaggedPilot, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.AutocompleteField("title"),
        index.FilterField("status"),
    ]
    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("lead_organisation"), FieldPanel("lead_contact")]),
        # No status here: it moves with the workflow buttons (`pilot_transition`).
        FieldRowPanel(
            [
                FieldPanel("start_date"),
                FieldPanel("planned_end_date"),
                FieldPanel("actual_end_date"),
            ],
            heading="Dates",
        ),
        FieldRowPanel(
            [FieldPanel("approved_budget"), FieldPanel("spend_to_date")],
            heading="Money",
        ),
        InlinePanel("partners", heading="Partners", label="Partner"),
        InlinePanel("milestones", heading="Milestones", label="Milestone"),
        MultiFieldPanel(
            [
                FieldPanel("evidence_level"),
                FieldPanel("evidence_justification"),
                FieldPanel("evidence_next_level"),
            ],
            heading="Evidence (Nesta Standards of Evidence)",
        ),
        MultiFieldPanel(
            [FieldPanel("end_decision"), FieldPanel("end_decision_reasons")],
            heading="End decision",
        ),
        FieldPanel("adopters"),
        FieldPanel("themes"),
    ]

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_list(self) -> str:
        """The themes as text; uses `tagged_items__tag` when prefetched."""
        return ", ".join(sorted(item.tag.name for item in self.tagged_items.all()))

    def clean(self) -> None:
        if self.end_decision and not self.end_decision_reasons:
            raise ValidationError(
                {"end_decision_reasons": "Give the reasons for the end decision"}
            )
        if (
            self.start_date
            and self.planned_end_date
            and self.planned_end_date < self.start_date
        ):
            raise ValidationError(
                {"planned_end_date": "The planned end must be after the start"}
            )


class PilotPartner(models.Model):
    pilot = ParentalKey(Pilot, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pilot_partnerships"
    )
    role = models.CharField(max_length=30, choices=PartnerRole.choices)

    panels = [FieldPanel("organisation"), FieldPanel("role")]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "organisation", "role"], name="pilot_partner_role_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Milestone(models.Model):
    pilot = ParentalKey(Pilot, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    planned_date = models.DateField()
    done_date = models.DateField(null=True, blank=True)

    panels = [FieldPanel("title"), FieldPanel("planned_date"), FieldPanel("done_date")]

    class Meta:
        ordering = ["planned_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_date is not None


class Metric(models.Model):
    """An evaluation indicator (IATI results model: `ascending` is the direction)."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUALLY = "annually", "Annually"

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=50, help_text="e.g. calls, days, %, people")
    ascending = models.BooleanField(
        "higher is better",
        default=True,
        help_text="Ticked: a bigger value is better. Unticked: smaller is better.",
    )
    baseline_value = models.DecimalField(max_digits=14, decimal_places=3)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=14, decimal_places=3)
    target_date = models.DateField()
    data_source = models.CharField(max_length=200)
    frequency = models.CharField(
        "collection frequency",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
    )
    owner = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="metrics_owned",
    )

    panels = [
        FieldPanel("pilot"),
        FieldPanel("name"),
        FieldPanel("definition"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("ascending")]),
        FieldRowPanel([FieldPanel("baseline_value"), FieldPanel("baseline_date")]),
        FieldRowPanel([FieldPanel("target_value"), FieldPanel("target_date")]),
        FieldPanel("data_source"),
        FieldPanel("frequency"),
        FieldPanel("owner"),
    ]

    class Meta:
        ordering = ["pilot", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "name"], name="metric_name_once_per_pilot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pilot})"

    def clean(self) -> None:
        errors = {}
        if (
            self.target_date
            and self.baseline_date
            and self.target_date <= self.baseline_date
        ):
            errors["target_date"] = "The target date must be after the baseline date"
        if self.target_value is not None and self.baseline_value is not None:
            worse = (
                self.target_value < self.baseline_value
                if self.ascending
                else self.target_value > self.baseline_value
            )
            if worse:
                errors["target_value"] = (
                    "The target must be better than the baseline: higher when higher "
                    "is better, lower when lower is better"
                )
        if errors:
            raise ValidationError(errors)


class Measurement(models.Model):
    """One period's actual value. `period` is the first day of the period measured."""

    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="measurements"
    )
    period = models.DateField(help_text="The first day of the period measured.")
    value = models.DecimalField(max_digits=14, decimal_places=3)
    note = models.TextField(blank=True)
    provisional = models.BooleanField(
        default=False, help_text="Ticked while the figure may still change."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("metric"),
        FieldPanel("period"),
        FieldPanel("value"),
        FieldPanel("note"),
        FieldPanel("provisional"),
    ]

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period"], name="measurement_period_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric.name}, {self.period:%B %Y}: {self.value}"


class ImportJob(models.Model):
    """A CSV import of measurements for one pilot: validated whole, saved whole or not."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Checking and saving"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Not imported: errors found"

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200, blank=True)
    csv_text = models.TextField(editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_saved = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} for {self.pilot}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return round(100 * self.rows_done / self.rows_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def error_lines(self) -> list[str]:
        """The errors found, one sentence per line of the file."""
        return [f"Line {e['line']}: {e['message']}" for e in self.errors]


# The published page types live in their own module; imported here so Django finds them.
from .publishing.pages import (  # noqa: E402, F401
    CaseStudyIndexPage,
    CaseStudyPage,
    PartnerIndexPage,
    PartnerPage,
)
