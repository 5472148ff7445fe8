from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import signal_handlers

        post_migrate.connect(signal_handlers.sync_roles_after_migrate, sender=self)
