"""Celery tasks of the open-data app."""

from celery import shared_task

from .prebuilt import downloads_rebuild


@shared_task(name="opendata.tasks.rebuild_downloads_task", acks_late=True)
def rebuild_downloads_task() -> int:
    """Build every unfiltered download from the current data (queued after each change
    to published data, and nightly by beat). Safe to run twice: the same data gives the
    same files, ETags and Last-Modified."""
    return len(downloads_rebuild()["files"])
