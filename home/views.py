"""Front-end views of the ground floor (accounts: sign-up, sign-in, confirmation,
password reset, the account page, organisation profiles and invitations; notification
settings) and the staff's Organisations admin. Thin: the services decide."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from . import forms, services
from .access import rate_limit, sign_in_required
from .forms import NotificationPreferenceForm, add_service_errors
from .models import NotificationPreference, Organisation, OrganisationInvitation
from .selectors import organisation_for, site_root_url
from .services import notification_preference_update

# --- Organisations admin ---------------------------------------------------------------
#
# The staff door to the same services as the start-up's profile form.


class _ServiceErrorsMixin:
    """A service's ValidationError from save_instance goes beside the form's fields,
    and nothing is saved. (Wagtail checks the model permissions before the service.)"""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


def _organisation_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in form._meta.fields}


class OrganisationCreateView(_ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        return services.organisation_create(
            by=self.request.user, data=_organisation_data(self.form), join=False
        )


class OrganisationEditView(_ServiceErrorsMixin, generic.EditView):
    def save_instance(self):
        return services.organisation_update(
            organisation=self.object,
            by=self.request.user,
            data=_organisation_data(self.form),
        )


class OrganisationDeleteView(generic.DeleteView):
    def form_valid(self, form):
        try:
            services.organisation_delete(organisation=self.object, by=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.edit_url_name, self.object.pk)
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "org_type", "local_authority_area", "org_id"]
    list_filter = ["org_type", "local_authority_area"]
    search_fields = ["name", "org_id", "companies_house_number"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView
    form_fields = [
        "name",
        "slug",
        "org_type",
        "org_id",
        "companies_house_number",
        "website",
        "local_authority_area",
        "size",
        "description",
        "logo",
    ]


organisation_viewset = OrganisationViewSet("organisations")


@sign_in_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in person's email settings: how often, and which kinds."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST)
        if form.is_valid():
            notification_preference_update(
                user=request.user,
                frequency=form.cleaned_data["frequency"],
                muted_kinds=form.muted_kinds(),
            )
            messages.success(request, "Your notification settings have been saved")
            return redirect("notification_preferences")
    else:
        form = NotificationPreferenceForm(
            initial=NotificationPreferenceForm.initial_for(preference)
        )
    return render(
        request,
        "home/notification_preferences.html",
        {"form": form},
    )


# --- Accounts -------------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@rate_limit("sign_up")
def sign_up(request: HttpRequest) -> HttpResponse:
    form = forms.SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_sign_up(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session["signed_up_email"] = form.cleaned_data["email"]
            return redirect("sign_up_done")
    return render(request, "account/sign_up.html", {"form": form})


def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "account/sign_up_done.html",
        {"email": request.session.get("signed_up_email", "")},
    )


def account_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.account_confirm(token=token)
    except ValidationError as error:
        return render(
            request,
            "account/confirm_failed.html",
            {"error": error.messages[0]},
            status=400,
        )
    # Signed in this once: signing in changes what the link's token is made of, and
    # the address is now confirmed, so the link never works again.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Your email address is confirmed")
    return redirect("account_home")


@rate_limit("sign_in")
def sign_in(request: HttpRequest) -> HttpResponse:
    form = forms.SignInForm(
        request.POST if request.method == "POST" else None, request=request
    )
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        return redirect(_safe_next(request, reverse("account_home")))
    if form.inactive_user is not None:
        services.account_confirmation_send(user=form.inactive_user)
    return render(
        request,
        "account/sign_in.html",
        {"form": form, "next": _safe_next(request, "")},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/")


password_reset = rate_limit("password_reset")(
    auth_views.PasswordResetView.as_view(
        form_class=forms.LabPasswordResetForm,
        token_generator=services.password_reset_token_generator,
        template_name="account/password_reset.html",
        success_url=reverse_lazy("password_reset_done"),
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="account/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=forms.LabSetPasswordForm,
    token_generator=services.password_reset_token_generator,
    template_name="account/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="account/password_reset_complete.html"
)


@sign_in_required
def account_home(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(user=request.user)
    members = []
    is_admin = False
    if organisation is not None:
        memberships = organisation.memberships.select_related("user").order_by(
            "created_at"
        )
        members = list(memberships)
        is_admin = any(
            m.user_id == request.user.pk and m.role == m.Role.ADMIN for m in members
        )
    context = {
        "organisation": organisation,
        "members": members,
        "is_admin": is_admin,
        # What the apps above home show here, added by their `construct_account_page`
        # hooks: {"url", "text"} links for the person, and for their organisation.
        "links": [],
        "organisation_links": [],
    }
    for fn in hooks.get_hooks("construct_account_page"):
        fn(request, context)
    return render(request, "account/home.html", context)


@sign_in_required
def organisation_edit(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(user=request.user)
    form = forms.OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            if organisation is None:
                services.organisation_create(by=request.user, data=data)
            else:
                services.organisation_update(
                    organisation=organisation, by=request.user, data=data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your organisation profile has been saved")
            return redirect(_safe_next(request, reverse("account_home")))
    return render(
        request,
        "account/organisation.html",
        {"form": form, "organisation": organisation, "next": _safe_next(request, "")},
    )


@sign_in_required
@rate_limit("invite", key="user")
def organisation_invite(request: HttpRequest) -> HttpResponse:
    organisation = organisation_for(user=request.user)
    if organisation is None:
        return redirect("organisation_edit")
    form = forms.InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_invite(
                organisation=organisation,
                by=request.user,
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Invitation sent to {form.cleaned_data['email']}"
            )
            return redirect("account_home")
    return render(
        request, "account/invite.html", {"form": form, "organisation": organisation}
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        OrganisationInvitation.objects.select_related("organisation"), token=token
    )
    if not request.user.is_authenticated:
        return render(request, "account/invitation.html", {"invitation": invitation})
    error = ""
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as e:
            error = e.messages[0]
        else:
            messages.success(request, f"You have joined {invitation.organisation.name}")
            return redirect("account_home")
    return render(
        request, "account/invitation.html", {"invitation": invitation, "error": error}
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    """/robots.txt: crawl the public site, not the admin, accounts, entries, judging or
    pilots' private screens; the sitemap's absolute address from the Site record."""
    return TemplateResponse(
        request,
        "robots.txt",
        {
            "private_prefixes": settings.PRIVATE_URL_PREFIXES,
            "sitemap_url": site_root_url(request) + reverse("sitemap"),
        },
        content_type="text/plain; charset=utf-8",
    )
