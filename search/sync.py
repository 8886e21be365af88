"""Keep the search index in step with the database, through one task queue.

Every save or delete of an indexed object enqueues `index_sync` once the transaction
commits. The task re-reads the row: if the object is (still) meant to be found it is
written to the index, otherwise it is removed. So the last task to run writes the
current state whatever order saves happened in, and a row deleted meanwhile is no
error. With the Whoosh backend exactly one worker serves the "search" queue, which
makes it the index's only writer.

Batches: a Whoosh commit costs far more than writing one document, so when the
worker runs an `index_sync` task on the database task backend, the task also claims
the other `index_sync` tasks already waiting in the queue (up to
`settings.SEARCH_SYNC_BATCH`, default 500, in all), marks them RUNNING under the
worker's id, re-reads all those rows and writes them in one commit per index, then
marks the claimed tasks SUCCESSFUL. Rows are re-read after the claim, so every
claimed task's change is seen; a save after the claim queues a task of its own. If
the worker dies mid-batch, the claimed tasks stay RUNNING and `search_worker` puts
them back in the queue when it next starts.
"""

import logging
import threading
from collections import defaultdict
from contextlib import contextmanager

from django_tasks import task, task_backends
from django_tasks.base import TaskResultStatus

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from modelsearch import index
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import (
    post_delete_signal_handler,
    post_save_signal_handler,
)

from core import page_cache

logger = logging.getLogger(__name__)
SEARCH_QUEUE = "search"
DEFAULT_BATCH = 500
_paused = threading.local()


@contextmanager
def index_updates_paused():
    """Queue no index updates inside the block (a bulk load followed by update_index)."""
    previous = getattr(_paused, "active", False)
    _paused.active = True
    try:
        yield
    finally:
        _paused.active = previous


# Writing objects' current state


def _read_current(targets):
    """Objects to write and (model, pk) pairs to remove, for (label, name, pk) targets."""
    pks = defaultdict(set)
    for label, name, pk in targets:
        pks[(label, name)].add(str(pk))
    found, gone, indexed = [], [], {}
    for (label, name), wanted in pks.items():
        model = apps.get_model(label, name)
        current = {
            str(obj.pk): obj
            for obj in model.get_indexed_objects().filter(pk__in=wanted)
        }
        for pk in sorted(wanted):
            instance = current.get(pk)
            if instance is not None:
                instance = instance.get_indexed_instance()
            indexed[(label, name, pk)] = instance is not None
            if instance is not None:
                found.append(instance)
            else:
                gone.append((model, pk))
    return found, gone, indexed


def _log_failure(instance_or_model, pk=None):
    model = instance_or_model if pk is not None else type(instance_or_model)
    pk = pk if pk is not None else instance_or_model.pk
    # The row is safe in the database; `manage.py update_index` restores the index.
    logger.exception(
        "Could not update the search index for %s %s", model._meta.model_name, pk
    )


def _write_one_by_one(backend, found, gone):
    for instance in found:
        try:
            backend.add(instance)
        except Exception:
            if not backend.catch_indexing_errors:
                raise
            _log_failure(instance)
    for model, pk in gone:
        try:
            backend.delete(model(pk=pk))
        except Exception:
            if not backend.catch_indexing_errors:
                raise
            _log_failure(model, pk)


def _write(backend, found, gone):
    write_batch = getattr(backend, "write_batch", None)
    if write_batch is None or len(found) + len(gone) < 2:
        _write_one_by_one(backend, found, gone)
        return

    def skip(instance, error):
        # One object whose document cannot be built must not hold up the rest.
        if not backend.catch_indexing_errors:
            raise error
        logger.error(
            "Could not update the search index for %s %s",
            instance._meta.model_name,
            instance.pk,
            exc_info=error,
        )

    try:
        write_batch(found, gone, on_error=skip)
    except Exception:
        if not backend.catch_indexing_errors:
            raise
        logger.exception(
            "Could not update the search index for %d objects "
            "(`manage.py update_index` restores it)",
            len(found) + len(gone),
        )


def sync_objects(targets) -> dict:
    """Write the current state of (app_label, model_name, pk) targets to every
    auto-updating backend, one commit per index; {target: True if indexed}."""
    found, gone, indexed = _read_current(targets)
    for backend in get_search_backends(with_auto_update=True):
        _write(backend, found, gone)
    return indexed


# The task, and the batch it claims


def _target(row):
    """The (app_label, model_name, pk) a queued index_sync task row is for, or None."""
    stored = row.args_kwargs or {}
    names = ("app_label", "model_name", "pk")
    values = dict(zip(names, stored.get("args") or [], strict=False))
    values.update(stored.get("kwargs") or {})
    try:
        return (values["app_label"], values["model_name"], str(values["pk"]))
    except KeyError:
        return None


def _batch_size() -> int:
    return max(1, int(getattr(settings, "SEARCH_SYNC_BATCH", DEFAULT_BATCH)))


def _claim_waiting(context, limit):
    """Claim up to `limit` other READY index_sync tasks for this worker; their rows."""
    if limit < 1:
        return []
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction
    except ImportError:  # pragma: no cover - the database task backend is installed
        return []
    result = context.task_result
    if not isinstance(task_backends[result.backend], DatabaseBackend):
        return []
    worker_id = result.worker_ids[-1] if result.worker_ids else "index_sync"
    waiting = (
        DBTaskResult.objects.ready()
        .filter(
            backend_name=result.backend,
            queue_name=SEARCH_QUEUE,
            task_path=index_sync.module_path,
        )
        .exclude(id=result.id)
    )
    try:
        # As db_worker claims its one task: locked rows (another worker's) are
        # skipped where the database can lock rows, the whole table on SQLite.
        with exclusive_transaction(waiting.db):
            rows = list(waiting.select_for_update(skip_locked=True)[:limit])
            # A row this code cannot read is left to run (and fail) on its own.
            rows = [row for row in rows if _target(row) is not None]
            by_workers = defaultdict(list)
            for row in rows:
                by_workers[tuple(row.worker_ids)].append(row.id)
            started = timezone.now()
            for previous, ids in by_workers.items():
                DBTaskResult.objects.filter(id__in=ids).update(
                    status=TaskResultStatus.RUNNING,
                    started_at=started,
                    worker_ids=[*previous, worker_id],
                )
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return []  # the queue is busy: this task runs alone
    for row in rows:
        row.worker_ids = [*row.worker_ids, worker_id]
    return rows


def _mark_successful(rows, indexed):
    from django_tasks_db.models import DBTaskResult

    ids_by_value = defaultdict(list)
    for row in rows:
        ids_by_value[indexed[_target(row)]].append(row.id)
    finished = timezone.now()
    for value, ids in ids_by_value.items():
        DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.SUCCESSFUL,
            finished_at=finished,
            return_value=value,
            exception_class_path="",
            traceback="",
        )


@task(queue_name=SEARCH_QUEUE, takes_context=True)
def index_sync(context, app_label: str, model_name: str, pk: str) -> bool:
    """Write one object's current state (and any waiting ones'); True if it is indexed."""
    own = (app_label, model_name, str(pk))
    claimed = _claim_waiting(context, _batch_size() - 1)
    if not claimed:
        return sync_objects([own])[own]
    try:
        indexed = sync_objects([own, *(_target(row) for row in claimed)])
    except Exception:
        # Something failed for the batch as a whole (reading a row, or a backend
        # that raises): run each task on its own, so each succeeds or fails alone.
        logger.exception("A batch of %d index updates failed", len(claimed) + 1)
        for row in claimed:
            target = _target(row)
            try:
                _mark_successful([row], sync_objects([target]))
            except Exception as error:
                row.set_failed(error)
        return sync_objects([own])[own]
    _mark_successful(claimed, indexed)
    return indexed[own]


# Signals


def _sync_later(label: str, name: str, pk) -> None:
    if getattr(_paused, "active", False):
        return
    transaction.on_commit(lambda: index_sync.enqueue(label, name, str(pk)))


def index_sync_later(instance) -> None:
    """Queue an index update for `instance` when the current transaction commits.

    Whatever changes what search finds changes what pages show, and the services
    call this after every `QuerySet.update()` (which sends no signal): so this also
    drops the pages kept for anonymous readers.
    """
    page_cache.bump()
    target = instance.get_indexed_instance() or instance
    _sync_later(target._meta.app_label, target._meta.model_name, target.pk)


def _on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    index_sync_later(instance)
    # Objects whose visibility follows this one (an experiment's replies and critiques)
    # are re-read too: `search_dependents()` gives (model, primary keys) pairs.
    dependents = getattr(instance, "search_dependents", None)
    if dependents is not None:
        for model, pks in dependents():
            for pk in pks:
                _sync_later(model._meta.app_label, model._meta.model_name, pk)


def _on_delete(sender, instance, **kwargs):
    index_sync_later(instance)


def connect_index_signals() -> None:
    """Route every indexed model's index writes through `index_sync` (replaces modelsearch's)."""
    for model in index.get_indexed_models():
        post_delete.disconnect(post_delete_signal_handler, sender=model)
        post_save.disconnect(post_save_signal_handler, sender=model)
        if getattr(model, "search_auto_update", True):
            post_save.connect(
                _on_save, sender=model, dispatch_uid=f"index-save-{model._meta.label}"
            )
            post_delete.connect(
                _on_delete,
                sender=model,
                dispatch_uid=f"index-delete-{model._meta.label}",
            )
