"""Escaped text snippets with the searched words marked, for any search backend."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_LENGTH = 240
WORD = re.compile(r"\w+", re.UNICODE)


def query_words(query: str) -> list[str]:
    """The words worth marking: letters and digits only, longest first."""
    words = {word.lower() for word in WORD.findall(query or "") if len(word) > 1}
    words -= {"and", "or", "not"}
    return sorted(words, key=len, reverse=True)


def highlight(text: str, query: str, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """A snippet of `text` around the first match, escaped, with matches in <mark>."""
    text = " ".join((text or "").split())
    words = query_words(query)
    if not words:
        return escape(text[:length])
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(word) for word in words) + r")", re.I
    )
    first = pattern.search(text)
    start = max(0, first.start() - length // 3) if first else 0
    if start:
        start = text.rfind(" ", 0, start) + 1
    snippet = text[start : start + length]
    if start + length < len(text) and " " in snippet:
        snippet = snippet.rsplit(" ", 1)[0]
    pieces = []
    position = 0
    for match in pattern.finditer(snippet):
        pieces.append(escape(snippet[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(snippet[position:]))
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped
