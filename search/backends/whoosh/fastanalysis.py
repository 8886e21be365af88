"""Whoosh's text analysis for our TEXT fields, in one pass per text.

Whoosh analyses a text through a chain of generators, one per filter, passing a
single Token object along for every word; the field's format then builds its
postings from the stream, and a spelling field runs the whole chain again. On a
bulk build that is most of the indexing time, for analyzers whose every step but
one is a pure function of the word alone: the tokenizer's regular expression,
lowercasing, the accent map, the stop list and the stemmer.

So each distinct word is worked out once (its term, and its unstemmed spelling
word) and remembered, and a text becomes one regular expression pass and a look-up
per word. Only the stop filter's renumbering of positions depends on the sequence,
and it is reproduced here. The plan is read off the field's own analyzer (the one
in the index's schema), and only for chains made entirely of the Whoosh classes
below, with the settings they have; anything else returns None, and the writer
then asks Whoosh as before. The results are exactly Whoosh's: the same terms,
weights, encoded values, field lengths and spelling words
(tests/search/test_fast_analysis.py compares them).
"""

import re
from collections import defaultdict
from operator import sub
from pickle import dumps

from whoosh import fields, formats
from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.system import pack_uint

# The default tokenizer pattern without its capturing group, so that findall()
# returns whole matches (the matches are the same).
_DEFAULT_WORDS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", default_pattern.flags)

# Words remembered per field before the memo starts again: far more than a real
# vocabulary, so that a pathological corpus cannot grow it without bound.
MEMO_LIMIT = 200_000

# Texts whose analysis is kept for another field of the same document.
RECENT_LIMIT = 8

_STOPPED = None


def _word_steps(items, no_morph):
    """The filters of `items` as functions of a word (None when it is stopped).

    Returns (steps, stop filter or None), or None when a filter is not one whose
    effect on a word is known exactly.
    """
    steps = []
    stop = None
    for item in items:
        kind = type(item)
        if no_morph and getattr(item, "is_morph", False):
            continue  # as CompositeAnalyzer(no_morph=True) skips them
        if kind is LowercaseFilter:
            steps.append(str.lower)
        elif kind is CharsetFilter:
            charmap = item.charmap
            steps.append(lambda text, charmap=charmap: text.translate(charmap))
        elif kind is StopFilter:
            if stop is not None:
                return None  # two renumberings: not worth reproducing
            stop = item
            stops, low, high = item.stops, item.min, item.max

            def stopped(text, stops=stops, low=low, high=high):
                if (
                    len(text) >= low
                    and (high is None or len(text) <= high)
                    and text not in stops
                ):
                    return text
                return _STOPPED

            steps.append(stopped)
        elif kind is StemFilter:
            stem, ignore = item._stem, item.ignore

            def stemmed(text, stem=stem, ignore=ignore):
                return text if text in ignore else stem(text)

            steps.append(stemmed)
        else:
            return None
    return steps, stop


def _apply(steps, word):
    for step in steps:
        word = step(word)
        if word is _STOPPED:
            return _STOPPED
    return word


class _Words:
    """Splits text into words as the analyzer's RegexTokenizer does."""

    def __init__(self, tokenizer):
        expression = tokenizer.expression
        if expression.pattern == default_pattern.pattern and (
            expression.flags == default_pattern.flags
        ):
            self.split = _DEFAULT_WORDS.findall
        elif expression.groups == 0:
            self.split = expression.findall
        else:
            finditer = expression.finditer
            self.split = lambda text: [match.group(0) for match in finditer(text)]


class TextAnalysis:
    """Whoosh's analysis of text by one analyzer, for a Positions or Frequency format.

    `analyse(text, spelling)` returns (items, length, words): the items Whoosh's
    ``field.index(text)`` yields, as (term bytes, frequency, weight, value bytes),
    in the same order; the field length the writer records (the number of
    tokens); and with `spelling`, the words ``field.spellable_words(text)``
    gives, sorted, as bytes (else None).

    Fields with the same analyzer and format share one (see `for_field()`): the
    words it has learnt serve them all, and a text given again straight after,
    as our catch-all column repeats a model's own text column, is not analysed
    again (the same items come back, so the writer can tell).
    """

    # A term found once in a text has the same encoded value as every other at
    # the same position, and one bytes object serves them all. Pickle then writes
    # a block's repeats of it as references to the first: blocks come out a few
    # per cent smaller than Whoosh's, and read back the same. (Off, the segment
    # files are Whoosh's byte for byte; the tests use that.)
    share_values = True

    def __init__(self, format_, words, steps, stop, spell_steps, grams):
        self.positions = type(format_) is formats.Positions
        self.field_boost = format_.field_boost
        self.split = words.split
        self.steps = steps
        # Whoosh renumbers positions in its stop filter only when it has one.
        self.renumber = stop is not None and stop.renumber
        self.spell_steps = spell_steps
        self.grams = grams
        self.stem_last = False  # see _plan()
        self.memo = {}
        self._single = {}  # encoded value of a one-position term, by position
        self._recent = {}  # text -> (items, length, word entries), for a document

    @classmethod
    def for_field(cls, field, shared=None):
        """The fast analysis of `field`, or None if it must be left to Whoosh.

        `shared` is a dict in which analyses are kept for other fields to share.
        """
        if type(field) is not fields.TEXT or field.vector:
            return None
        format_ = field.format
        if type(format_) not in (formats.Positions, formats.Frequency):
            return None
        key = (id(field.analyzer), type(format_), format_.field_boost)
        if shared is not None and key in shared:
            found = shared[key]
        else:
            found = cls._plan(field.analyzer, format_)
            if shared is not None:
                shared[key] = found
        if found is None or (field.separate_spelling() and found.spell_steps is None):
            return None
        return found

    @classmethod
    def _plan(cls, analyzer, format_):
        if type(analyzer) is not CompositeAnalyzer:
            return None
        items = list(analyzer.items)
        if not items or type(items[0]) is not RegexTokenizer or items[0].gaps:
            return None
        grams = None
        if type(items[-1]) is NgramFilter:
            # Only edge n-grams of the word's start, with word counts alone.
            grams = items.pop()
            if grams.at != -1 or type(format_) is not formats.Frequency:
                return None
        planned = _word_steps(items[1:], no_morph=False)
        if planned is None:
            return None
        steps, stop = planned
        if grams is not None and stop is not None:
            return None
        spell_steps = None
        if grams is None:
            # Whoosh's spellable_words(): the analyzer without its stemmer.
            spelling = _word_steps(items[1:], no_morph=True)
            if spelling is not None:
                spell_steps = spelling[0]
        plan = cls(format_, _Words(items[0]), steps, stop, spell_steps, grams)
        # With the stemmer last (as ours), a word's term is its spelling word
        # stemmed, and the steps before it run once for both.
        morph = [getattr(item, "is_morph", False) for item in items[1:]]
        plan.stem_last = (
            spell_steps is not None and morph[-1:] == [True] and not any(morph[:-1])
        )
        return plan

    def _learn(self, word):
        """(term bytes or None, spelling word or None) for a word of the text."""
        if self.stem_last:
            spell = _apply(self.spell_steps, word)
            term = spell if spell is _STOPPED else self.steps[-1](spell)
            return (term if term is _STOPPED else term.encode("utf-8")), spell
        term = _apply(self.steps, word)
        if self.grams is not None:
            # NgramFilter(at="start"): the word's first min..max characters.
            low, high = self.grams.min, self.grams.max
            if term is _STOPPED or len(term) < low:
                term = ()
            else:
                sizes = range(low, min(high, len(term)) + 1)
                term = tuple(term[:size].encode("utf-8") for size in sizes)
        elif term is not _STOPPED:
            term = term.encode("utf-8")
        spell = None
        if self.spell_steps is not None:
            spell = _apply(self.spell_steps, word)
        return term, spell

    def _lookup(self, words):
        memo = self.memo
        unknown = set(words).difference(memo)
        if unknown:
            if len(memo) + len(unknown) > MEMO_LIMIT:
                memo.clear()
                unknown = set(words)
            learn = self._learn
            for word in unknown:
                memo[word] = learn(word)
        return list(map(memo.__getitem__, words))

    def analyse(self, text, spelling=False):
        recent = self._recent
        result = recent.get(text)
        if result is None:
            words = self.split(text)
            entries = self._lookup(words)
            terms = [entry[0] for entry in entries]
            if self.grams is not None:
                items, length = self._grams(terms)
            elif self.positions:
                items, length = self._positions(terms)
            else:
                items, length = self._frequencies(terms)
            result = (items, length, entries)
            if len(recent) >= RECENT_LIMIT:
                recent.clear()
            recent[text] = result
        items, length, entries = result
        words = None
        if spelling:
            words = sorted({entry[1] for entry in entries if entry[1] is not _STOPPED})
            words = [word.encode("utf-8") for word in words]
        return items, length, words

    def _positions(self, terms):
        # Positions.word_values(): positions by term, in order of first use.
        start = 0
        if _STOPPED in terms:
            if self.renumber:
                # StopFilter numbers the kept words on from the first one's
                # position: the stopped words before it still count.
                for start, term in enumerate(terms):  # noqa: B007
                    if term is not _STOPPED:
                        break
            terms_at = [
                (pos, term) for pos, term in enumerate(terms) if term is not _STOPPED
            ]
            if self.renumber:
                terms_at = [(start + n, term) for n, (_, term) in enumerate(terms_at)]
        else:
            terms_at = enumerate(terms)
        poses = {}
        for pos, term in terms_at:
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        single = self._single
        items = []
        length = 0
        for term, poslist in poses.items():
            freq = len(poslist)
            length += freq
            if freq == 1:
                pos = poslist[0]
                value = single.get(pos)
                if value is None:
                    value = pack_uint(1) + dumps([pos], 2)
                    if self.share_values:
                        single[pos] = value
            else:
                # Positions.encode(): the count, then the pickled deltas.
                deltas = [poslist[0]]
                deltas.extend(map(sub, poslist[1:], poslist))
                value = pack_uint(freq) + dumps(deltas, 2)
            items.append((term, freq, float(freq) * boost, value))
        return items, length

    def _frequencies(self, terms):
        # Frequency.word_values().
        freqs = defaultdict(int)
        for term in terms:
            if term is not _STOPPED:
                freqs[term] += 1
        return self._counted(freqs)

    def _grams(self, terms):
        # Each word's n-grams were worked out with it (see _learn()).
        freqs = defaultdict(int)
        for grams in terms:
            for gram in grams:
                freqs[gram] += 1
        return self._counted(freqs)

    def _counted(self, freqs):
        boost = self.field_boost
        items = [
            (term, freq, float(freq) * boost, pack_uint(freq))
            for term, freq in freqs.items()
        ]
        return items, sum(freqs.values())
