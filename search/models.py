"""What the public search finds: one flat document per published, public page.

Every searchable page type answers `search_document()` with the fields below; the
document is rebuilt when the page is published and removed when it is unpublished,
made private or deleted. Both search backends (database and Elasticsearch) index these
documents, so the search service sees one shape whatever the backend, and nothing that
is not on a public page (entries, scores, private contacts, drafts) can reach them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index


class SearchDocument(index.Indexed, models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="search_document"
    )
    content_type = models.CharField(max_length=40, db_index=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    area = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(max_length=40, blank=True, db_index=True)
    evidence_level = models.PositiveSmallIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    # [{"slug": ..., "name": ...}]: kept on the document so that one query reads every
    # facet of every match (the database backend counts facets from that one read).
    themes = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("id"),
        index.FilterField("content_type"),
        index.FilterField("area"),
        index.FilterField("status"),
        index.FilterField("evidence_level"),
        index.FilterField("date"),
    ]

    class Meta:
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title


class SearchPage(RoutablePageMixin, Page):
    """The site search at /search/, with its JSON autocomplete at /search/suggest/."""

    # Every query is a new address: caching them would only crowd pages out of the cache.
    page_cache = False

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + ["intro"]
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("search page")

    def get_sitemap_urls(self, request=None) -> list[dict]:
        # Search results are not content: robots.txt keeps crawlers out of /search/.
        return []

    @path("")
    def results(self, request):
        from .views import search_results_view

        return search_results_view(request, page=self)

    @path("suggest/")
    def suggest(self, request):
        from .views import suggest_view

        return suggest_view(request)
