from django.apps import AppConfig
from django.db.models.signals import post_migrate
from wagtail.users.apps import WagtailUsersAppConfig


class HomeConfig(AppConfig):
    # The config for "home" in INSTALLED_APPS: this module holds two more (UsersConfig
    # and the Wagtail one it extends), so Django needs telling which.
    default = True
    name = "home"
    verbose_name = "Site"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import page_cache, signal_handlers

        post_migrate.connect(signal_handlers.sync_roles_after_migrate, sender=self)
        # Absolute addresses come from the Site record: keep it at WAGTAILADMIN_BASE_URL.
        post_migrate.connect(signal_handlers.sync_site_after_migrate, sender=self)
        # Anonymous page cache: any committed change to what pages show invalidates it.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(page_cache.model_changed, dispatch_uid="page-cache-model")
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(page_cache.page_changed, dispatch_uid="page-cache-page")
        # Security: audit-log role and permission changes, and lockouts.
        from . import audit

        audit.connect()


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with our user viewset (home/user_views.py)."""

    user_viewset = "home.user_views.UserViewSet"
