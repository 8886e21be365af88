"""Ranking word queries a whole posting list at a time, with the scores Whoosh gives.

Whoosh scores a search one posting at a time: for every match it walks a tree of
matcher objects in Python, asks each for its document, weight and field length,
and pushes the result onto a heap. A practice word such as "neglect" occurs in a
fifth of all documents, so a two-word search makes tens of thousands of those
calls, and its time grows with the index.

Most searches are words looked for in the text columns: a tree of ``And`` and
``Or`` over ``Term`` queries. For those, `Ranker` reads each term's postings as
arrays (decoding Whoosh's blocks directly), scores the whole list with the same
BM25F formula and the same global statistics Whoosh uses, and combines terms with
array arithmetic over every document of the index: a sum for both ``And`` and
``Or``, with a "matched" mask for each. The ranking is then a partial sort.

The scores are Whoosh's, computed with the same operations in the same order per
posting; only sums of three or more parts may be added in another order, as
Whoosh's own choice of matcher tree already varies with the index. Ties are
ordered by document number, as Whoosh's collector does. Every match is scored, so
the ranking is the one Whoosh gives with no limit. With a limit, Whoosh prunes as
it goes, and turns an "or" whose parts each score below the last result kept into
an "and", though their sum does not: an "and" of words looked for in several
columns could then lose its best matches. Anything else (phrases,
fuzzy and prefix terms, ``Every``, negation, a weighting other than BM25F, a
sort by field) is left to Whoosh: `Ranker.supports()` says which is which, and
tests compare both on the same indexes.

A `Ranker` belongs to one open searcher (one commit) and keeps what it derives
from it: decoded field lengths, filters as masks, and facet columns as arrays.
"""

import threading
import zlib
from collections import OrderedDict
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

# Whoosh keeps each field length as one byte; this decodes all 256 at once.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

_TERM = wq.Term
_AND = wq.And
_OR = wq.Or


_NONE = (np.zeros(0, dtype=np.int64), np.zeros(0))


def _postings_arrays(reader, segment, fieldname, btext):
    """(document numbers, weights) of one term in one segment's reader, as numpy
    arrays (empty if the segment lacks the term); `segment` is _segment_id().

    Whoosh 3's posting blocks are decoded here directly; postings in another form
    are read through Whoosh's matcher. Lists are kept (see SegmentCache): a
    segment never changes once written, and a common word's list costs hundreds
    of block reads.
    """
    key = (segment, fieldname, btext)
    found = SEGMENT_CACHE.get(key)
    if found is not None:
        return found
    try:
        matcher = reader._terms.matcher(
            fieldname, btext, reader.schema[fieldname].format
        )
    except TermNotFound:
        found = _NONE
    else:
        if type(matcher) is W3LeafMatcher and not matcher._byteids:
            found = _read_blocks(matcher)
        else:
            found = _postings_by_matcher(matcher)
    SEGMENT_CACHE.put(key, found)
    return found


def _segment_id(reader):
    """What tells the segment `reader` reads from any other: its folder, its id
    and its size; None if `reader` is not a segment's."""
    segment = getattr(reader, "segment", lambda: None)()
    if segment is None or not hasattr(reader, "_terms"):
        return None
    storage = reader._storage
    storage = getattr(storage, "b", storage)  # an OverlayStorage's own files
    where = getattr(storage, "folder", None) or id(storage)
    return (where, segment.segment_id(), segment.doc_count_all())


def _read_blocks(matcher):
    """The postings of a W3LeafMatcher, every block at once."""
    ids, weights = [], []
    postfile = matcher._postfile
    position = matcher._baseoffset
    while True:
        postfile.seek(position)
        length = postfile.read_int()
        last = length < 0
        length = abs(length)
        info = postfile.read_pickle()
        count, compressed = info[0], info[3]
        start = postfile.tell()
        data = postfile.get(start, position + _INT_SIZE + length - start)
        if compressed:
            data = zlib.decompress(data)
        block_ids, block_weights = loads(data)[:2]  # noqa: S301 (our own index files)
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
        if block_weights is None:
            weights.append(np.ones(count))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float64))
        if last:
            break
        position += _INT_SIZE + length
    return np.concatenate(ids), np.concatenate(weights)


def _postings_by_matcher(matcher):
    """The postings of any Whoosh matcher, one at a time."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


class SegmentCache:
    """Arrays decoded from segments, least recently used dropped first.

    Posting lists (keyed by segment id, field and term) and field lengths (by
    segment id and field). Segment ids are random and a segment's files never
    change once written (deletions are kept apart), so an entry is never stale;
    entries of merged-away segments simply age out. Shared by the threads of a
    process, and kept across commits.
    """

    # What an entry costs besides its arrays' data: the key and the array objects.
    OVERHEAD = 300

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, arrays):
        size = self._size(arrays)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = arrays
            self.bytes += size
            while self.bytes > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                self.bytes -= self._size(dropped)

    def _size(self, arrays):
        return sum(array.nbytes for array in arrays) + self.OVERHEAD

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.bytes = 0


# 64 MB holds about four million postings: the lists of a few hundred words
# that are each in a tenth of 50,000 documents.
SEGMENT_CACHE = SegmentCache(max_bytes=64 * 1024 * 1024)


# Queries whose matches and scores a Ranker keeps (two arrays over all documents
# each: 9 bytes a document).
EVALUATIONS_KEPT = 4


class Ranker:
    """Array ranking over one open searcher (see the module's docstring)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        # (segment reader, first document number, documents, _segment_id()).
        self.leaves = []
        # Only the segments' own readers are read here; anything else (never
        # seen with our indexes) is left to Whoosh by supports().
        self.readable = True
        live = np.ones(self.size, dtype=bool)
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            count = reader.doc_count_all()
            if not count:
                continue
            segment = _segment_id(reader)
            if segment is None:
                self.readable = False
                break
            self.leaves.append((reader, offset, count, segment))
            if reader.has_deletions():
                deleted = reader.deleted_docs_set
                live[offset + np.fromiter(deleted, dtype=np.int64)] = False
        self.live = live
        self._masks = {}
        self._evaluations = OrderedDict()

    # What can be ranked here

    def supports(self, query):
        """True if `query` is ranked here as Whoosh ranks it when it scores every match."""
        if not self.readable:
            return False
        if type(self.weighting) is not BM25F or self.weighting.use_final:
            return False
        return self._supports(query)

    def _supports(self, query):
        kind = type(query)
        if kind is _TERM:
            if query.fieldname not in self.schema or query.minquality:
                return False
            return self.schema[query.fieldname].scorable
        if kind is _AND or kind is _OR:
            if query.boost != 1.0 or not query.subqueries:
                return False
            if kind is _OR and (query.minmatch or query.scale):
                return False
            return all(self._supports(sub) for sub in query.subqueries)
        return False

    # Matching and scoring

    def evaluate(self, query):
        """(scores, matched): float64 and bool arrays over all documents."""
        kind = type(query)
        if kind is _TERM:
            return self._term(query)
        parts = [self.evaluate(sub) for sub in query.subqueries]
        scores, matched = parts[0][0].copy(), parts[0][1].copy()
        for sub_scores, sub_matched in parts[1:]:
            scores += sub_scores
            if kind is _AND:
                matched &= sub_matched
            else:
                matched |= sub_matched
        return scores, matched

    def _term(self, query):
        scores = np.zeros(self.size)
        matched = np.zeros(self.size, dtype=bool)
        fieldname = query.fieldname
        try:
            btext = self.schema[fieldname].to_bytes(query.text)
        except ValueError:
            return scores, matched
        found = []
        for index, (reader, offset, _count, segment) in enumerate(self.leaves):
            ids, tf = _postings_arrays(reader, segment, fieldname, btext)
            if len(ids):
                found.append((index, offset, ids, tf))
        if not found:
            return scores, matched
        # The global statistics, from the searcher Whoosh's scorer asks.
        idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        B = self.weighting._field_B.get(fieldname, self.weighting.B)
        K1 = self.weighting.K1
        for index, offset, ids, tf in found:
            fl = self._field_lengths(index, fieldname)[ids]
            # BM25F as whoosh.scoring.bm25() computes it, operation for operation.
            term_scores = idf * (
                (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))
            )
            if query.boost != 1.0:
                term_scores = term_scores * query.boost
            scores[offset + ids] = term_scores
            matched[offset + ids] = True
        matched &= self.live
        return scores, matched

    def _field_lengths(self, index, fieldname):
        """Decoded field lengths of every document of one segment."""
        reader, _offset, count, segment = self.leaves[index]
        key = (segment, fieldname)
        found = SEGMENT_CACHE.get(key)
        if found is None:
            perdoc = reader._perdoc
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            codes = np.zeros(count, dtype=np.uint8)
            if column is not None and column._count:
                raw = column._dbfile.get(column._basepos, column._count)
                codes[: column._count] = np.frombuffer(raw, dtype=np.uint8)
            # A missing length reads as 1, as Whoosh's scorer asks for.
            lengths = _LENGTHS[codes]
            lengths[codes == 0] = 1.0
            found = (lengths,)
            SEGMENT_CACHE.put(key, found)
        return found[0]

    # Filters

    def mask(self, key, documents):
        """A bool array of the documents in the set `documents`, kept under `key`."""
        found = self._masks.get(key) if key is not None else None
        if found is None:
            found = np.zeros(self.size, dtype=bool)
            if documents:
                found[np.fromiter(documents, dtype=np.int64, count=len(documents))] = (
                    True
                )
            if key is not None:
                self._masks[key] = found
        return found

    def forget_masks(self, keep):
        """Drop the masks of filters no longer in `keep`."""
        for key in [key for key in self._masks if key not in keep]:
            del self._masks[key]

    # Results

    def _evaluated(self, query):
        """evaluate(), remembered for the last few queries: a search page counts
        the matches and then ranks them, each a full pass over the index."""
        found = self._evaluations.get(query)
        if found is None:
            found = self.evaluate(query)
            for array in found:
                array.flags.writeable = False  # shared from now on
            self._evaluations[query] = found
            if len(self._evaluations) > EVALUATIONS_KEPT:
                self._evaluations.popitem(last=False)
        else:
            self._evaluations.move_to_end(query)
        return found

    def top(self, query, allowed, limit):
        """[(document number, score)] of the best `limit` matches (all if None),
        best first; equal scores in document order, as Whoosh's collector gives."""
        scores, matched = self._evaluated(query)
        matched = matched & allowed
        candidates = np.flatnonzero(matched)
        candidate_scores = scores[candidates]
        if limit is not None and limit < len(candidates):
            # Keep everything that scores at least as well as the limit-th best,
            # so ties at the boundary are decided by document number below.
            threshold = np.partition(candidate_scores, len(candidates) - limit)[
                len(candidates) - limit
            ]
            keep = candidate_scores >= threshold
            candidates, candidate_scores = candidates[keep], candidate_scores[keep]
        order = np.lexsort((candidates, -candidate_scores))
        if limit is not None:
            order = order[:limit]
        return [
            (int(docnum), float(score))
            for docnum, score in zip(
                candidates[order], candidate_scores[order], strict=True
            )
        ]

    def matches(self, query, allowed):
        """A bool array of the documents `query` matches among `allowed`."""
        _scores, matched = self._evaluated(query)
        return matched & allowed
