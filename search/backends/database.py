"""Search on the database with Wagtail's search backend (SQLite FTS5 or PostgreSQL
full text), over `SearchDocument`.

Limits, compared with Elasticsearch: no synonym list (searching "ASB" does not find
"anti-social behaviour"), stemming only as the database's full-text engine does it
(PostgreSQL: English stemming; SQLite FTS5: none beyond prefix matching), and highlighting
is done here by marking the query's words in the summary.
"""

import html
import json
import re
from collections import Counter
from typing import NamedTuple

from django.db.models import TextField
from django.db.models.functions import Cast
from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from ..models import SearchDocument
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
    """Each search is two queries whatever the facets and filters: one reads the facet
    fields of every document matching the words (in relevance or date order), and
    filters and facet counts are worked out from those rows; the other fetches the ten
    documents of the page asked for. The first reads one short row per matching
    document, so its cost grows with the matches: bench/search.py measures it at 10,000
    pilots, and beyond that scale the Elasticsearch backend is the one to use."""

    name = "database"

    def search(self, query: SearchQuery) -> SearchResults:
        terms = _terms(query.text)
        words = _words(query.text) if terms else ""
        rows, theme_names = self._rows(
            words, ranked=bool(words) and query.sort == "relevance"
        )
        chosen = {facet: set(values) for facet, values in query.filters.items()}
        failures = [_failed(row, chosen) for row in rows]
        kept = [
            row.id for row, failed in zip(rows, failures, strict=True) if not failed
        ]
        start = (query.page - 1) * query.per_page
        page_ids = kept[start : start + query.per_page]
        documents = SearchDocument.objects.only(
            "page_id", "content_type", "title", "url", "summary", "body", "date"
        ).in_bulk(page_ids)
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
            for d in (documents[i] for i in page_ids if i in documents)
        ]
        return SearchResults(
            query=query,
            hits=hits,
            total=len(kept),
            facets=_facets(rows, failures, chosen, theme_names),
        )

    def _rows(self, words: str, *, ranked: bool) -> tuple[list["_Row"], dict]:
        """Every document matching the words (all of them when there are none), as
        facet rows: by relevance when `ranked`, otherwise newest first; and the names
        of the themes they carry."""
        if words:
            queryset = (
                get_search_backend()
                .search(
                    PlainText(words, operator="and"),
                    SearchDocument.objects.order_by(),
                    order_by_relevance=ranked,
                )
                .get_queryset()
            )
        else:
            queryset = SearchDocument.objects.order_by()
        # Themes come as text: documents share a few dozen theme lists between them,
        # so each distinct list is decoded once.
        decoded: dict[str, tuple[str, ...]] = {}
        theme_names: dict[str, str] = {}
        rows = []
        columns = ("id", "content_type", "area", "status", "evidence_level", "date")
        for *fields, title, themes in queryset.values_list(
            *columns, "title", Cast("themes", TextField())
        ):
            id_, content_type, area, status, level, date = fields
            slugs = decoded.get(themes)
            if slugs is None:
                pairs = json.loads(themes or "[]")
                theme_names.update((t["slug"], t["name"]) for t in pairs)
                slugs = decoded[themes] = tuple(t["slug"] for t in pairs)
            rows.append(
                _Row(
                    id_,
                    date,
                    title,
                    {
                        "content_type": (content_type,),
                        "theme": slugs,
                        "area": (area,) if area else (),
                        "status": (status,) if status else (),
                        "evidence_level": () if level is None else (str(level),),
                    },
                )
            )
        if not ranked:
            # Newest first, undated last, then by title: in Python, so the order is
            # the same on every database.
            rows.sort(key=lambda r: r.title)
            rows.sort(key=lambda r: r.date.toordinal() if r.date else 0, reverse=True)
        return rows, theme_names

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


class _Row(NamedTuple):
    id: int
    date: object
    title: str
    values: dict[str, tuple[str, ...]]  # facet: this document's values


def _failed(row: _Row, chosen: dict[str, set[str]]) -> tuple[str, ...]:
    """The chosen facets this document does not match."""
    return tuple(
        facet
        for facet, values in chosen.items()
        if values.isdisjoint(row.values[facet])
    )


def _facets(rows, failures, chosen, theme_names) -> dict[str, list[FacetValue]]:
    """Counts per facet value. Each facet counts the documents that match every other
    chosen filter, so choosing one value does not hide its siblings."""
    counts = {facet: Counter() for facet in FACETS}
    for row, failed in zip(rows, failures, strict=True):
        if not failed:
            for facet in FACETS:
                counts[facet].update(row.values[facet])
        elif len(failed) == 1:
            counts[failed[0]].update(row.values[failed[0]])
    return {
        facet: sorted(
            (
                FacetValue(
                    value=value,
                    label=theme_names.get(value, value)
                    if facet == "theme"
                    else _label(facet, value),
                    count=n,
                    selected=value in chosen.get(facet, ()),
                )
                for value, n in counts[facet].items()
            ),
            key=lambda f: (-f.count, f.label),
        )
        for facet in FACETS
    }
