"""Settings for bench/pages_bench.py only: bench/settings.py's throwaway SQLite file
and index folder, with DEBUG off and only the Whoosh search backend.

The script starts one process per scale with BENCH_TMPDIR set to a fresh temporary
directory; the database and the Whoosh index live under it. DEBUG is off, so
templates are cached and no queries are logged except where the benchmark captures
them on purpose.
"""

from bench.settings import *  # noqa: F403

DEBUG = False

# update_index would also fill modelsearch's database backend, which only the
# search benchmark compares against.
WAGTAILSEARCH_BACKENDS = {"default": WAGTAILSEARCH_BACKENDS["default"]}  # noqa: F405

# The pages are measured as they are rendered, not as the copy kept for anonymous
# readers (core/page_cache.py), which would serve every request but the first.
ANONYMOUS_PAGE_CACHE_SECONDS = 0
