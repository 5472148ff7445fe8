from celery import shared_task

from . import services


@shared_task(name="challenges.tasks.entry_draft_reminders_task")
def entry_draft_reminders_task() -> int:
    """Hourly (beat): the 48-hour reminder to organisations holding a draft."""
    return services.entry_draft_reminders_send()
