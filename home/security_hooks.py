"""Wagtail hooks for security, imported by home/wagtail_hooks.py: the second-factor
screens, the buttons that lead to them and the audit-log actions the site records."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

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
        path(
            "two-factor/recovery-code/",
            two_factor.two_factor_recovery_code,
            name="two_factor_recovery_code",
        ),
        path(
            "two-factor/recovery-codes/",
            two_factor.RecoveryCodesView.as_view(),
            name="two_factor_recovery_codes",
        ),
        path(
            "two-factor/reset/<int:user_id>/",
            two_factor.TwoFactorResetView.as_view(),
            name="two_factor_reset",
        ),
    ]


@hooks.register("register_account_menu_item")
def recovery_codes_account_item(request):
    if not two_factor.has_app(request.user):
        return None
    return {
        "url": reverse("two_factor_recovery_codes"),
        "label": "Recovery codes",
        "help_text": "See how many are left or make new ones, for when you do not "
        "have your phone",
    }


@hooks.register("register_user_listing_buttons")
def two_factor_reset_listing_button(user, request_user):
    if not request_user.is_superuser:
        return []
    return [
        Button(
            "Reset two-factor authentication",
            url=reverse("two_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=90,
        )
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
        "Removed the authenticator apps and recovery codes",
    )
    actions.register_action(
        "home.two_factor.recovery_codes_create",
        "Make recovery codes",
        "Made new two-factor recovery codes",
    )
    actions.register_action(
        "home.two_factor.recovery_code_used",
        "Use a recovery code",
        "Signed in with a two-factor recovery code",
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
