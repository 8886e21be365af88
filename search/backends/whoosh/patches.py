"""Fixes to whoosh-reloaded 2.7.5's writing, applied when the backend is imported.

1. Column readers.

``W3PerDocReader._cached_reader`` caches a column reader only when the column file
exists. For a field with no lengths column (every unscored field: IDs, numbers,
the spelling-word fields) it asks the filesystem again on every call, and the
segment writer calls it once per posting while it writes a segment or merges
segments: hundreds of thousands of ``os.stat()`` calls per commit, about half of
a bulk build's commit time. Segment files never change once written, so "this
column does not exist" is as cacheable as the reader itself.

2. Spelling words. A text field with ``spelling=True`` adds every distinct word of
every document to its spelling field as a posting of document 0, so a word in 30,000
documents becomes 30,000 identical postings: a quarter of all postings for our
schema, sorted, spilled to disk, written and merged for nothing (suggestions read
only which words exist, and their frequency in the main field). `SegmentWriter`
here passes each spelling word to the pool once per writer.
"""

from whoosh import fields, writing
from whoosh.codec import whoosh3

_MISSING = object()


def _cached_reader(self, fieldname, column):
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = None
        if self.has_column(fieldname):
            reader = self.column_reader(fieldname, column)
        self._readers[fieldname] = reader
    return reader


class SegmentWriter(writing.SegmentWriter):
    """Whoosh's segment writer, adding each spelling word to the pool only once."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compound", False)
        super().__init__(*args, **kwargs)
        add = self.pool.add
        spelling = {}  # field name -> whether it is a spelling field
        seen = set()

        def add_once(item):
            fieldname = item[0]
            is_spelling = spelling.get(fieldname)
            if is_spelling is None:
                is_spelling = spelling[fieldname] = isinstance(
                    self.schema[fieldname], fields.SpellField
                )
            if is_spelling:
                key = (fieldname, item[1])
                if key in seen:
                    return
                seen.add(key)
            add(item)

        self.pool.add = add_once


def apply():
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
