from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from home.backups import backup_restore


class Command(BaseCommand):
    help = "Replace the database and uploaded files with those in a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing everything"
        )

    def handle(self, *args, archive, yes, **options):
        path = Path(archive)
        if not path.exists():
            raise CommandError(f"No backup archive at {path}")
        if not yes:
            answer = input(
                "This replaces the database and all uploaded files. Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        manifest = backup_restore(archive=path)
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup made at {manifest['created_at']}.")
        )
