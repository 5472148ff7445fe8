from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "lab_search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import signal_handlers

        page_published.connect(signal_handlers.page_changed)
        page_unpublished.connect(signal_handlers.page_changed)
        post_page_move.connect(signal_handlers.page_moved)
        post_delete.connect(signal_handlers.page_deleted)
