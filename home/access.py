"""Who may open a front-end view: the access decorators every app's views use.

Signed-out visitors go to the site's own sign-in (`sign_in`), not to the Wagtail admin's;
a signed-in person without the role gets a 403. POSTs over a rate get a 429 page.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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


def rate_limit(group: str, key: str = "ip"):
    """Refuse POSTs over the rate `settings.CHALLENGES_RATE_LIMITS[group]` (per client
    IP, or per signed-in user with key="user") with a readable 429 page."""

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
