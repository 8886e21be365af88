"""Named places: towns and local authorities, schools, streets, estates, postcode districts.

Every place also counts as a quasi-identifier: a town on its own is rarely enough to
identify a family, but it is one piece of the jigsaw.
"""

import re
from collections.abc import Iterator
from functools import cache

from ..findings import WARN, Finding, make_finding
from ..lexicon import (
    cue_words,
    first_names,
    place_index,
    school_generic_words,
    school_types,
    street_generic_words,
    street_types,
)
from ..textscan import LOCATIVES, Doc, Token, is_not_name
from .numbers import OUTWARD_ONLY, is_postcode_district

AUTHORITY_SUFFIX = re.compile(
    r"(?:\s+(?:City|County|Borough|Metropolitan Borough|District))?\s+"
    r"(?:Council|Children's Services|Children’s Services|Children's Social Care|"
    r"Children’s Social Care|Safeguarding Children Partnership|local authority|LA)\b"
)
PLACE_SUGGESTIONS = {
    "la": "a local authority",
    "city": "a city in the region",
    "town": "a town in the region",
}
# Lower-case words inside a name: "St Mary of the Angels", "Barrow upon Soar". Not "and",
# which more often joins two names than sits inside one.
CONNECTORS = frozenset({"of", "the", "upon", "le", "la", "de", "under"})
STREET_CUES = cue_words("street_cues")
COURT_WORDS = frozenset(
    {"Crown", "Family", "County", "Youth", "Magistrates", "Magistrates'", "High"}
)
_HOUSE_NUMBER = re.compile(r"\d{1,4}[A-Za-z]?")
_MAX_NAME_WORDS = 6


def _place(doc: Doc, start: int, end: int, label: str, suggestion: str) -> Finding:
    return make_finding(
        doc.text,
        start,
        end,
        kind="place",
        label=label,
        severity=WARN,
        suggestion=suggestion,
        quasi=True,
    )


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _gazetteer(doc: Doc) -> Iterator[Finding]:
    tokens, index = doc.tokens, place_index()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        candidates = (
            index.get(token.text) or index.get(token.base)
            if token.text[0].isupper()
            else None
        )
        found = None
        for length, name, place in candidates or ():
            last = i + length - 1
            if last < len(tokens):
                phrase = doc.text[token.start : tokens[last].start] + tokens[last].base
                if _normalised(phrase) == name:
                    found = last, place
                    break
        if found is None:
            i += 1
            continue
        last, place = found
        end = tokens[last].end
        suffix = AUTHORITY_SUFFIX.match(doc.text, end)
        if place.needs_cue and not (suffix or doc.previous_word(i) in LOCATIVES):
            i = last + 1
            continue
        if suffix:
            end = suffix.end()
            suggestion = PLACE_SUGGESTIONS["la"]
        else:
            suggestion = PLACE_SUGGESTIONS[place.type]
        label = "local authority" if suffix or place.type == "la" else place.type
        yield _place(doc, token.start, end, label, suggestion)
        i = last + 1


def _type_at(doc: Doc, i: int, types: dict) -> tuple[int, str] | None:
    """The longest school type phrase starting at token i: (last token index, suggestion)."""
    tokens = doc.tokens
    for length in (3, 2, 1):
        last = i + length - 1
        if last >= len(tokens) or any(
            not doc.joined_by_space(k) for k in range(i + 1, last + 1)
        ):
            continue
        words = tuple(t.text for t in tokens[i : last + 1])
        if words == ("High",):
            # "Fairfield High", but not "the High Court" or "High Street"
            following = (
                tokens[last + 1]
                if last + 1 < len(tokens) and doc.joined_by_space(last + 1)
                else None
            )
            if following is None or not following.text[0].isupper():
                return last, "a secondary school"
            continue
        if words in types:
            return last, types[words]
        if all(w.islower() for w in words):
            capitalised = tuple(w[0].upper() + w[1:] for w in words)
            if capitalised in types and capitalised[-1] != "Primary":
                return last, types[capitalised]
    return None


def _name_before(doc: Doc, i: int) -> int:
    """Index of the first token of the capitalised name that ends just before token i."""
    tokens = doc.tokens
    k = i
    while k > 0 and i - k < _MAX_NAME_WORDS:
        dotted_saint = doc.gap_before(k) == ". " and tokens[k - 1].text == "St"
        if not (doc.joined_by_space(k) or dotted_saint):
            break
        previous = tokens[k - 1]
        if previous.text[0].isupper():
            k -= 1
        elif (
            previous.text in CONNECTORS
            and k < i
            and k > 1
            and tokens[k - 2].text[0].isupper()
        ):
            k -= 1  # only between two capitalised words
        else:
            break
    return k


def _distinctive(token: Token, generic: frozenset[str]) -> bool:
    if token.text in ("St", "Saint") or not token.text[0].isupper():
        return False
    if token.text.isupper() and len(token.text) <= 3:
        return False  # CE, RC, VA
    return (
        token.base not in generic
        and token.text not in generic
        and not is_not_name(token)
    )


def _trim(doc: Doc, k: int, i: int, generic: frozenset[str]) -> int:
    """Skip leading words that cannot start a name: "The", "Then", "of", "Mum"."""
    tokens = doc.tokens
    while k < i:
        token = tokens[k]
        if token.text in ("St", "Saint"):
            break
        if token.text in CONNECTORS or token.base in generic or is_not_name(token):
            k += 1
            continue
        break
    return k


def _possessive_person(doc: Doc, i: int) -> bool:
    """ "Amy's school", "Mum's school": a person's school, not a school's name."""
    if i == 0:
        return False
    previous = doc.tokens[i - 1]
    if previous.text == previous.base:
        return False
    saint = i > 1 and doc.tokens[i - 2].text in ("St", "Saint")
    return not saint and (previous.base in first_names() or is_not_name(previous))


@cache
def _school_type_starts() -> frozenset[str]:
    """First words of school types, as written and in lower case: a cheap filter."""
    firsts = {words[0] for words in school_types()}
    return frozenset(firsts | {word.lower() for word in firsts})


def _schools(doc: Doc) -> Iterator[Finding]:
    tokens, types, generic = doc.tokens, school_types(), school_generic_words()
    starts = _school_type_starts()
    i = 0
    while i < len(tokens):
        if tokens[i].text not in starts:
            i += 1
            continue
        found = _type_at(doc, i, types)
        if found is None or _possessive_person(doc, i):
            i += 1
            continue
        last, suggestion = found
        k = _trim(doc, _name_before(doc, i), i, generic)
        if any(_distinctive(t, generic) for t in tokens[k:i]):
            centre = suggestion in ("a children's centre", "a family hub")
            label = "named centre" if centre else "school"
            yield make_finding(
                doc.text,
                tokens[k].start,
                tokens[last].end,
                kind="school",
                label=label,
                severity=WARN,
                suggestion=suggestion,
                quasi=True,
            )
        i = last + 1


def _streets(doc: Doc) -> Iterator[Finding]:
    tokens, types, generic = doc.tokens, street_types(), street_generic_words()
    for i, token in enumerate(tokens):
        strength = types.get(token.text)
        if strength is None or i == 0:
            continue
        if (
            token.text == "St"
            and i + 1 < len(tokens)
            and doc.joined_by_space(i + 1)
            and tokens[i + 1].is_capitalised
        ):
            continue  # "St Mary's": Saint, not Street
        k = _name_before(doc, i)
        if k == i:
            continue
        names = tokens[k:i]
        number = (
            k > 0
            and doc.joined_by_space(k)
            and _HOUSE_NUMBER.fullmatch(tokens[k - 1].text)
        )
        start_index = k - 1 if number else _trim(doc, k, i, generic)
        if start_index == i:
            continue
        court = token.text == "Court" and any(t.text in COURT_WORDS for t in names)
        if not number and not any(_distinctive(t, generic) for t in names):
            continue
        weak = strength == "weak" or court
        if weak and not number and doc.previous_word(k) not in STREET_CUES:
            continue
        if court:
            yield _place(
                doc, tokens[start_index].start, token.end, "named court", "the court"
            )
            continue
        yield make_finding(
            doc.text,
            tokens[start_index].start,
            token.end,
            kind="street",
            label="street",
            severity=WARN,
            suggestion="a local street",
            quasi=True,
        )


@cache
def _estate_generic_words() -> frozenset[str]:
    return street_generic_words() | {
        "Housing",
        "Council",
        "Social",
        "Big",
        "Large",
        "Estate",
    }


def _estates(doc: Doc) -> Iterator[Finding]:
    tokens, generic = doc.tokens, _estate_generic_words()
    for i, token in enumerate(tokens):
        if token.text.lower() != "estate" or i == 0:
            continue
        k = _trim(doc, _name_before(doc, i), i, generic)
        if k < i and any(_distinctive(t, generic) for t in tokens[k:i]):
            yield _place(
                doc, tokens[k].start, token.end, "housing estate", "a local estate"
            )


def _postcode_districts(doc: Doc) -> Iterator[Finding]:
    for match in OUTWARD_ONLY.finditer(doc.text):
        if not is_postcode_district(match.group("area"), match.group("district")):
            continue
        yield _place(
            doc,
            match.start("outward"),
            match.end("outward"),
            "postcode district",
            "the local area",
        )


def find(doc: Doc) -> Iterator[Finding]:
    yield from _gazetteer(doc)
    yield from _schools(doc)
    yield from _streets(doc)
    yield from _estates(doc)
    yield from _postcode_districts(doc)
