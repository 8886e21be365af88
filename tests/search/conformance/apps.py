"""App config that installs modelsearch's models without a second search app.

`wagtail.search` is already modelsearch's app (a subclass of its AppConfig), and
modelsearch refuses to run with two of them. The conformance suite still imports
`modelsearch.models.IndexEntry`, so its tables must exist: this config registers the
`modelsearch` package as a plain app (models and migrations only, no signal handlers).
"""

from django.apps import AppConfig


class ModelsearchModelsOnlyConfig(AppConfig):
    name = "modelsearch"
    label = "modelsearch"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "modelsearch models (conformance tests only)"
