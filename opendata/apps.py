from django.apps import AppConfig


class OpendataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from home import page_cache

        from . import prebuilt

        # The page cache's signal tells when published data changed: rebuild the files.
        page_cache.published_data_changed.connect(
            prebuilt.data_changed, dispatch_uid="opendata-prebuilt"
        )
