from django import template

register = template.Library()


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(page) -> dict:
    """The pages above this one, from the home page down (one query)."""
    if page is None or page.depth <= 2:
        return {"ancestors": []}
    return {"ancestors": page.get_ancestors().filter(depth__gt=1)}


@register.inclusion_tag("components/service_navigation.html", takes_context=True)
def service_navigation(context) -> dict:
    from home.navigation import navigation_items

    request = context.get("request")
    return {"items": navigation_items(request) if request is not None else []}
