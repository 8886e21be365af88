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

3. Analysis and postings. `SegmentWriter.add_document()` analyses our TEXT fields
in one pass per text (fastanalysis.py) instead of through Whoosh's analyzer chain,
once for both the terms and the spelling words, and keeps the postings of the
documents it adds in memory by field and term, written at the commit without the
pool's sort (postings.py). What reaches the segment is what Whoosh would write.
Whatever this does not handle (boost and `_stored_` arguments, term vectors, other
analyzers, merged segments, a pool that overflows) goes through Whoosh's own code.
"""

from whoosh import fields, writing
from whoosh.codec import whoosh3

from .fastanalysis import TextAnalysis
from .postings import stored_length, write_postings

_MISSING = object()


def _cached_reader(self, fieldname, column):
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = None
        if self.has_column(fieldname):
            reader = self.column_reader(fieldname, column)
        self._readers[fieldname] = reader
    return reader


# Values of untokenised fields (IDs, numbers, lists) whose postings are remembered
# per field: the same few content types, states and flags recur in every document.
VALUE_MEMO_LIMIT = 50_000
_MEMO_TYPES = (str, int, float)


def _posting_size(fieldname, items):
    # PostingPool.add()'s estimate of a posting's memory, summed over `items`
    # (their values are bytes, never None).
    terms, _freqs, _weights, values = zip(*items, strict=True)
    return (
        (150 + len(fieldname)) * len(items)
        + 2 * sum(map(len, terms))
        + sum(map(len, values))
    )


def _invert(entries):
    terms = {}
    get = terms.get
    for docnum, items, length in entries:
        for term, _freq, weight, value in items:
            posting = (docnum, weight, value, length)
            found = get(term)
            if found is None:
                terms[term] = [posting]
            else:
                found.append(posting)
    return terms


class SegmentWriter(writing.SegmentWriter):
    """Whoosh's segment writer, with the changes 2 and 3 above."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compound", False)
        super().__init__(*args, **kwargs)
        self._pool_add = add = self.pool.add
        spelling = {}  # field name -> whether it is a spelling field
        # (spelling field, word) pairs already given a posting by this writer,
        # through the pool or in memory.
        self._spelled = seen = set()

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
        # {field: [(document, items, stored length)]}, as the analysis gave them
        self._documents = {}
        # {spelling field: {word bytes: [(0, 1, value, 0)]}}
        self._postings = {}
        self._postings_size = 0  # their share of pool.currentsize
        self._plans = {}  # field name -> TextAnalysis, or None for field.index()
        self._analyses = {}  # the TextAnalysis objects, shared between fields
        self._memo = {}  # field name -> {value: (items, length, spelling words)}

    # Adding documents

    def add_document(self, **fields):
        if any(name[:1] == "_" for name in fields):
            # Boosts and alternative stored values: Whoosh's own way.
            return super().add_document(**fields)
        self._check_state()
        schema = self.schema
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        docnum = self.docnum
        perdocwriter = self.perdocwriter
        indexed = []  # (field name, items, length, spelling field, words)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    items, length, words = self._index(fieldname, field, value)
                    if not field.scorable:
                        length = 0
                    spellfield = None
                    if words and items:
                        spellfield = field.spelling_fieldname(fieldname)
                    indexed.append((fieldname, items, length, spellfield, words))
                stored = value if field.stored else None
                perdocwriter.add_field(fieldname, field, stored, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(
                        fieldname, column, field.to_column_value(value)
                    )
        except Exception:
            # Nothing of the document reached the postings.
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        size = 0
        for fieldname, items, length, spellfield, words in indexed:
            if items:
                size += self._remember(fieldname, docnum, items, length)
            if spellfield is not None:
                # As Whoosh: the value of the field's last term goes with each
                # spelling word.
                size += self._remember_spelling(spellfield, words, items[-1][3])
        self._added = True
        self.docnum += 1
        pool = self.pool
        self._postings_size += size
        pool.currentsize += size
        if pool.currentsize > pool.limit:
            self._spill()

    def _plan(self, fieldname, field):
        try:
            return self._plans[fieldname]
        except KeyError:
            plan = TextAnalysis.for_field(field, self._analyses)
            self._plans[fieldname] = plan
            return plan

    def _index(self, fieldname, field, value):
        """(items, length, spelling words) as Whoosh's add_document() finds them."""
        plan = self._plan(fieldname, field)
        if plan is not None and type(value) is str:
            return plan.analyse(value, field.separate_spelling())
        memo = None
        if type(value) in _MEMO_TYPES and not field.separate_spelling():
            memo = self._memo.setdefault(fieldname, {})
            found = memo.get((type(value), value))
            if found is not None:
                return found
        items = list(field.index(value))
        length = sum(item[1] for item in items)
        words = None
        if field.separate_spelling():
            words = [
                word.encode("utf-8") if isinstance(word, str) else word
                for word in field.spellable_words(value)
            ]
        if memo is not None:
            if len(memo) >= VALUE_MEMO_LIMIT:
                memo.clear()
            memo[type(value), value] = (items, length, words)
        return items, length, words

    def _remember(self, fieldname, docnum, items, length):
        # Kept by document; they are turned into postings by term at the commit.
        documents = self._documents.get(fieldname)
        if documents is None:
            documents = self._documents[fieldname] = []
        documents.append((docnum, items, stored_length(length)))
        return _posting_size(fieldname, items)

    def _remember_spelling(self, fieldname, words, value):
        seen = self._spelled
        terms = self._postings.get(fieldname)
        if terms is None:
            terms = self._postings[fieldname] = {}
        new = []
        for word in words:
            key = (fieldname, word)
            if key not in seen:
                seen.add(key)
                terms[word] = [(0, 1, value, 0)]
                new.append((word, 1, 1, value))
        return _posting_size(fieldname, new) if new else 0

    def _spill(self):
        """Move the postings kept in memory to Whoosh's pool."""
        if not (self._documents or self._postings):
            return
        documents, self._documents = self._documents, {}
        postings, self._postings = self._postings, {}
        pool = self.pool
        pool.currentsize -= self._postings_size
        self._postings_size = 0
        add = self._pool_add  # the spelling words among them are known already
        for fieldname, entries in documents.items():
            for docnum, items, _length in entries:
                for term, _freq, weight, value in items:
                    add((fieldname, term, docnum, weight, value))
        for fieldname, terms in postings.items():
            for term, plist in terms.items():
                for docnum, weight, value, _length in plist:
                    add((fieldname, term, docnum, weight, value))

    def _inverted(self):
        """{field: {term: [(document, weight, value, length)]}} of what is kept."""
        postings, self._postings = self._postings, {}
        documents, self._documents = self._documents, {}
        done = []  # (documents, terms) of the fields inverted so far
        for fieldname, entries in documents.items():
            # A field given the very analysis of another in every document (our
            # catch-all column and a model's only text column) has its postings.
            terms = next((terms for other, terms in done if other == entries), None)
            if terms is None:
                terms = _invert(entries)
                done.append((entries, terms))
            postings[fieldname] = terms
        return postings

    # Merging and committing

    def add_reader(self, reader):
        # Merged segments' postings go through the pool, after ours as in Whoosh.
        self._spill()
        super().add_reader(reader)

    def _flush_segment(self):
        pool = self.pool
        if pool.current or pool.runs:
            self._spill()
            super()._flush_segment()
            return
        self.perdocwriter.close()
        write_postings(self.fieldwriter, self.schema, self._inverted())
        self.fieldwriter.close()

    def cancel(self):
        self._documents = {}
        self._postings = {}
        super().cancel()


def apply():
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
