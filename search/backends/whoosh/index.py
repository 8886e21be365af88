"""Writing to an index: add, delete, batches of both, reset, and the atomic rebuild."""

import logging
import multiprocessing

from whoosh import index as whoosh_index
from whoosh.multiproc import MpWriter

from modelsearch.backends.base import BaseIndex
from modelsearch.index import class_is_indexed

from .mapping import OWNER, ModelMapping, root_schema, whoosh_schema
from .patches import SegmentWriter, SubWriterTask

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


class _DaemonMpWriter(MpWriter):
    """Whoosh's multiprocessing writer, with sub-processes that cannot outlive us.

    Whoosh starts them as ordinary processes waiting on a queue, and its cancel()
    only flags its own copies of them: after a failed build the interpreter would
    wait for them for ever at exit. They write with our SegmentWriter
    (patches.SubWriterTask), as a single-process build does.
    """

    def _new_task(self):
        # As MpWriter._new_task(), but daemonic, and with our sub-writer.
        task = SubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.daemon = True
        self.tasks.append(task)
        task.start()
        return task

    def end_group(self):
        # MpWriter hands a batch of documents to a sub-process only from
        # add_document() outside a group, and every object is added as a group
        # here: all the documents waited for the commit and went to one
        # sub-process. A batch now goes when a group ends (never inside one, so
        # an object's documents stay together in one segment).
        super().end_group()
        if not self._grouping and len(self.docbuffer) >= self.batchsize:
            self._enqueue()

    def cancel(self):
        try:
            for task in self.tasks:
                task.terminate()
                task.join()
        finally:
            super().cancel()


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
    """

    FULL = 0.9  # share of limitmb at which a writer is committed

    def __init__(self, path, procs=1, limitmb=512, multisegment=False):
        self.path = path
        self.procs = procs
        self.limitmb = limitmb
        self.multisegment = multisegment
        self.writer = None
        self.added = set()  # primary keys added so far
        self.pending = set()  # of which not committed yet
        self.commits = 0

    def _open(self):
        index = whoosh_index.open_dir(str(self.path))
        if self.procs > 1 and multiprocessing.current_process().daemon:
            # A daemonic process (a worker pool's) may not start processes.
            logger.info("Building %s in one process: this one is daemonic", self.path)
            self.procs = 1
        if self.procs > 1:
            return _DaemonMpWriter(
                index,
                procs=self.procs,
                limitmb=self.limitmb,
                multisegment=self.multisegment,
            )
        return SegmentWriter(index, limitmb=self.limitmb)

    def add(self, groups):
        repeated = self.added & set(groups)
        if repeated & self.pending:
            self._commit()
        try:
            for pk, docs in groups.items():
                if self.writer is None:
                    self.writer = self._open()
                add_groups(self.writer, {pk: docs}, replace=pk in repeated)
                self.added.add(pk)
                self.pending.add(pk)
                if self._full():
                    self._commit()
        except BaseException:
            self.cancel()
            raise

    def _full(self):
        pool = getattr(self.writer, "pool", None)
        if self.procs > 1 or pool is None:
            return False  # sub-processes have pools of their own
        return pool.currentsize > self.FULL * pool.limit

    def _commit(self):
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.commit(merge=False)
            self.commits += 1
        self.pending = set()

    def finish(self, optimize=False):
        """Commit everything; with `optimize`, merge the segments into one."""
        try:
            self._commit()
        except BaseException:
            self.cancel()
            raise
        index = whoosh_index.open_dir(str(self.path))
        if optimize and len(index._segments()) > 1:
            SegmentWriter(index, limitmb=self.limitmb).commit(optimize=True)

    def cancel(self):
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
