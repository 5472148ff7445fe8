"""The Wagtail editor form for challenge briefs."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm


class ChallengePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        criteria = self.formsets.get("criteria")
        if criteria is not None and all(f.is_valid() for f in criteria.forms):
            weights = [
                form.cleaned_data.get("weight") or 0
                for form in criteria.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            for form in criteria.forms:
                low = form.cleaned_data.get("scale_min")
                high = form.cleaned_data.get("scale_max")
                if low is not None and high is not None and high <= low:
                    form.add_error(
                        "scale_max", "The highest score must be above the lowest"
                    )
            total = sum(weights)
            if weights and total != 100:
                self.add_error(
                    None,
                    ValidationError(
                        f"The assessment criteria weights must total 100; "
                        f"they total {total}.",
                        code="weights_total",
                    ),
                )
        opens = cleaned.get("opens_at")
        questions = cleaned.get("questions_close_at")
        closes = cleaned.get("closes_at")
        decision = cleaned.get("decision_expected")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "Entries must close after they open")
        if questions and closes and not (opens is None or opens <= questions):
            self.add_error(
                "questions_close_at", "Questions must close after entries open"
            )
        if questions and closes and questions > closes:
            self.add_error(
                "questions_close_at", "Questions must close before entries close"
            )
        if decision and closes and decision < closes.date():
            self.add_error(
                "decision_expected", "The decision comes after entries close"
            )
        return cleaned
