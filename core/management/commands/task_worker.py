"""`db_worker` that survives database outages (see core/task_worker.py).

Same options as django-tasks-db's `db_worker`; the Procfile runs this one.
"""

import os

from django_tasks_db.management.commands.db_worker import (
    Command as DatabaseWorkerCommand,
)

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

from core.task_worker import ResilientWorker


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database background worker that waits and carries on when the "
        "database is unreachable or locked, instead of exiting."
    )

    def make_worker(self, **options) -> ResilientWorker:
        return ResilientWorker(**options)

    def handle(self, *, verbosity, reload, batch, queue_name, **options):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        worker = self.make_worker(
            queue_names=queue_name.split(","),
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
