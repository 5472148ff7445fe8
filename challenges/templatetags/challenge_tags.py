from django import template

from home.structured_data import json_ld_script

from ..structured_data import challenge_json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def challenge_structured_data(context, challenge):
    """The brief's schema.org JSON-LD as a <script type="application/ld+json">."""
    return json_ld_script(
        challenge_json_ld(challenge=challenge, request=context.get("request"))
    )
