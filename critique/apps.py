from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CritiqueConfig(AppConfig):
    name = "critique"
    verbose_name = "Critique"

    def ready(self) -> None:
        from wagtail.signals import published

        from .models import Rubric
        from .setup import critique_ensure_setup, rubric_published

        post_migrate.connect(critique_ensure_setup, sender=self)
        published.connect(rubric_published, sender=Rubric)
