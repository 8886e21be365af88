"""Settings for bench/pages_bench.py only: a throwaway SQLite file and index folder.

The script starts one process per scale with BENCH_PAGES_TMPDIR set to a fresh
temporary directory; the database and the Whoosh index live under it. DEBUG is off
(from config.settings.test), so templates are cached and no queries are logged
except where the benchmark captures them on purpose.
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
    os.environ.get("BENCH_PAGES_TMPDIR") or tempfile.mkdtemp(prefix="pages-bench-")
)

DEBUG = False
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
    "default": {"BACKEND": "search.backends.whoosh", "PATH": SEARCH_INDEX_PATH},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
    # migrate's post-migrate setup saves pages before any index exists; the
    # resulting "index missing" errors are expected and say nothing about the pages.
    "loggers": {"search.sync": {"level": "CRITICAL"}},
}

# The pages are measured as they are rendered, not as the copy kept for anonymous
# readers (core/page_cache.py), which would serve every request but the first.
ANONYMOUS_PAGE_CACHE_SECONDS = 0
