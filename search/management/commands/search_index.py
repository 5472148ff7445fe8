from django.core.management.base import BaseCommand
from wagtail.models import Page

from search.services import get_backend, search_document_update


class Command(BaseCommand):
    help = "Rebuild the public search documents (and the Elasticsearch index, if used)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild everything")

    def handle(self, *args, rebuild=False, **options):
        if not rebuild:
            self.stderr.write("Nothing to do: pass --rebuild.")
            return
        page_ids = list(
            Page.objects.live().filter(depth__gt=1).values_list("pk", flat=True)
        )
        total = len(page_ids)
        done = 0
        for done, page_id in enumerate(page_ids, start=1):
            search_document_update(page_id=page_id)
            if done % 50 == 0 or done == total:
                width = 30
                filled = int(width * done / total)
                self.stdout.write(
                    f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages",
                    ending="",
                )
                self.stdout.flush()
        self.stdout.write("")
        backend = get_backend()
        if hasattr(backend, "rebuild"):
            from search.models import SearchDocument

            count = backend.rebuild(SearchDocument.objects.all())
            self.stdout.write(f"Elasticsearch index rebuilt with {count} documents.")
        self.stdout.write(
            self.style.SUCCESS(f"Search documents rebuilt from {total} pages.")
        )
