"""The task workers wait out a database outage instead of exiting."""

import pytest
from django_tasks_db.management.commands.db_worker import Worker

from django.db.utils import OperationalError

from core import task_worker
from core.task_worker import ResilientWorker


def make_worker(**extra) -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        **extra,
    )


class Waits(list):
    """The pauses the worker asked for, and how often it closed its connections."""

    closed: list


@pytest.fixture
def no_waiting(monkeypatch):
    waits = Waits()
    waits.closed = []
    monkeypatch.setattr(task_worker.time, "sleep", waits.append)
    # A test runs inside one transaction on the test database's connection: closing it,
    # as the worker does after a real outage, would end the test, not the outage.
    monkeypatch.setattr(
        task_worker.connections, "close_all", lambda: waits.closed.append(1)
    )
    return waits


@pytest.fixture
def database_down_twice(monkeypatch):
    """The stock worker's loop meets two outages, then runs to the end of its batch."""
    attempts = []

    def run(self):
        attempts.append(1)
        if len(attempts) <= 2:
            raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(Worker, "run", run)
    return attempts


def test_an_outage_is_waited_out_with_growing_pauses(
    no_waiting, database_down_twice, caplog
):
    reconnected = []
    worker = make_worker(on_reconnect=reconnected.append)
    worker.run()
    assert len(database_down_twice) == 3  # two failures, then the batch finished
    assert no_waiting == [1.0, 2.0]
    assert worker.outages == 2
    assert reconnected == [worker, worker]
    assert "lost the database" in caplog.text


def test_a_stopped_worker_does_not_retry(no_waiting, monkeypatch):
    def run(self):
        self.running = False  # Ctrl-C arrived while the database was down
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(Worker, "run", run)
    make_worker().run()
    assert no_waiting == []


@pytest.mark.django_db
def test_the_search_worker_puts_its_stuck_tasks_back_after_an_outage(
    no_waiting, database_down_twice
):
    closed = no_waiting.closed
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from django.utils import timezone

    from search.management.commands.search_worker import Command
    from search.sync import SEARCH_QUEUE

    stuck = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": ["forum", "experiment", "1"], "kwargs": {}},
        task_path="search.sync.index_sync",
        queue_name=SEARCH_QUEUE,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=["search-test"],
    )
    worker = Command().make_worker(
        queue_names=[SEARCH_QUEUE],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="search-test",
    )
    worker.run()
    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.READY
    assert len(closed) == 2
