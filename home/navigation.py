"""The service navigation: one link per section of the site, shown once it exists.

A section is the first live page of its index type; sections whose app has not shipped
(or whose page has not been published) simply do not appear.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

SECTIONS = [
    ("Challenges", "challenges.ChallengeIndexPage"),
    ("Case studies", "pilots.CaseStudyIndexPage"),
    ("Partners", "pilots.PartnerIndexPage"),
    ("Search", "lab_search.SearchPage"),
]


def navigation_items(request) -> list[dict]:
    """[{"text", "href", "current"}], cached on the request: one query per request."""
    cached = getattr(request, "_lab_navigation", None)
    if cached is not None:
        return cached
    models = []
    for text, label in SECTIONS:
        try:
            models.append((text, apps.get_model(label)))
        except LookupError:
            continue
    items = []
    if models:
        content_types = ContentType.objects.get_for_models(*(m for _, m in models))
        type_ids = {m: ct.pk for m, ct in content_types.items()}
        pages = (
            Page.objects.live()
            .public()
            .filter(content_type_id__in=type_ids.values())
            .order_by("path")
        )
        first_by_type = {}
        for page in pages:
            first_by_type.setdefault(page.content_type_id, page)
        path = getattr(request, "path", "")
        for text, model in models:
            page = first_by_type.get(type_ids[model])
            if page is None:
                continue
            href = page.get_url(request=request)
            items.append({"text": text, "href": href, "current": path.startswith(href)})
    request._lab_navigation = items
    return items
