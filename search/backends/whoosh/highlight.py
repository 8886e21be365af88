"""Highlighted snippets of a result's stored text, safe to put in a template.

All text, matched or not, is HTML-escaped before it is wrapped in ``<mark>``:
stored text comes from content fields and must never reach a page as markup.

Snippets are Whoosh's (``whoosh.highlight.highlight()`` with a ContextFragmenter),
but the text is tokenized by `_QuickTokens`, which gives exactly the tokens the
index's stemming analyzer gives, about twice as fast: one pass, and each distinct
word lowercased, folded and stemmed once.
"""

from whoosh import highlight as whoosh_highlight
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from modelsearch.query import And, Boost, Fuzzy, Or, Phrase, PlainText

from .mapping import PK, STEMMING_ANALYZER, ModelMapping

SEPARATOR = " … "
WORD_CACHE_SIZE = 50_000


class _QuickTokens:
    """A drop-in for `analyzer(text, chars=True, removestops=False)` in highlighting.

    Built from the analyzer's own parts (tokenizer pattern, character map, stop
    words, stemmer), so the two cannot drift apart; the tokens are identical,
    stop words included and marked as stopped, as Whoosh's highlighter expects.
    """

    def __init__(self, analyzer):
        parts = [type(item) for item in analyzer.items]
        expected = [RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter]
        if parts != [*expected, StemFilter] or analyzer.items[0].gaps:
            raise TypeError(f"Cannot tokenize quickly for {analyzer!r}")
        tokenizer, _lowercase, charset, stop, stem = analyzer.items
        self.finditer = tokenizer.expression.finditer
        self.charmap = charset.charmap
        self.stops, self.min, self.max = stop.stops, stop.min, stop.max
        self.stem, self.ignore = stem._stem, stem.ignore
        self.words = {}

    def word(self, text):
        """(token text, stopped) for one word as the tokenizer found it."""
        folded = text.lower().translate(self.charmap)
        if (
            len(folded) >= self.min
            and (self.max is None or len(folded) <= self.max)
            and folded not in self.stops
        ):
            if folded not in self.ignore:
                folded = self.stem(folded)
            result = (folded, False)
        else:
            result = (folded, True)
        if len(self.words) >= WORD_CACHE_SIZE:
            self.words.clear()
        self.words[text] = result
        return result

    def __call__(self, value, mode="query", **kwargs):
        token = Token(chars=True, removestops=False, mode=mode)
        words = self.words
        for match in self.finditer(value):
            text = match.group(0)
            token.text, token.stopped = words.get(text) or self.word(text)
            token.boost = 1.0
            token.startchar = match.start()
            token.endchar = match.end()
            yield token


_TOKENS = _QuickTokens(STEMMING_ANALYZER)


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
        _TOKENS,
        whoosh_highlight.ContextFragmenter(maxchars=max_chars, surround=surround),
        _MarkFormatter(),
        top=top,
    )
    return mark_safe(snippets)  # noqa: S308 - every piece was escaped by _MarkFormatter


def highlight_result(backend, obj, query, fields=None, **options):
    """Snippets for a search result from the text stored in its index document.

    `fields` names the SearchFields to try, in order (default: all of the model's);
    the first one with a match gives the snippets. A result of this backend's
    search carries its stored text, read with the hit; any other object's is
    looked up in the index.
    """
    model = type(obj)
    mapping = ModelMapping(model)
    searchable = {
        field.field_name: field for field in model.get_searchable_search_fields()
    }
    names = fields or list(searchable)
    columns = [mapping.column(searchable[name]) for name in names if name in searchable]
    index = backend.get_index_for_model(model)

    def stored_fields(reader):
        docnum = reader.searcher.document_number(**{PK: str(obj.pk)})
        return {} if docnum is None else reader.searcher.stored_fields(docnum)

    stored = getattr(obj, "_search_stored_fields", None)
    if stored is None:
        stored = backend.store.search(index.name, stored_fields)
    for column in columns:
        snippets = highlight(stored.get(column, ""), query, **options)
        if snippets:
            return snippets
    return SafeString("")
