"""Wagtail's database search backend, with every query kept as text on SQLite.

Wagtail's own searches (the admin's, the page API's `?search=`) go through this
backend, not through the site's search service. On SQLite the backend writes each word
into FTS5's MATCH syntax between double quotes without doubling the quotes inside it, so
an unpaired `"` typed by anyone is an FTS5 syntax error and a 500. Here quotes inside
words and phrases are doubled, as FTS5 reads a literal quote: a `"` is searched for as
text. PostgreSQL and the fallback backend are used unchanged (their modules, and the
SQLite one's models, are imported only for the database in use).
"""

from functools import cache

from modelsearch.backends import database
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


@cache
def _sqlite_backend_class():
    from modelsearch.backends.database.sqlite import sqlite

    class SearchQueryCompiler(_QuotesAsText, sqlite.SQLiteSearchQueryCompiler):
        pass

    class AutocompleteQueryCompiler(
        _QuotesAsText, sqlite.SQLiteAutocompleteQueryCompiler
    ):
        pass

    class QuotesAsTextSQLiteSearchBackend(sqlite.SQLiteSearchBackend):
        query_compiler_class = SearchQueryCompiler
        autocomplete_query_compiler_class = AutocompleteQueryCompiler

    return sqlite.SQLiteSearchBackend, QuotesAsTextSQLiteSearchBackend


def SearchBackend(params):  # the name Wagtail looks up in the module
    backend = database.SearchBackend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        vendor_class, quotes_as_text_class = _sqlite_backend_class()
        if isinstance(backend, vendor_class):
            return quotes_as_text_class(params)
    return backend
