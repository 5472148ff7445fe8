from django.core.management.base import BaseCommand

from opendata.prebuilt import downloads_rebuild


class Command(BaseCommand):
    help = "Build every unfiltered open-data download into the opendata storage."

    def handle(self, *args, **options):
        manifest = downloads_rebuild()
        for entry in manifest["files"].values():
            self.stdout.write(
                f"{entry['filename']}: {entry['size']} bytes {entry['etag']}"
            )
        self.stdout.write(self.style.SUCCESS(f"Built {len(manifest['files'])} files."))
