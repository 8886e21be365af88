"""A task worker that outlives the database going away.

django-tasks-db's worker leaves its loop, and the process exits, on the first
`OperationalError` it meets outside a task: PostgreSQL restarting, a dropped connection,
or SQLite locked for longer than its busy timeout. Nothing then runs queued e-mail or
search updates until someone restarts it. This worker closes its connections, waits
(1 s, doubling to 30 s) and carries on, logging each outage.
"""

import logging
import time

from django_tasks_db.management.commands.db_worker import Worker

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger("core.task_worker")

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
# A run this long without an error counts as recovered: the next wait starts short.
HEALTHY_AFTER = 60.0


class ResilientWorker(Worker):
    def __init__(self, *args, on_reconnect=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_reconnect = on_reconnect
        self.outages = 0

    def run(self) -> None:
        wait = FIRST_WAIT
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return None
                if time.monotonic() - started > HEALTHY_AFTER:
                    wait = FIRST_WAIT
                self.outages += 1
                logger.warning(
                    "Task worker %s lost the database (%s); trying again in %.0f s.",
                    self.worker_id,
                    error,
                    wait,
                )
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                self._reconnected()
        return None

    def _reconnected(self) -> None:
        if self.on_reconnect is None:
            return
        try:
            self.on_reconnect(self)
        except (OperationalError, InterfaceError):
            # Still down: the next pass of the loop waits again.
            connections.close_all()
