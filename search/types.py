"""The search service's small interface: a query in, results with facet counts out."""

from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
FACETS = ("content_type", "theme", "area", "status", "evidence_level")
SORTS = ("relevance", "date")

CONTENT_TYPE_LABELS = {
    "challenge": "Urban Challenge",
    "case-study": "Case study",
    "partner": "Partner profile",
    "page": "Guidance page",
}


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchHit:
    page_id: int
    title: str
    url: str
    summary: str
    highlight: str  # HTML: escaped text with matched terms in <mark>
    content_type: str
    date: object | None

    @property
    def content_type_label(self) -> str:
        return CONTENT_TYPE_LABELS.get(self.content_type, self.content_type)


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetValue]]

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))
