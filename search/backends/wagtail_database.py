"""Wagtail's database search backend, with every query kept as text on SQLite.

Wagtail's own searches (the admin's, the page API's `?search=`) go through this
backend, not through the site's search service. On SQLite the backend writes each word
into FTS5's MATCH syntax between double quotes without doubling the quotes inside it, so
an unpaired `"` typed by anyone is an FTS5 syntax error and a 500. Here quotes inside
words and phrases are doubled, as FTS5 reads a literal quote: a `"` is searched for as
text. PostgreSQL and the fallback backend are used unchanged.
"""

from modelsearch.backends import database
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteSearchBackend,
)
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteSearchQueryCompiler as _SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText


class _QuotesAsText:
    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            query = PlainText(
                query.query_string.replace('"', '""'),
                operator=query.operator,
                boost=query.boost,
            )
        elif isinstance(query, Phrase):
            query = Phrase(query.query_string.replace('"', '""'))
        return super().build_search_query_content(query, config=config)


class QuotesAsTextSearchQueryCompiler(_QuotesAsText, _SQLiteSearchQueryCompiler):
    pass


class QuotesAsTextAutocompleteQueryCompiler(
    _QuotesAsText, SQLiteAutocompleteQueryCompiler
):
    pass


class QuotesAsTextSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = QuotesAsTextSearchQueryCompiler
    autocomplete_query_compiler_class = QuotesAsTextAutocompleteQueryCompiler


def SearchBackend(params):  # the name Wagtail looks up in the module
    backend = database.SearchBackend(params)
    if isinstance(backend, SQLiteSearchBackend):
        return QuotesAsTextSQLiteSearchBackend(params)
    return backend
