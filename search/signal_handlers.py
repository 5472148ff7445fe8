"""Indexing follows publishing: publish, unpublish, move and delete queue an update of
the page's search document (and, for moves, its descendants' URLs) once the transaction
commits."""

from django.db import transaction
from wagtail.models import Page


def _queue(page_ids) -> None:
    from .tasks import search_document_update_task

    for page_id in page_ids:
        transaction.on_commit(
            lambda page_id=page_id: search_document_update_task.delay(page_id=page_id)
        )


def page_changed(sender, instance, **kwargs) -> None:
    _queue([instance.pk])


def page_moved(sender, instance, **kwargs) -> None:
    ids = Page.objects.descendant_of(instance, inclusive=True).values_list(
        "pk", flat=True
    )
    _queue(list(ids))


def page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        _queue([instance.pk])
