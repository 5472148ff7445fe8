"""The finders' filters (django-filter), read from the query string so a filtered view
can be shared. A value that is not one of the choices is dropped, never an error: a
stale or hand-edited link still shows results."""

import django_filters
from django.db.models import F, Q, QuerySet

from home.models import LocalAuthorityArea, Organisation

from ..metrics import IMPROVED, NO_CLEAR_CHANGE, OUTCOME_LABELS, WORSENED
from ..models import Pilot

SORT_CHOICES = [("newest", "Newest first"), ("evidence", "Strongest evidence first")]
EVIDENCE_CHOICES = [
    (str(level), f"Level {level} or above") for level in Pilot.EvidenceLevel.values
]
OUTCOME_CHOICES = [(value, OUTCOME_LABELS[value]) for value in OUTCOME_LABELS]


def _pilots_involving(**organisation_lookup) -> QuerySet[Pilot]:
    """Pilots an organisation matching the lookup leads or is a partner in."""
    lead = {f"lead_organisation__{k}": v for k, v in organisation_lookup.items()}
    partner = {
        f"partners__organisation__{k}": v for k, v in organisation_lookup.items()
    }
    return Pilot.objects.filter(Q(**lead) | Q(**partner)).values("pk")


class CaseStudyFilter(django_filters.FilterSet):
    """Filters for live case studies annotated by `outcome_annotations`."""

    theme = django_filters.ChoiceFilter(
        label="Theme", method="filter_theme", empty_label="Any theme"
    )
    partner = django_filters.ChoiceFilter(
        label="Partner organisation", method="filter_partner", empty_label="Any partner"
    )
    area = django_filters.ChoiceFilter(
        label="Local authority area", method="filter_area", empty_label="Any area"
    )
    status = django_filters.ChoiceFilter(
        label="Pilot status",
        field_name="pilot__status",
        choices=Pilot.Status.choices,
        empty_label="Any status",
    )
    evidence = django_filters.ChoiceFilter(
        label="Strength of evidence (Nesta)",
        method="filter_evidence",
        choices=EVIDENCE_CHOICES,
        empty_label="Any level",
    )
    outcome = django_filters.ChoiceFilter(
        label="Outcome",
        method="filter_outcome",
        choices=OUTCOME_CHOICES,
        empty_label="Any outcome",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", method="filter_sort", choices=SORT_CHOICES, empty_label=None
    )

    def __init__(self, *args, themes, partners, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["theme"].extra["choices"] = themes
        self.filters["partner"].extra["choices"] = partners
        self.filters["area"].extra["choices"] = areas

    def filter_theme(self, queryset, name, value):
        return queryset.filter(
            pilot__in=Pilot.objects.filter(tagged_items__tag__slug=value).values("pk")
        )

    def filter_partner(self, queryset, name, value):
        return queryset.filter(pilot__in=_pilots_involving(slug=value))

    def filter_area(self, queryset, name, value):
        return queryset.filter(pilot__in=_pilots_involving(local_authority_area=value))

    def filter_evidence(self, queryset, name, value):
        return queryset.filter(pilot__evidence_level__gte=int(value))

    def filter_outcome(self, queryset, name, value):
        improved, worsened = "improved_metrics", "worsened_metrics"
        if value == IMPROVED:
            return queryset.filter(**{f"{improved}__gt": F(worsened)})
        if value == WORSENED:
            return queryset.filter(**{f"{worsened}__gt": F(improved)})
        if value == NO_CLEAR_CHANGE:
            return queryset.filter(measured_metrics__gt=0, **{improved: F(worsened)})
        return queryset

    def filter_sort(self, queryset, name, value):
        # Ordering is applied by the selector (it needs the default when absent).
        return queryset


class PartnerFilter(django_filters.FilterSet):
    org_type = django_filters.ChoiceFilter(
        label="Type of organisation",
        field_name="organisation__org_type",
        choices=Organisation.Type.choices,
        empty_label="Any type",
    )
    area = django_filters.ChoiceFilter(
        label="Local authority area",
        field_name="organisation__local_authority_area",
        choices=LocalAuthorityArea.choices,
        empty_label="Any area",
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.filters["area"].extra["choices"] = areas
