"""Highlighted snippets of a result's stored text, safe to put in a template.

All text, matched or not, is HTML-escaped before it is wrapped in ``<mark>``:
stored text comes from content fields and must never reach a page as markup.
"""

from whoosh import highlight as whoosh_highlight

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from modelsearch.query import And, Boost, Fuzzy, Or, Phrase, PlainText

from .mapping import PK, STEMMING_ANALYZER, ModelMapping

SEPARATOR = " … "


class _MarkFormatter(whoosh_highlight.Formatter):
    between = SEPARATOR

    def _text(self, text):
        return escape(text)

    def format_token(self, text, token, replace=False):
        return (
            "<mark>"
            + escape(whoosh_highlight.get_text(text, token, replace))
            + "</mark>"
        )


def query_words(query):
    """The analysed words a query looks for (a Not() looks for none)."""
    if isinstance(query, str):
        text = query
    elif isinstance(query, (PlainText, Phrase, Fuzzy)):
        text = query.query_string
    elif isinstance(query, (And, Or)):
        return set().union(*(query_words(sub) for sub in query.subqueries))
    elif isinstance(query, Boost):
        return query_words(query.subquery)
    else:
        return set()
    return {token.text for token in STEMMING_ANALYZER(text, mode="query")}


def highlight(text, query, *, max_chars=200, surround=50, top=3):
    """Up to `top` snippets of `text` around the query's words, or "" if none occur."""
    words = query_words(query)
    if not text or not words:
        return SafeString("")
    snippets = whoosh_highlight.highlight(
        text,
        words,
        STEMMING_ANALYZER,
        whoosh_highlight.ContextFragmenter(maxchars=max_chars, surround=surround),
        _MarkFormatter(),
        top=top,
    )
    return mark_safe(snippets)  # noqa: S308 - every piece was escaped by _MarkFormatter


def highlight_result(backend, obj, query, fields=None, **options):
    """Snippets for a search result from the text stored in its index document.

    `fields` names the SearchFields to try, in order (default: all of the model's);
    the first one with a match gives the snippets.
    """
    model = type(obj)
    mapping = ModelMapping(model)
    searchable = {
        field.field_name: field for field in model.get_searchable_search_fields()
    }
    names = fields or list(searchable)
    columns = [mapping.column(searchable[name]) for name in names if name in searchable]
    index = backend.get_index_for_model(model)

    def stored_fields(whoosh_index):
        with whoosh_index.searcher() as searcher:
            return searcher.document(**{PK: str(obj.pk)}) or {}

    stored = backend.store.read(index.name, stored_fields)
    for column in columns:
        snippets = highlight(stored.get(column, ""), query, **options)
        if snippets:
            return snippets
    return SafeString("")
