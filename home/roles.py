"""The staff roles, as Wagtail groups, and what each may do.

Start-ups and public servants are front-end accounts: they belong to no admin group.
Later apps add their model permissions to these lists.
"""

PROGRAMME_LEADS = "Programme leads"
ASSESSORS = "Assessors"
EDITORS = "Editors"

# Django model permissions, as "app_label.codename".
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
        # Urban Challenges: see, judge and export entries; answer clarifications.
        "challenges.view_entry",
        "challenges.change_entry",
        "challenges.view_clarification",
        "challenges.change_clarification",
        # Pilots: proposals, pilots, metrics, measurements, contacts, imports.
        "pilots.add_pilot",
        "pilots.change_pilot",
        "pilots.delete_pilot",
        "pilots.view_pilot",
        "pilots.add_pilotproposal",
        "pilots.change_pilotproposal",
        "pilots.delete_pilotproposal",
        "pilots.view_pilotproposal",
        "pilots.add_metric",
        "pilots.change_metric",
        "pilots.delete_metric",
        "pilots.view_metric",
        "pilots.add_measurement",
        "pilots.change_measurement",
        "pilots.delete_measurement",
        "pilots.view_measurement",
        "pilots.add_contact",
        "pilots.change_contact",
        "pilots.delete_contact",
        "pilots.view_contact",
        "pilots.delete_importjob",
        "pilots.view_importjob",
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
