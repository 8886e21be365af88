"""Boolean combinators over Whoosh queries with plain set semantics.

Whoosh treats a ``Not`` as "exclude from the siblings" and normalises
``Not(NullQuery)`` to ``NullQuery``; both are wrong for a standalone negation
such as ``~MATCH_NONE``. Negation here is always an explicit complement.
"""

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
