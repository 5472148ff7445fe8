from celery import shared_task
from django.core.exceptions import ValidationError

from . import services
from .judging import services as judging_services
from .models import ChallengePage


@shared_task(name="challenges.tasks.entry_draft_reminders_task")
def entry_draft_reminders_task() -> int:
    """Hourly (beat): the 48-hour reminder to organisations holding a draft."""
    return services.entry_draft_reminders_send()


@shared_task(name="challenges.tasks.feedback_releases_due_task")
def feedback_releases_due_task() -> int:
    """Hourly (beat): release judging feedback whose chosen time has come."""
    return judging_services.feedback_releases_due()


@shared_task(name="challenges.tasks.feedback_release_task", acks_late=True)
def feedback_release_task(*, challenge_id: int) -> int:
    """Release one challenge's feedback now (the lead chose a time already past)."""
    challenge = ChallengePage.objects.filter(pk=challenge_id).first()
    if challenge is None:
        return 0
    try:
        return judging_services.feedback_release(challenge=challenge)
    except ValidationError:
        # Not ready (an entry lacks a decision or feedback): the hourly job retries
        # once the lead has finished, and the panel shows what is missing.
        return 0
