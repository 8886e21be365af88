"""The search queue's one worker: `db_worker` on the "search" queue, after a clean-up.

django-tasks-db never re-runs a task whose worker died: it stays RUNNING. The search
queue has exactly one worker, so at start-up any RUNNING search task belongs to a dead
one and is put back to READY; re-running it is safe because `index_sync` re-reads the
row and writes its current state. That includes the tasks an `index_sync` had claimed
for its batch (see search/sync.py): they are RUNNING under the dead worker's id too.
"""

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.management.commands.task_worker import Command as TaskWorkerCommand
from core.task_worker import ResilientWorker
from search.sync import SEARCH_QUEUE


def requeue_running() -> int:
    """Put every RUNNING search task back to READY (this is the queue's only worker)."""
    return DBTaskResult.objects.filter(
        queue_name=SEARCH_QUEUE, status=TaskResultStatus.RUNNING
    ).update(status=TaskResultStatus.READY)


class Command(TaskWorkerCommand):
    help = "Run the search queue's only worker (the search index's only writer)."

    def make_worker(self, **options) -> ResilientWorker:
        # After a database outage, tasks it had claimed may be stuck as RUNNING.
        return ResilientWorker(**options, on_reconnect=lambda worker: requeue_running())

    def handle(self, *args, **options):
        requeued = requeue_running()
        if requeued:
            self.stderr.write(
                f"Put {requeued} search task(s) left running by a stopped worker back in the queue."
            )
        options["queue_name"] = SEARCH_QUEUE
        super().handle(*args, **options)
