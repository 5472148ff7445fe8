"""Reads about people and the organisations they act for."""

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
