from django.apps import AppConfig


class OpendataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from home import page_cache

        from . import prebuilt

        # The page cache's hook tells when published data changed: rebuild the files.
        page_cache.on_change(prebuilt.data_changed)
