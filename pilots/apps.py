from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = "Pilots and evaluation"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from home.models import Organisation

        from . import signal_handlers
        from .models import Pilot, PilotPartner, TaggedPilot

        for model in (Pilot, PilotPartner, TaggedPilot):
            post_save.connect(signal_handlers.pilot_changed, sender=model)
            post_delete.connect(signal_handlers.pilot_changed, sender=model)
        post_save.connect(signal_handlers.organisation_changed, sender=Organisation)
