"""Search on Elasticsearch 8, built with elasticsearch-dsl.

One index, `<ELASTICSEARCH_INDEX_PREFIX>_documents`, holds a `LabDocument` per
`SearchDocument`: an English analyser with stemming and the public-sector synonym list,
facets through `FacetedSearch`, highlighting, and a completion suggester on titles.
The mapping and query builders are plain functions so that tests can check their
`to_dict()` output without a cluster; the contract suite runs them against a live
cluster whenever ELASTICSEARCH_URL is set.
"""

import contextlib

from django.conf import settings
from elasticsearch_dsl import (
    Completion,
    Date,
    Document,
    FacetedSearch,
    Index,
    Integer,
    Keyword,
    Q,
    TermsFacet,
    Text,
    analyzer,
    connections,
    token_filter,
)

from ..models import SearchDocument
from ..types import (
    CONTENT_TYPE_LABELS,
    FACETS,
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResults,
)

# Public-sector terms people search for in more than one way (Solr synonym format).
SYNONYMS = [
    "asb, anti-social behaviour, antisocial behaviour, anti social behaviour",
    "neet, not in education employment or training",
    "a&e, a and e, accident and emergency, emergency department",
    "la, local authority, council",
    "icb, integrated care board",
    "wmp, west midlands police",
    "wmfs, west midlands fire service",
    "sme, small business",
    "dtoc, delayed discharge, delayed transfer of care",
]

synonym_filter = token_filter(
    "lab_synonyms", type="synonym_graph", synonyms=SYNONYMS, lenient=True
)
english_stemmer = token_filter(
    "lab_english_stemmer", type="stemmer", language="english"
)
english_stop = token_filter("lab_english_stop", type="stop", stopwords="_english_")

# Index time: no synonyms (synonym_graph is a search-time filter); search time: synonyms.
lab_english = analyzer(
    "lab_english",
    tokenizer="standard",
    filter=["lowercase", english_stop, english_stemmer],
)
lab_english_search = analyzer(
    "lab_english_search",
    tokenizer="standard",
    filter=["lowercase", synonym_filter, english_stop, english_stemmer],
)


def index_name() -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_documents"


class LabDocument(Document):
    title = Text(analyzer=lab_english, search_analyzer=lab_english_search)
    summary = Text(analyzer=lab_english, search_analyzer=lab_english_search)
    body = Text(analyzer=lab_english, search_analyzer=lab_english_search)
    url = Keyword(index=False)
    content_type = Keyword()
    theme = Keyword(multi=True)
    theme_name = Keyword(multi=True, index=False)
    area = Keyword()
    status = Keyword()
    evidence_level = Integer()
    date = Date()
    suggest = Completion()

    @classmethod
    def from_model(cls, document: SearchDocument) -> "LabDocument":
        themes = document.themes
        return cls(
            meta={"id": document.page_id},
            title=document.title,
            summary=document.summary,
            body=document.body,
            url=document.url,
            content_type=document.content_type,
            theme=[t["slug"] for t in themes],
            theme_name=[t["name"] for t in themes],
            area=document.area or None,
            status=document.status or None,
            evidence_level=document.evidence_level,
            date=document.date,
            suggest={"input": [document.title], "weight": 1},
        )


def build_index() -> Index:
    """The index with its settings and mapping (see its `to_dict()`)."""
    index = Index(index_name())
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(LabDocument)
    return index


class LabFacetedSearch(FacetedSearch):
    fields = ["title^3", "summary^2", "body"]
    facets = {
        "content_type": TermsFacet(field="content_type", size=10),
        "theme": TermsFacet(field="theme", size=50),
        "area": TermsFacet(field="area", size=50),
        "status": TermsFacet(field="status", size=10),
        "evidence_level": TermsFacet(field="evidence_level", size=5),
    }

    def __init__(self, *args, sort_by_date: bool = False, **kwargs):
        self.sort_by_date = sort_by_date
        self.index = index_name()
        super().__init__(*args, **kwargs)

    def search(self):
        return super().search().source(excludes=["body", "suggest"])

    def query(self, search, query):
        if not query:
            return search
        return search.query(
            Q(
                "multi_match",
                query=query,
                fields=self.fields,
                type="best_fields",
                operator="and",
            )
        )

    def highlight(self, search):
        return search.highlight(
            "summary",
            "body",
            fragment_size=200,
            number_of_fragments=1,
            pre_tags=["<mark>"],
            post_tags=["</mark>"],
            encoder="html",
        )

    def sort(self, search):
        if self.sort_by_date:
            return search.sort("-date", "_score")
        return search


def build_search(query: SearchQuery) -> LabFacetedSearch:
    filters = {k: list(v) for k, v in query.filters.items() if k in FACETS}
    if "evidence_level" in filters:
        filters["evidence_level"] = [
            int(v) for v in filters["evidence_level"] if v.isdigit()
        ]
    start = (query.page - 1) * query.per_page
    faceted = LabFacetedSearch(
        query.text or None, filters, sort_by_date=query.sort == "date"
    )
    return faceted[start : start + query.per_page]


def search_body(query: SearchQuery) -> dict:
    """The request body `search` sends for this query."""
    return build_search(query)._s.to_dict()


def build_suggest(text: str, *, limit: int):
    return (
        LabDocument.search(index=index_name())
        .source(["title", "url", "content_type"])
        .suggest(
            "titles",
            text,
            completion={"field": "suggest", "size": limit, "skip_duplicates": True},
        )
        .extra(size=0)
    )


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self):
        connections.create_connection(
            alias="default", hosts=[settings.ELASTICSEARCH_URL], request_timeout=5
        )

    def search(self, query: SearchQuery) -> SearchResults:
        response = build_search(query).execute()
        hits = []
        for hit in response:
            highlighted = getattr(hit.meta, "highlight", None)
            fragment = ""
            if highlighted:
                fragment = (
                    getattr(highlighted, "summary", None)
                    or getattr(highlighted, "body", [""])
                )[0]
            hits.append(
                SearchHit(
                    page_id=int(hit.meta.id),
                    title=hit.title,
                    url=hit.url,
                    summary=hit.summary,
                    highlight=fragment or hit.summary,
                    content_type=hit.content_type,
                    date=getattr(hit, "date", None),
                )
            )
        facets = {}
        for name in FACETS:
            facets[name] = [
                FacetValue(
                    value=str(v), label=_label(name, v), count=n, selected=bool(sel)
                )
                for v, n, sel in getattr(response.facets, name, [])
            ]
        return SearchResults(
            query=query, hits=hits, total=response.hits.total.value, facets=facets
        )

    def suggest(self, text: str, *, limit: int) -> list[dict]:
        response = build_suggest(text, limit=limit).execute()
        return [
            {
                "title": o._source.title,
                "url": o._source.url,
                "type": o._source.content_type,
            }
            for o in response.suggest.titles[0].options
        ]

    def index(self, *, document: SearchDocument) -> None:
        LabDocument.from_model(document).save(index=index_name(), refresh="wait_for")

    def remove(self, *, page_id: int) -> None:
        from elasticsearch import NotFoundError

        with contextlib.suppress(NotFoundError):
            LabDocument(meta={"id": page_id}).delete(
                index=index_name(), refresh="wait_for"
            )

    def rebuild(self, documents) -> int:
        from elasticsearch.helpers import bulk

        index = build_index()
        if index.exists():
            index.delete()
        index.create()
        count, _ = bulk(
            connections.get_connection(),
            (
                LabDocument.from_model(d).to_dict(include_meta=True, skip_empty=False)
                | {"_index": index_name()}
                for d in documents
            ),
            refresh="wait_for",
        )
        return count


def _label(facet: str, value) -> str:
    from .database import _label as database_label

    return database_label(facet, value)


__all__ = ["CONTENT_TYPE_LABELS", "ElasticsearchBackend", "build_index", "build_search"]
