"""Refuse input no page can use before any view sees it.

- A NUL byte in the path, the query string or a form value (url-encoded or multipart
  field values; file contents are the upload checks' business) is answered 400: no
  form or lookup has a use for one, and PostgreSQL refuses to store or compare text
  that holds one, so it would otherwise surface as a 500 deep in a view.
- An id in the path beyond a 64-bit signed integer is answered 404: no row can have
  it, and SQLite raises OverflowError on binding it (Django's own range check skips
  the page_ptr keys of Wagtail page types).

Under `settings.JSON_URL_PREFIXES` (the APIs) the 400 is JSON, `{"detail": "..."}`, the
shape of the APIs' own errors, so a client reads every refusal the same way.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in query or "%00" in query:
        return True
    if request.method == "POST":
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            if request.path_info.startswith(tuple(settings.JSON_URL_PREFIXES)):
                return JsonResponse(
                    {"detail": "The address or a value holds a NUL byte."}, status=400
                )
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not BIGINT_MIN <= value <= BIGINT_MAX:
                raise Http404("No such id")
        return None
