"""Front-end forms of the ground floor: accounts, organisation profiles, invitations
and notification settings. They check shape only; the services hold the rules."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from .models import (
    LocalAuthorityArea,
    NotificationKind,
    NotificationPreference,
    Organisation,
    User,
)


class GovUKFormRenderer(TemplatesSetting):
    """Django's forms render as GOV.UK markup: `{{ form }}` and
    `{{ form.x.as_field_group }}` use the site's components (FORM_RENDERER).
    Widgets keep Django's own templates, so the Wagtail admin is unchanged."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


class NotificationPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want to get emails?",
        choices=NotificationPreference.Frequency.choices,
        error_messages={"required": "Select how often you want to get emails"},
    )
    kinds = forms.MultipleChoiceField(
        label="Which emails do you want?",
        choices=NotificationKind.choices,
        required=False,
        help_text="Select all that apply. Emails about your account are always sent.",
        error_messages={"invalid_choice": "Select emails from the list"},
    )

    @classmethod
    def initial_for(cls, preference: NotificationPreference | None) -> dict:
        if preference is None:
            return {
                "frequency": NotificationPreference.Frequency.IMMEDIATE,
                "kinds": list(NotificationKind.values),
            }
        return {
            "frequency": preference.frequency,
            "kinds": [k for k in NotificationKind.values if preference.wants(k)],
        }

    def muted_kinds(self) -> list[str]:
        chosen = set(self.cleaned_data["kinds"])
        return [k for k in NotificationKind.values if k not in chosen]


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        # Never written back into the page: after an error the person types it again.
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 10 characters. Avoid common words and all-number passwords.",
        error_messages={"required": "Enter a password"},
    )


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        self.inactive_user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            candidate = User.objects.filter(email__iexact=email).first()
            # Only a sign-up awaiting confirmation hears about it; a deactivated account
            # is answered as any failed sign-in.
            if (
                candidate is not None
                and candidate.awaits_confirmation
                # A locked-out account (django-axes) must not learn its password here.
                and AxesProxyHandler.is_allowed(
                    self.request, {"username": candidate.get_username()}
                )
                and candidate.check_password(password)
            ):
                self.inactive_user = candidate
                self.add_error(
                    "email",
                    "Confirm your email address first: we have sent you a new link",
                )
                return cleaned
            username = candidate.get_username() if candidate else email
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                self.add_error("email", "The email address or password is not right")
        return cleaned


class LabPasswordResetForm(PasswordResetForm):
    """Django's password reset, sending through the Lab's outbox."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def save(self, **kwargs):
        """Ask for the link (`home.services.password_reset_request`): the same work
        whether or not an account has this address; Django's own `save` would look the
        account up and email it in the request, which takes longer only when it exists."""
        from .services import password_reset_request

        password_reset_request(email=self.cleaned_data["email"])


class LabSetPasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": "The two passwords do not match"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 10 characters."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = (
            "Confirm your new password"
        )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        help_text="For example, https://www.example.co.uk",
        error_messages={
            "invalid": "Enter the website address in the correct format, like https://www.example.co.uk"
        },
    )
    size = forms.ChoiceField(
        label="Size",
        choices=Organisation.Size.choices,
        error_messages={"required": "Select the size of your organisation"},
    )
    local_authority_area = forms.ChoiceField(
        label="Local authority area",
        choices=[("", "Select an area")] + LocalAuthorityArea.choices,
        help_text="Where your organisation is based",
        error_messages={"required": "Select the local authority area"},
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "companies_house_number",
            "website",
            "size",
            "local_authority_area",
        ]
        labels = {
            "name": "Organisation name",
            "companies_house_number": "Companies House number (optional)",
            "website": "Website (optional)",
        }
        help_texts = {
            "companies_house_number": "8 digits, or 2 letters and 6 digits, like SC123456",
            "website": "For example, https://www.example.co.uk",
        }
        error_messages = {
            "name": {"required": "Enter your organisation's name"},
            "website": {
                "invalid": "Enter the website address in the correct format, like https://www.example.co.uk"
            },
        }

    def clean_companies_house_number(self):
        return self.cleaned_data["companies_house_number"].replace(" ", "").upper()


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Colleague's email address",
        error_messages={
            "required": "Enter your colleague's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields: each field's messages
    on that field, and the rest (and fields the form does not have) above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)
