"""Front-end forms. They check shape only; the services hold the rules."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from home.emails import email_queue
from home.models import LocalAuthorityArea, Organisation


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
        widget=forms.PasswordInput(render_value=True),
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
            from home.models import User

            candidate = User.objects.filter(email__iexact=email).first()
            if (
                candidate is not None
                and not candidate.is_active
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

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        email_queue(
            key=f"password-reset:{context['uid']}:{context['token']}",
            to=to_email,
            subject="Reset your password",
            template="account_password_reset",
            context={
                "path": f"/account/reset/{context['uid']}/{context['token']}/",
            },
        )


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


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the Lab team sees who asked. The answer is published for everyone.",
        error_messages={
            "required": "Enter your question",
            "max_length": "Question must be 2,000 characters or fewer",
        },
    )


def _text(label, hint="", rows=8):
    return forms.CharField(
        label=label,
        required=False,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EntryDetailsForm(forms.Form):
    step_title = "Title and summary"
    title = forms.CharField(
        label="Title of your entry",
        required=False,
        max_length=200,
        error_messages={"max_length": "Title must be 200 characters or fewer"},
    )
    summary = _text(
        "Summary", "At most 150 words. This is shown to assessors first.", 5
    )


class EntrySolutionForm(forms.Form):
    step_title = "Your solution"
    solution = _text("Proposed solution", "What you will build or do, and for whom.")
    evidence = _text(
        "Evidence it works",
        "Data, pilots or evaluations so far. Say how strong the evidence is.",
    )
    pilot_plan = _text(
        "Pilot plan", "Where and how you would pilot it, with milestones."
    )


class EntryDeliveryForm(forms.Form):
    step_title = "Cost and team"
    cost_estimate = _text(
        "Cost estimate", "The cost of the pilot, with the main items.", 5
    )
    team = _text("Team", "Who will do the work and their experience.", 5)


class EntryCriteriaForm(forms.Form):
    step_title = "Assessment criteria"

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.CharField(
                label=criterion.title,
                required=False,
                help_text=(
                    f"{criterion.guidance}\nWeight {criterion.weight}%. "
                    f"At most {criterion.max_words} words."
                ),
                widget=forms.Textarea(attrs={"rows": 8}),
            )

    def answers(self) -> dict[int, str]:
        return {
            c.pk: self.cleaned_data.get(f"criterion_{c.pk}", "") for c in self.criteria
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, DOCX, PPTX, PNG or JPEG, smaller than 10 MB. Up to 5 files.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.pptx,.png,.jpg,.jpeg"}
        ),
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
        },
    )


class SubmitForm(forms.Form):
    declaration_eligibility = forms.BooleanField(
        label="My organisation meets the eligibility criteria in the brief",
        required=False,
    )
    declaration_data_protection = forms.BooleanField(
        label="I have read how the Lab uses the information in this entry, and I may share it for assessment",
        required=False,
    )


ENTRY_STEPS = [
    ("details", EntryDetailsForm),
    ("solution", EntrySolutionForm),
    ("delivery", EntryDeliveryForm),
    ("criteria", EntryCriteriaForm),
]
