from pathlib import Path

from django.core.management.base import BaseCommand

from home.backups import backup_create


class Command(BaseCommand):
    help = "Back up the database and all uploaded files (public and private) to one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default="backups", help="folder for the archive"
        )

    def handle(self, *args, output, **options):
        archive = backup_create(destination=Path(output))
        size = archive.stat().st_size / 1024
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {archive} ({size:.0f} KiB)")
        )
