"""One search service, two backends chosen by ELASTICSEARCH_URL.

`search(query)` is what every page that searches calls (the site search, the case-study
finder). `query_from_params` turns untrusted request parameters into a valid query: it
never raises, whatever it is given.
"""

import re

from django.conf import settings
from django.db import transaction
from wagtail.models import Page

from .models import SearchDocument
from .types import FACETS, MAX_QUERY_LENGTH, SORTS, SearchQuery, SearchResults

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_VALUE = re.compile(r"^[\w-]{1,60}$")


def query_from_params(params) -> SearchQuery:
    """Build a query from a QueryDict (or dict of lists) without ever failing."""
    notices = []
    text = _CONTROL.sub(" ", str(params.get("q", "") or "")).strip()
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
        notices.append(
            f"Your search was longer than {MAX_QUERY_LENGTH} characters, so we "
            "searched for the first part of it."
        )
    filters = {}
    for name in FACETS:
        getlist = getattr(params, "getlist", None)
        values = getlist(name) if getlist else params.get(name, [])
        if isinstance(values, str):
            values = [values]
        clean = tuple(
            sorted({v for v in values if isinstance(v, str) and _VALUE.match(v)})
        )
        if clean:
            filters[name] = clean[:20]
    try:
        page = max(1, min(int(params.get("page", 1)), 1000))
    except (TypeError, ValueError):
        page = 1
    sort = params.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    return SearchQuery(
        text=text, filters=filters, page=page, sort=sort, notices=tuple(notices)
    )


def get_backend():
    if settings.ELASTICSEARCH_URL:
        from .backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    from .backends.database import DatabaseBackend

    return DatabaseBackend()


def search(query: SearchQuery) -> SearchResults:
    return get_backend().search(query)


def suggest(text: str, *, limit: int = 8) -> list[dict]:
    text = " ".join(_CONTROL.sub(" ", text or "").split())[:MAX_QUERY_LENGTH]
    if len(text) < 2:
        return []
    return get_backend().suggest(text, limit=limit)


@transaction.atomic
def search_document_update(*, page_id: int) -> SearchDocument | None:
    """Make the page's search document match the page: present only while it is live,
    public and of a searchable type. Returns the document, or None when removed."""
    page = Page.objects.filter(pk=page_id).specific().first()
    fields = None
    if (
        page is not None
        and page.live
        and hasattr(page, "search_document_fields")
        and not page.get_view_restrictions().exists()
    ):
        fields = page.search_document_fields()
    if fields is None:
        SearchDocument.objects.filter(page_id=page_id).delete()
        get_backend().remove(page_id=page_id)
        return None
    fields["themes"] = [
        {"slug": slug, "name": name} for slug, name in fields.get("themes", [])
    ]
    document, _ = SearchDocument.objects.update_or_create(
        page_id=page_id, defaults=fields
    )
    get_backend().index(document=document)
    return document
