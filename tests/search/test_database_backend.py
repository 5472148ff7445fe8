"""The database backend counts facets and applies filters in Python, from one read of the
matching documents. These tests hold it to the plain definition, worked out here the slow
way over every document, for many combinations of words and filters."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from search.backends.database import DatabaseBackend
from search.models import SearchDocument
from search.types import FACETS, SearchQuery
from tests.search.conftest import CORPUS, THEME_NAMES, corpus_from

# Every test here reads the same corpus: built once for the module.
pytestmark = pytest.mark.usefixtures("shared_corpus")


@pytest.fixture
def corpus(shared_corpus, db, fresh_cache):
    return corpus_from(shared_corpus)


VOCABULARY = {
    "content_type": sorted({row[1] for row in CORPUS}),
    "theme": sorted(THEME_NAMES),
    "area": sorted({row[4] for row in CORPUS if row[4]}) + ["nowhere"],
    "status": sorted({row[5] for row in CORPUS if row[5]}),
    "evidence_level": ["1", "2", "3", "4"],
}
WORDS = ["", "council", "fire", "hospital discharge", "homes", "police", "data"]


def values(document: SearchDocument, facet: str) -> set[str]:
    if facet == "theme":
        return {t["slug"] for t in document.themes}
    value = getattr(document, facet)
    return set() if value in (None, "") else {str(value)}


def expected(text: str, filters: dict[str, tuple[str, ...]]):
    """Total, ranked ids and facet counts by the definition: a document is a result when
    it matches the words and, for every filtered facet, one of the chosen values; a
    facet's counts are over the documents that pass every filter but its own."""
    documents = list(SearchDocument.objects.all())
    if text:
        ranked = [
            d.pk
            for d in get_search_backend().search(
                PlainText(text, operator="and"), SearchDocument
            )
        ]
        documents = sorted(
            (d for d in documents if d.pk in ranked), key=lambda d: ranked.index(d.pk)
        )

    def passes(document, skip=None):
        return all(
            values(document, facet) & set(chosen)
            for facet, chosen in filters.items()
            if facet != skip
        )

    results = [d for d in documents if passes(d)]
    facets = {}
    for facet in FACETS:
        counts: dict[str, int] = {}
        for document in documents:
            if passes(document, skip=facet):
                for value in values(document, facet):
                    counts[value] = counts.get(value, 0) + 1
        facets[facet] = counts
    return results, facets


filters_strategy = st.fixed_dictionaries(
    {},
    optional={
        facet: st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True)
        for facet, choices in VOCABULARY.items()
    },
)


@pytest.mark.django_db
class DatabaseBackendDefinitionTests:
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(text=st.sampled_from(WORDS), filters=filters_strategy)
    def test_results_and_facets_follow_the_definition(self, corpus, text, filters):
        filters = {facet: tuple(sorted(chosen)) for facet, chosen in filters.items()}
        query = SearchQuery(text=text, filters=filters, per_page=50)
        results = DatabaseBackend().search(query)
        want, want_facets = expected(text, filters)
        assert results.total == len(want)
        if text:  # by relevance, as Wagtail ranks the words
            assert [h.page_id for h in results.hits] == [d.page_id for d in want]
        else:
            assert {h.page_id for h in results.hits} == {d.page_id for d in want}
        for facet in FACETS:
            got = {f.value: f.count for f in results.facets[facet]}
            assert got == want_facets[facet], facet
            for f in results.facets[facet]:
                assert f.selected == (f.value in filters.get(facet, ()))

    def test_facet_labels(self, corpus):
        facets = DatabaseBackend().search(SearchQuery()).facets
        labels = {f.value: f.label for facet in FACETS for f in facets[facet]}
        assert labels["safer-communities"] == "Safer communities"
        assert labels["case-study"] == "Case study"
        assert labels["3"] == "Level 3"
        assert labels["sandwell"] == "Sandwell"

    def test_by_date_newest_first_undated_last(self, corpus):
        query = SearchQuery(sort="date", per_page=100)
        hits = DatabaseBackend().search(query).hits
        dated = [h for h in hits if h.date]
        undated = [h for h in hits if not h.date]
        assert dated and undated
        assert hits == dated + undated
        assert [h.date for h in dated] == sorted((h.date for h in dated), reverse=True)
        assert [h.title for h in undated] == sorted(h.title for h in undated)

    def test_pages_follow_the_ranking(self, corpus):
        ranked = DatabaseBackend().search(SearchQuery(text="council", per_page=100))
        assert ranked.total > 4
        pages = [
            h.page_id
            for n in (1, 2, 3)
            for h in DatabaseBackend()
            .search(SearchQuery(text="council", per_page=2, page=n))
            .hits
        ]
        assert pages == [h.page_id for h in ranked.hits][:6]
