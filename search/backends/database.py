"""Search on the database with Wagtail's search backend (SQLite FTS5 or PostgreSQL
full text), over `SearchDocument`.

Limits, compared with Elasticsearch: no synonym list (searching "ASB" does not find
"anti-social behaviour"), stemming only as the database's full-text engine does it
(PostgreSQL: English stemming; SQLite FTS5: none beyond prefix matching), and highlighting
is done here by marking the query's words in the summary.
"""

import html
import re
from collections import Counter

from django.db.models import Count
from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from ..models import SearchDocument, SearchDocumentTheme
from ..types import (
    CONTENT_TYPE_LABELS,
    FACETS,
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResults,
)

_WORD = re.compile(r"\w+", re.UNICODE)


def highlight(text: str, terms: list[str], *, length: int = 240) -> str:
    """Escaped text around the first match, with every query word wrapped in <mark>."""
    if not text:
        return ""
    lowered = text.lower()
    starts = [lowered.find(t) for t in terms if t and lowered.find(t) >= 0]
    start = max(0, min(starts) - 60) if starts else 0
    snippet = text[start : start + length]
    escaped = html.escape(snippet)
    if terms:
        pattern = re.compile(
            "|".join(
                re.escape(html.escape(t)) for t in sorted(terms, key=len, reverse=True)
            ),
            re.IGNORECASE,
        )
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    prefix = "…" if start else ""
    suffix = "…" if start + length < len(text) else ""
    return f"{prefix}{escaped}{suffix}"


def _terms(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if len(w) > 1][:20]


def _words(text: str) -> str:
    """The query as plain words: quotes and operators mean nothing here, and some
    (an unpaired `"` after a word) break SQLite's full-text MATCH syntax."""
    return " ".join(_WORD.findall(text))


class DatabaseBackend:
    name = "database"

    def _filtered(self, query: SearchQuery, *, skip: str | None = None):
        qs = SearchDocument.objects.all()
        for facet, values in query.filters.items():
            if facet == skip:
                continue
            if facet == "theme":
                # Wagtail's search can filter only on the document's own fields, so the
                # theme filter becomes a list of document ids.
                ids = SearchDocumentTheme.objects.filter(slug__in=values).values_list(
                    "document_id", flat=True
                )
                qs = qs.filter(id__in=list(ids))
            elif facet == "evidence_level":
                levels = [int(v) for v in values if v.isdigit()]
                qs = qs.filter(evidence_level__in=levels)
            else:
                qs = qs.filter(**{f"{facet}__in": values})
        return qs

    # Up to this many matches, the full-text search runs once per request and the
    # facet counts filter on the ids; above it, each count repeats it as a subquery.
    MATCH_IDS_LIMIT = 5000

    def _matching(self, qs, query: SearchQuery):
        """The documents of `qs` matching the text (every document when none)."""
        if not _terms(query.text):
            return qs
        ids = self._match_ids.get(query.text)
        if ids is None:
            results = get_search_backend().search(
                PlainText(_words(query.text), operator="and"),
                SearchDocument.objects.all(),
            )
            # Wagtail's database results expose their SQL as a queryset.
            matches = results.get_queryset().values("pk")
            ids = list(matches.values_list("pk", flat=True)[: self.MATCH_IDS_LIMIT + 1])
            if len(ids) > self.MATCH_IDS_LIMIT:
                ids = matches  # too many to list: keep it a subquery
            self._match_ids[query.text] = ids
        return qs.filter(pk__in=ids)

    def search(self, query: SearchQuery) -> SearchResults:
        self._match_ids: dict[str, object] = {}
        base = self._filtered(query)
        terms = _terms(query.text)
        if terms and query.sort == "relevance":
            ranked = get_search_backend().search(
                PlainText(_words(query.text), operator="and"), base
            )
            total = ranked.count()
            start = (query.page - 1) * query.per_page
            documents = list(ranked[start : start + query.per_page])
        else:
            matching = self._matching(base, query).order_by("-date", "title")
            total = matching.count()
            start = (query.page - 1) * query.per_page
            documents = list(matching[start : start + query.per_page])
        hits = [
            SearchHit(
                page_id=d.page_id,
                title=d.title,
                url=d.url,
                summary=d.summary,
                highlight=highlight(d.summary or d.body, terms),
                content_type=d.content_type,
                date=d.date,
            )
            for d in documents
        ]
        return SearchResults(
            query=query, hits=hits, total=total, facets=self._facets(query)
        )

    def _facets(self, query: SearchQuery) -> dict[str, list[FacetValue]]:
        """Counts per facet value. Each facet counts the documents that match every
        other chosen filter, so choosing one value does not hide its siblings."""
        facets = {}
        for facet in FACETS:
            matching = self._matching(self._filtered(query, skip=facet), query)
            if facet == "theme":
                rows = (
                    SearchDocumentTheme.objects.filter(document__in=matching)
                    .values("slug", "name")
                    .annotate(count=Count("document", distinct=True))
                )
                counts = Counter({(r["slug"], r["name"]): r["count"] for r in rows})
            else:
                rows = (
                    matching.exclude(**{f"{facet}__isnull": True})
                    .exclude(**{facet: ""} if facet != "evidence_level" else {})
                    .values(facet)
                    .annotate(count=Count("pk"))
                )
                counts = Counter(
                    {(str(r[facet]), _label(facet, r[facet])): r["count"] for r in rows}
                )
            chosen = set(query.filters.get(facet, ()))
            facets[facet] = sorted(
                (
                    FacetValue(value=v, label=label, count=n, selected=v in chosen)
                    for (v, label), n in counts.items()
                ),
                key=lambda f: (-f.count, f.label),
            )
        return facets

    def suggest(self, text: str, *, limit: int) -> list[dict]:
        words = _words(text)
        if not words:
            return []
        results = get_search_backend().autocomplete(words, SearchDocument)[:limit]
        return [
            {"title": d.title, "url": d.url, "type": d.content_type} for d in results
        ]

    def index(self, *, document: SearchDocument) -> None:
        """Wagtail's signal handlers keep the database index current on save."""

    def remove(self, *, page_id: int) -> None:
        """Deleting the document removes it from the database index."""


def _label(facet: str, value) -> str:
    if facet == "content_type":
        return CONTENT_TYPE_LABELS.get(value, str(value).replace("-", " ").capitalize())
    if facet == "evidence_level":
        return f"Level {value}"
    if facet == "area":
        from home.models import LocalAuthorityArea

        try:
            return LocalAuthorityArea(value).label
        except ValueError:
            return str(value)
    return str(value).replace("-", " ").capitalize()
