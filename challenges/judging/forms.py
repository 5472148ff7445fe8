"""Forms for judging. They check shape only (a score is a whole number, a date is a
date); the rules (the scale, what submitting needs, who may) live in challenges.judging.services."""

from django import forms
from wagtail.admin.widgets import AdminDateTimeInput

from home.models import User

from ..models import Assessment, ConflictOfInterest, Entry


class DeclarationForm(forms.Form):
    details = forms.CharField(
        label="Anything else the programme lead should know (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    confirm = forms.BooleanField(
        label="I have declared every interest I have in these organisations",
        error_messages={
            "required": "Confirm that you have declared every interest you have"
        },
    )

    def __init__(self, *args, organisations, declaration=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if declaration is not None:
            existing = {c.organisation_id: c.kind for c in declaration.conflicts.all()}
            self.fields["details"].initial = declaration.details
        self.organisation_fields = []
        for organisation in organisations:
            name = f"org_{organisation.pk}"
            self.fields[name] = forms.ChoiceField(
                label=organisation.name,
                choices=[("", "No interest")] + ConflictOfInterest.Kind.choices,
                required=False,
                initial=existing.get(organisation.pk, ""),
            )
            self.organisation_fields.append(name)
        # The organisations first, then details and the confirmation.
        self.order_fields(self.organisation_fields + ["details", "confirm"])

    def conflicts(self) -> dict[int, str]:
        return {
            int(name.removeprefix("org_")): self.cleaned_data[name]
            for name in self.organisation_fields
            if self.cleaned_data.get(name)
        }


class ScoringForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        help_text="Choose “Fund with conditions” if the points in your comments must "
        "be addressed first.",
        choices=Assessment.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    panel_note = forms.CharField(
        label="Notes for the panel (optional)",
        help_text="Only the programme lead and the other assessors read these; the "
        "entrant never does.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, criteria, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        own = {}
        if assessment is not None:
            own = {s.criterion_id: s for s in assessment.scores.all()}
            self.fields["recommendation"].initial = assessment.recommendation
            self.fields["panel_note"].initial = assessment.panel_note
        self.criterion_fields = []
        for c in criteria:
            saved = own.get(c.pk)
            score = forms.CharField(
                label=f"Score for “{c.title}”",
                help_text=f"A whole number from {c.scale_min} (poor) to {c.scale_max} "
                "(excellent)",
                required=False,
                max_length=4,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "spellcheck": "false",
                        "autocomplete": "off",
                    }
                ),
                initial="" if saved is None or saved.score is None else saved.score,
            )
            comment = forms.CharField(
                label=f"Why you gave this score for “{c.title}”",
                help_text="Your comment becomes the entrant's feedback, without your name.",
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                initial=saved.comment if saved else "",
            )
            self.fields[f"score_{c.pk}"] = score
            self.fields[f"comment_{c.pk}"] = comment
            self.criterion_fields.append((c, f"score_{c.pk}", f"comment_{c.pk}"))
        self.order_fields(
            [n for _, s, m in self.criterion_fields for n in (s, m)]
            + ["recommendation", "panel_note"]
        )

    def clean(self):
        cleaned = super().clean()
        for c, score_name, _ in self.criterion_fields:
            raw = (cleaned.get(score_name) or "").strip()
            if raw == "":
                cleaned[score_name] = None
                continue
            if not raw.isdigit():
                self.add_error(
                    score_name,
                    f"Score for “{c.title}” must be a whole number from {c.scale_min} "
                    f"to {c.scale_max}",
                )
                continue
            cleaned[score_name] = int(raw)
        return cleaned

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(s), self.cleaned_data.get(m, ""))
            for c, s, m in self.criterion_fields
        }

    def criterion_rows(self):
        """(criterion, score field, comment field) for the template."""
        return [(c, self[s], self[m]) for c, s, m in self.criterion_fields]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason"},
    )


class RecuseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you stepping back from this entry?",
        help_text="For example, a conflict of interest you found while reading it. "
        "The programme lead reads this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you are stepping back from this entry"},
    )


class PromisingSolutionForm(forms.Form):
    contact_email = forms.EmailField(
        label="Email address for public servants to contact",
        help_text="We show it, with your entry's title and summary, to signed-in public "
        "servants only. You can remove your entry at any time.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like "
            "name@example.com",
        },
    )


# --- Staff (Wagtail admin) forms ------------------------------------------------------


class AllocateForm(forms.Form):
    per_entry = forms.IntegerField(
        label="Assessors per entry",
        min_value=1,
        max_value=10,
        help_text="At least 3 independent assessors is the usual standard",
    )


class PanelAddForm(forms.Form):
    assessor = forms.ModelChoiceField(
        label="Add an assessor", queryset=User.objects.none(), empty_label="Choose…"
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(
        label="Give this entry to", queryset=User.objects.none(), empty_label="Choose…"
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = User.objects.filter(
            pk__in=[a.pk for a in assessors]
        ).order_by("last_name", "first_name", "pk")


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(
        label="Give the entry instead to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody: only remove this assessor",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason"},
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(
            pk__in=[a.pk for a in assessors]
        ).order_by("last_name", "first_name", "pk")


class ModerateForm(forms.Form):
    moderated_score = forms.IntegerField(label="Moderated score")
    reason = forms.CharField(
        label="Reason for the adjustment",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record the reason for the adjustment"},
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[(s, Entry.Status(s).label) for s in Entry.DECIDED],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (required if assessments are incomplete)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label="Feedback to the entrant",
        help_text="Drafted from the assessors' comments, without their names. Edit it "
        "freely: the entrant sees it once feedback is released.",
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
    )


class ReleaseForm(forms.Form):
    release_at = forms.DateTimeField(
        label="Release feedback to every entrant on",
        widget=AdminDateTimeInput,
        help_text="Every entrant gets their decision and feedback at this time, by "
        "email and in “Your entries”. A time already past releases it now.",
    )
