"""Writes for the ground floor: roles, accounts, organisations and invitations,
notification preferences and shared page helpers."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    base36_to_int,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
)

from . import roles
from .emails import email_queue
from .models import (
    NotificationKind,
    NotificationPreference,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    User,
)
from .selectors import organisation_for


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
    for name, dotted_names in roles.model_permissions().items():
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


def site_address(base_url: str) -> tuple[str, int]:
    """The hostname and port of a Site record serving `base_url`.

    Wagtail's `Site.root_url` is `https://host` for port 443 and `http://host[:port]`
    otherwise, so an https address on another port cannot be expressed: it gets its
    port, served as http (production runs behind a proxy on 443).
    """
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"not an absolute http(s) address: {base_url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname, port


def site_sync_from_base_url(*, root_page: Page | None = None) -> Site | None:
    """Point the default Site record at `WAGTAILADMIN_BASE_URL`.

    Every absolute address the site writes (page `full_url`s in feeds, JSON-LD,
    canonical links, the sitemap and emails) is built from the Site record, so it must
    name the address the site is deployed at, never the `localhost` Wagtail's first
    migration wrote. Runs after every migrate (home/signal_handlers.py) and from the
    demo loader, which also passes its home page as the root of a new Site. Without a
    default Site and without `root_page` there is nothing to do.
    """
    hostname, port = site_address(settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        if root_page is None:
            return None
        return Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=root_page,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    changed = (site.hostname, site.port) != (hostname, port)
    if root_page is not None and site.root_page_id != root_page.pk:
        site.root_page = root_page
        site.site_name = settings.WAGTAIL_SITE_NAME
        changed = True
    if changed:
        # save(), not update(): Wagtail's post_save handler clears its cached roots.
        site.hostname, site.port = hostname, port
        site.save()
    return site


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


# --- Accounts -------------------------------------------------------------------------


def _link_max_age() -> timedelta:
    return timedelta(hours=settings.ACCOUNT_LINK_MAX_AGE_HOURS)


class _AccountLinkTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, hashed over what a used or stale link must not
    survive: the password (a change), the last sign-in (confirming signs in), whether
    the account is active (deactivation) and when its address was confirmed (a used
    confirmation link). Valid for ACCOUNT_LINK_MAX_AGE_HOURS."""

    def _make_hash_value(self, user, timestamp):
        login = (
            user.last_login.replace(microsecond=0, tzinfo=None)
            if user.last_login
            else ""
        )
        confirmed = (
            user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
        )
        return (
            f"{user.pk}{user.password}{login}{user.is_active}{confirmed}"
            f"{user.email}{timestamp}"
        )

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - issued
        return age <= _link_max_age().total_seconds()


class _ConfirmTokenGenerator(_AccountLinkTokenGenerator):
    key_salt = "home.services.account-confirm"


class PasswordResetLinkTokenGenerator(_AccountLinkTokenGenerator):
    """The password-reset links of the site's sign-in: also dead once the account is
    deactivated (Django's own survive it)."""

    key_salt = "home.services.password-reset"


confirm_token_generator = _ConfirmTokenGenerator()
password_reset_token_generator = PasswordResetLinkTokenGenerator()

_LINK_INVALID = "This link is not valid or has expired"


def _confirm_token(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}-{confirm_token_generator.make_token(user)}"


@transaction.atomic
def account_sign_up(*, email: str, password: str) -> User | None:
    """A new start-up account, inactive until its email address is confirmed.

    For an address that already has an account nothing is created and its owner is
    emailed instead (`None` is returned): the person signing up sees the same answer
    either way, so the form cannot be used to learn who has an account. The password is
    checked and hashed on both paths, so both take as long."""
    email = User.objects.normalize_email(email).strip()
    user = User(
        username=email.lower()[:150],
        email=email,
        is_active=False,
        email_confirmed_at=None,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the time the new account's hash would take
        email_queue(
            # At most one such email a day, however often someone tries.
            key=f"account-exists:{existing.pk}:{timezone.localdate().isoformat()}",
            to=existing.email,
            subject="Someone tried to create an account with your email address",
            template="account_exists",
            context={"path": reverse("sign_in"), "reset": reverse("password_reset")},
        )
        return None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    account_confirmation_send(user=user)
    return user


def account_confirmation_send(*, user: User) -> None:
    """Email a confirmation link to a sign-up that awaits one; nothing otherwise (a
    deactivated account is not told anything)."""
    if not user.awaits_confirmation:
        return
    url = reverse("account_confirm", kwargs={"token": _confirm_token(user)})
    email_queue(
        key=f"account-confirm:{user.pk}:{timezone.now().isoformat()}",
        to=user.email,
        subject="Confirm your email address",
        template="account_confirm",
        context={"user": user, "path": url},
    )


def password_reset_request(*, email: str) -> None:
    """Someone asked for a password-reset link for `email`.

    The request does the same work whether or not an account has the address: the
    lookup and the email happen after it, in a task (`password_reset_send`), so neither
    the answer nor the time it takes tells who has an account."""
    from .tasks import password_reset_send_task

    transaction.on_commit(lambda: password_reset_send_task.delay(email=email))


def password_reset_send(*, email: str) -> int:
    """Email a reset link to each active account at `email` that has a password (never
    to a deactivated one); return how many were sent."""
    sent = 0
    for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
        if not user.has_usable_password():
            continue
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = password_reset_token_generator.make_token(user)
        email_queue(
            key=f"password-reset:{uid}:{token}",
            to=user.email,
            subject="Reset your password",
            template="account_password_reset",
            context={
                "path": reverse(
                    "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
                )
            },
        )
        sent += 1
    return sent


@transaction.atomic
def account_confirm(*, token: str) -> User:
    """Confirm a sign-up's address and make the account active: once, within
    ACCOUNT_LINK_MAX_AGE_HOURS, and only for an account that has never been active
    (a deactivated one stays inactive whatever link is followed)."""
    try:
        uid, token = token.split("-", 1)
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError) as error:
        raise ValidationError(_LINK_INVALID, code="invalid") from error
    user = User.objects.select_for_update().filter(pk=pk).first()
    if (
        user is None
        or not user.awaits_confirmation
        or not confirm_token_generator.check_token(user, token)
    ):
        raise ValidationError(_LINK_INVALID, code="invalid")
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    return user


# --- Organisations --------------------------------------------------------------------
#
# One path for the start-up's own profile form and the staff's Organisations admin: the
# same rules (name, a unique slug, the org-id from a Companies House number) either way.


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:180] or "organisation"
    others = Organisation.objects.exclude(pk=exclude_pk)
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _organisation_save(organisation: Organisation) -> Organisation:
    organisation.name = organisation.name.strip()
    if not organisation.slug:
        organisation.slug = _unique_slug(organisation.name, exclude_pk=organisation.pk)
    if organisation.companies_house_number and not organisation.org_id:
        organisation.org_id = f"GB-COH-{organisation.companies_house_number}"
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_create(*, by: User, data: dict, join: bool = True) -> Organisation:
    """A new organisation.

    `join` (the start-up's profile form): a business, with `by` as its administrator;
    `by` must not belong to an organisation yet. Otherwise (the staff admin) `by` needs
    permission to add organisations, chooses the type and does not join it.
    """
    if join:
        if not by.is_authenticated:
            raise PermissionDenied
        if organisation_for(user=by) is not None:
            raise ValidationError("You already belong to an organisation")
        data = {**data, "org_type": Organisation.Type.BUSINESS}
    elif not by.has_perm("home.add_organisation"):
        raise PermissionDenied
    organisation = _organisation_save(Organisation(**data))
    log(instance=organisation, action="wagtail.create", user=by, content_changed=True)
    if join:
        OrganisationMembership.objects.create(
            organisation=organisation, user=by, role=OrganisationMembership.Role.ADMIN
        )
    return organisation


def _is_admin(*, organisation: Organisation, user: User) -> bool:
    return OrganisationMembership.objects.filter(
        organisation=organisation, user=user, role=OrganisationMembership.Role.ADMIN
    ).exists()


def _require_admin(*, organisation: Organisation, user: User) -> None:
    if not _is_admin(organisation=organisation, user=user):
        raise PermissionDenied


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User, data: dict
) -> Organisation:
    """Change a profile: its own administrators, or staff who may change organisations."""
    if not (
        by.has_perm("home.change_organisation")
        or _is_admin(organisation=organisation, user=by)
    ):
        raise PermissionDenied
    for field, value in data.items():
        setattr(organisation, field, value)
    _organisation_save(organisation)
    log(instance=organisation, action="wagtail.edit", user=by, content_changed=True)
    return organisation


# Rows that belong to the organisation alone and go with it.
_DELETED_WITH_ORGANISATION = {OrganisationInvitation}
# What a deletion leaves in place, with the link emptied.
_OUTLIVES_ORGANISATION = {models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING}


def _organisation_uses(organisation: Organisation) -> list[str]:
    """What refers to the organisation and would be deleted with it or stop it, as
    "2 organisation memberships", "1 pilot": every reverse relation of every app
    (members, entries, proposals, pilots, partner pages, challenges held...), found
    through the model's meta, so that home needs to know none of those apps."""
    uses = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created) or relation.concrete:
            continue
        model = relation.related_model
        if model in _DELETED_WITH_ORGANISATION or model._meta.auto_created:
            continue  # an automatic many-to-many table: its relation is counted
        if getattr(relation, "on_delete", None) in _OUTLIVES_ORGANISATION:
            continue
        count = model._base_manager.filter(
            **{f"{relation.field.name}__in": [organisation.pk]}
        ).count()
        if count:
            meta = model._meta
            name = meta.verbose_name if count == 1 else meta.verbose_name_plural
            uses.append(f"{count} {name}")
    return uses


@transaction.atomic
def organisation_delete(*, organisation: Organisation, by: User) -> None:
    """Delete an organisation nobody acts for and nothing refers to. Its invitations
    go with it."""
    if not by.has_perm("home.delete_organisation"):
        raise PermissionDenied
    uses = _organisation_uses(organisation)
    if uses:
        raise ValidationError(
            f"{organisation.name} cannot be deleted while it has {', '.join(uses)}",
            code="in_use",
        )
    log(instance=organisation, action="wagtail.delete", user=by, deleted=True)
    try:
        with transaction.atomic():
            organisation.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            f"{organisation.name} cannot be deleted: other records refer to it",
            code="in_use",
        ) from error


@transaction.atomic
def organisation_invite(
    *, organisation: Organisation, by: User, email: str
) -> OrganisationInvitation:
    _require_admin(organisation=organisation, user=by)
    email = User.objects.normalize_email(email).strip()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member"})
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation, email=email, invited_by=by
    )
    email_queue(
        key=f"organisation-invitation:{invitation.pk}",
        to=email,
        subject=f"Join {organisation.name} on the Public Impact Lab",
        template="organisation_invitation",
        context={
            "organisation": organisation,
            "invited_by": by,
            "path": reverse("invitation_accept", kwargs={"token": invitation.token}),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: OrganisationInvitation, user: User) -> None:
    invitation = OrganisationInvitation.objects.select_for_update().get(
        pk=invitation.pk
    )
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used")
    if invitation.created_at < timezone.now() - _link_max_age():
        raise ValidationError("This invitation has expired: ask for a new one")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError("This invitation was sent to another email address")
    if organisation_for(user=user) is not None:
        raise ValidationError("You already belong to an organisation")
    OrganisationMembership.objects.get_or_create(
        organisation=invitation.organisation, user=user
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
