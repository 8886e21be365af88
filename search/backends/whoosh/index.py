"""Writing to an index: add, delete, reset, and the atomic rebuild."""

from whoosh import index as whoosh_index

from modelsearch.backends.base import BaseIndex
from modelsearch.index import class_is_indexed

from .mapping import OWNER, ModelMapping, root_schema, whoosh_schema


def index_name(root):
    return f"{root._meta.app_label}_{root.__name__}".lower()


class WhooshIndex(BaseIndex):
    """The index of one root model (and every indexed model below it).

    Normally it writes to the current generation; the rebuilder hands out one
    bound to the generation it is building (`build_path`).
    """

    def __init__(self, backend, root, build_path=None):
        super().__init__(backend)
        self.root = root
        self.name = index_name(root)
        self.build_path = build_path

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
        # each search opens its own; there is nothing to flush.
        pass

    def reset(self):
        """Replace the index with an empty one, atomically (creating it if needed)."""
        build = self.store.new_build(self.name)
        self.store.create(build, whoosh_schema(self.root))
        self.store.publish(self.name, build)

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        mapping = ModelMapping(model)
        # Documents are built (with their database queries) before the write lock
        # is taken; a later duplicate of the same object wins.
        groups = {}
        for item in items:
            groups[str(item.pk)] = mapping.document_group(item)
        if not groups:
            return

        def write(writer):
            self._add_missing_fields(writer)
            for pk, docs in groups.items():
                writer.delete_by_term(OWNER, pk)
                with writer.group():
                    for doc in docs:
                        writer.add_document(**doc)

        self._write(write)

    def delete_item(self, item):
        if not class_is_indexed(type(item)) or not self.exists():
            return
        self._write(lambda writer: writer.delete_by_term(OWNER, str(item.pk)))

    def _write(self, action):
        timeout = self.backend.write_timeout
        if self.build_path is None:
            self.store.write(self.name, action, timeout)
            return
        writer = whoosh_index.open_dir(str(self.build_path)).writer(timeout=timeout)
        try:
            action(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _add_missing_fields(self, writer):
        # A model may gain a search field after the index was built; its documents
        # can be written at once, and update_index brings the rest up to date.
        for name, field_type in root_schema(self.root)[0].items():
            if name not in writer.schema:
                writer.add_field(name, field_type)


class WhooshAtomicRebuilder:
    """Builds a new generation of an index while searches use the current one."""

    def __init__(self, index):
        self.index = index
        self.build = None

    def start(self):
        self.build = self.index.store.new_build(self.index.name)
        self.index.store.create(self.build, whoosh_schema(self.index.root))
        return WhooshIndex(self.index.backend, self.index.root, build_path=self.build)

    def finish(self):
        # One segment reads fastest; the build is private until published.
        whoosh_index.open_dir(str(self.build)).optimize()
        self.index.store.publish(self.index.name, self.build)
