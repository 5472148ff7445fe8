import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from home.demo_content import DEMO_PASSWORD, DEMO_USERS

# Run in this order; search comes last, so that it indexes everything the others made.
LOADERS = [
    "home.demo_content.load",
    "challenges.demo_content.load",
    "pilots.demo_content.load",
    "search.demo_content.load",
]


class Command(BaseCommand):
    help = "Create the demo site, pages and users. Safe to run again: nothing doubles."

    def handle(self, *args, **options):
        random.seed(2026)
        with transaction.atomic():
            for dotted in LOADERS:
                import_string(dotted)(self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for email, *_, role in DEMO_USERS:
            self.stdout.write(f"  {email:<32} {role}")
        self.stdout.write(
            f"Admin: {settings.WAGTAILADMIN_BASE_URL}/admin/   Site: {settings.WAGTAILADMIN_BASE_URL}/"
        )
