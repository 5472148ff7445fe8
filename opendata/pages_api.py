"""Wagtail's API v2 for the published pages a reuser wants: Urban Challenge briefs, case
studies and partnership profiles, under /api/v2/pages/.

Only live, public pages of those three types are listed (Wagtail's own rule for live and
public, narrowed to the types). Each type's fields are an allow-list kept here, beside the
API v1 allow-lists, so no private field (entries, scores, contacts' addresses, owners,
revisions) can appear by a model gaining a field. Responses carry the licence, caching
headers and the per-client rate limit of the rest of the open data (`opendata.http`).
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from rest_framework import serializers
from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from challenges.models import ChallengePage
from pilots.models import CaseStudyPage, PartnerPage

from .http import open_data_response


class TagNamesField(serializers.Field):
    """A tag manager as its tag names."""

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class OrganisationsField(serializers.Field):
    """A many-to-many of organisations as name, type, area and identifier."""

    def to_representation(self, value):
        return [organisation_data(o) for o in value.all()]


class OrganisationField(serializers.Field):
    def to_representation(self, value):
        return organisation_data(value)


class PilotField(serializers.Field):
    """A case study's pilot: its headline facts, with the API v1 address of its results."""

    def to_representation(self, pilot):
        return {
            "id": pilot.pk,
            "title": pilot.title,
            "status": pilot.status,
            "evidence_level": pilot.evidence_level,
            "start_date": pilot.start_date,
            "actual_end_date": pilot.actual_end_date,
            "approved_budget": str(pilot.approved_budget),
            "results_url": f"/api/v1/pilots/{pilot.pk}",
        }


def organisation_data(organisation) -> dict:
    return {
        "name": organisation.name,
        "type": organisation.org_type,
        "local_authority_area": organisation.local_authority_area,
        "org_id": organisation.org_id,
        "website": organisation.website,
    }


PAGE_API_FIELDS: dict[type, list[APIField]] = {
    ChallengePage: [
        APIField("summary"),
        APIField("problem"),
        APIField("eligibility"),
        APIField("funding_amount"),
        APIField("pilot_contract"),
        APIField("support"),
        APIField("opens_at"),
        APIField("questions_close_at"),
        APIField("closes_at"),
        APIField("decision_expected"),
        APIField("status", serializers.CharField(read_only=True)),
        APIField("themes", TagNamesField(read_only=True)),
        APIField("holders", OrganisationsField(read_only=True)),
    ],
    CaseStudyPage: [
        APIField("summary"),
        APIField("problem"),
        APIField("what_was_done"),
        APIField("cost_summary"),
        APIField("lessons_learned"),
        APIField("how_to_replicate"),
        APIField("pilot", PilotField(read_only=True)),
    ],
    PartnerPage: [
        APIField("summary"),
        APIField("profile"),
        APIField("organisation", OrganisationField(read_only=True)),
    ],
}
PUBLIC_TYPES = tuple(PAGE_API_FIELDS)
# What each type's fields read, loaded with the page so a listing's queries do not
# grow with its length: (select_related, prefetch_related).
RELATED = {
    ChallengePage: (("judging",), ("holders", "themes")),
    CaseStudyPage: (("pilot",), ()),
    PartnerPage: (("organisation",), ()),
}


@method_decorator(open_data_response, name="dispatch")
class PublicPagesAPIViewSet(PagesAPIViewSet):
    # Only the allow-listed fields, never a model's own `api_fields`.
    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields(
            cls.body_fields + list(PAGE_API_FIELDS.get(model, ()))
        )

    @classmethod
    def get_meta_fields(cls, model):
        return cls._convert_api_fields(cls.meta_fields)

    def get_base_queryset(self):
        return super().get_base_queryset().type(*PUBLIC_TYPES)

    def get_queryset(self):
        queryset = super().get_queryset()
        select, prefetch = RELATED.get(queryset.model, ((), ()))
        # `locale` is read per page by `fields=*` (a meta field).
        return queryset.select_related("locale", *select).prefetch_related(*prefetch)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
