"""Translating a queryset's WHERE clause into a Whoosh query.

Filters run inside Whoosh, so Whoosh can return just the page asked for. The one
fallback: a lookup with no Whoosh equivalent (``icontains``, a regex, a lookup on
an expression, an ``Exists()``...) makes the database evaluate the queryset's
whole filter and Whoosh filter on the primary keys it returns. That costs one
query over every row the filter matches, so it is logged.
"""

import logging

from whoosh import query as wq

from django.db.models import Subquery
from django.db.models.expressions import Col
from django.db.models.functions.datetime import Extract, ExtractYear
from django.db.models.lookups import Lookup
from django.db.models.sql import Query
from django.db.models.sql.where import NothingNode, WhereNode

from .mapping import (
    KIND,
    PK,
    PK_VALUE,
    PRESENT,
    ROOT_KIND,
    child_kind,
    column_name,
    filter_codec,
    pk_codec,
    related_model,
)
from .queries import EVERYTHING, NOTHING, TermSet, q_and, q_not, q_or

logger = logging.getLogger(__name__)

RANGE_LOOKUPS = {
    "gt": (True, None),
    "gte": (False, None),
    "lt": (None, True),
    "lte": (None, False),
}


class Untranslatable(Exception):
    """A filter that only the database can evaluate."""


class _Leaf:
    """A translated lookup; `levels` are the relation paths of its child documents."""

    def __init__(self, query, levels=(), key=None, or_missing=False):
        self.query = query
        self.levels = tuple(levels)
        self.key = key
        # `relation__field__isnull=True` also holds when there is no related row
        # at all (the ORM's LEFT JOIN), i.e. when there is no child document.
        self.or_missing = or_missing


class _Node:
    def __init__(self, connector, children, negated):
        self.connector = connector
        self.children = children
        self.negated = negated


class _Fallback:
    pass


FALLBACK = _Fallback()


def nest(levels, query):
    """Lift a query on child documents up to the root documents owning them."""
    for depth in range(len(levels) - 1, -1, -1):
        parent_kind = ROOT_KIND if depth == 0 else child_kind(levels[depth - 1])
        query = wq.NestedParent(
            wq.Term(KIND, parent_kind),
            q_and([wq.Term(KIND, child_kind(levels[depth])), query]),
        )
    return query


def finalize(node):
    """Turn the tree built from the WHERE clause into one Whoosh query."""
    if node is FALLBACK:
        raise Untranslatable
    if isinstance(node, _Leaf):
        return _nest_leaves(node.levels, [node])
    if node.connector == "AND":
        plain, related = [], {}
        for child in _and_children(node):
            if isinstance(child, _Leaf) and child.levels:
                # Lookups through the same join must match the same related row.
                related.setdefault((child.levels, child.key), []).append(child)
            else:
                plain.append(finalize(child))
        for (levels, _key), leaves in related.items():
            plain.append(_nest_leaves(levels, leaves))
        query = q_and(plain)
    else:
        query = q_or([finalize(child) for child in node.children])
    return q_not(query) if node.negated else query


def _nest_leaves(levels, leaves):
    query = nest(levels, q_and([leaf.query for leaf in leaves]))
    if levels and all(leaf.or_missing for leaf in leaves):
        query = q_or([query, q_not(nest(levels, EVERYTHING))])
    return query


def _and_children(node):
    for child in node.children:
        if isinstance(child, _Node) and child.connector == "AND" and not child.negated:
            yield from _and_children(child)
        else:
            yield child


class FilterTranslationMixin:
    """Query-compiler hooks that build the tree `finalize()` turns into Whoosh."""

    _NOT_YET = object()
    # The backend's subqueries.SubqueryCache, if it keeps subqueries' results.
    subqueries = None

    def get_filter_query(self):
        """The Whoosh query for the queryset's filters, or None for no filter.

        Worked out once per compiler: a results object and its slices share one,
        and a subquery in the filters would otherwise run for the count and again
        for the page.
        """
        found = getattr(self, "_filter_query", self._NOT_YET)
        if found is self._NOT_YET:
            found = self._filter_query = self._translate_filters()
        return found

    def _translate_filters(self):
        tree = self._get_filters_from_queryset()
        if tree is None:
            return None
        try:
            return finalize(tree)
        except Untranslatable:
            return self._database_filter()

    def _database_filter(self):
        logger.info(
            "Filtering %s search results in the database: a lookup has no Whoosh "
            "equivalent",
            self.queryset.model.__name__,
        )
        pks = self.queryset.order_by().values_list("pk", flat=True)
        terms = {str(pk) for pk in pks.iterator()}
        if len(terms) > 1:
            return TermSet(PK, terms)
        return q_or([wq.Term(PK, term) for term in terms])

    # Hooks of BaseSearchQueryCompiler._get_filters_from_where_node

    def _get_filters_from_where_node(self, where_node, check_only=False):
        if isinstance(where_node, Lookup):
            lhs = where_node.lhs
            if isinstance(lhs, Extract) and not isinstance(lhs, ExtractYear):
                return None if check_only else FALLBACK
            if not isinstance(lhs, (Col, ExtractYear)):
                return None if check_only else FALLBACK
            if isinstance(lhs, Col) and self._is_own_pointer(lhs):
                # The base class drops these; a specific page type filtered on its
                # primary key names the parent link, which is our primary key.
                if check_only:
                    return None
                return self._pk_lookup(where_node.lookup_name, where_node.rhs)
        elif not isinstance(where_node, (WhereNode, NothingNode)):
            return None if check_only else FALLBACK
        return super()._get_filters_from_where_node(where_node, check_only)

    def _is_own_pointer(self, column):
        target = column.target
        return (
            target.primary_key
            and target.attname.endswith("_ptr_id")
            and issubclass(self.queryset.model, target.model)
        )

    def _process_filter(self, column, lookup, value, check_only=False):
        field_path = self._get_filter_field_path_for_column(column)
        if check_only:
            return None
        model = self.queryset.model
        levels, prefix = [], ""
        for relation in field_path[:-1]:
            prefix += column_name(relation, model)
            levels.append(prefix)
            prefix += "."
            model = related_model(relation, model)
        field = field_path[-1]
        codec, multi = filter_codec(field, model)
        query = self._lookup_query(
            prefix + column_name(field, model), codec, multi, lookup, value
        )
        if query is FALLBACK:
            return FALLBACK
        or_missing = bool(levels) and lookup == "isnull" and bool(value)
        return _Leaf(query, levels, key=self._join_key(column), or_missing=or_missing)

    def _join_key(self, column):
        aliases, alias = [], column.alias
        while alias is not None:
            aliases.append(alias)
            alias = self.queryset.query.alias_map[alias].parent_alias
        return tuple(aliases)

    def _process_match_none(self):
        return _Leaf(NOTHING)

    def _connect_filters(self, filters, connector, negated):
        if not filters:
            return None
        if FALLBACK in filters:
            return FALLBACK
        return _Node(connector, filters, negated)

    def _pk_lookup(self, lookup, value):
        query = self._lookup_query(
            PK_VALUE, pk_codec(self.queryset.model), False, lookup, value
        )
        return FALLBACK if query is FALLBACK else _Leaf(query)

    # Lookups

    def _lookup_query(self, column, codec, multi, lookup, value):
        if (
            isinstance(value, (Query, Subquery))
            and lookup == "in"
            and self.subqueries is not None
        ):
            return self.subqueries.translated(
                value.query if isinstance(value, Subquery) else value,
                self.queryset.db,
                (column, codec, multi),
                lambda: self._lookup_query(
                    column, codec, multi, lookup, self._run_subquery(value, False)
                ),
            )
        if isinstance(value, (Query, Subquery)):
            value = self._run_subquery(value, single=lookup != "in")
            if value is None:
                return NOTHING  # "= (empty subquery)" is NULL in SQL: no row matches
        elif hasattr(value, "resolve_expression"):
            return FALLBACK  # compares with another column or expression

        if lookup == "isnull":
            present = wq.Term(PRESENT, column)
            return q_not(present) if value else present
        if lookup == "exact":
            if value is None:
                return q_not(wq.Term(PRESENT, column))
            return wq.Term(column, codec.encode_value(value))
        if lookup == "in":
            terms = codec.encode_values(value)
            if len(terms) > 1:
                return TermSet(column, terms)
            return q_or([wq.Term(column, term) for term in terms])
        if lookup in RANGE_LOOKUPS:
            if multi:
                return FALLBACK
            start_excl, end_excl = RANGE_LOOKUPS[lookup]
            bound = codec.encode_value(value)
            if start_excl is None:
                return self._range(column, codec, None, bound, False, end_excl)
            return self._range(column, codec, bound, None, start_excl, False)
        if lookup == "range":
            if multi:
                return FALLBACK
            low, high = (codec.encode_value(item) for item in value)
            return self._range(column, codec, low, high, False, False)
        if lookup in ("startswith", "prefix") and not codec.numeric and not multi:
            return wq.Prefix(column, str(value))
        return FALLBACK

    def _range(self, column, codec, start, end, start_excl, end_excl):
        if codec.numeric:
            return wq.NumericRange(
                column, start, end, startexcl=start_excl, endexcl=end_excl
            )
        return wq.TermRange(column, start, end, startexcl=start_excl, endexcl=end_excl)

    def _run_subquery(self, value, single):
        query = value.query if isinstance(value, Subquery) else value
        if not single:
            # A set of values: their order does not matter, and sorting them
            # (a model's default ordering) can cost more than finding them.
            query = query.clone()
            query.clear_ordering(force=True)
        compiler = query.get_compiler(self.queryset.db)
        # results_iter() applies the fields' converters (dates come back as dates).
        rows = [row[0] for row in compiler.results_iter()]
        if single:
            return rows[0] if rows else None
        return rows
