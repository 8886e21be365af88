from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "site_search"
    verbose_name = "Site search"

    def ready(self) -> None:
        from .sync import connect_index_signals

        connect_index_signals()
