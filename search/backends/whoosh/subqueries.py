"""Filters' subqueries, translated once while the data they read is unchanged.

A filter such as ``object_pk__in=Subquery(open experiments)`` runs its subquery
in the database and becomes a set of terms (queries.TermSet) on every search:
at 20,000 experiments, fetching and encoding 15,000 keys twice per search page
(replies and critiques) was most of the page's time.

With the backend's ``FILTER_CACHE_VERSION`` set to a function, the translated
query is kept in this process under the token that function returns, and used
again for as long as it returns the same token (and at most
``FILTER_CACHE_SECONDS``). The function is given the models whose tables the
subquery's SQL names and must return a token that changes whenever any row of
them may have changed, or None when it cannot tell (the subquery then runs every
time). This project's is ``core.page_cache.generation_for``: the site's content
generation, which every change to published content replaces, at once and again
when the change commits. Inside a transaction the code opened, nothing is kept or
reused: the subquery would see that transaction's own changes, which may yet be
rolled back.

Keeping the very same query object also keeps its cached filter (the reader's
masks are looked up by query, and a TermSet compared with itself is equal at
once).
"""

import logging
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SubqueryCache:
    SIZE = 32  # translated subqueries kept per process

    def __init__(self, version, seconds=60):
        self.version = import_string(version) if isinstance(version, str) else version
        self.seconds = seconds
        self._entries = OrderedDict()  # key -> (kept at, translated query)
        self._lock = threading.Lock()
        self._tables = {}  # database alias -> {quoted table name: model}

    def translated(self, query, db, key, translate):
        """`translate()`'s result, kept under the subquery's SQL and the version.

        `query` is the subquery (a django.db.models.sql.Query), `key` whatever
        else the translation depends on (column, codec).
        """
        if _in_transaction(db):
            # It may read its own uncommitted changes, which may yet be undone.
            return translate()
        sql, params = query.get_compiler(db).as_sql()
        try:
            token = self.version(self._models(sql, db))
        except Exception:
            # The version is kept elsewhere (a cache server) that may be down:
            # the subquery then runs, as it would without this cache.
            logger.warning("No version for a filter's subquery", exc_info=True)
            token = None
        if token is None:
            return translate()
        full_key = (token, db, sql, tuple(params), key)
        try:
            hash(full_key)
        except TypeError:
            return translate()  # a parameter such as a list: not kept
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(full_key)
            if found is not None and now - found[0] < self.seconds:
                self._entries.move_to_end(full_key)
                return found[1]
        result = translate()
        with self._lock:
            self._entries[full_key] = (now, result)
            self._entries.move_to_end(full_key)
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return result

    def clear(self):
        with self._lock:
            self._entries.clear()

    def _models(self, sql, db):
        """The models whose (quoted) table names appear in `sql`."""
        tables = self._tables.get(db)
        if tables is None:
            quote = connections[db].ops.quote_name
            tables = self._tables[db] = {
                quote(model._meta.db_table): model
                for model in apps.get_models(include_auto_created=True)
            }
        return [model for table, model in tables.items() if table in sql]


def _in_transaction(db):
    """Whether the code has opened a transaction on `db` (a test case's own does
    not count: it stands for the commits of the code it tests)."""
    return any(
        not getattr(block, "_from_testcase", False)
        for block in connections[db].atomic_blocks
    )


_SHARED = {}
_SHARED_LOCK = threading.Lock()


def shared_cache(version, seconds):
    """The process's SubqueryCache for these settings (a backend is made per search)."""
    key = (version, seconds)
    with _SHARED_LOCK:
        found = _SHARED.get(key)
        if found is None:
            found = _SHARED[key] = SubqueryCache(version, seconds)
        return found


def clear_shared():
    """Forget every translated subquery of this process (for tests)."""
    with _SHARED_LOCK:
        caches = list(_SHARED.values())
    for cache in caches:
        cache.clear()
