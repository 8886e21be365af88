from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Practice experiments"

    def ready(self) -> None:
        from . import signals  # noqa: F401
