"""Wagtail hooks for security, imported by home/wagtail_hooks.py: the two
second-factor screens and the audit-log actions the site records."""

from django.urls import path
from wagtail import hooks

from . import two_factor


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("two-factor/", two_factor.two_factor_verify, name="two_factor_verify"),
        path(
            "two-factor/set-up/",
            two_factor.two_factor_set_up,
            name="two_factor_set_up",
        ),
    ]


@hooks.register("register_log_actions")
def register_security_log_actions(actions):
    actions.register_action(
        "home.two_factor.set_up",
        "Set up two-factor authentication",
        "Set up an authenticator app",
    )
    actions.register_action(
        "home.two_factor.reset",
        "Reset two-factor authentication",
        "Removed the authenticator apps",
    )
    actions.register_action(
        "home.user.groups_change", "Change roles", "Changed the person's roles"
    )
    actions.register_action(
        "home.user.access_change",
        "Change account access",
        "Changed active, staff or superuser status",
    )
    actions.register_action(
        "home.group.permissions_change",
        "Change role permissions",
        "Changed what a role may do",
    )
    actions.register_action(
        "home.account.locked_out",
        "Lock out after failed sign-ins",
        "Locked out after repeated failed sign-ins",
    )
    actions.register_action(
        "challenges.entries.export", "Export entries", "Exported entries"
    )
    actions.register_action(
        "home.retention.purge",
        "Retention purge",
        "Deleted or anonymised data past its retention period",
    )
    actions.register_action(
        "pilots.contact.export",
        "Export contact's personal data",
        "Exported the contact's personal data",
    )
