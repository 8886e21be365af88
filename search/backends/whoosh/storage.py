"""Where indexes live on disk, how a rebuilt one is swapped in, and safe reading.

Layout under the backend's PATH, for an index named ``wagtailcore_page``::

    wagtailcore_page -> wagtailcore_page.1764183561123456789-3fa2c1   (symlink)
    wagtailcore_page.1764183561123456789-3fa2c1/                      (Whoosh files)

A rebuild writes a new generation directory and then replaces the symlink with
``os.replace``, which is atomic: a reader sees the old index or the new one, never
a half-built one. Readers resolve the symlink once per search, so the files of one
search all come from one generation.

Searches reuse an open searcher (see `IndexStore.search()`): opening an index reads
and unpickles its table of contents and opens every segment, which costs more than
most searches. Each thread keeps one searcher per index and checks on every search
that the index is still the one it opened: the same generation directory and the
same commit (Whoosh's TOC generation); otherwise it opens a new one.
"""

import logging
import os
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError

from .merging import merge_small_tiers
from .patches import SegmentWriter
from .ranking import Ranker

logger = logging.getLogger(__name__)

READ_ATTEMPTS = 5
READ_FIRST_DELAY = 0.05  # seconds, doubled after each failed attempt
# A generation directory this old that is not current is a failed or abandoned
# build; younger ones may belong to a rebuild still running in another process.
STALE_BUILD_SECONDS = 3600


class SearchIndexMissing(Exception):
    """An index has not been built; searches never create one on the fly."""

    def __init__(self, name, path):
        self.name = name
        self.path = path
        super().__init__(
            f"The Whoosh search index {name!r} does not exist in {path}. "
            "Build it with `manage.py update_index`."
        )


# What a commit or a swap by another process can make a reader see for a moment:
# no TOC yet, or a file that a merge or a cleanup has just deleted.
TRANSIENT_ERRORS = (EmptyIndexError, FileNotFoundError)
# Filters (as sets of document numbers) kept per open searcher. A set costs about
# 50 bytes per allowed document, and most searches use one of a few filters.
FILTER_CACHE_SIZE = 8

_readers = threading.local()


class OpenReader:
    """A searcher on one commit of one index, reused until the index changes.

    It also remembers the documents each filter query allows: a filter such as
    "experiments that are not drafts" matches most of the index, and Whoosh would
    otherwise walk all of it again for every search.
    """

    def __init__(self, path):
        self.path = path
        self.pid = os.getpid()
        self.index = whoosh_index.open_dir(str(path))
        self.searcher = self.index.searcher()
        self.generation = self.searcher.reader().generation()
        self._filters = OrderedDict()
        self._values = {}
        self._facet_arrays = {}
        self._ranker = None

    @property
    def schema(self):
        return self.index.schema

    def is_current(self, path):
        return (
            self.pid == os.getpid()
            and self.path == path
            and self.index.latest_generation() == self.generation
        )

    @property
    def ranker(self):
        """This commit's ranking.Ranker, made on first use."""
        if self._ranker is None:
            self._ranker = Ranker(self.searcher)
        return self._ranker

    def allowed(self, query):
        """The set of documents `query` matches, as a filter for Searcher.search().

        Whoosh reads an empty filter as no filter at all: check for one first.
        A Python set, because Whoosh tests every match against the filter and a
        set answers fastest.
        """
        return self._filter(query)[0]

    def allowed_mask(self, query):
        """allowed() as a bool array over all documents, for the Ranker."""
        docs, key = self._filter(query)
        return self.ranker.mask(key, docs)

    def _filter(self, query):
        """(set of document numbers, cache key or None)."""
        try:
            key = (type(query), query)
            hash(key)
        except TypeError:  # an unhashable query is evaluated every time
            return set(self.searcher.docs_for_query(query)), None
        docs = self._filters.get(key)
        if docs is None:
            docs = set(self.searcher.docs_for_query(query))
            self._filters[key] = docs
            if len(self._filters) > FILTER_CACHE_SIZE:
                self._filters.popitem(last=False)
                self.ranker.forget_masks(keep=self._filters.keys())
        else:
            self._filters.move_to_end(key)
        return docs, key

    def values_by_document(self, column):
        """{document number: [value, ...]} of a filter column, for documents with one.

        What faceting needs. Whoosh's own facet for a multi-valued field builds a
        list for every document in the index on every search (a cost that grows
        with the index, not with the matches); this is built once per commit and
        holds only the documents that have a value.
        """
        values = self._values.get(column)
        if values is None:
            values = {}
            reader = self.searcher.reader()
            field = self.schema[column]
            for btext in field.sortable_terms(reader, column):
                value = field.from_bytes(btext)
                for docnum in reader.postings(column, btext).all_ids():
                    values.setdefault(docnum, []).append(value)
            self._values[column] = values
        return values

    def facet_arrays(self, column):
        """values_by_document() as arrays: (document numbers, value numbers, values).

        The i-th pair says that document ``docnums[i]`` has value
        ``values[codes[i]]``, so counting a column's values among a set of matches
        is one bincount.
        """
        found = self._facet_arrays.get(column)
        if found is None:
            numbers, docnums, codes = {}, [], []
            for docnum, values in self.values_by_document(column).items():
                for value in values:
                    docnums.append(docnum)
                    codes.append(numbers.setdefault(value, len(numbers)))
            found = (
                np.asarray(docnums, dtype=np.int64),
                np.asarray(codes, dtype=np.int64),
                list(numbers),
            )
            self._facet_arrays[column] = found
        return found

    def close(self):
        if self.pid == os.getpid():
            self.searcher.close()


class IndexStore:
    """The directory named by a backend's PATH and the indexes in it."""

    def __init__(self, base):
        self.base = Path(base)
        self._reader_key = str(self.base.absolute())

    def link(self, name):
        return self.base / name

    def current(self, name):
        """The directory the index `name` lives in now, or None."""
        link = self.link(name)
        real = Path(os.path.realpath(link))
        return real if real.is_dir() else None

    def exists(self, name):
        path = self.current(name)
        return path is not None and whoosh_index.exists_in(str(path))

    def new_build(self, name):
        """A fresh, empty generation directory for a build of `name`."""
        self.base.mkdir(parents=True, exist_ok=True)
        path = self.base / f"{name}.{time.time_ns()}-{secrets.token_hex(3)}"
        path.mkdir()
        return path

    def create(self, path, schema):
        return whoosh_index.create_in(str(path), schema)

    def publish(self, name, build):
        """Make `build` the current generation of `name` in one atomic step."""
        link = self.link(name)
        previous = self.current(name)
        if link.exists() and not link.is_symlink():
            # A plain directory (not made by this module): set it aside first.
            previous = self.base / f"{name}.{time.time_ns()}-replaced"
            os.rename(link, previous)
        staging = self.base / f".{name}.{secrets.token_hex(4)}.link"
        os.symlink(build.name, staging)  # relative, so PATH can be moved whole
        os.replace(staging, link)
        self._remove_old_generations(name, keep=build, previous=previous)

    def _remove_old_generations(self, name, keep, previous):
        now = time.time()
        for path in self.base.glob(f"{name}.*"):
            if path == keep or not path.is_dir():
                continue
            try:
                stale = now - path.stat().st_mtime > STALE_BUILD_SECONDS
            except FileNotFoundError:
                continue
            if path == previous or stale:
                # Searches that already opened files there keep reading them;
                # one caught between resolving the link and opening retries.
                shutil.rmtree(path, ignore_errors=True)

    def open(self, name):
        """Open the current index, retrying briefly across a concurrent swap."""
        return self.read(name, lambda index: index)

    def read(self, name, action):
        """Run `action(index)` on a freshly opened current index of `name`.

        Retries on the transient errors a concurrent commit or swap causes. A
        missing index is reported as SearchIndexMissing, never created.
        """
        return self._retrying(
            name, lambda path: action(whoosh_index.open_dir(str(path)))
        )

    def search(self, name, action):
        """Run `action(reader)` with this thread's OpenReader on the current commit.

        As read(), but the searcher is reused while the index is unchanged.
        """
        return self._retrying(name, lambda path: action(self._reader(name, path)))

    def _reader(self, name, path):
        cache = getattr(_readers, "by_index", None)
        if cache is None:
            cache = _readers.by_index = {}
        key = (self._reader_key, name)
        reader = cache.get(key)
        if reader is not None and reader.is_current(path):
            return reader
        cache.pop(key, None)
        if reader is not None:
            reader.close()
        reader = cache[key] = OpenReader(path)
        return reader

    def forget_reader(self, name):
        """Close this thread's reader of `name`, if any; the next search opens anew."""
        cache = getattr(_readers, "by_index", {})
        reader = cache.pop((self._reader_key, name), None)
        if reader is not None:
            reader.close()

    def _retrying(self, name, action):
        if not os.path.lexists(self.link(name)):
            raise SearchIndexMissing(name, self.base)
        delay = READ_FIRST_DELAY
        for attempt in range(1, READ_ATTEMPTS + 1):
            path = self.current(name)
            try:
                if path is None:
                    raise EmptyIndexError(f"{self.link(name)} points nowhere")
                return action(path)
            except TRANSIENT_ERRORS as error:
                # A reader kept open may have met a file a merge removed.
                self.forget_reader(name)
                if attempt == READ_ATTEMPTS:
                    if not self.exists(name):
                        raise SearchIndexMissing(name, self.base) from error
                    raise
                logger.debug("Retrying a read of %s after %r", name, error)
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def write(self, name, action, timeout):
        """Run `action(writer)` in one commit on the current index of `name`."""
        index = self.open(name)
        writer = SegmentWriter(index, timeout=timeout, delay=0.05)
        try:
            action(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_tiers)
