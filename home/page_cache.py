"""Whole-page caching for anonymous visitors, safe by construction.

A response is stored only when all of these hold:
- it is a GET for a page Wagtail served (the `before_serve_page` hook marks the request),
  not an admin screen, a preview (previews are served by the admin, never by
  `wagtail_serve`), an API call or a form view;
- the visitor carries no session or messages cookie, so nobody signed in ever reads or
  writes the cache;
- the page type allows it (`page_cache = False` opts a type out, e.g. search results) and
  the page has no view restriction;
- the answer is a 200 that sets no cookie: a page that renders a CSRF token sets one, so
  no page with a form is ever cached;
- nothing marked it private (`Cache-Control: private` or `no-store`).

Invalidation is by generation: every cache key holds the current generation number,
and any committed change to published content, pilots, metrics, measurements,
organisations or challenges moves it on, so the next request renders afresh. The
number moves only after the transaction commits, and requests read it before they
render, so a page rendered from data older than the change can only be stored under an
old generation that no one reads again. Entries also expire after `PAGE_CACHE_SECONDS`,
which bounds what changes with the clock alone (days left on a challenge).

The cache is Django's default cache. Production needs a shared one (`CACHE_URL`, e.g.
Redis) so that every worker sees the same generation; without it production settings
leave page caching off.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpResponse

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
HEADER = "X-Page-Cache"

# Saves of these models change nothing a public page shows (or change it so often that
# invalidating on them would defeat the cache): mail and task bookkeeping, sessions,
# drafts' revisions and the audit log.
IGNORED_MODELS = {
    "home.outboundemail",
    "home.maillog",
    "home.idempotencykey",
    "home.taskfailure",
    "home.notificationpreference",
    "home.user",
    "wagtailcore.revision",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.workflowstate",
    "wagtailcore.taskstate",
    "wagtailcore.pagesubscription",
    "wagtailcore.commentreply",
    "wagtailcore.comment",
    "lab_search.searchdocument",
    "lab_search.searchdocumenttheme",
}
# Apps whose records public pages show.
WATCHED_APPS = {
    "home",
    "challenges",
    "pilots",
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "taggit",
}


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


# Sent after each committed change moved the generation on: an upper app that keeps its
# own copy of published data (opendata's prebuilt downloads) connects a receiver instead
# of watching the models itself.
published_data_changed = Signal()


def bump_generation() -> None:
    """Make every cached page stale (called once the changing transaction commits)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start one past any old key
        cache.add(GENERATION_KEY, 2, timeout=None)
    # send_robust: a receiver's failure must not fail the change itself.
    for receiver, error in published_data_changed.send_robust(sender=None):
        if isinstance(error, Exception):
            logger.error(
                "published_data_changed receiver %r failed",
                receiver,
                exc_info=(type(error), error, error.__traceback__),
            )


def invalidate_on_commit() -> None:
    transaction.on_commit(bump_generation)


def model_changed(sender, **kwargs) -> None:
    """post_save / post_delete / m2m_changed receiver for every model."""
    meta = getattr(sender, "_meta", None)
    if meta is None or kwargs.get("raw"):
        return
    if meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS:
        invalidate_on_commit()


def page_changed(sender, **kwargs) -> None:
    """Publish, unpublish and move receiver."""
    invalidate_on_commit()


def _key(request, gen: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:{gen}:{request.get_host()}:{path}"


def _request_is_anonymous(request) -> bool:
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(settings, "MESSAGES_COOKIE_NAME", "messages") in request.COOKIES
    )


def mark_cacheable(page, request) -> None:
    """`before_serve_page` hook: this request is a Wagtail page that may be stored."""
    if getattr(page.specific_class, "page_cache", True) and not getattr(
        request, "is_preview", False
    ):
        request.page_cache_candidate = page


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            enabled() and request.method == "GET" and _request_is_anonymous(request)
        ):
            return self.get_response(request)

        key = _key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            return self._rebuild(stored)

        response = self.get_response(request)
        if self._storable(request, response):
            cache.set(key, self._freeze(response), settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        page = getattr(request, "page_cache_candidate", None)
        if page is None or response.status_code != 200 or response.streaming:
            return False
        session = getattr(request, "session", None)
        if response.cookies or (session is not None and session.modified):
            return False
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            return False
        return not page.get_view_restrictions().exists()

    @staticmethod
    def _freeze(response) -> dict:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return {
            "status": response.status_code,
            "headers": [
                (k, v) for k, v in response.items() if k.lower() != HEADER.lower()
            ],
            "content": response.content,
        }

    @staticmethod
    def _rebuild(stored: dict) -> HttpResponse:
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"]:
            response[name] = value
        response[HEADER] = "hit"
        return response
