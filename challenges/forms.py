"""Front-end forms for questions and entries. They check shape only; the services hold
the rules (the account and organisation forms: home.forms)."""

from django import forms


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
        help_text=(
            "PDF, DOCX, XLSX, PPTX, PNG or JPEG, smaller than 10 MB. Up to 5 files."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg"}
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
