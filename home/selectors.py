"""Reads about people and the organisations they act for."""

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Site

from .models import Organisation, OrganisationMembership, User


def organisation_for(*, user: User) -> Organisation | None:
    """The organisation a person acts for (their first membership)."""
    if not user.is_authenticated:
        return None
    membership = (
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.organisation if membership else None


def site_root_url(request: HttpRequest | None = None) -> str:
    """The scheme and host every absolute address starts with, no trailing slash.

    The Site record serving the request (Wagtail falls back to the default Site, and
    caches it on the request), kept at WAGTAILADMIN_BASE_URL by
    `services.site_sync_from_base_url`; the setting itself when there is no Site yet.
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL
