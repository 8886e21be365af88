"""Keep the search index in step with the database, through one task queue.

Every save or delete of an indexed object enqueues `index_sync` once the transaction
commits. The task re-reads the row: if the object is (still) meant to be found it is
written to the index, otherwise it is removed. So the last task to run writes the
current state whatever order saves happened in, and a row deleted meanwhile is no
error. With the Whoosh backend exactly one worker serves the "search" queue, which
makes it the index's only writer.
"""

import logging
import threading
from contextlib import contextmanager

from django_tasks import task

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from modelsearch import index
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import (
    post_delete_signal_handler,
    post_save_signal_handler,
)

logger = logging.getLogger(__name__)
SEARCH_QUEUE = "search"
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


@task(queue_name=SEARCH_QUEUE)
def index_sync(app_label: str, model_name: str, pk: str) -> bool:
    """Write one object's current state to every auto-updating backend; True if indexed."""
    model = apps.get_model(app_label, model_name)
    instance = model.get_indexed_objects().filter(pk=pk).first()
    if instance is not None:
        instance = instance.get_indexed_instance()
    for backend in get_search_backends(with_auto_update=True):
        try:
            if instance is not None:
                backend.add(instance)
            else:
                backend.delete(model(pk=pk))
        except Exception:
            if not backend.catch_indexing_errors:
                raise
            # The row is safe in the database; `manage.py update_index` restores the index.
            logger.exception(
                "Could not update the search index for %s %s", model_name, pk
            )
    return instance is not None


def _sync_later(label: str, name: str, pk) -> None:
    if getattr(_paused, "active", False):
        return
    transaction.on_commit(lambda: index_sync.enqueue(label, name, str(pk)))


def index_sync_later(instance) -> None:
    """Queue an index update for `instance` when the current transaction commits."""
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
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
        if getattr(model, "search_auto_update", True):
            post_save.connect(
                _on_save, sender=model, dispatch_uid=f"index-save-{model._meta.label}"
            )
            post_delete.connect(
                _on_delete,
                sender=model,
                dispatch_uid=f"index-delete-{model._meta.label}",
            )
