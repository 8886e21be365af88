"""Runs modelsearch's own backend conformance suite against our Whoosh backend.

Only for `tests/search/conformance` (it installs modelsearch's test app):

    DJANGO_SETTINGS_MODULE=config.settings.search_conformance \
        .venv/bin/pytest tests/search/conformance -p no:cacheprovider
"""

import atexit
import shutil
import tempfile

from .test import *  # noqa: F403

INSTALLED_APPS = [
    *INSTALLED_APPS,
    # wagtail.search (already installed) is modelsearch's app; this adds only its
    # models, which the suite imports. See tests/search/conformance/apps.py.
    "tests.search.conformance.apps.ModelsearchModelsOnlyConfig",
    "modelsearch.test.testapp",
    "django.contrib.sitemaps",
]

FIXTURE_DIRS = [BASE_DIR / "tests" / "search" / "fixtures"]

# One directory per test run; each test rebuilds the indexes inside it.
_WHOOSH_DIR = tempfile.mkdtemp(prefix="whoosh-conformance-")
atexit.register(shutil.rmtree, _WHOOSH_DIR, ignore_errors=True)

# The suite looks its backend up in MODELSEARCH_BACKENDS while get_search_backend()
# reads wagtail.search's WAGTAILSEARCH_BACKENDS: both must name the same entry.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backends.whoosh", "PATH": _WHOOSH_DIR},
}
MODELSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS
