"""Which segments a commit outside a rebuild merges: small ones, a tier at a time.

Every write (the search worker's batches, a save in tests) commits a new segment.
Whoosh's default policy, MERGE_SMALL, sorts the segments by size and merges all of
them up to the first point where their total is below a Fibonacci number of their
count. Once an index has about twenty segments, that point is the last one: the
commit merges the whole index. After a rebuild of 50,000 documents (a dozen
segments of a few thousand each) and a few worker batches, one batch of 500 updates
then took minutes, and the worker wrote nothing else meanwhile.

Here a commit merges only segments under SMALL documents, and only those of one
tier (1-9, 10-99, 100-999 documents) once MERGE_AT of them have gathered, as
logarithmic merge policies do: each document is merged about once per tier, and
no commit merges more than MERGE_AT * SMALL documents. Larger segments (those of a
rebuild, and what the tiers grow into) are left alone until the next rebuild,
which also drops their deleted documents. A segment whose documents are all
deleted is dropped at once.
"""

import math
from collections import defaultdict

from whoosh.reading import SegmentReader

SMALL = 1_000  # documents: a segment of this many or more is never merged by a write
MERGE_AT = 10  # segments of one tier merged together


def tier(count):
    return int(math.log10(max(count, 1)))


def merge_small_tiers(writer, segments):
    """A Whoosh `mergetype`: add the tiers to merge to `writer`, return the rest."""
    tiers = defaultdict(list)
    kept = []
    for segment in segments:
        count = segment.doc_count_all()
        if segment.deleted_count() >= count:
            continue  # nothing left in it
        if count >= SMALL:
            kept.append(segment)
        else:
            tiers[tier(count)].append(segment)
    for members in tiers.values():
        if len(members) < MERGE_AT:
            kept.extend(members)
            continue
        for segment in members:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
    # In their original order: documents keep their relative order.
    order = {id(segment): number for number, segment in enumerate(segments)}
    return sorted(kept, key=lambda segment: order[id(segment)])
