from django.contrib.auth.models import AbstractUser
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock


class User(AbstractUser):
    """Everyone who signs in: staff in the Wagtail admin and front-end accounts alike.

    The email address is unique because people sign in and are contacted by it.
    """

    email = models.EmailField("email address", unique=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

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
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = "home page"


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
