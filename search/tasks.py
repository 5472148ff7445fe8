from celery import shared_task

from .services import search_document_update


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=5
)
def search_document_update_task(*, page_id: int) -> None:
    search_document_update(page_id=page_id)


@shared_task(acks_late=True)
def search_documents_refresh_task(*, content_type: str = "challenge") -> int:
    """Rebuild every document of one type: a challenge's status follows the clock."""
    from .models import SearchDocument

    page_ids = list(
        SearchDocument.objects.filter(content_type=content_type).values_list(
            "page_id", flat=True
        )
    )
    for page_id in page_ids:
        search_document_update(page_id=page_id)
    return len(page_ids)
