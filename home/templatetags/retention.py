"""The retention periods, read from settings, for the privacy notice."""

from django import template

register = template.Library()


@register.inclusion_tag("home/includes/retention_periods.html")
def retention_periods() -> dict:
    from home.retention import retention_periods as periods

    return {"periods": periods()}
