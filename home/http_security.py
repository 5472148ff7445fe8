"""HTTP hardening: private answers are never stored; the admin has its own CSP; a
request too large to accept is refused before anything reads it.

`PrivateAnswerMiddleware` adds `Cache-Control: private, no-store` (Django's
`add_never_cache_headers`, which also sets `max-age=0` and `must-revalidate`) to:
- every answer to a signed-in person, whatever the page;
- every answer under `PRIVATE_URL_PREFIXES` (the admin and the account pages, where
  sign-in forms and emailed links with tokens live), signed in or not;
- every answer that sets a cookie (a session, messages or CSRF cookie is meant for one
  browser only).
Anonymous public pages are left as they are, so the page cache (home/page_cache.py) and
the open-data `public` caching keep working. It sits outside the session middleware, so
it sees the cookies that middleware sets, and inside the page cache, which therefore
never stores what it marks.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control


def _is_private(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.cookies:
        return True
    if request.path_info.startswith(tuple(settings.PRIVATE_URL_PREFIXES)):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateAnswerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _is_private(request, response):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def _is_admin(request: HttpRequest) -> bool:
    # A preview is rendered through the middleware again with a dummy request for the
    # page's own address (Wagtail's `make_preview_request`), and shown framed in the
    # editor: it gets the admin's policy.
    return getattr(request, "is_dummy", False) or request.path_info.startswith(
        settings.ADMIN_CSP_URL_PREFIX
    )


class AdminAwareCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with a second policy for the Wagtail admin.

    The public site gets `CONTENT_SECURITY_POLICY`; paths under `ADMIN_CSP_URL_PREFIX`
    and previews get `ADMIN_CONTENT_SECURITY_POLICY` instead, which allows what Wagtail's
    admin needs (settings/base.py says what and why). A view's own `@csp`, `@csp_update` or
    `@csp_replace` still applies on top of whichever policy the path chose.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and _is_admin(request):
            parts.config = default_config(
                settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            )
        return parts


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body without a valid length either


def _too_large(request: HttpRequest) -> bool:
    """Django reads at most CONTENT_LENGTH bytes of a body, so the declared length is
    the most any view can see. Beside files, a form's fields may hold at most
    DATA_UPLOAD_MAX_MEMORY_SIZE; Django would refuse a larger one with a 400 later."""
    length = _declared_length(request)
    if length > settings.REQUEST_MAX_BYTES:
        return True
    is_multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
    return not is_multipart and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeLimitMiddleware:
    """A 413 page, before any middleware or view reads the body, for a request whose
    Content-Length is over `REQUEST_MAX_BYTES` (or, for a body that is not a file
    upload, over `DATA_UPLOAD_MAX_MEMORY_SIZE`). The page needs no database, session
    or user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _too_large(request):
            return self.get_response(request)
        mib = 1024 * 1024
        content = render_to_string(
            "413.html",
            {
                "request_limit_mb": settings.REQUEST_MAX_BYTES // mib,
                "file_limit_mb": settings.WAGTAILDOCS_MAX_UPLOAD_SIZE // mib,
            },
        )
        response = HttpResponse(content, status=413)
        add_never_cache_headers(response)
        return response
