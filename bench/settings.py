"""Settings for the benchmarks only: a throwaway SQLite file and index folder.

bench/search_bench.py (and, through bench/pages_settings.py, bench/pages_bench.py)
sets BENCH_TMPDIR to a fresh temporary directory before Django starts; everything
a benchmark writes (database, Whoosh indexes) lives under it.
"""

import os
import shutil
import tempfile
from pathlib import Path

from config.settings.test import *  # noqa: F403

# config.settings.test makes its own empty index folder; the bench has its own.
_test_index_path = globals().get("SEARCH_INDEX_PATH")
if _test_index_path is not None and Path(_test_index_path).name.startswith(
    "iuseevidence-whoosh-"
):
    shutil.rmtree(_test_index_path, ignore_errors=True)

BENCH_TMPDIR = Path(
    os.environ.get("BENCH_TMPDIR") or tempfile.mkdtemp(prefix="search-bench-")
)

DATABASES = {
    "default": {
        # The same SQLite options as config.settings.base, on a throwaway file.
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BENCH_TMPDIR / "bench.sqlite3"),
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        },
    }
}

SEARCH_BACKEND = "whoosh"
SEARCH_INDEX_PATH = BENCH_TMPDIR / "whoosh"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends.whoosh",
        "PATH": SEARCH_INDEX_PATH,
        # As config.settings.base.
        "FILTER_CACHE_VERSION": "core.page_cache.generation_for",
    },
    # modelsearch's database backend (SQLite FTS5 here), compared against Whoosh.
    # Never updated on save: the benchmark indexes it explicitly.
    "database": {"BACKEND": "modelsearch.backends.database", "AUTO_UPDATE": False},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
    # migrate's post-migrate setup saves pages before any index exists; the
    # resulting "index missing" errors are expected and say nothing about search.
    "loggers": {"search.sync": {"level": "CRITICAL"}},
}

# A database task queue of the bench's own, for the search worker's figures
# (search_bench.py's index_sync_batches); the test settings' immediate backend
# stays the default, so saves during the bench still index at once.
TASKS = {
    **TASKS,  # noqa: F405
    "search_bench": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["search"],
    },
}
