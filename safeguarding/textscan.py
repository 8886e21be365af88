"""Words and sentence starts of one text, computed once and shared by the detectors."""

import re

from .lexicon import base, cue_words, fold, not_names

_WORD = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?|[^\W_]")
# A gap holding one of these starts a new sentence (or a list item or heading line).
_SENTENCE_BREAK = re.compile(r"[.!?:;\n•*]|(?:^|\s)[-–—](?:\s|$)")
# "Mrs. Patel", "St. Mary's", "e.g. Amy": a full stop after these does not end a sentence.
_ABBREVIATION_WORDS = (
    "Mr Mrs Ms Dr St Prof Rev Revd Cllr Sgt eg ie g e vs etc approx no No"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
LOCATIVES = cue_words("locatives")
DETERMINERS = cue_words("determiners")


class Token:
    """One word of a text, with the facts every detector asks about it, computed once."""

    __slots__ = ("start", "end", "text", "base", "is_capitalised", "gap")

    def __init__(self, start: int, end: int, text: str, gap: str):
        self.start = start
        self.end = end
        self.text = text
        self.base = base(text)
        # Starts with a capital and has a lower-case letter: "Amy", "McKenzie", not "IRO".
        self.is_capitalised = text[0].isupper() and not text.isupper()
        self.gap = gap  # the text between the previous token and this one

    @property
    def folded(self) -> str:
        return fold(self.base)

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r})"


class Doc:
    """A text split into word tokens, with the gaps between them."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[Token] = []
        previous_end = 0
        for match in _WORD.finditer(text):
            start, end = match.span()
            self.tokens.append(
                Token(start, end, match.group(), text[previous_end:start])
            )
            previous_end = end

    def gap_before(self, i: int) -> str:
        return self.tokens[i].gap

    def is_sentence_start(self, i: int) -> bool:
        if i == 0:
            return True
        gap = self.tokens[i].gap
        if gap == " " or not _SENTENCE_BREAK.search(gap):
            return False
        previous = self.tokens[i - 1].text
        return not (gap.strip() == "." and previous in _ABBREVIATIONS)

    def joined_by_space(self, i: int) -> bool:
        """Token i follows token i - 1 with only spaces between (same phrase)."""
        return i > 0 and self.tokens[i].gap in (" ", "\u00a0")

    def previous_word(self, i: int) -> str:
        """The word before token i, lower case, or "" across a sentence break."""
        if i == 0:
            return ""
        gap = self.tokens[i].gap
        if gap != " " and _SENTENCE_BREAK.search(gap):
            return ""
        return self.tokens[i - 1].text.lower()


def is_not_name(token: Token) -> bool:
    return token.base in not_names() or token.text in not_names()
