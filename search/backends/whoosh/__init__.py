"""A modelsearch (and so Wagtail) search backend on Whoosh, kept in local files.

Settings::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": BASE_DIR / "var" / "whoosh",  # required
            "WRITE_TIMEOUT": 10,  # seconds to wait for another writer's lock
            # How update_index writes a new generation (Whoosh writer options):
            # Processes analysing and writing a rebuild of over 2,000 objects
            # (default: 2, or 1 on a one-CPU machine).
            "BUILD_PROCS": 2,
            "BUILD_LIMITMB": 512,  # postings per process: a segment per this much
            "BUILD_OPTIMIZE": False,  # merge a build of several segments into one
            # Keep filters' subqueries translated while this returns the same
            # token for the models they read (subqueries.py); unset: never kept.
            "FILTER_CACHE_VERSION": "core.page_cache.generation_for",
            "FILTER_CACHE_SECONDS": 60,  # and at most this long
        }
    }

Build or rebuild the indexes with ``manage.py update_index``; a search on an index
that was never built raises SearchIndexMissing instead of creating an empty one.

Known limits: an object saved while ``update_index`` runs is written to the
generation being replaced and is lost until the next save or rebuild; a phrase can
match across the end of one field and the start of the next.
"""

import os
from collections import defaultdict
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from modelsearch.backends.base import BaseSearchBackend, get_model_root

from . import patches
from .compiler import WhooshAutocompleteQueryCompiler, WhooshSearchQueryCompiler
from .highlight import highlight, highlight_result
from .index import WhooshAtomicRebuilder, WhooshIndex
from .results import WhooshSearchResults
from .spelling import suggest
from .storage import IndexStore, SearchIndexMissing
from .subqueries import shared_cache

patches.apply()

__all__ = [
    "SearchBackend",
    "SearchIndexMissing",
    "WhooshSearchBackend",
    "highlight",
    "highlight_result",
]


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshAtomicRebuilder
    # Indexing happens on save; a locked or missing index must not fail the save
    # (modelsearch logs the error instead).
    catch_indexing_errors = True

    def __init__(self, params):
        super().__init__(params)
        path = params.get("PATH")
        if not path:
            raise ImproperlyConfigured(
                "The Whoosh search backend needs a PATH: the directory for its indexes."
            )
        self.path = Path(path)
        self.store = IndexStore(self.path)
        self.write_timeout = float(params.get("WRITE_TIMEOUT", 10))
        self.build_options = {
            "procs": int(params.get("BUILD_PROCS", min(2, os.cpu_count() or 1))),
            "limitmb": int(params.get("BUILD_LIMITMB", 512)),
        }
        self.build_optimize = bool(params.get("BUILD_OPTIMIZE", False))
        version = params.get("FILTER_CACHE_VERSION")
        self.subqueries = (
            shared_cache(version, float(params.get("FILTER_CACHE_SECONDS", 60)))
            if version
            else None
        )

    def get_index_for_model(self, model):
        # One index per root model: every page type shares wagtailcore.Page's.
        return self.index_class(self, get_model_root(model))

    def write_batch(self, objects, deleted, on_error=None):
        """Write `objects` and remove `deleted` ((model, pk) pairs): one commit per index.

        See WhooshIndex.write_batch() for `on_error`.
        """
        additions = defaultdict(lambda: defaultdict(list))
        deletions = defaultdict(list)
        indexes = {}
        for obj in objects:
            index = self.get_index_for_model(type(obj))
            indexes[index.name] = index
            additions[index.name][type(obj)].append(obj)
        for model, pk in deleted:
            index = self.get_index_for_model(model)
            indexes[index.name] = index
            deletions[index.name].append(pk)
        for name, index in indexes.items():
            index.write_batch(
                list(additions[name].items()), deletions[name], on_error=on_error
            )

    def spelling_suggestion(self, query, models):
        """A corrected query when some words are unknown to these models' indexes."""
        return suggest(self, query, models)

    def highlight(self, obj, query, **kwargs):
        """Highlighted snippets of `obj`'s stored text; see highlight_result()."""
        return highlight_result(self, obj, query, **kwargs)


SearchBackend = WhooshSearchBackend
