"""schema.org JSON-LD for an Urban Challenge brief.

The brief is a `WebPage` (published under the Open Government Licence) whose main
entity is the funding on offer, a `MonetaryGrant` sponsored by the challenge holders;
entering is its `ApplyAction`, open from `opens_at` to `closes_at`.
"""

from django.http import HttpRequest

from home.structured_data import (
    OGL_URL,
    PUBLISHER,
    SCHEMA_CONTEXT,
    SITE_NAME,
    organisation_json_ld,
)

from .models import ChallengePage


def challenge_json_ld(*, challenge: ChallengePage, request: HttpRequest) -> dict:
    url = challenge.get_full_url(request=request)
    grant = {
        "@type": "MonetaryGrant",
        "name": challenge.title,
        "description": challenge.summary,
        "url": url,
        "funder": PUBLISHER,
        "sponsor": [organisation_json_ld(o) for o in challenge.holders.all()],
        "potentialAction": {
            "@type": "ApplyAction",
            "name": "Enter this Urban Challenge",
            "target": url,
            "startTime": challenge.opens_at,
            "endTime": challenge.closes_at,
        },
    }
    if challenge.funding_amount:
        grant["amount"] = {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "maxValue": challenge.funding_amount,
        }
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": challenge.title,
        "description": challenge.summary,
        "inLanguage": "en-GB",
        "license": OGL_URL,
        "publisher": PUBLISHER,
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME},
        "keywords": [tag.name for tag in challenge.themes.all()],
        "mainEntity": grant,
    }
    if challenge.first_published_at:
        data["datePublished"] = challenge.first_published_at
    if challenge.last_published_at:
        data["dateModified"] = challenge.last_published_at
    return data
