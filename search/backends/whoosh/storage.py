"""Where indexes live on disk, how a rebuilt one is swapped in, and safe reading.

Layout under the backend's PATH, for an index named ``wagtailcore_page``::

    wagtailcore_page -> wagtailcore_page.1764183561123456789-3fa2c1   (symlink)
    wagtailcore_page.1764183561123456789-3fa2c1/                      (Whoosh files)

A rebuild writes a new generation directory and then replaces the symlink with
``os.replace``, which is atomic: a reader sees the old index or the new one, never
a half-built one. Readers resolve the symlink once per search, so the files of one
search all come from one generation.
"""

import logging
import os
import secrets
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError

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


class IndexStore:
    """The directory named by a backend's PATH and the indexes in it."""

    def __init__(self, base):
        self.base = Path(base)

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
        """Run `action(index)` on the current index of `name`.

        Retries on the transient errors a concurrent commit or swap causes. A
        missing index is reported as SearchIndexMissing, never created.
        """
        if not os.path.lexists(self.link(name)):
            raise SearchIndexMissing(name, self.base)
        delay = READ_FIRST_DELAY
        for attempt in range(1, READ_ATTEMPTS + 1):
            path = self.current(name)
            try:
                if path is None:
                    raise EmptyIndexError(f"{self.link(name)} points nowhere")
                return action(whoosh_index.open_dir(str(path)))
            except TRANSIENT_ERRORS as error:
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
        writer = index.writer(timeout=timeout, delay=0.05)
        try:
            action(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
