from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from .setup import site_ensure_setup

        post_migrate.connect(site_ensure_setup, sender=self)
