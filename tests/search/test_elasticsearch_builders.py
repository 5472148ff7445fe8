"""The Elasticsearch mapping and query builders, checked through their to_dict()."""

from search.backends.elasticsearch import build_index, build_suggest, search_body
from search.types import SearchQuery


class MappingTests:
    def test_index_named_with_the_prefix(self, settings):
        settings.ELASTICSEARCH_INDEX_PREFIX = "staging"
        assert build_index()._name == "staging_documents"

    def test_english_analyser_with_stemming_and_synonyms(self):
        body = build_index().to_dict()
        analysis = body["settings"]["analysis"]
        search_filters = analysis["analyzer"]["lab_english_search"]["filter"]
        assert search_filters == [
            "lowercase",
            "lab_synonyms",
            "lab_english_stop",
            "lab_english_stemmer",
        ]
        assert "lab_synonyms" not in analysis["analyzer"]["lab_english"]["filter"]
        assert analysis["filter"]["lab_english_stemmer"] == {
            "type": "stemmer",
            "language": "english",
        }
        synonyms = analysis["filter"]["lab_synonyms"]["synonyms"]
        assert any(s.startswith("asb, anti-social behaviour") for s in synonyms)
        assert any(s.startswith("neet,") for s in synonyms)
        assert any("a&e" in s and "emergency department" in s for s in synonyms)
        assert any(s.startswith("la, local authority") for s in synonyms)

    def test_mapping_fields(self):
        properties = build_index().to_dict()["mappings"]["properties"]
        assert properties["title"]["search_analyzer"] == "lab_english_search"
        assert properties["theme"] == {"type": "keyword"}
        assert properties["evidence_level"] == {"type": "integer"}
        assert properties["suggest"]["type"] == "completion"


class QueryBuilderTests:
    def test_text_query_requires_every_word(self):
        body = search_body(SearchQuery(text="repeat calls"))
        assert body["query"]["multi_match"] == {
            "query": "repeat calls",
            "fields": ["title^3", "summary^2", "body"],
            "type": "best_fields",
            "operator": "and",
        }

    def test_no_text_matches_everything(self):
        assert "query" not in search_body(SearchQuery())

    def test_filters_go_to_post_filter_and_other_facets(self):
        body = search_body(
            SearchQuery(filters={"theme": ("housing",), "evidence_level": ("3", "4")})
        )
        must = body["post_filter"]["bool"]["must"]
        assert {"terms": {"theme": ["housing"]}} in must
        assert {"terms": {"evidence_level": [3, 4]}} in must
        # The theme facet is counted without the theme filter, so siblings stay visible.
        theme_agg = body["aggs"]["_filter_theme"]
        assert theme_agg["filter"] == {"terms": {"evidence_level": [3, 4]}}
        assert theme_agg["aggs"]["theme"]["terms"]["field"] == "theme"

    def test_pagination_and_sort(self):
        body = search_body(SearchQuery(text="x", page=3, per_page=10, sort="date"))
        assert body["from"] == 20 and body["size"] == 10
        assert body["sort"] == [{"date": {"order": "desc"}}, "_score"]
        assert "sort" not in search_body(SearchQuery(text="x"))

    def test_highlighting_is_html_encoded_with_mark(self):
        highlight = search_body(SearchQuery(text="x"))["highlight"]
        assert highlight["fields"]["summary"]["pre_tags"] == ["<mark>"]
        assert highlight["fields"]["summary"]["encoder"] == "html"

    def test_suggest_uses_the_completion_field(self):
        body = build_suggest("hosp", limit=5).to_dict()
        assert body["suggest"]["titles"] == {
            "prefix": "hosp",
            "completion": {"field": "suggest", "size": 5, "skip_duplicates": True},
        }
        assert body["size"] == 0
