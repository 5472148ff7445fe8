"""The audit log of sensitive actions, in Wagtail's own log (Reports → Site
history): who, what, when, with before/after in `data`.

Wagtail already logs creating, editing and deleting pages, snippets, users and groups.
This module adds what it does not record:

- exports from admin listings (`ExportAuditMixin`, one entry per exported challenge);
- a person's roles (groups) and access flags (active, staff, superuser) changing, with
  the roles before and after (Wagtail logs only "edited");
- a role's permissions changing, when a person does it in the admin (the role sync
  that runs after `migrate` is code, reviewed in version control);
- a lockout after repeated failed sign-ins (`home.lockout.account_locked_out`).

Nobody can edit the log: Wagtail has no screen or URL that changes a log entry. The
only code that rewrites entries is `pilots.services.contact_erase`, which scrubs an
erased person's name from them, as UK GDPR erasure requires.
"""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import get_active_log_context, log

ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


def concrete(obj):
    """The model instance behind `request.user`. django-otp wraps the lazy user in a
    second lazy object, and Wagtail's `log()` unwraps only one: given the wrapper it
    would record nothing."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


class ExportAuditMixin:
    """For a Wagtail IndexView with `list_export`: log every CSV/XLSX download.

    `export_log_targets(queryset)` names the objects the entries are logged against
    (default: the person exporting); each gets one entry with the rows it covers.
    """

    export_log_action = "wagtail.export"

    def export_log_targets(self, queryset) -> list:
        return [concrete(self.request.user)]

    def export_log_rows(self, queryset, target) -> int:
        return queryset.count()

    def as_spreadsheet(self, queryset, spreadsheet_format):
        filters = {
            key: self.request.GET.getlist(key)
            for key in self.request.GET
            if key not in ("export", "p")
        }
        for target in self.export_log_targets(queryset):
            log(
                instance=target,
                action=self.export_log_action,
                user=concrete(self.request.user),
                data={
                    "format": spreadsheet_format,
                    "rows": self.export_log_rows(queryset, target),
                    "filters": filters,
                },
            )
        return super().as_spreadsheet(queryset, spreadsheet_format)


def _group_names(pks) -> list[str]:
    return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))


def user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """User.groups changed from either side: log on each person whose roles changed."""
    from .models import User

    if action == "pre_clear":
        # Remember who is about to lose what: pk_set is empty for a clear.
        if reverse:
            instance._audit_cleared = list(
                instance.user_set.values_list("pk", flat=True)
            )
        else:
            instance._audit_cleared = list(instance.groups.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_audit_cleared", []))
    if not pk_set:
        return
    verb = "added" if action == "post_add" else "removed"
    if reverse:  # group.user_set.add(...): instance is the group, pk_set the people
        for user in User.objects.filter(pk__in=pk_set):
            _log_groups(user, {verb: [instance.name]})
    else:
        _log_groups(instance, {verb: _group_names(pk_set)})


def _log_groups(user, change: dict) -> None:
    log(
        instance=user,
        action="home.user.groups_change",
        data={
            **change,
            "roles_now": sorted(user.groups.values_list("name", flat=True)),
        },
    )


def user_access_before_save(sender, instance, update_fields=None, **kwargs):
    instance._audit_access_before = None
    if instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCESS_FLAGS):
        return  # e.g. the last_login stamp at every sign-in
    before = sender.objects.filter(pk=instance.pk).values(*ACCESS_FLAGS).first() or None
    instance._audit_access_before = before


def user_access_after_save(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_access_before", None)
    if created or not before:
        return
    after = {flag: getattr(instance, flag) for flag in ACCESS_FLAGS}
    changed = {f for f in ACCESS_FLAGS if before[f] != after[f]}
    # Confirming a new account's email address (inactive → active, never signed in)
    # is not a change of access anyone decided.
    if changed == {"is_active"} and after["is_active"] and instance.last_login is None:
        return
    if changed:
        log(
            instance=instance,
            action="home.user.access_change",
            data={
                "before": {f: before[f] for f in sorted(changed)},
                "after": {f: after[f] for f in sorted(changed)},
            },
        )


def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse or action not in ("post_add", "post_remove") or not pk_set:
        return
    if get_active_log_context().user is None:
        return  # the role sync after migrate: code, not a person's decision
    from django.contrib.auth.models import Permission

    codenames = sorted(
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(pk__in=pk_set).values_list(
            "content_type__app_label", "codename"
        )
    )
    verb = "added" if action == "post_add" else "removed"
    log(
        instance=instance,
        action="home.group.permissions_change",
        data={verb: codenames},
    )


def connect() -> None:
    """Called from HomeConfig.ready."""
    from axes.signals import user_locked_out

    from .lockout import account_locked_out
    from .models import User

    m2m_changed.connect(
        user_groups_changed, sender=User.groups.through, dispatch_uid="audit-groups"
    )
    m2m_changed.connect(
        group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="audit-group-permissions",
    )
    pre_save.connect(user_access_before_save, sender=User, dispatch_uid="audit-pre")
    post_save.connect(user_access_after_save, sender=User, dispatch_uid="audit-post")
    user_locked_out.connect(account_locked_out, dispatch_uid="audit-lockout")
