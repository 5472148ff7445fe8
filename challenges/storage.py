"""Private file storage: entry attachments live outside MEDIA_ROOT and have no URL.

They are served only by `challenges.views.attachment_download`, which checks permission.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateMediaStorage(FileSystemStorage):
    """A FileSystemStorage rooted at settings.PRIVATE_MEDIA_ROOT, read on every use
    (so tests can point it at a temporary folder), with no public URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL")


_storage = PrivateMediaStorage()


def private_storage() -> PrivateMediaStorage:
    return _storage
