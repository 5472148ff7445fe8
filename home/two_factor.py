"""Two-factor authentication for staff: a time-based one-time code (TOTP,
RFC 6238) from an authenticator app, on top of the password.

Staff are the people who may open the Wagtail admin: superusers and anyone with the
`wagtailadmin.access_admin` permission (programme leads, assessors, editors). While
`settings.STAFF_2FA_REQUIRED` is on, a staff session that has not confirmed a code is
sent to confirm one (or to set up an app, the first time) before any other page, public
or admin: a password alone opens nothing that staff can see. Start-ups and public
servants are not asked.

django-otp keeps the devices and checks the codes (with its own throttling of wrong
codes); this module is the enforcement and the two admin screens. wagtail-2fa was
considered: its 1.8.0 release imports `wagtail.users.widgets`, which Wagtail 8 removed.
"""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from .audit import concrete

# What an unverified staff session may still open: signing in and out, and the two
# screens below (plus what the admin's sign-in page loads).
ALLOWED_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
    "two_factor_set_up",
    "sign_out",
}
DEVICE_NAME = "Authenticator app"


def user_is_staff(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def second_factor_missing(request: HttpRequest) -> bool:
    """True when this request comes from a staff session without a confirmed code."""
    user = request.user
    if not user_is_staff(user):
        return False
    return not user.is_verified()


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware (it tells whether this session confirmed a code), with
    `request.user` wrapping the user itself rather than the lazy user that
    AuthenticationMiddleware made: Wagtail's `log(request.user, ...)` unwraps one lazy
    layer only, and with two it silently records nothing (its account settings view
    logs edits that way)."""

    def _verify_user_sync(self, request, user):
        return super()._verify_user_sync(request, concrete(user))


class StaffTwoFactorMiddleware:
    """Sends staff who have not confirmed a code to confirm one (or to set up an app).

    After django_otp's OTPMiddleware, which tells whether this session confirmed one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STAFF_2FA_REQUIRED and second_factor_missing(request):
            try:
                url_name = resolve(request.path_info).url_name
            except Resolver404:
                url_name = None
            if url_name not in ALLOWED_URL_NAMES and url_name is not None:
                target = (
                    "two_factor_verify"
                    if user_has_device(request.user, confirmed=True)
                    else "two_factor_set_up"
                )
                next_url = (
                    request.get_full_path()
                    if request.method == "GET"
                    else reverse("wagtailadmin_home")
                )
                return redirect_to_login(next_url, login_url=reverse(target))
        return self.get_response(request)


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your app"},
    )

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = list(devices)
        self.device = None

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(
                "Enter the 6 digits your app shows, like 123456", code="format"
            )
        for device in self.devices:
            # verify_token refuses while the device is throttled after wrong codes.
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(
            "The code is not right. Check the time on your phone is set automatically "
            "and enter the code the app shows now",
            code="invalid",
        )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _qr_code_svg(url: str) -> str:
    image = qrcode.make(
        url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8
    )
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration: the SVG goes inline in the page.
    return svg[svg.index("<svg") :]


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("otp_token")
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Confirm this session with a code from the app set up before."""
    devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
    if not devices.exists():
        return redirect_to_login(
            _next_url(request), login_url=reverse("two_factor_set_up")
        )
    form = TokenForm(
        request.POST if request.method == "POST" else None, devices=devices
    )
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return TemplateResponse(
        request,
        "home/admin/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


@sensitive_post_parameters("otp_token")
@never_cache
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the code (or type the key), confirm one code.

    Someone who already has an app must confirm a code from it first: a password alone
    never lets anyone add an app of their own.
    """
    user = concrete(request.user)
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect_to_login(
            _next_url(request), login_url=reverse("two_factor_verify")
        )
    # The same key until it is confirmed, so reloading the page keeps a scanned code.
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(
        request.POST if request.method == "POST" else None, devices=[device]
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            log(
                instance=user,
                action="home.two_factor.set_up",
                user=user,
                data={"device": device.name},
            )
        otp_login(request, device)
        messages.success(request, "Your authenticator app is set up")
        return redirect(_next_url(request))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return TemplateResponse(
        request,
        "home/admin/two_factor_set_up.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": mark_safe(_qr_code_svg(device.config_url)),  # noqa: S308
            "secret": _grouped(secret),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


def two_factor_reset(*, user, by=None) -> int:
    """Remove every authenticator app of `user` (a lost phone): they set up a new one
    at their next sign-in. Returns how many were removed."""
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        log(
            instance=user,
            action="home.two_factor.reset",
            user=by,
            data={"devices": count},
        )
    return count
