import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock, stream_text
from .validators import validate_single_line


class User(AbstractUser):
    """Everyone who signs in: staff in the Wagtail admin and front-end accounts alike.

    The email address is unique because people sign in and are contacted by it.
    """

    email = models.EmailField("email address", unique=True)
    # When the address was confirmed. Empty only for a self sign-up that has never
    # been active: such an account may confirm itself once; any other inactive account
    # was deactivated, and only staff make it active again. Accounts made any other way
    # (the admin, commands) count as confirmed from the start.
    email_confirmed_at = models.DateTimeField(
        "email confirmed at", null=True, blank=True, default=timezone.now
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def save(self, *args, **kwargs):
        # Kept true however the account is saved (staff activating a sign-up in the
        # admin included): an account that has been active never awaits confirmation
        # again, so no confirmation link can reactivate it.
        if self.is_active and self.email_confirmed_at is None:
            self.email_confirmed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_confirmed_at"}
        super().save(*args, **kwargs)

    @property
    def awaits_confirmation(self) -> bool:
        """A self sign-up that has never been active nor signed in."""
        return (
            not self.is_active
            and self.email_confirmed_at is None
            and self.last_login is None
        )

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username


class HomePage(Page):
    intro = models.TextField(
        max_length=400, help_text="One or two sentences under the main heading"
    )
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "lab_search.SearchPage",
        "challenges.ChallengeIndexPage",
        "pilots.CaseStudyIndexPage",
        "pilots.PartnerIndexPage",
    ]

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        # The sections (open challenges, latest case studies, programme figures) come
        # from the apps above `home`, each registering a `construct_home_page_context`
        # hook, as Wagtail's admin dashboard is built from `construct_homepage_panels`.
        context = super().get_context(request, *args, **kwargs)
        for fn in hooks.get_hooks("construct_home_page_context"):
            fn(request, context)
        return context


class StandardPage(Page):
    """A plain content page: guidance, policies, the accessibility statement."""

    intro = models.TextField(
        max_length=400, blank=True, help_text="A short summary shown under the title"
    )
    body = StreamField(BaseStreamBlock())
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="Shown on the page as 'Last reviewed'"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = "standard page"

    def search_document_fields(self) -> dict:
        """What the public search holds for this page (see search.models)."""
        return {
            "content_type": "page",
            "title": self.title,
            "summary": self.intro or self.search_description,
            "body": stream_text(self.body),
            "url": self.get_url() or "",
            "date": self.last_reviewed
            or (self.last_published_at and self.last_published_at.date()),
            "themes": [],
        }


@register_setting(icon="site")
class LabSettings(BaseGenericSetting):
    """Site-wide links and contact details that editors keep current."""

    accessibility_statement = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Linked from every page footer",
    )
    privacy_notice = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Linked from every page footer and every form that takes personal data",
    )
    contact_email = models.EmailField(default="impactlab@wmca.example")
    phase = models.CharField(
        max_length=10,
        choices=[("alpha", "Alpha"), ("beta", "Beta"), ("", "None")],
        default="beta",
        blank=True,
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("accessibility_statement"), FieldPanel("privacy_notice")],
            heading="Footer links",
        ),
        FieldPanel("contact_email"),
        FieldPanel("phase"),
    ]

    class Meta:
        verbose_name = "Lab settings"


class LocalAuthorityArea(models.TextChoices):
    """The region's local authority areas (WMCA constituent and neighbouring councils)."""

    BIRMINGHAM = "birmingham", "Birmingham"
    COVENTRY = "coventry", "Coventry"
    DUDLEY = "dudley", "Dudley"
    SANDWELL = "sandwell", "Sandwell"
    SOLIHULL = "solihull", "Solihull"
    WALSALL = "walsall", "Walsall"
    WOLVERHAMPTON = "wolverhampton", "Wolverhampton"
    BROMSGROVE = "bromsgrove", "Bromsgrove"
    CANNOCK_CHASE = "cannock-chase", "Cannock Chase"
    HEREFORDSHIRE = "herefordshire", "Herefordshire"
    MALVERN_HILLS = "malvern-hills", "Malvern Hills"
    NEWCASTLE_UNDER_LYME = "newcastle-under-lyme", "Newcastle-under-Lyme"
    NORTH_WARWICKSHIRE = "north-warwickshire", "North Warwickshire"
    NUNEATON_BEDWORTH = "nuneaton-bedworth", "Nuneaton and Bedworth"
    REDDITCH = "redditch", "Redditch"
    RUGBY = "rugby", "Rugby"
    SHROPSHIRE = "shropshire", "Shropshire"
    SOUTH_STAFFORDSHIRE = "south-staffordshire", "South Staffordshire"
    STAFFORD = "stafford", "Stafford"
    STAFFORDSHIRE = "staffordshire", "Staffordshire"
    STAFFORDSHIRE_MOORLANDS = "staffordshire-moorlands", "Staffordshire Moorlands"
    STOKE_ON_TRENT = "stoke-on-trent", "Stoke-on-Trent"
    STRATFORD_ON_AVON = "stratford-on-avon", "Stratford-on-Avon"
    TAMWORTH = "tamworth", "Tamworth"
    TELFORD_WREKIN = "telford-wrekin", "Telford and Wrekin"
    WARWICK = "warwick", "Warwick"
    WARWICKSHIRE = "warwickshire", "Warwickshire"
    WORCESTER = "worcester", "Worcester"
    WORCESTERSHIRE = "worcestershire", "Worcestershire"
    WYCHAVON = "wychavon", "Wychavon"
    WYRE_FOREST = "wyre-forest", "Wyre Forest"
    REGION_WIDE = "west-midlands", "West Midlands (region-wide)"


class Organisation(models.Model):
    """Every organisation the Lab deals with: public bodies, partners and start-ups.

    Shared by challenges (holders and entrants) and pilots (partners, adopters).
    """

    class Type(models.TextChoices):
        COUNCIL = "council", "Council"
        COMBINED_AUTHORITY = "combined-authority", "Combined authority"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue"
        NHS = "nhs", "NHS"
        UNIVERSITY = "university", "University or college"
        VOLUNTARY = "voluntary", "Voluntary and community"
        BUSINESS = "business", "Business"

    class Size(models.TextChoices):
        MICRO = "micro", "Micro (fewer than 10 people)"
        SMALL = "small", "Small (10 to 49 people)"
        MEDIUM = "medium", "Medium (50 to 249 people)"
        LARGE = "large", "Large (250 people or more)"

    # In email subjects (invitations): one line.
    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    org_type = models.CharField("type", max_length=30, choices=Type.choices)
    org_id = models.CharField(
        "organisation identifier",
        max_length=60,
        blank=True,
        help_text="org-id.guide identifier, e.g. GB-COH-01234567 or GB-LAE-BIR",
    )
    companies_house_number = models.CharField(
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$",
                "Enter a Companies House number: 8 digits, or 2 letters and 6 digits",
            )
        ],
    )
    website = models.URLField(blank=True)
    local_authority_area = models.CharField(
        max_length=40, choices=LocalAuthorityArea.choices, blank=True
    )
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    description = models.TextField(blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganisationMembership",
        related_name="organisations",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("org_type"),
        FieldPanel("org_id"),
        FieldPanel("companies_house_number"),
        FieldPanel("website"),
        FieldPanel("local_authority_area"),
        FieldPanel("size"),
        FieldPanel("description"),
        FieldPanel("logo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("org_type"),
        index.FilterField("local_authority_area"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_id"],
                condition=~models.Q(org_id=""),
                name="organisation_org_id_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """A person who acts for an organisation (enters challenges, leads pilots)."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator (can invite colleagues)"
        MEMBER = "member", "Member"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"


class OrganisationInvitation(models.Model):
    """An invitation, by email, to join an organisation as a member."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Made by the challenges app, where the model began; the table keeps its name.
        db_table = "challenges_organisationinvitation"

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class OutboundEmail(models.Model):
    """Every email the site sends, stored before sending.

    The idempotency key makes each email happen once: queuing the same key again returns
    the stored email, and the sending task skips one already sent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        # Claimed by a worker; the send and the move to SENT happen under a row lock.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Held for the recipient's daily digest, then folded into it.
        HELD = "held", "Held for digest"
        DIGESTED = "digested", "Sent in a digest"
        # The recipient turned this kind of email off.
        SUPPRESSED = "suppressed", "Not sent (turned off)"

    idempotency_key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    # Where a reply goes when it should not come to the Lab (a reader's message to a
    # pilot lead is answered to the reader).
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    kind = models.CharField(max_length=30, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digested_emails",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.status})"


# --- Background jobs: mail log, idempotency keys, task failures, preferences


class MailLog(models.Model):
    """One row per message handed to the mail backend, written in the same transaction
    that marks its email sent: the one-to-one makes a second row impossible."""

    email = models.OneToOneField(
        OutboundEmail, on_delete=models.CASCADE, related_name="log"
    )
    message_id = models.CharField(max_length=250)
    to = models.EmailField()
    subject = models.CharField(max_length=250)
    backend = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.to}"


class IdempotencyKey(models.Model):
    """A one-time side effect that has happened, claimed inside its own transaction.

    See `home.jobs.idempotency_key_claim`."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class TaskFailure(models.Model):
    """A Celery task that failed after its retries, for programme leads to see and retry."""

    class Status(models.TextChoices):
        OPEN = "open", "Failed"
        RETRIED = "retried", "Retried"

    task_name = models.CharField(max_length=200, db_index=True)
    task_id = models.CharField(max_length=100)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    failed_at = models.DateTimeField(auto_now_add=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = "failed task"
        permissions = [("retry_taskfailure", "Can retry a failed background task")]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.failed_at:%Y-%m-%d %H:%M})"


class NotificationKind(models.TextChoices):
    """The kinds of email a person can turn on or off (`email_queue(kind=...)`)."""

    CHALLENGE_UPDATES = "challenge_updates", "Challenge updates"
    CLARIFICATIONS = "clarifications", "Answers to clarification questions"
    ENTRY_RECEIPTS = "entry_receipts", "Receipts for entries you submit"
    FEEDBACK = "feedback", "Feedback on your entries"
    PILOT_UPDATES = "pilot_updates", "Pilot updates"


class NotificationPreference(models.Model):
    """How one person wants to hear from the Lab. No row means the defaults:
    every kind on, sent immediately."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "Straight away, one email for each update"
        DAILY_DIGEST = "daily_digest", "Once a day, in a single summary email"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # The NotificationKind values this person has turned off.
    muted_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    def wants(self, kind: str) -> bool:
        return kind not in self.muted_kinds
