"""Published pages of the pilots app: case studies and partnership profiles.

`CaseStudyIndexPage` (/case-studies/) lists `CaseStudyPage`s, each linked to one pilot;
`PartnerIndexPage` (/partners/) lists `PartnerPage`s, one per organisation. The results
on a case study (headline figures, charts, tables, CSV) are read from the pilot's
live measurements every time the page is served, never copied into the page, so a new
measurement appears without republishing.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link"]


class CaseStudyIndexPage(RoutablePageMixin, Page):
    """The case-study finder at /case-studies/ with its RSS feed at /case-studies/feed/."""

    intro = models.TextField(
        max_length=400, blank=True, help_text="One or two sentences under the heading"
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["pilots.CaseStudyPage"]

    class Meta:
        verbose_name = "case study index page"

    def get_context(self, request, *args, **kwargs):
        from .selectors import case_study_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(case_study_index_context(index_page=self, params=request.GET))
        return context

    @path("feed/", name="feed")
    def feed_route(self, request):
        from .views import CaseStudyFeed

        return CaseStudyFeed(index_page=self)(request)


class CaseStudyPage(RoutablePageMixin, Page):
    """A pilot's case study: the narrative beside the pilot's measured results."""

    og_type = "article"  # Open Graph (lab_tags.page_meta)

    pilot = models.ForeignKey(
        "pilots.Pilot",
        on_delete=models.PROTECT,
        related_name="case_studies",
        help_text="The pilot this case study reports; its results are shown live.",
    )
    summary = models.TextField(
        max_length=600, help_text="What was tried and what happened, in two sentences"
    )
    problem = RichTextField("the problem", features=RICH_TEXT_FEATURES)
    what_was_done = RichTextField("what was done", features=RICH_TEXT_FEATURES)
    cost_summary = models.TextField(
        "cost",
        blank=True,
        help_text="What the money paid for and any costs not in the pilot budget",
    )
    lessons_learned = RichTextField(features=RICH_TEXT_FEATURES)
    how_to_replicate = RichTextField("how to replicate it", features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("pilot"),
        FieldPanel("summary"),
        FieldPanel("problem"),
        FieldPanel("what_was_done"),
        FieldPanel("cost_summary"),
        MultiFieldPanel(
            [FieldPanel("lessons_learned"), FieldPanel("how_to_replicate")],
            heading="For others",
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("problem"),
        index.SearchField("what_was_done"),
        index.SearchField("lessons_learned"),
        index.FilterField("pilot"),
    ]
    parent_page_types = ["pilots.CaseStudyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "case study"
        verbose_name_plural = "case studies"

    def get_context(self, request, *args, **kwargs):
        from .selectors import case_study_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(case_study_page_context(case_study=self))
        return context

    # Wagtail routes only paths of words and hyphens ending in "/", so no ".csv" here.
    @path("measurements/", name="csv")
    def csv_route(self, request):
        from .views import case_study_csv_view

        return case_study_csv_view(request, case_study=self)

    @path("contact/", name="contact")
    def contact_route(self, request):
        from .views import case_study_contact_view

        return case_study_contact_view(request, case_study=self)

    @path("contact/sent/", name="contact_sent")
    def contact_sent_route(self, request):
        from .views import case_study_contact_sent_view

        return case_study_contact_sent_view(request, case_study=self)

    def search_document_fields(self) -> dict:
        """What the public search holds for this case study (see search.models)."""
        from .selectors import case_study_search_document_fields

        return case_study_search_document_fields(case_study=self)


class PartnerIndexPage(Page):
    """Partnership profiles at /partners/, filtered by organisation type and area."""

    intro = models.TextField(
        max_length=400, blank=True, help_text="One or two sentences under the heading"
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["pilots.PartnerPage"]

    class Meta:
        verbose_name = "partner index page"

    def get_context(self, request, *args, **kwargs):
        from .selectors import partner_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(partner_index_context(index_page=self, params=request.GET))
        return context


class PartnerPage(Page):
    """One organisation's partnership profile; its pilots and challenges are live."""

    organisation = models.OneToOneField(
        "home.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_page",
        help_text="Type, area and website come from the organisation's record.",
    )
    summary = models.TextField(
        max_length=400, blank=True, help_text="One sentence about the organisation"
    )
    profile = RichTextField(
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="Its part in public-service reform and in the Lab",
    )

    content_panels = Page.content_panels + [
        FieldPanel("organisation"),
        FieldPanel("summary"),
        FieldPanel("profile"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("profile"),
        index.FilterField("organisation"),
    ]
    parent_page_types = ["pilots.PartnerIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "partner page"

    def get_context(self, request, *args, **kwargs):
        from .selectors import partner_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(partner_page_context(partner=self))
        return context

    def search_document_fields(self) -> dict:
        """What the public search holds for this profile (see search.models)."""
        from .selectors import partner_search_document_fields

        return partner_search_document_fields(partner=self)
