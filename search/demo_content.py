import os

from django.core.management import call_command

from home.models import HomePage
from home.services import page_ensure

from .models import SearchPage


def load(stdout) -> None:
    home = HomePage.objects.get()
    page_ensure(
        parent=home,
        model=SearchPage,
        slug="search",
        title="Search",
        intro="Find Urban Challenges, pilot case studies, partners and guidance.",
    )
    with open(os.devnull, "w") as devnull:
        call_command("search_index", rebuild=True, stdout=devnull)
    stdout.write("Search page ready and search documents rebuilt.")
