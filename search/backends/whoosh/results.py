"""Running a compiled search: the page of results, the count and facets."""

from collections import OrderedDict

from whoosh import sorting

from modelsearch.backends.base import BaseSearchResults, FilterFieldError

from .mapping import PK, filter_codec
from .queries import is_nothing, q_and


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _plan(self):
        """(text query, filter query), or None when nothing can match."""
        compiler = self.query_compiler
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
            allowed = reader.allowed(allow)
            if not allowed:
                return []
            # Whoosh ranks only the first `stop` documents; the filter is a set
            # of document numbers, so it never has to return every match.
            hits = reader.searcher.search(
                text, filter=allowed, limit=self.stop, sortedby=sortedby
            )
            return [
                (hit[PK], hit.score if sortedby is None else None)
                for hit in hits[self.start :]
            ]

        rows = self._read(search)
        if not rows:
            return []
        queryset = self.query_compiler.queryset.filter(pk__in=[pk for pk, _ in rows])
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        objects = {str(obj.pk): obj for obj in queryset}
        results = []
        for pk, score in rows:
            # An object deleted since it was indexed is left out.
            obj = objects.get(pk)
            if obj is None:
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results

    def _do_count(self):
        plan = self._plan()
        if plan is None:
            return 0
        text, allow = plan

        def count(reader):
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
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        plan = self._plan()
        if plan is None:
            return OrderedDict()
        text, allow = plan
        column = compiler.mapping.column(field)
        codec, _multi = filter_codec(field, compiler.queryset.model)

        def group(reader):
            facet = sorting.FieldFacet(
                column, allow_overlap=True, maptype=sorting.Count
            )
            allowed = reader.allowed(allow)
            if not allowed:
                return {}
            results = reader.searcher.search(
                text,
                filter=allowed,
                limit=None,
                scored=False,
                groupedby={"f": facet},
            )
            return dict(results.groups("f"))

        counts = {
            (None if key is None else codec.decode(key)): count
            for key, count in self._read(group).items()
        }
        return OrderedDict(
            sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        )
