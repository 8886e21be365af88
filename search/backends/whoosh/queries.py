"""Boolean combinators over Whoosh queries with plain set semantics.

Whoosh treats a ``Not`` as "exclude from the siblings" and normalises
``Not(NullQuery)`` to ``NullQuery``; both are wrong for a standalone negation
such as ``~MATCH_NONE``. Negation here is always an explicit complement.
"""

from whoosh import matching
from whoosh import query as wq

EVERYTHING = wq.Every()
NOTHING = wq.NullQuery


def is_everything(query):
    return isinstance(query, wq.Every) and not query.fieldname


def is_nothing(query):
    return query is NOTHING


def q_and(parts):
    parts = [part for part in parts if not is_everything(part)]
    if any(is_nothing(part) for part in parts):
        return NOTHING
    if not parts:
        return EVERYTHING
    if len(parts) == 1:
        return parts[0]
    return wq.And(parts)


def q_or(parts, keep_everything=False):
    """Disjunction; `keep_everything` keeps Every() children so they still score."""
    parts = [part for part in parts if not is_nothing(part)]
    if not parts:
        return NOTHING
    if not keep_everything and any(is_everything(part) for part in parts):
        return EVERYTHING
    if len(parts) == 1:
        return parts[0]
    return wq.Or(parts)


def q_not(query):
    if is_everything(query):
        return NOTHING
    if is_nothing(query):
        return EVERYTHING
    return wq.AndNot(wq.Every(), query)


class TermSet(wq.Query):
    """Documents with any of a set of terms in one field: a filter's ``__in``.

    The same documents as an ``Or`` of ``Term`` queries, but it hashes and
    compares as one frozenset, in C. Filters are cached by their query
    (storage.OpenReader.allowed), and a subquery such as "the experiments whose
    discussion is open" gives thousands of terms: an ``Or`` of that many ``Term``
    objects cost more to hash and compare on every search than the search itself.
    It matches without scores; it is meant for filters.
    """

    def __init__(self, fieldname, terms, boost=1.0):
        self.fieldname = fieldname
        self.terms = frozenset(terms)
        self.boost = boost

    def __eq__(self, other):
        return self is other or (
            type(other) is type(self)
            and self.fieldname == other.fieldname
            and self.terms == other.terms
        )

    def __hash__(self):
        return hash((type(self), self.fieldname, self.terms))

    def __repr__(self):
        return f"{type(self).__name__}({self.fieldname!r}, {len(self.terms)} terms)"

    def field(self):
        return self.fieldname

    def estimate_size(self, ixreader):
        return sum(
            ixreader.doc_frequency(self.fieldname, btext)
            for btext in self._bytes(ixreader.schema)
        )

    def _bytes(self, schema):
        """The terms as the field stores them; values it cannot hold match nothing."""
        if self.fieldname not in schema:
            return
        field = schema[self.fieldname]
        for term in self.terms:
            try:
                yield field.to_bytes(term)
            except ValueError:
                continue

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        docs = set()
        for btext in self._bytes(searcher.schema):
            if (self.fieldname, btext) in reader:
                docs.update(reader.postings(self.fieldname, btext).all_ids())
        if not docs:
            return matching.NullMatcher()
        return matching.ListMatcher(sorted(docs), all_weights=self.boost)
