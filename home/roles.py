"""The staff roles, as Wagtail groups, and what each may do.

Start-ups and public servants are front-end accounts: they belong to no admin group.
The apps above home add their models' permissions through a hook (`model_permissions`).
"""

from wagtail import hooks

PROGRAMME_LEADS = "Programme leads"
ASSESSORS = "Assessors"
EDITORS = "Editors"


def role_names(user) -> frozenset[str]:
    """The names of the role groups `user` belongs to, read once per user object: the
    admin menu asks several times a request, and must not add a query each time."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    names = getattr(user, "_role_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = names
    return names


def is_programme_lead(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or PROGRAMME_LEADS in role_names(user)
    )


def is_assessor(user) -> bool:
    return ASSESSORS in role_names(user)


def is_public_servant(user) -> bool:
    """A front-end user who is a member of a public or voluntary (non-business) body."""
    from .models import Organisation, OrganisationMembership

    if not getattr(user, "is_authenticated", False):
        return False
    return (
        OrganisationMembership.objects.filter(user=user)
        .exclude(organisation__org_type=Organisation.Type.BUSINESS)
        .exists()
    )


# Django model permissions, as "app_label.codename": the kernel's own here; each app
# adds its models' through the `register_role_permissions` hook (see
# `model_permissions`), so home names no app above it.
MODEL_PERMISSIONS: dict[str, list[str]] = {
    PROGRAMME_LEADS: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "home.change_labsettings",
        "home.add_organisation",
        "home.change_organisation",
        "home.delete_organisation",
        "home.view_organisation",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "home.view_taskfailure",
        "home.retry_taskfailure",
        # Security: read-only, so the site history shows leads the audit
        # entries about people's roles, sign-in lockouts and 2FA (Wagtail lists a log
        # entry only to those with a permission on its model).
        "home.view_user",
        "auth.view_group",
    ],
    ASSESSORS: ["wagtailadmin.access_admin"],
    EDITORS: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
    ],
}

# Wagtail page permissions, granted on the whole page tree.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    PROGRAMME_LEADS: [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "delete_page",
    ],
    ASSESSORS: [],
    # Editors draft and submit for moderation; a programme lead publishes.
    EDITORS: ["add_page", "change_page"],
}

# Image and document permissions, granted on the root collection.
COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    PROGRAMME_LEADS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    ASSESSORS: [],
    EDITORS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
}


def model_permissions() -> dict[str, list[str]]:
    """Every role's model permissions: home's, plus what each app registers with the
    `register_role_permissions` hook (a function returning {role: [dotted names]})."""
    gathered = {role: list(names) for role, names in MODEL_PERMISSIONS.items()}
    for hook in hooks.get_hooks("register_role_permissions"):
        for role, names in hook().items():
            gathered[role].extend(names)
    return gathered
