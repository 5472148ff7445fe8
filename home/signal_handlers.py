from django.apps import apps
from django.contrib.auth.management import create_permissions


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Keep the role groups and their permissions current after every migrate.

    Django creates each app's permissions in that app's own post_migrate handler, which
    may not have run yet for apps after `home`, so make sure they all exist first.
    """
    from .services import roles_sync

    for app_config in apps.get_app_configs():
        create_permissions(
            app_config, verbosity=0, using=kwargs.get("using", "default")
        )
    roles_sync()


def sync_site_after_migrate(sender, **kwargs) -> None:
    """At every deploy's migrate, the default Site takes `WAGTAILADMIN_BASE_URL`."""
    from .services import site_sync_from_base_url

    site_sync_from_base_url()
