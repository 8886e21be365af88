"""Writing to an index: add, delete, batches of both, reset, and the atomic rebuild."""

import gc
import logging
import multiprocessing
import queue
import traceback

from whoosh import index as whoosh_index

from modelsearch.backends.base import BaseIndex
from modelsearch.index import class_is_indexed

from . import patches
from .mapping import OWNER, ModelMapping, root_schema, whoosh_schema
from .patches import SegmentWriter

logger = logging.getLogger(__name__)


def index_name(root):
    return f"{root._meta.app_label}_{root.__name__}".lower()


def documents(model, items, on_error=None):
    """{primary key: document group} for `items`; a later duplicate wins.

    Documents are built (with their database queries) before any write lock is
    taken. With `on_error`, an item whose documents cannot be built is reported
    to `on_error(item, error)` and left out instead of failing the whole lot.
    """
    mapping = ModelMapping(model)
    groups = {}
    for item in items:
        try:
            groups[str(item.pk)] = mapping.document_group(item)
        except Exception as error:
            if on_error is None:
                raise
            on_error(item, error)
    return groups


def add_groups(writer, groups, replace=True):
    """Add document groups to a Whoosh writer, replacing each object's old ones."""
    for pk, docs in groups.items():
        if replace:
            writer.delete_by_term(OWNER, pk)
        with writer.group():
            for doc in docs:
                writer.add_document(**doc)


class WhooshIndex(BaseIndex):
    """The index of one root model (and every indexed model below it).

    Normally it writes to the current generation, one commit per call; the
    rebuilder hands out one bound to the generation it is building (`build`),
    whose writes all go through one writer that commits when the build finishes.
    """

    def __init__(self, backend, root, build=None):
        super().__init__(backend)
        self.root = root
        self.name = index_name(root)
        self.build = build

    def get_key(self):
        return self.name

    def __str__(self):
        return self.name

    @property
    def store(self):
        return self.backend.store

    def exists(self):
        return self.store.exists(self.name)

    def add_model(self, model):
        # The schema covers every model under the root from the start (see
        # mapping.root_schema); nothing to declare per model.
        pass

    def refresh(self):
        # Whoosh makes a commit visible to every searcher opened after it, and
        # readers check for a newer commit on every search; nothing to flush.
        pass

    def reset(self):
        """Replace the index with an empty one, atomically (creating it if needed)."""
        build = self.store.new_build(self.name)
        self.store.create(build, whoosh_schema(self.root))
        self.store.publish(self.name, build)

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        groups = documents(model, items)
        if not groups:
            return
        if self.build is not None:
            self.build.add(groups)
            return

        def write(writer):
            self._add_missing_fields(writer)
            add_groups(writer, groups)

        self._write(write)

    def write_batch(self, additions, deletions, on_error=None):
        """Add or replace objects and remove others, all in one commit.

        `additions` is a list of (model, objects) pairs, `deletions` a list of
        primary keys (as text) whose documents go. An object both added and
        deleted is added. `on_error`: see documents().
        """
        groups = {}
        for model, items in additions:
            if class_is_indexed(model):
                groups.update(documents(model, items, on_error))
        deletions = sorted({str(pk) for pk in deletions} - set(groups))
        if not groups and (not deletions or not self.exists()):
            return

        def write(writer):
            if groups:
                self._add_missing_fields(writer)
            for pk in deletions:
                writer.delete_by_term(OWNER, pk)
            add_groups(writer, groups)

        self._write(write)

    def delete_item(self, item):
        if not class_is_indexed(type(item)) or not self.exists():
            return
        self._write(lambda writer: writer.delete_by_term(OWNER, str(item.pk)))

    def _write(self, action):
        self.store.write(self.name, action, self.backend.write_timeout)

    def _add_missing_fields(self, writer):
        # A model may gain a search field after the index was built; its documents
        # can be written at once, and update_index brings the rest up to date.
        for name, field_type in root_schema(self.root)[0].items():
            if name not in writer.schema:
                writer.add_field(name, field_type)


def _seal(writer):
    """Write a writer's segment without committing it to the index: a Segment."""
    segment = writer._finalize_segment()
    # Its temporary folder (for a pool that overflows, which a build avoids) is
    # the index's, shared with the other processes: the last commit removes it.
    writer.is_closed = True
    return segment


def _is_full(writer):
    pool = writer.pool
    return pool.currentsize > BulkBuild.FULL * pool.limit


def build_worker(number, path, limitmb, jobs, results):
    """A build process: add the document groups it is sent to segments of its own.

    Each segment is written as its writer fills up, as a single-process build
    commits, but never committed: the index's table of contents is only written
    by the process that started the build, with every process's segments. Sends
    (number, "done", [segments]) when told to stop (a None job), or
    (number, "failed", reason).
    """
    patches.apply()  # a process that was not forked has not applied them yet
    # Nothing a build keeps in memory makes reference cycles; without the
    # collector's passes over ever more postings, a build is 10-15% faster.
    gc.disable()
    try:
        index = whoosh_index.open_dir(str(path))
        writer = None
        segments = []
        while (batch := jobs.get()) is not None:
            for pk, docs in batch:
                if writer is None:
                    writer = SegmentWriter(index, _lk=False, limitmb=limitmb)
                add_groups(writer, {pk: docs}, replace=False)
                if _is_full(writer):
                    segments.append(_seal(writer))
                    writer = None
                    gc.collect()
        if writer is not None:
            segments.append(_seal(writer))
        results.put((number, "done", segments))
    except BaseException:
        results.put((number, "failed", traceback.format_exc()))


def _failed(detail):
    return f"An index build process failed:\n{detail}"


class _Workers:
    """The processes of a parallel build, fed batches of document groups in turn.

    Batches go to the processes in a fixed rotation and their segments are
    committed in process order, so the same objects in the same order give the
    same documents in the same order at every build (results that tie on
    relevance come back in document order).
    """

    BATCH = 50  # objects per batch sent to a process
    WAIT = 1.0  # seconds between checks that the processes still run

    def __init__(self, path, procs, limitmb):
        context = multiprocessing.get_context()
        self.results = context.Queue()
        self.batch = []
        self.sent = 0
        self.queues = []
        self.processes = []
        for number in range(procs):
            # A few batches in hand per process: the reader cannot run far ahead.
            jobs = context.Queue(4)
            self.queues.append(jobs)
            self.processes.append(
                context.Process(
                    target=build_worker,
                    args=(number, path, limitmb, jobs, self.results),
                    name=f"index-build-{number}",
                    daemon=True,  # never outlives a build that failed
                )
            )
        for process in self.processes:
            process.start()

    def add(self, pk, docs):
        self.batch.append((pk, docs))
        if len(self.batch) >= self.BATCH:
            self._send_batch()

    def _send_batch(self):
        self._send(self.queues[self.sent % len(self.queues)], self.batch)
        self.sent += 1
        self.batch = []

    def _send(self, jobs, job):
        while True:
            try:
                jobs.put(job, timeout=self.WAIT)
                return
            except queue.Full:
                if not all(process.is_alive() for process in self.processes):
                    raise RuntimeError(
                        self._failure()
                        or "An index build process stopped unexpectedly."
                    ) from None

    def _failure(self):
        try:
            _number, kind, detail = self.results.get_nowait()
        except queue.Empty:
            return None
        return _failed(detail) if kind == "failed" else None

    def finish(self):
        """Every process's segments, in process order, once they have written them."""
        if self.batch:
            self._send_batch()
        for jobs in self.queues:
            self._send(jobs, None)
        found = {}
        while len(found) < len(self.processes):
            try:
                number, kind, detail = self.results.get(timeout=self.WAIT)
            except queue.Empty:
                if not any(process.is_alive() for process in self.processes):
                    raise RuntimeError(
                        "An index build process stopped unexpectedly."
                    ) from None
                continue
            if kind == "failed":
                raise RuntimeError(_failed(detail))
            found[number] = detail
        for process in self.processes:
            process.join()
        return [segment for number in sorted(found) for segment in found[number]]

    def cancel(self):
        for jobs in self.queues:
            # Batches still waiting for a process that is gone must not keep this
            # process from exiting.
            jobs.cancel_join_thread()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()


class BulkBuild:
    """Whoosh writers for a whole rebuild: a segment per `limitmb` of postings.

    A new generation starts empty, so documents are added without the delete of
    the object's old ones that every other write does. Whoosh's writer keeps its
    postings in memory up to `limitmb` and then spills them to temporary files,
    one pickled posting at a time, to merge them back at the commit: a third of
    the build's time. Here a full writer is committed as a segment instead and a
    new one started (`finish()` may then merge the segments; see its `optimize`).
    If an object comes twice (a model and a subclass of it may both list it),
    what has been added so far is committed, and the repeat then replaces it as
    any write would.

    With `procs` above 1, once more than PARALLEL_FROM objects have come, the
    rest go to that many processes (build_worker), in batches: this process
    reads the database and builds the documents, they analyse them and write
    segments, each with up to `limitmb` of postings, which finish() commits
    together. Repeats of objects are then kept aside and replace the first
    version once those segments are in the index.
    """

    FULL = 0.9  # share of limitmb at which a writer is committed
    # Below this many objects, starting processes costs more than it saves.
    PARALLEL_FROM = 2000

    def __init__(self, path, procs=1, limitmb=512):
        self.path = path
        self.procs = procs
        self.limitmb = limitmb
        if self.procs > 1 and multiprocessing.current_process().daemon:
            # A daemonic process (a worker pool's) may not start processes.
            logger.info("Building %s in one process: this one is daemonic", path)
            self.procs = 1
        self.writer = None
        self.workers = None
        self.added = set()  # primary keys added so far
        self.pending = set()  # of which not committed yet
        self.repeats = {}  # pk -> documents, with workers: added at the end
        self.commits = 0

    def _open(self):
        return SegmentWriter(
            whoosh_index.open_dir(str(self.path)), limitmb=self.limitmb
        )

    def add(self, groups):
        try:
            if (
                self.workers is None
                and self.procs > 1
                and len(self.added) + len(groups) > self.PARALLEL_FROM
            ):
                self._commit()
                self.workers = _Workers(self.path, self.procs, self.limitmb)
            if self.workers is not None:
                self._send(groups)
                return
            repeated = self.added & set(groups)
            if repeated & self.pending:
                self._commit()
            for pk, docs in groups.items():
                if self.writer is None:
                    self.writer = self._open()
                add_groups(self.writer, {pk: docs}, replace=pk in repeated)
                self.added.add(pk)
                self.pending.add(pk)
                if _is_full(self.writer):
                    self._commit()
        except BaseException:
            self.cancel()
            raise

    def _send(self, groups):
        for pk, docs in groups.items():
            if pk in self.added:
                self.repeats[pk] = docs
                continue
            self.added.add(pk)
            self.workers.add(pk, docs)

    def _commit(self):
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.commit(merge=False)
            self.commits += 1
        self.pending = set()

    def _commit_segments(self, segments):
        """Add segments written by the build processes to the index."""
        writer = self._open()
        try:
            writer._close_segment()
            writer._commit_toc(list(writer.segments) + segments)
        except BaseException:
            writer.cancel()
            raise
        writer._finish()
        self.commits += len(segments)

    def finish(self, optimize=False):
        """Commit everything; with `optimize`, merge the segments into one."""
        try:
            self._commit()
            if self.workers is not None:
                workers, self.workers = self.workers, None
                try:
                    segments = workers.finish()
                except BaseException:
                    workers.cancel()
                    raise
                self._commit_segments(segments)
            if self.repeats:
                repeats, self.repeats = self.repeats, {}
                writer = self._open()
                add_groups(writer, repeats)
                writer.commit(merge=False)
                self.commits += 1
        except BaseException:
            self.cancel()
            raise
        index = whoosh_index.open_dir(str(self.path))
        if optimize and len(index._segments()) > 1:
            SegmentWriter(index, limitmb=self.limitmb).commit(optimize=True)

    def cancel(self):
        if self.workers is not None:
            workers, self.workers = self.workers, None
            workers.cancel()
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.cancel()


class WhooshAtomicRebuilder:
    """Builds a new generation of an index while searches use the current one."""

    def __init__(self, index):
        self.index = index
        self.build = None
        self.bulk = None

    def start(self):
        backend = self.index.backend
        self.build = self.index.store.new_build(self.index.name)
        self.index.store.create(self.build, whoosh_schema(self.index.root))
        self.bulk = BulkBuild(self.build, **backend.build_options)
        return WhooshIndex(backend, self.index.root, build=self.bulk)

    def finish(self):
        # Merging the segments into one costs about as much as the build again and
        # made no measurable difference to searches (bench/README.md); it is off
        # unless BUILD_OPTIMIZE is set. The build is private until published.
        self.bulk.finish(optimize=self.index.backend.build_optimize)
        self.index.store.publish(self.index.name, self.build)
