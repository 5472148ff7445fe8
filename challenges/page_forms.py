"""The Wagtail editor form for challenge briefs."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from wagtail.admin.forms import WagtailAdminPageForm


class ChallengePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        criteria = self.formsets.get("criteria")
        if criteria is not None and all(f.is_valid() for f in criteria.forms):
            self._keep_answered_criteria(criteria.forms)
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

    def _keep_answered_criteria(self, forms) -> None:
        """Once entrants have answered a criterion it cannot be removed (that would
        delete their answers and the assessors' scores with it); once assessors have
        scored it, its scale and weight are fixed (the scores already given were
        given on them); and once any entry has an answer, no criterion can be added
        (those entries would have nothing to be scored on for it)."""
        from .models import AssessmentCriterion

        if self.instance.pk is None:
            return
        used = {
            c.pk: c
            for c in AssessmentCriterion.objects.filter(page=self.instance).annotate(
                n_answers=Count("answers", distinct=True),
                n_scores=Count(
                    "scores", filter=Q(scores__score__isnull=False), distinct=True
                ),
            )
        }
        answered = any(c.n_answers for c in used.values())
        for form in forms:
            if not form.cleaned_data:
                continue
            criterion = used.get(form.instance.pk)
            if criterion is None:
                if answered and not form.cleaned_data.get("DELETE"):
                    self.add_error(
                        None,
                        ValidationError(
                            f"“{form.cleaned_data.get('title')}” cannot be added: "
                            "entrants have already answered this brief's criteria, "
                            "and their entries would have no answer to it.",
                            code="criterion_added_after_entries",
                        ),
                    )
                continue
            if form.cleaned_data.get("DELETE") and (
                criterion.n_answers or criterion.n_scores
            ):
                work = []
                if criterion.n_answers:
                    n = _count(criterion.n_answers, "entry has", "entries have")
                    work.append(f"{n} answered it")
                if criterion.n_scores:
                    n = _count(criterion.n_scores, "score", "scores")
                    work.append(f"assessors have given {n} on it")
                self.add_error(
                    None,
                    ValidationError(
                        f"“{criterion.title}” cannot be removed: {' and '.join(work)}.",
                        code="criterion_in_use",
                    ),
                )
                continue
            if criterion.n_scores:
                for field in ("scale_min", "scale_max", "weight"):
                    if form.cleaned_data.get(field) != getattr(criterion, field):
                        form.add_error(
                            field,
                            "Assessors have given "
                            f"{_count(criterion.n_scores, 'score', 'scores')} on "
                            "this criterion, so its scale and weight can no longer "
                            f"change (it was {getattr(criterion, field)}).",
                        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
