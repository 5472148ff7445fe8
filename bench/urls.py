"""The site's URLs plus the floor: the smallest Django view, served by the same stack."""

from django.http import HttpResponse
from django.urls import path

from lab_site.urls import urlpatterns as site_urlpatterns


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("_bench/floor/", floor), *site_urlpatterns]
