"""Compiling modelsearch queries and queryset ordering into Whoosh."""

from whoosh import query as wq
from whoosh import sorting

from django.db.models import F, OrderBy

from modelsearch.backends.base import BaseSearchQueryCompiler, OrderByFieldError
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from .filters import FilterTranslationMixin
from .mapping import (
    CONTENT_TYPES,
    EDGE,
    EDGE_MAX,
    PK_VALUE,
    PRESENT,
    STEMMING_ANALYZER,
    WORD_ANALYZER,
    ModelMapping,
    content_type_label,
    root_schema,
)
from .queries import EVERYTHING, NOTHING, q_and, q_not, q_or


def analyze(analyzer, text):
    return [token.text for token in analyzer(text, mode="query")]


def fuzzy_distance(word):
    """Edits allowed for a word, as Elasticsearch's "AUTO" fuzziness does."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


class WhooshSearchQueryCompiler(FilterTranslationMixin, BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "or"
    HANDLES_ORDER_BY_EXPRESSIONS = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = ModelMapping(self.queryset.model)

    def get_content_type_query(self):
        return wq.Term(CONTENT_TYPES, content_type_label(self.queryset.model))

    # Text

    def _columns(self):
        """(column, boost) pairs the words are looked for in."""
        if self.fields:
            searchable = {
                field.field_name: field
                for field in self.queryset.model.get_searchable_search_fields()
            }
            return [
                (
                    self.mapping.column(searchable[name]),
                    float(searchable[name].boost or 1),
                )
                for name in self.fields
            ]
        return list(root_schema(self.mapping.root)[1].items())

    def get_text_query(self):
        return self._compile(self.query, self._columns(), 1.0)

    def _compile(self, query, columns, boost):
        if isinstance(query, MatchAll):
            return EVERYTHING if boost == 1.0 else wq.Every(boost=boost)
        if isinstance(query, PlainText):
            return self._words(
                query.query_string, query.operator, columns, boost * query.boost
            )
        if isinstance(query, Phrase):
            return self._phrase(query.query_string, columns, boost)
        if isinstance(query, Fuzzy):
            return self._fuzzy(query, columns, boost)
        if isinstance(query, Boost):
            return self._compile(query.subquery, columns, boost * query.boost)
        if isinstance(query, And):
            return q_and(
                [self._compile(sub, columns, boost) for sub in query.subqueries]
            )
        if isinstance(query, Or):
            return q_or(
                [self._compile(sub, columns, boost) for sub in query.subqueries],
                keep_everything=True,
            )
        if isinstance(query, Not):
            return q_not(self._compile(query.subquery, columns, boost))
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the Whoosh search backend."
        )

    @staticmethod
    def _combine(parts, operator):
        return q_and(parts) if operator == "and" else q_or(parts)

    def _words(self, text, operator, columns, boost):
        # A word may be in any of the columns ("cross fields"): with "and", every
        # word must occur somewhere, not all of them in one field.
        words = analyze(STEMMING_ANALYZER, text)
        if not words:
            return NOTHING
        parts = [
            q_or([wq.Term(column, word, boost=boost * b) for column, b in columns])
            for word in words
        ]
        return self._combine(parts, operator)

    def _phrase(self, text, columns, boost):
        words = analyze(STEMMING_ANALYZER, text)
        if not words:
            return NOTHING
        if len(words) == 1:
            return q_or(
                [wq.Term(column, words[0], boost=boost * b) for column, b in columns]
            )
        return q_or(
            [wq.Phrase(column, words, boost=boost * b) for column, b in columns]
        )

    def _fuzzy(self, query, columns, boost):
        parts = []
        for word in analyze(STEMMING_ANALYZER, query.query_string):
            distance = fuzzy_distance(word)
            parts.append(
                q_or(
                    [
                        wq.FuzzyTerm(column, word, boost=boost * b, maxdist=distance)
                        if distance
                        else wq.Term(column, word, boost=boost * b)
                        for column, b in columns
                    ]
                )
            )
        if not parts:
            return NOTHING
        return self._combine(parts, query.operator)

    # Ordering

    def _get_order_by(self):
        """(column, descending, nulls_first) for each ordering key of the queryset.

        Plain names, ``F()`` and ``F().asc()/.desc()`` with ``nulls_first`` /
        ``nulls_last`` are supported; nulls_first None means "as PostgreSQL does".
        """
        if self.order_by_relevance:
            return
        model = self.queryset.model
        for item in self.queryset.query.order_by:
            nulls_first = None
            if isinstance(item, OrderBy) and isinstance(item.expression, F):
                name, descending = item.expression.name, item.descending
                if item.nulls_first:
                    nulls_first = True
                elif item.nulls_last:
                    nulls_first = False
            elif isinstance(item, F):
                name, descending = item.name, False
            elif isinstance(item, str):
                name, descending = item.lstrip("-"), item.startswith("-")
            else:
                raise OrderByFieldError(
                    f'Sorting search results with "{item}" is not supported by this '
                    "search backend.",
                    field_name=item,
                )
            field = self._get_filterable_field(name)
            if field is not None:
                yield self.mapping.column(field), descending, nulls_first
            elif name in ("pk", model._meta.pk.name, model._meta.pk.attname):
                yield PK_VALUE, descending, nulls_first
            else:
                raise OrderByFieldError(
                    f'Cannot sort search results with field "{name}". Please add '
                    f'index.FilterField("{name}") to {model.__name__}.search_fields.',
                    field_name=name,
                )

    def get_sortedby(self):
        """A Whoosh sort facet, or None to order by relevance."""
        if self.order_by_relevance:
            return None
        keys = list(self._get_order_by())
        if not keys:
            # Without an ordering, newest first (as the other backends do).
            return sorting.FieldFacet(PK_VALUE, reverse=True)
        facets = sorting.MultiFacet()
        for column, descending, nulls_first in keys:
            if nulls_first is None:
                # PostgreSQL sorts NULL as the largest value.
                nulls_first = descending
            # A column stores a placeholder for a missing value, so where NULLs go
            # is decided by whether the document lists the column as present.
            facets.add_facet(
                sorting.QueryFacet(
                    {0: wq.Term(PRESENT, column)}, other=-1 if nulls_first else 1
                )
            )
            facets.add_facet(sorting.FieldFacet(column, reverse=descending))
        return facets


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Matches word prefixes against edge n-grams of the AutocompleteFields."""

    def _autocomplete_columns(self):
        """(column, is_edge_ngram_column) pairs."""
        if not self.fields:
            return [(EDGE, True)]
        model = self.queryset.model
        autocomplete = {f.field_name: f for f in model.get_autocomplete_search_fields()}
        searchable = {f.field_name: f for f in model.get_searchable_search_fields()}
        columns = []
        for name in self.fields:
            if name in autocomplete:
                columns.append((self.mapping.column(autocomplete[name]), True))
            else:
                columns.append((self.mapping.column(searchable[name]), False))
        return columns

    def get_text_query(self):
        query = self.query
        if isinstance(query, MatchAll):
            return EVERYTHING
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{type(query).__name__}` is not supported for autocomplete queries."
            )
        # Cut to the longest n-gram indexed, so a long word still matches its prefix.
        words = [word[:EDGE_MAX] for word in analyze(WORD_ANALYZER, query.query_string)]
        if not words:
            return NOTHING
        columns = self._autocomplete_columns()
        parts = [
            q_or(
                [
                    wq.Term(column, word, boost=query.boost)
                    if edge
                    else wq.Prefix(column, word, boost=query.boost)
                    for column, edge in columns
                ]
            )
            for word in words
        ]
        return self._combine(parts, query.operator)
