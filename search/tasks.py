from celery import shared_task

from .services import search_document_update


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=5
)
def search_document_update_task(*, page_id: int) -> None:
    search_document_update(page_id=page_id)
