"""Who may open a front-end view: the access decorators every app's views use.

Signed-out visitors go to the site's own sign-in (`sign_in`), not to the Wagtail admin's;
a signed-in person without the role gets a 403. POSTs over a rate get a 429 page, counted
per client address (`client_ip`, behind `settings.TRUSTED_PROXY_COUNT` proxies).
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse_lazy
from django_ratelimit.core import is_ratelimited

from . import roles

sign_in_required = login_required(login_url=reverse_lazy("sign_in"))


def public_servant_required(view):
    """Signed in (else the sign-in page), and a member of a public or voluntary body
    (else 403)."""

    @sign_in_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.is_public_servant(request.user):
            raise PermissionDenied("These pages are for public servants")
        return view(request, *args, **kwargs)

    return wrapped


def client_ip(request: HttpRequest) -> str:
    """The address the client connected from, as the outermost trusted proxy saw it.

    Every limit keyed on "ip" (django-ratelimit's RATELIMIT_IP_META_KEY) and every sign-in
    record (django-axes' AXES_CLIENT_IP_CALLABLE) use it. With no trusted proxy
    (`settings.TRUSTED_PROXY_COUNT` = 0), REMOTE_ADDR. Behind N proxies, each of which
    appends the address it was connected from to X-Forwarded-For, only the last N entries
    were written by them; anything to their left came from the client and may be forged.
    The Nth entry from the right is therefore the client. A header with fewer entries did
    not come through every proxy (or a proxy was bypassed): REMOTE_ADDR then, as it is
    when that entry is not an address.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # Empty entries ("a,,b") can only come from the client's part of the header.
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    return _address(entries[-count]) or remote


def _address(entry: str) -> str:
    """`entry` as a plain IP address ("198.51.100.7", "2001:db8::1"), dropping a port
    some proxies add ("198.51.100.7:4711", "[2001:db8::1]:4711"); "" if it is none."""
    if entry.startswith("["):
        entry = entry[1:].partition("]")[0]
    elif entry.count(":") == 1:
        entry = entry.partition(":")[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return ""


def rate_limit(group: str, key: str = "ip"):
    """Refuse POSTs over the rate `settings.CHALLENGES_RATE_LIMITS[group]` (per client
    address, see `client_ip`, or per signed-in user with key="user") with a readable 429
    page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and is_ratelimited(
                request,
                # The counters' names predate the move from challenges.
                group=f"challenges.{group}",
                key=key,
                rate=settings.CHALLENGES_RATE_LIMITS[group],
                method="POST",
                increment=True,
            ):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
