"""schema.org JSON-LD for published pages: one safe way to put it in a page.

`json_ld_script(data)` returns a `<script type="application/ld+json">` element. It is a
data block, never executed, so the strict Content-Security-Policy does not apply to it
(the browser tests check no violation is reported). The JSON is escaped the way Django's
`json_script` escapes it: `<`, `>` and `&` become `\\u003C`, `\\u003E` and `\\u0026`, so
text written by editors cannot close the element or open another.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

SCHEMA_CONTEXT = "https://schema.org"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLISHER = {
    "@type": "GovernmentOrganization",
    "name": "West Midlands Combined Authority",
}
SITE_NAME = "West Midlands Public Impact Lab"
# The meta description of a page with nothing better to say about itself.
SITE_DESCRIPTION = (
    "The West Midlands Public Impact Lab runs Urban Challenges with the region's "
    "councils, police, fire and NHS partners, pilots what start-ups propose and "
    "publishes what worked, what it cost and the evidence."
)

# The same escapes as django.utils.html.json_script.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# schema.org types for the organisation types in home.Organisation.Type.
_ORGANISATION_TYPES = {
    "council": "GovernmentOrganization",
    "combined-authority": "GovernmentOrganization",
    "police": "GovernmentOrganization",
    "fire": "GovernmentOrganization",
    "nhs": "GovernmentOrganization",
    "university": "CollegeOrUniversity",
    "voluntary": "NGO",
    "business": "Organization",
}


def json_ld_script(data: dict) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _ESCAPES
    )
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308
    )


def organisation_json_ld(organisation) -> dict:
    """A home.Organisation as a schema.org Organization (or one of its subtypes)."""
    data = {
        "@type": _ORGANISATION_TYPES.get(organisation.org_type, "Organization"),
        "name": organisation.name,
    }
    if organisation.website:
        data["url"] = organisation.website
    if organisation.org_id:
        data["identifier"] = organisation.org_id
    return data
