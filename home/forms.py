from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from .models import NotificationKind, NotificationPreference


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
