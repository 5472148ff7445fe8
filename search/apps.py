from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "lab_search"
    verbose_name = "Search"
