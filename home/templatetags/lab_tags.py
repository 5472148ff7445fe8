from django import template

register = template.Library()


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(page) -> dict:
    """The pages above this one, from the home page down (one query)."""
    if page is None or page.depth <= 2:
        return {"ancestors": []}
    return {"ancestors": page.get_ancestors().filter(depth__gt=1)}
