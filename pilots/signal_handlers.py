"""Glue: a case study's and a partner profile's search documents carry facts from the
pilot and the organisation (status, evidence level, themes, area, partners' names), so
a change to those records refreshes the documents of the live pages that show them,
once the transaction commits. Registered in `PilotsConfig.ready()`."""

from django.db import transaction

from search.tasks import search_document_update_task

from .models import Pilot
from .publishing.pages import CaseStudyPage, PartnerPage


def _queue(page_ids) -> None:
    for page_id in page_ids:
        transaction.on_commit(
            lambda page_id=page_id: search_document_update_task.delay(page_id=page_id)
        )


def _case_studies_of(pilot_id) -> list[int]:
    return list(
        CaseStudyPage.objects.live()
        .filter(pilot_id=pilot_id)
        .values_list("pk", flat=True)
    )


def pilot_changed(sender, instance, **kwargs) -> None:
    """A pilot, or one of its partners (`pilot_id`) or themes (`content_object_id`),
    was saved or deleted."""
    if isinstance(instance, Pilot):
        pilot_id = instance.pk
    else:
        pilot_id = getattr(instance, "pilot_id", None) or getattr(
            instance, "content_object_id", None
        )
    if pilot_id:
        _queue(_case_studies_of(pilot_id))


def organisation_changed(sender, instance, **kwargs) -> None:
    _queue(
        PartnerPage.objects.live()
        .filter(organisation_id=instance.pk)
        .values_list("pk", flat=True)
    )
