"""Sign-in lockout (django-axes): the pieces settings name.

After AXES_FAILURE_LIMIT wrong passwords for one account, that account cannot sign in
for AXES_COOLOFF_TIME, even with the right password, at the Wagtail admin sign-in and at
the start-up sign-in (/account/sign-in/) alike. The person sees a page that says so and
when to try again, in the look of the part of the site they were signing in to.
"""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.log_actions import log


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account a sign-in attempt is for, the same however it was typed.

    The admin form posts `username`; the start-up form posts `email` and passes the
    account's username to `authenticate`.
    """
    value = ""
    if credentials:
        value = credentials.get("username") or ""
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("username") or request.POST.get("email") or ""
    return str(value).strip().lower()[:255]


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    admin = request.path.startswith("/admin/")
    template = "home/admin/locked_out.html" if admin else "home/locked_out.html"
    return render(
        request,
        template,
        {"minutes": cool_off_minutes(), "admin": admin},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def account_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """Record the lockout in the audit log against the account, if there is one
    (connected in HomeConfig.ready to axes' `user_locked_out` signal)."""
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    from .models import User

    user = User.objects.filter(username__iexact=username).first() if username else None
    if user is None:
        return
    # Axes signals again at every attempt during the lockout: record the lockout once.
    recent = ModelLogEntry.objects.for_instance(user).filter(
        action="home.account.locked_out",
        timestamp__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    if not recent.exists():
        log(
            instance=user,
            action="home.account.locked_out",
            user=None,
            # No IP address here: the audit log is kept longer than sign-in records.
            data={"cool_off_minutes": cool_off_minutes()},
        )
