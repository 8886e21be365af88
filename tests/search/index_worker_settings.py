"""Settings for the processes that test_index_worker.py starts (never for pytest itself).

Development settings with the database task backend, so saves queue `index_sync` in
the database and a real `db_worker` runs it. The database and the index folder come
from DATABASE_URL and SEARCH_INDEX_PATH, which the test points at a temporary folder.
"""

import os

from config.settings.dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "search"],
    }
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# How many queued index updates one commit may take (search/sync.py); a test lowers it.
SEARCH_SYNC_BATCH = int(os.environ.get("SEARCH_SYNC_BATCH", "500"))
# The writer's experiments are published at once, as in the test settings; new
# members' first posts waiting for a moderator are tested in tests/moderation.
MODERATION_PREMODERATE_FIRST_POSTS = 0
