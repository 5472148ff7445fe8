import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bench.load_data import LoadData, load_data_delete, load_data_exists
from challenges.models import ChallengeIndexPage
from pilots.models import CaseStudyIndexPage, PartnerIndexPage


class Command(BaseCommand):
    help = (
        "Load bulk data for benchmarks: N pilots with organisations, challenges, "
        "entries, metrics, measurements, case studies and partner pages (seeded)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pilots", type=int, required=True, help="how many pilots")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete data from an earlier run first (otherwise it is kept and "
            "the command stops)",
        )
        parser.add_argument(
            "--skip-index",
            action="store_true",
            help="do not rebuild the search documents at the end",
        )

    def handle(self, *args, pilots, seed, replace, skip_index, **options):
        if pilots < 1:
            raise CommandError("--pilots must be at least 1")
        if load_data_exists():
            if not replace:
                raise CommandError(
                    "Load data from an earlier run is present: pass --replace to "
                    "delete it and load again."
                )
            self.stdout.write("Deleting the earlier load data…")
            load_data_delete()
        if not self._site_ready():
            raise CommandError(
                "Load the demo content first (manage.py load_demo_content): the "
                "load data goes under its index pages."
            )
        started = time.monotonic()
        counts = LoadData(pilots=pilots, seed=seed, stdout=self.stdout).run()
        loaded = time.monotonic() - started
        if not skip_index:
            self.stdout.write("Rebuilding the search documents…")
            call_command("search_index", rebuild=True, stdout=self.stdout)
        total = time.monotonic() - started
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary} in {loaded:.0f} s ({total:.0f} s with indexing)."
            )
        )

    @staticmethod
    def _site_ready() -> bool:
        return all(
            m.objects.exists()
            for m in (ChallengeIndexPage, CaseStudyIndexPage, PartnerIndexPage)
        )
