"""Running a compiled search: the page of results, the count and facets."""

from collections import OrderedDict

import numpy as np
from whoosh import sorting

from modelsearch.backends.base import BaseSearchResults, FilterFieldError

from .mapping import PK, filter_codec
from .queries import is_nothing, q_and


class _KnownValuesFacet(sorting.FacetType):
    """Groups matches by the values of a filter column, read from a prepared map
    of whole-index document numbers (storage.OpenReader.values_by_document)."""

    def __init__(self, values):
        self.values = values

    def categorizer(self, global_searcher):
        return _KnownValuesCategorizer(self.values)


class _KnownValuesCategorizer(sorting.Categorizer):
    allow_overlap = True  # a document may have several values (topics)
    _NONE = (None,)

    def __init__(self, values):
        self.values = values
        self.offset = 0

    def set_searcher(self, segment_searcher, docoffset):
        self.offset = docoffset

    def keys_for(self, matcher, segment_docnum):
        return self.values.get(self.offset + segment_docnum, self._NONE)


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _plan(self):
        """(text query, filter query), or None when nothing can match."""
        compiler = self.query_compiler
        compiler.subqueries = self.backend.subqueries
        text = compiler.get_text_query()
        conditions = [compiler.get_content_type_query()]
        filter_query = compiler.get_filter_query()
        if filter_query is not None:
            conditions.append(filter_query)
        allow = q_and(conditions)
        if is_nothing(text) or is_nothing(allow):
            return None
        return text, allow

    def _read(self, action):
        """Run `action(reader)` on an open reader (storage.OpenReader) of the index."""
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model)
        return self.backend.store.search(index.name, action)

    def _do_search(self):
        if self.stop is not None and self.stop <= self.start:
            return []
        plan = self._plan()
        if plan is None:
            return []
        text, allow = plan
        sortedby = self.query_compiler.get_sortedby()

        def search(reader):
            if sortedby is None and reader.ranker.supports(text):
                # Words in text columns, by relevance: ranked with arrays.
                allowed = reader.allowed_mask(allow)
                stored = reader.searcher.stored_fields
                return [
                    (stored(docnum), score)
                    for docnum, score in reader.ranker.top(text, allowed, self.stop)[
                        self.start :
                    ]
                ]
            allowed = reader.allowed(allow)
            if not allowed:
                return []
            # Whoosh ranks only the first `stop` documents; the filter is a set
            # of document numbers, so it never has to return every match.
            hits = reader.searcher.search(
                text, filter=allowed, limit=self.stop, sortedby=sortedby
            )
            return [
                (hit.fields(), hit.score if sortedby is None else None)
                for hit in hits[self.start :]
            ]

        rows = self._read(search)
        if not rows:
            return []
        queryset = self.query_compiler.queryset.filter(
            pk__in=[stored[PK] for stored, _ in rows]
        )
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        objects = {str(obj.pk): obj for obj in queryset}
        results = []
        for stored, score in rows:
            # An object deleted since it was indexed is left out.
            obj = objects.get(stored[PK])
            if obj is None:
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            # What highlight_result() reads, from the same commit as the hit.
            obj._search_stored_fields = stored
            results.append(obj)
        return results

    def _do_count(self):
        plan = self._plan()
        if plan is None:
            return 0
        text, allow = plan

        def count(reader):
            if reader.ranker.supports(text):
                return int(
                    reader.ranker.matches(text, reader.allowed_mask(allow)).sum()
                )
            allowed = reader.allowed(allow)
            if not allowed:
                return 0
            return len(
                reader.searcher.search(text, filter=allowed, limit=None, scored=False)
            )

        total = self._read(count) - self.start
        if self.stop is not None:
            total = min(total, self.stop - self.start)
        return max(total, 0)

    def facet(self, field_name):
        """{value: number of matching documents}, most frequent first.

        Documents without a value count under None, as with Elasticsearch.
        """
        return self.facets([field_name])[field_name]

    def facets(self, field_names):
        """facet() for several fields, and the count, from one pass over the matches.

        {field name: {value: number of matching documents}}. Each facet on its own
        reads every match again; the search page asks for three and the count.
        """
        compiler = self.query_compiler
        columns = {}
        for field_name in field_names:
            field = compiler._get_filterable_field(field_name)
            if field is None:
                raise FilterFieldError(
                    f'Cannot facet search results with field "{field_name}". Please '
                    f'add index.FilterField("{field_name}") to '
                    f"{compiler.queryset.model.__name__}.search_fields.",
                    field_name=field_name,
                )
            codec, _multi = filter_codec(field, compiler.queryset.model)
            columns[field_name] = (compiler.mapping.column(field), codec)
        plan = self._plan()
        if plan is None:
            return {field_name: OrderedDict() for field_name in field_names}
        text, allow = plan

        def group(reader):
            if reader.ranker.supports(text):
                return self._facets_from_arrays(reader, text, allow, columns)
            allowed = reader.allowed(allow)
            if not allowed:
                return 0, {field_name: {} for field_name in columns}
            results = reader.searcher.search(
                text,
                filter=allowed,
                limit=None,
                scored=False,
                groupedby=sorting.Facets(
                    {
                        field_name: _KnownValuesFacet(reader.values_by_document(column))
                        for field_name, (column, _codec) in columns.items()
                    }
                ),
                maptype=sorting.Count,
            )
            return len(results), {
                field_name: dict(results.groups(field_name)) for field_name in columns
            }

        total, groups = self._read(group)
        if self._count_cache is None and self.start == 0 and self.stop is None:
            self._count_cache = total
        facets = {}
        for field_name, (_column, codec) in columns.items():
            counts = {
                (None if key is None else codec.decode(key)): count
                for key, count in groups[field_name].items()
            }
            facets[field_name] = OrderedDict(
                sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
            )
        return facets

    @staticmethod
    def _facets_from_arrays(reader, text, allow, columns):
        """What group() in facets() returns, counted with arrays (ranking.Ranker)."""
        matched = reader.ranker.matches(text, reader.allowed_mask(allow))
        total = int(matched.sum())
        groups = {}
        for field_name, (column, _codec) in columns.items():
            docnums, codes, values = reader.facet_arrays(column)
            hit = matched[docnums]
            counts = np.bincount(codes[hit], minlength=len(values))
            found = {values[i]: int(count) for i, count in enumerate(counts) if count}
            with_value = np.zeros(len(matched), dtype=bool)
            with_value[docnums[hit]] = True
            without = total - int(with_value.sum())
            if without:
                found[None] = without
            groups[field_name] = found
        return total, groups
