"""modelsearch's backend conformance suite, run against search.backends.whoosh.

Run it (it is skipped under the normal settings) with:

    DJANGO_SETTINGS_MODULE=config.settings.search_conformance \\
        .venv/bin/pytest tests/search/conformance -p no:cacheprovider
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from modelsearch.test.testapp import models
from modelsearch.tests.test_backends import BackendTests

BACKEND_PATH = "search.backends.whoosh"


class TestWhooshSearchBackend(BackendTests, TestCase):
    backend_path = BACKEND_PATH

    def clear_index_entries(self):
        # Start every test from no index at all, so the rebuild in setUp() is what
        # creates it (searches never create one).
        path = Path(settings.MODELSEARCH_BACKENDS[self.backend_name]["PATH"])
        shutil.rmtree(path, ignore_errors=True)

    def test_reset_indexes(self):
        """After reset_indexes() the indexes exist and are empty."""
        self.backend.reset_indexes()
        results = self.backend.search("JavaScript", models.Book)
        self.assertEqual(results.count(), 0)
