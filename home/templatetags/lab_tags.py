from django import forms, template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from home.status_tags import status_tags

register = template.Library()


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page, include_self=False) -> dict:
    """The pages above this one, from the home page down (one query); with
    include_self, the page itself last (for a screen that hangs off a page)."""
    if not page or (page.depth <= 2 and not include_self):
        return {"items": []}
    request = context.get("request")
    pages = list(page.get_ancestors().filter(depth__gt=1))
    if include_self:
        pages.append(page)
    return {
        "items": [
            ("Home" if p.depth == 2 else p.title, p.get_url(request=request))
            for p in pages
        ]
    }


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumb_links(*pairs) -> dict:
    """Breadcrumbs from text, link pairs: `{% breadcrumb_links "Home" "/" "Your
    entries" "entries_list" %}`; a link that is not a path or URL is a URL name, and
    a pair whose text is empty is left out (a crumb shown only sometimes)."""
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumb_links takes text, link pairs")
    items = []
    for text, link in zip(pairs[::2], pairs[1::2], strict=True):
        if not text:
            continue
        link = str(link)
        if not link.startswith(("/", "http:", "https:")):
            try:
                link = reverse(link)
            except NoReverseMatch as error:
                raise template.TemplateSyntaxError(str(error)) from error
        items.append((text, link))
    return {"items": items}


@register.inclusion_tag("components/status_tag.html")
def status_tag(kind: str, value, label=None) -> dict:
    """A GOV.UK tag for a status, coloured as its app registered (home/status_tags.py)."""
    tags = status_tags(kind)
    return {
        "colour": tags.colour(value),
        "label": tags.label(value) if label is None else label,
    }


def _has_options(field) -> bool:
    return isinstance(
        field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
    )


@register.filter
def govuk_anchor(field) -> str:
    """The id the error summary links to: the field's own input, or the first option
    of a group of radios or checkboxes (components/field.html gives it that id)."""
    if _has_options(field):
        subwidgets = field.subwidgets
        return subwidgets[0].id_for_label if subwidgets else field.auto_id
    return field.auto_id


@register.filter
def govuk_describedby(field) -> str:
    """The ids of the field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.inclusion_tag("components/service_navigation.html", takes_context=True)
def service_navigation(context) -> dict:
    from home.navigation import navigation_items

    request = context.get("request")
    return {"items": navigation_items(request) if request is not None else []}


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context) -> dict:
    """Canonical link, description, Open Graph and Twitter card tags for the <head>.

    Addresses are absolute, from the Site record (home.selectors.site_root_url): a
    page served at its own address gets its `full_url`, any other view the same root
    with its own path. Only a `page` number survives from the query string, so a
    filtered finder names its unfiltered self and each page of a listing itself.
    """
    from django.templatetags.static import static
    from django.utils.text import Truncator
    from wagtail.models import Page

    from home.selectors import site_root_url
    from home.structured_data import SITE_DESCRIPTION, SITE_NAME

    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page):
        page = None
    root = site_root_url(request)
    path = request.path if request is not None else "/"
    url = None
    if page is not None and request is not None and path == page.get_url(request):
        url = page.get_full_url(request)
    url = url or root + path
    number = request.GET.get("page", "") if request is not None else ""
    if number.isdecimal() and int(number) > 1:  # isdigit() passes "²", int() not
        url = f"{url}?page={int(number)}"
    description = SITE_DESCRIPTION
    if page is not None:
        description = (
            page.search_description
            or getattr(page, "summary", "")
            or getattr(page, "intro", "")
            or SITE_DESCRIPTION
        )
    title = SITE_NAME
    if page is not None:
        title = page.seo_title or page.title
    return {
        "canonical_url": url,
        "description": Truncator(" ".join(description.split())).chars(300),
        "title": title,
        "site_name": SITE_NAME,
        "og_type": getattr(page, "og_type", "website"),
        "image_url": root + static("images/share-card.png"),
        "image_alt": SITE_NAME,
    }


# GOV.UK Frontend's snippet, exactly as its documentation gives it.
@register.simple_tag
def govuk_frontend_supported_script() -> str:
    """The inline <script> that marks <body> before the first paint; the CSP allows it
    by its hash (settings.GOVUK_FRONTEND_SUPPORTED_JS_HASH)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    return format_html(
        "<script>{}</script>",
        mark_safe(settings.GOVUK_FRONTEND_SUPPORTED_JS),  # noqa: S308 (a constant, ours)
    )
