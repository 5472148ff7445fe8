"""Two-factor authentication for staff: a time-based one-time code (TOTP,
RFC 6238) from an authenticator app, on top of the password.

Staff are the people who may open the Wagtail admin: superusers and anyone with the
`wagtailadmin.access_admin` permission (programme leads, assessors, editors). While
`settings.STAFF_2FA_REQUIRED` is on, a staff session that has not confirmed a code is
sent to confirm one (or to set up an app, the first time) before any other page, public
or admin: a password alone opens nothing that staff can see. Start-ups and public
servants are not asked.

django-otp keeps the devices and checks the codes (with its own throttling of wrong
codes); this module is the enforcement and the admin screens. Confirming an app also
makes RECOVERY_CODE_COUNT recovery codes (django-otp's static device): shown once, each
signs in once in place of the app's code, for a lost phone; a person can make new ones,
and a superuser can reset another person's second factor from the Users screens.

wagtail-2fa was considered: its 1.8.0 release imports `wagtail.users.widgets`, which
Wagtail 8 removed.
"""

import secrets
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from .audit import concrete

# What an unverified staff session may still open: signing in and out, and the screens
# that confirm a code (plus what the admin's sign-in page loads).
ALLOWED_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
    "two_factor_set_up",
    "two_factor_recovery_code",
    "sign_out",
}
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Warn when this few are left.
RECOVERY_CODES_LOW = 3
# Ten characters of base32 (50 bits), shown in two groups of five.
RECOVERY_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
RECOVERY_CODE_LENGTH = 10
# Plain codes wait here, once, between making them and showing them.
RECOVERY_CODES_SESSION_KEY = "two_factor_recovery_codes"


def user_is_staff(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def has_app(user) -> bool:
    """Whether `user` has a confirmed authenticator app (not just recovery codes)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


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


def _with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': _next_url(request)})}"


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
        # Recovery codes but no app: a code first, then they may set up an app.
        codes_only = user_has_device(request.user, confirmed=True)
        target = "two_factor_recovery_code" if codes_only else "two_factor_set_up"
        return redirect_to_login(_next_url(request), login_url=reverse(target))
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
            codes = two_factor_recovery_codes_create(user=user)
        otp_login(request, device)
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        messages.success(request, "Your authenticator app is set up")
        return redirect(_with_next(reverse("two_factor_recovery_codes"), request))
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
    """Remove every authenticator app and recovery code of `user` (a lost phone): they
    set up a new app at their next sign-in, and any session they confirmed is asked
    again. Returns how many apps were removed."""
    with transaction.atomic():
        codes = StaticToken.objects.filter(device__user=user).count()
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        log(
            instance=user,
            action="home.two_factor.reset",
            user=by,
            data={"devices": count, "recovery_codes": codes},
        )
    return count


# Recovery codes ----------------------------------------------------------------------


def _recovery_code() -> str:
    return "".join(
        secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)
    )


def recovery_code_grouped(code: str) -> str:
    """`abcde fghij`: easier to read out and copy than ten letters in a row."""
    return " ".join(code[i : i + 5] for i in range(0, len(code), 5))


def recovery_code_normalised(text: str) -> str:
    """What the person typed, as stored: without spaces or hyphens, lower case."""
    return "".join(text.split()).replace("-", "").lower()


def recovery_codes_remaining(*, user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_recovery_codes_create(*, user) -> list[str]:
    """Give `user` RECOVERY_CODE_COUNT new recovery codes in place of any they had.
    Returns the plain codes, for showing once.

    The device itself is kept (only its codes change), so a session confirmed with a
    recovery code stays confirmed when the person makes new ones."""
    devices = StaticDevice.objects.filter(user=user).order_by("pk")
    device = devices.first()
    if device is None:
        device = StaticDevice.objects.create(
            user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
        )
    devices.exclude(pk=device.pk).delete()
    replaced = StaticToken.objects.filter(device=device).delete()[0]
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    log(
        instance=user,
        action="home.two_factor.recovery_codes_create",
        user=user,
        data={"codes": len(codes), "replaced": replaced},
    )
    return codes


class RecoveryCodeThrottled(Exception):
    """Too many wrong recovery codes lately: django-otp refuses to check for now."""


@transaction.atomic
def two_factor_recovery_code_use(*, user, code: str) -> StaticDevice | None:
    """Check one recovery code of `user` and use it up. Returns the device to sign in
    with, or None if the code is not one of theirs. Raises RecoveryCodeThrottled while
    django-otp is slowing down repeated wrong codes."""
    token = recovery_code_normalised(code)
    devices = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        raise RecoveryCodeThrottled
    for device in devices:
        # verify_token deletes the matching code: each signs in once.
        if device.verify_token(token):
            log(
                instance=user,
                action="home.two_factor.recovery_code_used",
                user=user,
                data={"remaining": recovery_codes_remaining(user=user)},
            )
            return device
    return None


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved, like abcde fghij",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "autofocus": True}
        ),
        error_messages={"required": "Enter one of your recovery codes"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_recovery_code(self) -> str:
        code = recovery_code_normalised(self.cleaned_data["recovery_code"])
        max_length = StaticToken._meta.get_field("token").max_length
        if not code.isalnum() or len(code) > max_length:
            raise forms.ValidationError(
                "Enter the code as it was shown, like abcde fghij", code="format"
            )
        try:
            self.device = two_factor_recovery_code_use(user=self.user, code=code)
        except RecoveryCodeThrottled:
            raise forms.ValidationError(
                "Too many wrong codes. Wait a minute, then try again",
                code="throttled",
            ) from None
        if self.device is None:
            raise forms.ValidationError(
                "That is not one of your recovery codes, or it has been used. "
                "Check it and try again",
                code="invalid",
            )
        return code


@sensitive_post_parameters("recovery_code")
@never_cache
def two_factor_recovery_code(request: HttpRequest) -> HttpResponse:
    """Confirm this session with a recovery code instead of the app (a lost phone)."""
    user = concrete(request.user)
    if user.is_verified():
        return redirect(_next_url(request))
    form = RecoveryCodeForm(
        request.POST if request.method == "POST" else None, user=user
    )
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        remaining = recovery_codes_remaining(user=user)
        if remaining <= RECOVERY_CODES_LOW:
            messages.warning(
                request,
                f"You have {remaining} recovery code{pluralize(remaining)} left. "
                "Make new ones now: Account, then Recovery codes.",
            )
        else:
            messages.info(
                request,
                f"Signed in with a recovery code: {remaining} left. If you lost your "
                "phone, ask an administrator to reset your two-factor authentication "
                "so you can set up a new app.",
            )
        return redirect(_next_url(request))
    return TemplateResponse(
        request,
        "home/admin/two_factor_recovery_code.html",
        {"form": form, "next": _next_url(request)},
    )


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(WagtailAdminTemplateMixin, TemplateView):
    """The new codes, once, right after they are made; otherwise how many are left
    and a button to make new ones (replacing the old)."""

    template_name = "home/admin/two_factor_recovery_codes.html"
    page_title = "Recovery codes"
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        user = concrete(request.user)
        # Only a confirmed session: a password alone never makes or shows codes.
        if not (has_app(user) and user.is_verified()):
            target = "two_factor_verify" if has_app(user) else "two_factor_set_up"
            return redirect_to_login(request.get_full_path(), login_url=reverse(target))
        self.person = user
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        codes = self.request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
        return super().get_context_data(
            codes=[recovery_code_grouped(code) for code in codes or ()],
            remaining=recovery_codes_remaining(user=self.person),
            next=_next_url(self.request),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        codes = two_factor_recovery_codes_create(user=self.person)
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect(_with_next(reverse("two_factor_recovery_codes"), request))


@method_decorator(never_cache, name="dispatch")
class TwoFactorResetView(WagtailAdminTemplateMixin, TemplateView):
    """A superuser removes another person's apps and recovery codes (a lost phone with
    no codes left), after a confirmation page."""

    template_name = "home/admin/two_factor_reset.html"
    page_title = "Reset two-factor authentication"
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            # A real 403, not the admin's redirect home: Wagtail turns a raised
            # PermissionDenied into a redirect with a message.
            return permission_denied(request, PermissionDenied())
        self.person = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.person.get_full_name() or self.person.get_username()

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailusers_users:index"), "label": "Users"},
            {
                "url": reverse("wagtailusers_users:edit", args=[self.person.pk]),
                "label": self.get_page_subtitle(),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            apps=TOTPDevice.objects.filter(user=self.person, confirmed=True).count(),
            codes=recovery_codes_remaining(user=self.person),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        two_factor_reset(user=self.person, by=concrete(request.user))
        messages.success(
            request,
            f"Two-factor authentication reset for {self.get_page_subtitle()}: they "
            "will set up a new authenticator app when they next sign in.",
        )
        return redirect("wagtailusers_users:edit", self.person.pk)
