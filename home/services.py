from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from . import roles
from .models import NotificationKind, NotificationPreference, User


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_sync() -> list[Group]:
    """Create the role groups and grant exactly the permissions `home.roles` lists.

    Idempotent: runs after every migrate. Permissions that no longer appear in the lists
    are taken away, so the code stays the single record of who may do what.
    """
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = []
    for name, dotted_names in roles.MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(d) for d in dotted_names])

        if root_page is not None:
            wanted = {
                _permission(f"wagtailcore.{c}") for c in roles.PAGE_PERMISSIONS[name]
            }
            GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
                permission__in=wanted
            ).delete()
            for permission in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )

        if root_collection is not None:
            wanted = {_permission(d) for d in roles.COLLECTION_PERMISSIONS[name]}
            GroupCollectionPermission.objects.filter(
                group=group, collection=root_collection
            ).exclude(permission__in=wanted).delete()
            for permission in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        groups.append(group)
    return groups


def page_ensure(*, parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """Return the child of `parent` with this slug, creating and publishing it if absent.

    Used by the demo-content loaders so that running them twice doubles nothing. An
    existing page is left as its editors made it.
    """
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def notification_preference_update(
    *, user: User, frequency: str, muted_kinds: list[str]
) -> NotificationPreference:
    """Save how `user` wants to hear from the Lab and confirm it by email."""
    from .emails import email_queue

    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    preference.frequency = frequency
    preference.muted_kinds = sorted(set(muted_kinds) & set(NotificationKind.values))
    preference.full_clean()
    preference.save()
    email_queue(
        key=f"notification-preferences-changed:{user.pk}:{preference.updated_at.isoformat()}",
        to=user.email,
        subject="Your notification settings have changed",
        template="notification_preferences_changed",
        context={"user": user, "preference": preference},
    )
    return preference
