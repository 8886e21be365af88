"""The test suite: fast hashing, mail kept in memory, tasks run inline."""

from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "search"],
    }
}
WHITENOISE_AUTOREFRESH = True
DEMO_CONTENT_ALLOWED = True
# Sign-up and login limits are tested on purpose where they matter; elsewhere
# many accounts sign up from one test client address.
ACCOUNT_RATE_LIMITS = False
# Our own posting limits count per user id in a per-process cache that outlives each
# test; tests/core/test_rate_limits.py switches them on where they are the subject.
RATELIMIT_ENABLE = False
# Likewise pre-moderation of new members' first posts is tested on purpose
# (tests/moderation); elsewhere a new account's posts are public at once.
MODERATION_PREMODERATE_FIRST_POSTS = 0

# Each test process gets its own index folder; tests that search build it first.
if SEARCH_BACKEND == "whoosh":  # noqa: F405
    import tempfile

    SEARCH_INDEX_PATH = Path(tempfile.mkdtemp(prefix="iuseevidence-whoosh-"))
    WAGTAILSEARCH_BACKENDS["default"]["PATH"] = SEARCH_INDEX_PATH  # noqa: F405
