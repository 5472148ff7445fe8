"""Front-end forms: raise a pilot proposal; record a measurement; upload a CSV."""

import datetime
from decimal import Decimal

from django import forms

from home.models import Organisation
from home.validators import validate_single_line

from .models import Metric, PartnerRole, PilotProposal

PARTNER_ROWS = 4
EVALUATION_TYPES = [
    ("process", "Process: was it delivered as intended?"),
    ("impact", "Impact: what difference did it make?"),
    ("value_for_money", "Value for money: was it worth it?"),
]


class ProposalForm(forms.Form):
    title = forms.CharField(
        label="Pilot title",
        max_length=200,
        validators=[validate_single_line],
        error_messages={"required": "Enter a title for the pilot"},
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the lead organisation"},
    )
    problem = forms.CharField(
        label="The problem",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who is affected, how much it costs and what happens now.",
        error_messages={"required": "Describe the problem"},
    )
    proposed_solution = forms.CharField(
        label="Proposed solution",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the proposed solution"},
    )
    sponsor = forms.CharField(
        label="Sponsor (optional)",
        max_length=200,
        required=False,
        help_text="The senior officer sponsoring the pilot, with their role.",
    )
    budget_requested = forms.DecimalField(
        label="Budget requested (£)",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the budget requested",
            "invalid": "Budget requested must be a number, like 85000",
        },
    )
    match_funding = forms.DecimalField(
        label="Match funding (£)",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        initial=Decimal(0),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the match funding, or 0",
            "invalid": "Match funding must be a number, like 15000",
        },
    )
    duration_months = forms.IntegerField(
        label="Duration (months)",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many months the pilot runs",
            "invalid": "Duration must be a whole number of months",
        },
    )
    target_outcomes = forms.CharField(
        label="Target outcomes",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the outcomes you aim for"},
    )
    proposed_metrics = forms.CharField(
        label="Proposed metrics",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For each outcome: the indicator, its data source and the target.",
        error_messages={"required": "Describe how you will measure the outcomes"},
    )
    evaluation_types = forms.MultipleChoiceField(
        label="Evaluation (HM Treasury Magenta Book)",
        choices=EVALUATION_TYPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    evaluation_approach = forms.CharField(
        label="Evaluation approach (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    dpia_status = forms.ChoiceField(
        label="Data protection impact assessment",
        choices=PilotProposal.Governance.choices,
        widget=forms.RadioSelect,
        initial=PilotProposal.Governance.PLANNED,
        error_messages={"required": "Say where the impact assessment is up to"},
    )
    data_sharing_agreement_status = forms.ChoiceField(
        label="Data-sharing agreement",
        choices=PilotProposal.Governance.choices,
        widget=forms.RadioSelect,
        initial=PilotProposal.Governance.PLANNED,
        error_messages={"required": "Say where the data-sharing agreement is up to"},
    )
    risks = forms.CharField(
        label="Risks",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the main risks"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import organisations_for_proposer

        self.fields["lead_organisation"].queryset = organisations_for_proposer(
            user=user
        )
        partner_orgs = Organisation.objects.exclude(org_type=Organisation.Type.BUSINESS)
        for i in range(1, PARTNER_ROWS + 1):
            self.fields[f"partner_{i}_organisation"] = forms.ModelChoiceField(
                label=f"Partner {i}",
                queryset=partner_orgs,
                required=False,
                empty_label="No partner",
            )
            self.fields[f"partner_{i}_role"] = forms.ChoiceField(
                label=f"Role of partner {i}",
                choices=[("", "Choose a role")] + PartnerRole.choices,
                required=False,
            )

    def partner_rows(self):
        return [
            (self[f"partner_{i}_organisation"], self[f"partner_{i}_role"])
            for i in range(1, PARTNER_ROWS + 1)
        ]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("partner_")]

    def clean(self):
        data = super().clean()
        for i in range(1, PARTNER_ROWS + 1):
            org = data.get(f"partner_{i}_organisation")
            role = data.get(f"partner_{i}_role")
            if org and not role:
                self.add_error(f"partner_{i}_role", f"Choose the role of partner {i}")
            if role and not org:
                self.add_error(
                    f"partner_{i}_organisation",
                    f"Choose the organisation for partner {i}",
                )
        return data

    def proposal_fields(self) -> dict:
        data = self.cleaned_data
        types = set(data["evaluation_types"])
        return {
            "title": data["title"],
            "problem": data["problem"],
            "proposed_solution": data["proposed_solution"],
            "sponsor": data["sponsor"],
            "budget_requested": data["budget_requested"],
            "match_funding": data["match_funding"],
            "duration_months": data["duration_months"],
            "target_outcomes": data["target_outcomes"],
            "proposed_metrics": data["proposed_metrics"],
            "evaluate_process": "process" in types,
            "evaluate_impact": "impact" in types,
            "evaluate_value_for_money": "value_for_money" in types,
            "evaluation_approach": data["evaluation_approach"],
            "dpia_status": data["dpia_status"],
            "data_sharing_agreement_status": data["data_sharing_agreement_status"],
            "risks": data["risks"],
        }

    def partners(self) -> list[tuple[Organisation, str]]:
        rows = []
        for i in range(1, PARTNER_ROWS + 1):
            org = self.cleaned_data.get(f"partner_{i}_organisation")
            role = self.cleaned_data.get(f"partner_{i}_role")
            if org and role:
                rows.append((org, role))
        return rows

    @classmethod
    def initial_for(cls, proposal: PilotProposal) -> dict:
        initial = {
            name: getattr(proposal, name)
            for name in (
                "title",
                "problem",
                "proposed_solution",
                "sponsor",
                "budget_requested",
                "match_funding",
                "duration_months",
                "target_outcomes",
                "proposed_metrics",
                "evaluation_approach",
                "dpia_status",
                "data_sharing_agreement_status",
                "risks",
            )
        }
        initial["lead_organisation"] = proposal.lead_organisation_id
        initial["evaluation_types"] = [
            key
            for key, flag in (
                ("process", proposal.evaluate_process),
                ("impact", proposal.evaluate_impact),
                ("value_for_money", proposal.evaluate_value_for_money),
            )
            if flag
        ]
        for i, partner in enumerate(proposal.partners.all()[:PARTNER_ROWS], start=1):
            initial[f"partner_{i}_organisation"] = partner.organisation_id
            initial[f"partner_{i}_role"] = partner.role
        return initial


class MeasurementForm(forms.Form):
    metric = forms.ModelChoiceField(
        label="Metric",
        queryset=Metric.objects.none(),
        empty_label="Choose a metric",
        error_messages={"required": "Choose the metric you are recording"},
    )
    month = forms.IntegerField(
        label="Month",
        min_value=1,
        max_value=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the month",
            "invalid": "Month must be a number from 1 to 12",
            "min_value": "Month must be a number from 1 to 12",
            "max_value": "Month must be a number from 1 to 12",
        },
    )
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the year",
            "invalid": "Year must be a number, like 2026",
            "min_value": "Year must be 2000 or later",
            "max_value": "Year must be 2100 or earlier",
        },
    )
    value = forms.DecimalField(
        label="Value",
        max_digits=14,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the value",
            "invalid": "Value must be a number, like 42 or 3.5",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    provisional = forms.BooleanField(
        label="This figure is provisional and may change", required=False
    )

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = Metric.objects.filter(pilot=pilot)
        # The metric's own name: str(metric) would add the pilot, a query per option.
        self.fields["metric"].label_from_instance = lambda metric: metric.name

    def period(self) -> datetime.date:
        return datetime.date(self.cleaned_data["year"], self.cleaned_data["month"], 1)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: metric, period (YYYY-MM), value, note, provisional (yes or no).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": "Choose a CSV file to upload"},
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        raw = upload.read()
        try:
            self.csv_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file must be a CSV saved as UTF-8"
            ) from error
        return upload


class PilotLeadContactForm(forms.Form):
    """A message to a pilot's lead from a case study; their address is never shown."""

    # Name and organisation head the email the lead reads: one line each, so a message
    # cannot dress up lines of its own as the Lab's.
    name = forms.CharField(
        label="Your name",
        max_length=200,
        validators=[validate_single_line],
        error_messages={"required": "Enter your name"},
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The pilot lead replies to this address.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like "
            "name@example.com",
        },
    )
    organisation = forms.CharField(
        label="Your organisation (optional)",
        max_length=200,
        required=False,
        validators=[validate_single_line],
    )
    message = forms.CharField(
        label="Your message",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="For example, what you would like to know about replicating the "
        "pilot. Do not include personal details of residents or service users.",
        error_messages={
            "required": "Enter your message",
            "max_length": "Your message must be 3,000 characters or fewer",
        },
    )

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 20:
            raise forms.ValidationError(
                "Your message must be at least 20 characters, so the pilot lead "
                "knows what you are asking"
            )
        return message
