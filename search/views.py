from django.http import JsonResponse
from django.template.response import TemplateResponse

from .services import query_from_params, search, suggest
from .types import FACETS

FACET_TITLES = {
    "content_type": "Type",
    "theme": "Theme",
    "area": "Area",
    "status": "Status",
    "evidence_level": "Strength of evidence",
}


def search_results_view(request, *, page):
    query = query_from_params(request.GET)
    results = search(query) if (query.text or query.filters) else None
    facet_groups = []
    if results is not None:
        facet_groups = [
            {"name": name, "title": FACET_TITLES[name], "values": results.facets[name]}
            for name in FACETS
            if results.facets.get(name)
        ]
    params = request.GET.copy()
    params.pop("page", None)
    return TemplateResponse(
        request,
        "search/search_page.html",
        {
            "page": page,
            "query": query,
            "results": results,
            "facet_groups": facet_groups,
            "page_querystring": params.urlencode(),
        },
    )


def suggest_view(request):
    return JsonResponse({"suggestions": suggest(request.GET.get("q", ""))})
