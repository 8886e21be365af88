# ruff: noqa: S108 - a scratch folder for a benchmark.
"""Production settings for the load and fault benchmarks (bench/load/), on a scratch folder.

Everything the benchmarks write (SQLite database, Whoosh index, collected static
files, media) lives under BENCH_LOAD_DIR, never in var/. config.settings.production
is used as it is, except for what a plain-HTTP run on 127.0.0.1 needs:

- secrets and host names are set here for the benchmark (not secret);
- no HTTPS redirect, HSTS or secure-only cookies (the server speaks plain HTTP);
- e-mail goes to memory, not SMTP;
- the cache is Redis when BENCH_REDIS_URL is set, otherwise per-process memory, and
  then the page kept for anonymous readers is off (a change seen by one process
  would not drop another's copy);
- posting rate limits and allauth's sign-in limits are off (50 users from one
  address would hit them within a minute: that is what they are for);
- pre-moderation of new members' first posts is off, so accepted posts are public;
- demo content is allowed, so `seed_demo` can fill the scratch database.
"""

import os
from pathlib import Path

BENCH_LOAD_DIR = Path(os.environ.get("BENCH_LOAD_DIR", "/tmp/iuseevidence-load"))
BENCH_PORT = os.environ.get("BENCH_PORT", "8765")

os.environ.setdefault(
    "DJANGO_SECRET_KEY",
    "bench-load-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SITE_BASE_URL", f"http://127.0.0.1:{BENCH_PORT}")
os.environ.setdefault("EMAIL_HOST", "127.0.0.1")
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL") or "unused")
os.environ.setdefault("SEARCH_INDEX_PATH", str(BENCH_LOAD_DIR / "whoosh"))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_LOAD_DIR / 'db.sqlite3'}"

from config.settings.production import *  # noqa: E402, F403

if not os.environ.get("BENCH_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ANONYMOUS_PAGE_CACHE_SECONDS = 0
else:
    CACHES["default"]["KEY_PREFIX"] = "bench-load"  # noqa: F405

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

RATELIMIT_ENABLE = False
ACCOUNT_RATE_LIMITS = False
MODERATION_PREMODERATE_FIRST_POSTS = 0
DEMO_CONTENT_ALLOWED = True

STATIC_ROOT = BENCH_LOAD_DIR / "static"
MEDIA_ROOT = BENCH_LOAD_DIR / "media"

LOGGING["loggers"] = {"wagtail": {"level": "WARNING"}}  # noqa: F405
