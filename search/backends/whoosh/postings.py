"""Writing a new segment's postings straight from memory, as Whoosh would.

Whoosh's writer puts every posting in its pool as a (field, term, document,
weight, value) tuple, sorts them all at the commit, and hands them one at a time
to the codec, which reads the document's field length back from the segment's
lengths column for each, and buffers it with a method call and half a dozen
assertions. Our writer (patches.SegmentWriter) keeps the postings of the documents
it analyses itself by field and term instead, each term's in document order (the
order they are added in), with the field length already known. Only the terms
need sorting, and each term's blocks are written here in one go.

The format is Whoosh 3's (W3FieldWriter and W3PostingsWriter): the same blocks,
block headers and term infos, but a block of several postings pickles its ids and
weights as arrays (see BLOCK_PICKLE_PROTOCOL), which Whoosh's reader reads as it
reads its own tuples. The tests compare what a reader reads from our segments and
Whoosh's, and every file but the postings and the term index byte for byte (with
the arrays turned off, those too). A codec other than W3, or settings this module
does not reproduce, get the postings through Whoosh's own add_postings().
"""

import zlib
from array import array
from hashlib import md5
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3FieldWriter,
    W3PostingsWriter,
    W3TermInfo,
)
from whoosh.filedb.filetables import OrderedHashWriter, _lengths
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

# length_to_byte() bisects a table on every call; the lengths of a build are few.
_LENGTH_BYTES = {}


def length_byte(length):
    found = _LENGTH_BYTES.get(length)
    if found is None:
        found = _LENGTH_BYTES[length] = length_to_byte(length)
    return found


def stored_length(length):
    """The field length the codec would read back for a posting (0 for none).

    The lengths column keeps a byte per document, so a length comes back
    rounded; a zero byte reads as no length at all.
    """
    if not length:
        return 0
    lbyte = length_byte(length)
    return byte_to_length(lbyte) if lbyte else 0


def _float32(weights):
    return array("f", weights)


def iter_sorted(postings):
    """The postings as the pool would yield them: by field, term and document."""
    for fieldname in sorted(postings):
        terms = postings[fieldname]
        for term in sorted(terms):
            for docnum, weight, value, _length in terms[term]:
                yield fieldname, term, docnum, weight, value


class _Lengths:
    """A lengths reader for FieldWriter.add_postings() served from memory."""

    def __init__(self, postings):
        self.lengths = {}
        for fieldname, terms in postings.items():
            for plist in terms.values():
                for docnum, _weight, _value, length in plist:
                    self.lengths[docnum, fieldname] = length

    def doc_field_length(self, docnum, fieldname, default=0):
        return self.lengths.get((docnum, fieldname), default)


def write_postings(fieldwriter, schema, postings):
    """Write {field: {term bytes: [(document, weight, value, length)]}}.

    Each term's postings are in document order, `length` as stored_length().
    """
    if type(fieldwriter) is not W3FieldWriter:
        fieldwriter.add_postings(schema, _Lengths(postings), iter_sorted(postings))
        return
    encoded = {}  # (id(terms), encoding) -> {term: (blocks, stats)}
    for fieldname in sorted(postings):
        terms = postings[fieldname]
        if terms:
            _write_field(fieldwriter, fieldname, schema[fieldname], terms, encoded)


def _write_field(fieldwriter, fieldname, fieldobj, terms, encoded):
    fieldwriter.start_field(fieldname, fieldobj)
    writer = fieldwriter._postwriter
    if (
        type(writer) is not W3PostingsWriter
        or writer._byteids
        or writer._inlinelimit > 1
    ):
        # Inlined postings (or byte ids) are not reproduced here.
        for term in sorted(terms):
            fieldwriter.start_term(term)
            for docnum, weight, value, length in terms[term]:
                fieldwriter.add(docnum, weight, b"" if value is None else value, length)
            fieldwriter.finish_term()
        fieldwriter.finish_field()
        return

    postfile = writer._postfile
    tell = postfile.tell
    write = postfile.write
    blocklimit = writer._blocklimit
    compression = writer._compression
    size = fieldobj.format.fixed_value_size()
    if size is None or size < 0:
        pack_values = tuple
    elif size == 0:
        pack_values = _no_values
    else:
        pack_values = b"".join
    add_term = _term_adder(fieldwriter._tindex)
    fieldid = pack_ushort(fieldwriter._fieldid)
    pack_info = W3TermInfo._struct.pack

    # Our catch-all text column often has the very postings of a model's text
    # column (the writer then gives both the same dict): their blocks are the
    # same bytes.
    key = (id(terms), size, blocklimit, compression)
    done = encoded.get(key)
    if done is None:
        done = encoded[key] = {}
    offset = tell()  # nothing else writes to the file while the field is written
    for term in sorted(terms):
        found = done.get(term)
        if found is None:
            plist = terms[term]
            if len(plist) == 1:
                found = _encode_one(plist[0], compression, pack_values)
            else:
                found = _encode_term(plist, blocklimit, compression, pack_values)
            done[term] = found
        blocks, (weight, df, minbyte, maxbyte, maxweight, minid, maxid) = found
        start = offset
        write(blocks)
        offset += len(blocks)
        # W3TermInfo.to_bytes(), for postings not inlined.
        key = fieldid + term
        add_term(
            key,
            pack_info(
                False,
                weight,
                df,
                minbyte,
                maxbyte,
                maxweight,
                minid,
                maxid,
            )
            + pack_long(start)
            + pack_int(len(blocks)),
        )
    if terms and type(fieldwriter._tindex) is OrderedHashWriter:
        fieldwriter._tindex.lastkey = key
    fieldwriter.finish_field()


def _term_adder(tindex):
    """OrderedHashWriter.add() for one field's keys, sorted already, in one call.

    Writes what HashWriter.add() writes and records what it records: the key's
    position, and its MD5-based hash in its bucket. The caller sets `lastkey`.
    """
    if type(tindex) is not OrderedHashWriter or tindex.hashtype != 0:
        return tindex.add
    dbfile = tindex.dbfile
    write = dbfile.write
    positions = tindex.index.append
    buckets = tindex.buckets
    pack_lengths = _lengths.pack
    from_bytes = int.from_bytes
    # Where the next key goes: nothing else writes to the file meanwhile.
    end = [dbfile.tell()]

    def add(key, value):
        position = end[0]
        positions(position)
        entry = pack_lengths(len(key), len(value)) + key + value
        write(entry)
        end[0] = position + len(entry)
        # filetables.md5_hash(): the digest's last 32 bits.
        digest = md5(key, usedforsecurity=False).digest()
        hashed = from_bytes(digest[-4:], "big")
        buckets[hashed & 255].append((hashed, position))

    return add


def _no_values(values):
    return None


_FLOAT32 = {}  # weight -> its value as stored in a block (a 32-bit float)


def _encode_one(posting, compression, pack_values):
    """_encode_term() for a term in one document: most terms are."""
    docnum, weight, value, length = posting
    stored_weight = _FLOAT32.get(weight)
    if stored_weight is None:
        stored_weight = _FLOAT32[weight] = _float32((weight,))[0]
    maxweight = weight if weight > 0 else 0
    lbyte = length_byte(length) if length else 0
    data = dumps(
        (
            (docnum,),
            None if stored_weight == 1.0 else stored_weight,
            pack_values((value,) if value else ()),
        ),
        2,
    )
    if len(data) < COMPRESS_FROM:
        compression = 0
    if compression:
        data = zlib.compress(data, compression)
    header = dumps(
        (
            1,
            docnum,
            maxweight,
            compression,
            lbyte,
            lbyte,
        ),
        2,
    )
    blocks = b"".join(
        (WHOOSH3_HEADER_MAGIC, pack_int(-(len(header) + len(data))), header, data)
    )
    return blocks, (0 + stored_weight, 1, lbyte, lbyte, maxweight, docnum, docnum)


# Blocks of several postings hold their ids and weights as arrays, pickled with
# protocol 4, where Whoosh writes tuples with protocol 2. Whoosh's reader reads
# both alike (it indexes and iterates them), but a protocol 2 array is a list of
# Python numbers: protocol 4 stores its bytes, about half the size, and loads
# five times faster, which is most of what reading a long posting list costs.
# 2 writes Whoosh's own bytes.
BLOCK_PICKLE_PROTOCOL = 4

# Blocks whose pickle is shorter than this are written uncompressed (a block's
# header says whether it is compressed). zlib adds 6 bytes to what it compresses
# and finds nothing to squeeze in a few dozen: the one-posting block of most terms
# (13 to 24 bytes) comes out 3 to 8 bytes longer, and compressing it was a tenth of
# a build's time. Whoosh's writer means to skip pickles under 20 bytes but then
# overwrites that choice (W3PostingsWriter._write_block); 0 writes its bytes.
COMPRESS_FROM = 64


def _encode_term(plist, blocklimit, compression, pack_values):
    """A term's posting blocks as W3PostingsWriter writes them (but see
    BLOCK_PICKLE_PROTOCOL), and its term info.

    Returns the bytes (the header magic and every block) and the W3TermInfo
    statistics (weight, doc frequency, min and max length bytes, max weight,
    first and last document).
    """
    count = len(plist)
    parts = [WHOOSH3_HEADER_MAGIC]
    # W3TermInfo's starting values.
    total_weight, df, term_min, term_max, term_weight = 0, 0, None, 0, 0
    for first in range(0, count, blocklimit):
        chunk = plist[first : first + blocklimit] if count > blocklimit else plist
        ids, weights, values, lengths = zip(*chunk, strict=True)
        # W3PostingsWriter.add_posting(): the largest weight, from 0, and the
        # shortest and longest non-zero lengths.
        maxweight = max(weights)
        if not maxweight > 0:
            maxweight = 0
        present = [length for length in lengths if length]
        minlength = min(present) if present else None
        maxlength = max(present) if present else 0
        stored_weights = _float32(weights)

        # W3TermInfo.add_block().
        total_weight += sum(stored_weights)
        df += len(ids)
        term_min = minlength if term_min is None else min(term_min, minlength)
        term_max = max(term_max, maxlength)
        term_weight = max(term_weight, maxweight)

        # W3PostingsWriter._write_block().
        weight = stored_weights[0]
        if stored_weights.count(weight) != len(stored_weights):
            mini_weights = tuple(stored_weights)
        elif weight == 1.0:
            mini_weights = None
        else:
            mini_weights = weight
        mini_ids = (ids[0], *map(sub, ids[1:], ids))
        if BLOCK_PICKLE_PROTOCOL > 2:
            largest = max(mini_ids)
            mini_ids = array(
                "B" if largest < 256 else "H" if largest < 65536 else "I", mini_ids
            )
            if type(mini_weights) is tuple:
                mini_weights = stored_weights
        data = dumps(
            (mini_ids, mini_weights, pack_values([v for v in values if v])),
            BLOCK_PICKLE_PROTOCOL,
        )
        block_compression = compression if len(data) >= COMPRESS_FROM else 0
        if block_compression:
            data = zlib.compress(data, block_compression)
        header = dumps(
            (
                len(ids),
                ids[-1],
                maxweight,
                block_compression,
                length_byte(minlength),
                length_byte(maxlength),
            ),
            2,
        )
        size = len(header) + len(data)
        if first + blocklimit >= count:
            size = -size  # the last block of the term
        parts.append(pack_int(size))
        parts.append(header)
        parts.append(data)
    stats = (
        total_weight,
        df,
        length_byte(term_min),  # 0 for None, as W3TermInfo.to_bytes()
        length_byte(term_max),
        term_weight,
        plist[0][0],
        plist[-1][0],
    )
    return b"".join(parts), stats
