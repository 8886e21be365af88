"""Our production settings, made to run on loopback for bench/spirit/compare.py.

config.settings.production refuses to start without its secrets, so this module
provides throwaway ones (a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1) before importing
it, then turns off what a loopback benchmark cannot have: the HTTPS redirect and SMTP.
The cache is Redis, as in production (the local one, BENCH_REDIS_URL to change it),
under a key prefix of this run's own: the experiment page kept for anonymous readers
lives there, shared by every worker. The database is the SQLite file named by DATABASE_URL, which compare.py points at
a temporary folder (SPIRIT_BENCH_DIR); static files and the search index live there too.
"""

import os
import secrets
import tempfile
from pathlib import Path

BENCH_DIR = Path(
    os.environ.get("SPIRIT_BENCH_DIR") or tempfile.mkdtemp(prefix="spirit-bench-")
)

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SITE_BASE_URL", "http://127.0.0.1")
os.environ.setdefault("EMAIL_HOST", "localhost")
os.environ.setdefault(
    "REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'ours.sqlite3'}")
os.environ.setdefault("SEARCH_INDEX_PATH", str(BENCH_DIR / "whoosh"))

from config.settings.production import *  # noqa: E402, F403

CACHES["default"]["KEY_PREFIX"] = f"spirit-bench-{BENCH_DIR.parent.name}"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = BENCH_DIR / "static"
MEDIA_ROOT = BENCH_DIR / "media"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # migrate's post-migrate setup saves pages before any index exists.
    "loggers": {"search.sync": {"level": "CRITICAL"}},
}
