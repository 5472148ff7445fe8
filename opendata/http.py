"""What every open-data response carries: the licence, caching headers and a rate limit.

`open_data_response` wraps a view (a plain Django view or, through
`NinjaAPI.add_decorator(mode="view")`, every API operation):

- per client (IP address, `home.access.client_ip`) rate limit from
  `settings.OPENDATA_RATE_LIMIT` (django-ratelimit, the default cache); over it: 429 with a
  JSON error and `Retry-After`: the seconds until the client's window resets;
- `Link: <OGL v3.0>; rel="license"` on every response;
- on a 200 to GET/HEAD: `Cache-Control: public, max-age=300` and a strong ETag of the body;
  a matching `If-None-Match` gets 304 Not Modified (Django's `get_conditional_response`);
  a download built ahead (a file response) brings its own ETag and Last-Modified.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe
from django_ratelimit.core import get_usage

from home.access import client_ip

LICENCE_URL = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
LICENCE_NAME = "Open Government Licence v3.0"
LICENCE = {"name": LICENCE_NAME, "url": LICENCE_URL}
MAX_AGE = 300
RATE_LIMIT_GROUP = "opendata"


def rate_limit() -> str:
    return getattr(settings, "OPENDATA_RATE_LIMIT", "120/m")


def rate_limit_text() -> str:
    """The rate limit in words, e.g. "120 requests a minute"."""
    count, _, unit = rate_limit().partition("/")
    period = {"s": "second", "m": "minute", "h": "hour", "d": "day"}.get(
        unit[-1:], unit
    )
    return f"{count} requests a {period}"


def client_key(group: str, request: HttpRequest) -> str:
    """The client's IP address, behind the trusted proxies (`home.access.client_ip`);
    one bucket for clients without one, e.g. a socket."""
    return client_ip(request) or "no-address"


def too_many_requests(retry_after: int = 60) -> JsonResponse:
    """The 429 answer; `retry_after`: seconds until the client may ask again."""
    wait = f"{retry_after} second{'' if retry_after == 1 else 's'}"
    response = JsonResponse(
        {
            "detail": f"Too many requests: the limit is {rate_limit_text()} per client. "
            f"Wait {wait} and try again.",
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if getattr(response, "streaming", False):
        if "ETag" not in response:
            return response
        # A download built ahead (opendata/prebuilt.py): its ETag and Last-Modified
        # come with the file.
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return _conditional(request, response, response["ETag"])
    if not getattr(response, "is_rendered", True):  # DRF (API v2) renders late
        response.render()
    # A page whose header names a signed-in person is cached by their browser only.
    user = getattr(request, "user", None)
    personal = user is not None and user.is_authenticated and _is_html(response)
    if personal:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["ETag"] = etag
    return _conditional(request, response, etag)


def _conditional(request: HttpRequest, response, etag: str):
    last_modified = response.get("Last-Modified")
    conditional = get_conditional_response(
        request,
        etag=etag,
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )
    if conditional is not response:
        conditional["Link"] = response["Link"]
        conditional["Cache-Control"] = response["Cache-Control"]
        # A prebuilt file's handle. Not response.close(): that sends request_finished,
        # whose close_old_connections would close the database connection mid-request.
        file = getattr(response, "file_to_stream", None)
        if file is not None:
            file.close()
    return conditional


def open_data_response(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        usage = get_usage(
            request,
            group=RATE_LIMIT_GROUP,
            key=client_key,
            rate=rate_limit(),
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            # time_left is -1 for a zero limit, whose window never lets anyone in.
            retry_after = usage["time_left"] if usage["time_left"] > 0 else 60
            return finish(request, too_many_requests(retry_after))
        return finish(request, view(request, *args, **kwargs))

    return wrapped
